// Package patch applies RFC 6902 JSON Patch documents to the library's
// objects, all or nothing, with the typed errors of package errs. Every PATCH
// of the library — management objects and connector objects alike — goes
// through Apply.
//
// Paths are checked against the Go type the patched object decodes into,
// not only against its JSON: encoding/json matches object keys to struct
// fields ignoring case, so without the check /FULLNAME would change
// fullname, and /ID would slip past the read-only check and be silently
// dropped. See Apply for the rules.
package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"

	"github.com/seed-e6251c81/synqly/internal/jsonfields"
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
// (a non-nil pointer; unknown fields refused). It returns the paths the
// patch writes, also on failure, for audit trails. Errors never quote patch
// values.
//
// Before anything is applied, every operation is checked, and refused with
// an errs.InvalidInput error whose Field names it ("patch[2].op",
// "patch[2].path", "patch[2].from", "patch[2].value"...) if:
//
//   - its op is unknown, or its path or from is not a JSON Pointer below the
//     root (RFC 6901: "/" then tokens, "~" only in "~0" and "~1");
//   - it writes (add, copy, move, remove, replace, the from of a move) to a
//     path whose first token is in readOnly;
//   - its value, path or from holds a string or key that is not valid UTF-8
//     (encoding/json would turn the bytes into U+FFFD, and another value
//     than the caller's would be stored or sent), or its value nests deeper
//     than textcheck.MaxDepth.
//
// Then each operation is checked against the document as the operations
// before it leave it. Each path (and from) must name what out's type holds,
// exactly:
//
//   - an object member of a struct must be the exact JSON name of one of its
//     fields (case-sensitive; fields of embedded structs included, as
//     encoding/json promotes them); a map accepts any key, and below a
//     json.RawMessage, an interface (any) or a type with its own
//     UnmarshalJSON any token is accepted;
//   - an array element, wherever the document holds an array (below a map
//     or an any too), must be 0 or a decimal number without leading zeros
//     or sign, within the array ("-", the end of the array, only as the last
//     token of the path of an add, copy or move); whether a token indexes an
//     array or names a member is decided by the document, so "01" is a fine
//     key of a map and a refused index of an array;
//   - what add, replace, copy and move write must fit the type the same way
//     (every member of a written object an exact field name), and every
//     string written where out's type holds a time.Time must be an RFC 3339
//     time written exactly as YYYY-MM-DDTHH:MM:SS, an optional '.' and 1 to
//     9 digits, then Z or ±HH:MM (hours to 23), with T and Z uppercase, in
//     the years 0000 to 9999 (time.Time's own decoding accepts more: a ','
//     separator, more digits, +24:00);
//   - remove, replace and from need an existing target, add, copy and move
//     an existing parent; test needs an existing target, or an absent
//     member (which it tests as null).
//
// An unknown or wrongly-cased path is refused naming "patch[i].path" (or
// "patch[i].from"); a written value that does not fit names
// "patch[i].value" and the JSON path below it ("patch[i].value.until").
// A test operation that does not hold is an errs.Conflict error naming it.
// Anything else wrong is errs.InvalidInput. Only when every operation
// passes does json-patch apply the patch, with negative array indexes (its
// extension) turned off.
func Apply(view any, ops []Operation, readOnly []string, out any) ([]string, error) {
	if len(ops) == 0 {
		return nil, errs.Invalid("patch", "the patch has no operations")
	}
	if len(ops) > MaxOperations {
		return nil, errs.Invalid("patch", "the patch has %d operations; the limit is %d", len(ops), MaxOperations)
	}
	rt := reflect.TypeOf(out)
	if rt == nil || rt.Kind() != reflect.Pointer || reflect.ValueOf(out).IsNil() {
		return nil, errs.New(errs.Internal, "patch.Apply needs a non-nil pointer to decode into, not %T", out)
	}
	outType := rt.Elem()

	checked := make([]op, len(ops))
	var paths []string
	for i, o := range ops {
		c, err := checkOp(i, o, readOnly)
		if err != nil {
			return nil, err
		}
		checked[i] = c
		if o.Op != "test" {
			paths = append(paths, o.Path)
		}
	}
	raw, err := json.Marshal(ops)
	if err != nil {
		return paths, errs.Invalid("patch", "a patch value cannot be encoded as JSON")
	}
	p, err := jsonpatch.DecodePatch(raw)
	if err != nil || len(p) != len(ops) {
		return paths, errs.Invalid("patch", "malformed patch")
	}
	doc, err := json.Marshal(view)
	if err != nil {
		return paths, errs.Wrap(errs.Internal, err, "encoding the object to patch")
	}
	// The operations are checked one by one on a tree of the document that
	// follows them, so that each is checked against the document the ones
	// before it left; json-patch then applies them all at once, and its
	// result is what counts.
	root, err := parseTree(doc)
	if err != nil {
		return paths, errs.Wrap(errs.Internal, err, "decoding the object to patch")
	}
	for i := range p {
		c := &checked[i]
		if c.value, err = opValue(p[i]); err != nil {
			return paths, errs.Invalid(c.field+".value", "%s.value cannot be read", c.field)
		}
		if root, err = c.step(root, outType); err != nil {
			return paths, err
		}
	}
	opts := jsonpatch.NewApplyOptions()
	// Negative indexes are not JSON Pointer; resolve refuses them before
	// json-patch sees them, and json-patch is told to refuse them too.
	opts.SupportNegativeIndices = false
	patched, err := p.ApplyWithOptions(doc, opts)
	if err != nil {
		if errors.Is(err, jsonpatch.ErrTestFailed) {
			return paths, testFailed("patch")
		}
		return paths, errs.Invalid("patch", "the patch cannot be applied: %s; nothing was changed", reason(err))
	}
	doc = patched
	// Every write was checked as it applied. This also covers the members
	// of the view itself, whose JSON might not fit out's type; its times
	// are time.Time's own output, which is strict.
	if bad := jsonfields.FindUnknown("", "", outType, root); bad != nil {
		return paths, errs.Invalid("patch", "the patched object is invalid: %s", bad.Message())
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return paths, errs.Invalid("patch", "the patched object is invalid: %s", DecodeReason(err))
	}
	return paths, nil
}

// op is one operation, checked.
type op struct {
	field    string // "patch[i]"
	kind     string
	path     []string     // decoded tokens of Path
	from     []string     // and of From, for copy and move
	ptr      string       // Path as given, shortened, for messages
	fromPtr  string       // and From
	pathType reflect.Type // what out's type holds at path, once resolved

	value any // the value, as a tree; absent is noValue
}

// testFailed is the error of a test operation that does not hold.
func testFailed(field string) error {
	e := errs.New(errs.Conflict, "a patch test operation did not hold; nothing was changed")
	e.Field = field
	return e
}

// checkOp makes the checks that need no document.
func checkOp(i int, o Operation, readOnly []string) (op, error) {
	field := "patch[" + strconv.Itoa(i) + "]"
	c := op{field: field, kind: o.Op, ptr: clipN(o.Path, maxShown), fromPtr: clipN(o.From, maxShown)}
	switch o.Op {
	case "add", "remove", "replace", "test", "copy", "move":
	default:
		return c, errs.Invalid(field+".op", "unknown patch op %q; use add, copy, move, remove, replace or test", clip(o.Op))
	}
	if err := textcheck.String(field+".path", o.Path); err != nil {
		return c, err
	}
	if err := textcheck.String(field+".from", o.From); err != nil {
		return c, err
	}
	if err := textcheck.Check(field+".value", o.Value); err != nil {
		return c, err
	}
	if o.Value == nil && (o.Op == "add" || o.Op == "replace") {
		// A nil Value is left out of the JSON, and json-patch would refuse
		// the whole patch as malformed.
		return c, errs.Invalid(field+".value", "%s.value is missing: %s needs a value (to clear a field, remove it)", field, o.Op)
	}
	var err error
	if o.Op == "copy" || o.Op == "move" {
		if c.from, err = checkPointer(field+".from", o.From, readOnly, o.Op == "move"); err != nil {
			return c, err
		}
	}
	c.path, err = checkPointer(field+".path", o.Path, readOnly, o.Op != "test")
	return c, err
}

// checkPointer parses a JSON Pointer below the root and refuses read-only
// fields.
func checkPointer(field, ptr string, readOnly []string, writes bool) ([]string, error) {
	if ptr == "" || ptr[0] != '/' {
		return nil, errs.Invalid(field, "%s must be a JSON Pointer to a field, such as /fullname", field)
	}
	tokens := strings.Split(ptr[1:], "/")
	for i, t := range tokens {
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || t[j+1] != '0' && t[j+1] != '1') {
				return nil, errs.Invalid(field, "%s is not a JSON Pointer: '~' must be written ~0, and '/' in a name ~1", field)
			}
		}
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	if writes {
		for _, ro := range readOnly {
			if tokens[0] == ro {
				return nil, errs.Invalid(field, "%s is read-only and cannot be patched", ro)
			}
		}
	}
	return tokens, nil
}

// isIndex reports whether tok is an array index of RFC 6901: 0, or digits
// without a leading zero.
func isIndex(tok string) bool {
	if tok == "" || tok[0] == '0' && len(tok) > 1 {
		return false
	}
	for i := range len(tok) {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return true
}

// pointer writes tokens as a JSON Pointer ("" for the root), shortened for
// messages.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(jsonfields.EscapeToken(clip(t)))
		if b.Len() > maxShown {
			break
		}
	}
	return clipN(b.String(), maxShown)
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
	return "the operation is not valid for the object"
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

// maxShown is how many bytes of a path a message shows.
const maxShown = 64

// clip shortens a name or token for a message.
func clip(s string) string { return clipN(s, 32) }

// clipN shortens s to at most n bytes, at a rune boundary, marking the cut,
// so that a hostile input cannot make a message large.
func clipN(s string, n int) string { return textcheck.ClipN(s, n) }
