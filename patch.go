package synqly

import "github.com/seed-e6251c81/synqly/patch"

// PatchOperation is one RFC 6902 JSON Patch operation. Op is one of add,
// copy, move, remove, replace, test; Path and From are JSON Pointers into the
// object's JSON form (e.g. "/fullname", "/labels/0"). The operations of one
// Patch call apply all or nothing: if any fails (a test that does not hold, a
// path that does not exist), nothing changes.
type PatchOperation = patch.Operation

// MaxPatchOperations is the largest number of operations one Patch accepts.
const MaxPatchOperations = patch.MaxOperations

// applyPatch applies ops to view's JSON form and decodes the result into out;
// see patch.Apply.
func applyPatch(view any, ops []PatchOperation, readOnly []string, out any) ([]string, error) {
	return patch.Apply(view, ops, readOnly, out)
}

// jsonReason describes a decode error without echoing input values.
func jsonReason(err error) string { return patch.DecodeReason(err) }
