// Package patch applies RFC 6902 JSON Patch documents to the library's
// objects, all or nothing, with the typed errors of package errs. Every PATCH
// of the library — management objects and connector objects alike — goes
// through Apply.
package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/seed-e6251c81/synqly/errs"
)

// Operation is one RFC 6902 JSON Patch operation. Op is one of add, copy,
// move, remove, replace, test; Path and From are JSON Pointers into the
// object's JSON form (e.g. "/fullname", "/labels/0"). The operations of one
// patch apply all or nothing: if any fails (a test that does not hold, a path
// that does not exist), nothing changes.
type Operation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from,omitempty"`
	Value any    `json:"value,omitempty"`
}

// MaxOperations is the largest number of operations one patch accepts.
const MaxOperations = 256

// Apply applies ops to the JSON form of view and decodes the result into out
// (unknown fields refused). Operations that write to a path whose first
// segment is in readOnly are refused before anything is applied. It returns
// the paths the patch writes, also on failure, for audit trails. A test
// operation that does not hold is an errs.Conflict error; anything else
// wrong is errs.InvalidInput. Errors never quote patch values.
func Apply(view any, ops []Operation, readOnly []string, out any) ([]string, error) {
	if len(ops) == 0 {
		return nil, errs.Invalid("patch", "the patch has no operations")
	}
	if len(ops) > MaxOperations {
		return nil, errs.Invalid("patch", "the patch has %d operations; the limit is %d", len(ops), MaxOperations)
	}
	var paths []string
	for i, op := range ops {
		field := "patch[" + strconv.Itoa(i) + "]"
		switch op.Op {
		case "add", "remove", "replace", "test":
		case "copy", "move":
			if err := checkPointer(field+".from", op.From, readOnly, op.Op == "move"); err != nil {
				return nil, err
			}
		default:
			return nil, errs.Invalid(field+".op", "unknown patch op %q; use add, copy, move, remove, replace or test", clip(op.Op))
		}
		if err := checkPointer(field+".path", op.Path, readOnly, op.Op != "test"); err != nil {
			return nil, err
		}
		if op.Op != "test" {
			paths = append(paths, op.Path)
		}
	}
	raw, err := json.Marshal(ops)
	if err != nil {
		return paths, errs.Invalid("patch", "a patch value cannot be encoded as JSON")
	}
	p, err := jsonpatch.DecodePatch(raw)
	if err != nil {
		return paths, errs.New(errs.InvalidInput, "malformed patch")
	}
	doc, err := json.Marshal(view)
	if err != nil {
		return paths, errs.Wrap(errs.Internal, err, "encoding the object to patch")
	}
	patched, err := p.Apply(doc)
	if err != nil {
		if errors.Is(err, jsonpatch.ErrTestFailed) {
			return paths, errs.New(errs.Conflict, "a patch test operation did not hold; nothing was changed")
		}
		return paths, errs.New(errs.InvalidInput, "the patch cannot be applied: %s; nothing was changed", reason(err))
	}
	dec := json.NewDecoder(bytes.NewReader(patched))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return paths, errs.New(errs.InvalidInput, "the patched object is invalid: %s", DecodeReason(err))
	}
	return paths, nil
}

// checkPointer validates a JSON Pointer and refuses read-only fields.
func checkPointer(field, ptr string, readOnly []string, writes bool) error {
	if ptr == "" || ptr[0] != '/' {
		return errs.Invalid(field, "%s must be a JSON Pointer to a field, such as /fullname", field)
	}
	if !writes {
		return nil
	}
	first, _, _ := strings.Cut(ptr[1:], "/")
	first = strings.ReplaceAll(strings.ReplaceAll(first, "~1", "/"), "~0", "~")
	for _, ro := range readOnly {
		if first == ro {
			return errs.Invalid(field, "%s is read-only and cannot be patched", ro)
		}
	}
	return nil
}

// reason returns the json-patch library's reason without any values.
func reason(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "missing"), strings.Contains(msg, "not found"), strings.Contains(msg, "Unable to"):
		return "a path does not exist"
	case strings.Contains(msg, "index"):
		return "an array index is out of range"
	}
	return "an operation is not valid for the object"
}

// DecodeReason describes a JSON decode error without echoing input values.
func DecodeReason(err error) string {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return "field " + ute.Field + " has the wrong type (want " + ute.Type.String() + ")"
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Message
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return "malformed JSON"
}

func clip(s string) string {
	if len(s) <= 32 {
		return s
	}
	return s[:32] + "…"
}
