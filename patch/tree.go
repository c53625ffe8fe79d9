package patch

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/jsonfields"
	"github.com/seed-e6251c81/synqly/internal/timefmt"
)

// The tree of a document is its JSON as Go values: map[string]any, []any,
// string, json.Number, bool and nil. Apply keeps one in step with the
// operations to check each against the document as it is when the operation
// applies; json-patch makes the result.

// noValue stands for an operation without a value.
type noValueType struct{}

var noValue any = noValueType{}

// parseTree decodes JSON into a tree.
func parseTree(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// opValue returns the value of a json-patch operation as a tree, or noValue.
func opValue(o jsonpatch.Operation) (any, error) {
	raw, ok := o["value"]
	if !ok {
		return noValue, nil
	}
	if raw == nil {
		return nil, nil // json-patch keeps null as a nil message
	}
	return parseTree(*raw)
}

// mode says what resolve requires of the target.
type mode int

const (
	// mustExist: the target exists (remove, replace, from).
	mustExist mode = iota
	// mayAppend: the target's parent exists; an array index may be the
	// array's length or "-" (add, and the path of copy and move).
	mayAppend
	// mayBeNull: the target exists, or is an absent object member, which
	// json-patch tests as null (test: a field left out of the JSON because
	// it is empty can be tested against null).
	mayBeNull
)

// step checks the operation against the tree root and out's type t, and
// returns the tree after it.
func (c *op) step(root any, t reflect.Type) (any, error) {
	if c.from != nil {
		if _, err := resolve(c.field+".from", c.fromPtr, c.from, t, root, mustExist); err != nil {
			return root, err
		}
	}
	m := mustExist
	switch c.kind {
	case "add", "copy":
		m = mayAppend
	case "test":
		m = mayBeNull
	}
	var err error
	if c.kind != "move" { // a move's path is resolved once from is removed
		if c.pathType, err = resolve(c.field+".path", c.ptr, c.path, t, root, m); err != nil {
			return root, err
		}
	}
	if (c.kind == "add" || c.kind == "replace") && c.value == noValue {
		return root, errs.Invalid(c.field+".value", "%s.value is missing: %s needs a value", c.field, c.kind)
	}
	var written any
	switch c.kind {
	case "test":
		// Compared as json-patch compares (numbers by their text, the rest
		// by value; absent as null), so that the patch stops at the first
		// test that fails, naming it, as RFC 6902 has it.
		got, _ := get(root, c.path)
		want := c.value
		if want == noValue {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			return root, testFailed(c.field)
		}
		return root, nil
	case "remove":
		return edit(root, c.path, removeAt)
	case "replace":
		written = c.value
		root, err = edit(root, c.path, func(p any, tok string) (any, error) { return setAt(p, tok, written, false) })
	case "add":
		written = c.value
		root, err = edit(root, c.path, func(p any, tok string) (any, error) { return setAt(p, tok, written, true) })
	case "copy", "move":
		v, _ := get(root, c.from)
		if c.kind == "copy" {
			v = deepCopy(v)
		} else {
			if isPrefix(c.from, c.path) {
				return root, errs.Invalid(c.field+".path", "move cannot move %s into itself", c.fromPtr)
			}
			if root, err = edit(root, c.from, removeAt); err != nil {
				return root, err
			}
			// As RFC 6902 has it, the path is that of an add to the
			// document without from (whose removal shifts the indexes after
			// it in its array).
			if c.pathType, err = resolve(c.field+".path", c.ptr, c.path, t, root, mayAppend); err != nil {
				return root, err
			}
		}
		written = v
		root, err = edit(root, c.path, func(p any, tok string) (any, error) { return setAt(p, tok, written, true) })
	}
	if err != nil {
		return root, err
	}
	return root, c.checkWritten(written)
}

// checkWritten checks the value an operation wrote against the type at its
// path: members, and times.
func (c *op) checkWritten(v any) error {
	if c.kind == "copy" || c.kind == "move" {
		// The value came from the document: name the target.
		field := c.field + ".path"
		if bad := jsonfields.FindUnknown("", "", c.pathType, v); bad != nil {
			return errs.Invalid(field, "%s puts at %s a value that does not fit: %s", c.kind, c.ptr, bad.Message())
		}
		if err := checkTimes("", c.pathType, v); err != nil {
			return errs.Invalid(field, "%s puts at %s a value that does not fit: %s", c.kind, c.ptr, err.(*errs.Error).Message)
		}
		return nil
	}
	field := c.field + ".value"
	if bad := jsonfields.FindUnknown("", "", c.pathType, v); bad != nil {
		return errs.Invalid(jsonfields.JoinPath(field, bad.Path), "the value for %s does not fit: %s", c.ptr, bad.Message())
	}
	return checkTimes(field, c.pathType, v)
}

// checkTimes checks the times of the tree v, to be decoded into t, with
// timefmt.CheckJSON. Only a value that holds a string is encoded for it.
func checkTimes(field string, t reflect.Type, v any) error {
	switch v.(type) {
	case nil, bool, json.Number:
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return errs.Invalid(field, "%s cannot be encoded", name(field))
	}
	return timefmt.CheckJSON(field, raw, t)
}

// name names a field in messages.
func name(field string) string {
	if field == "" {
		return "the value"
	}
	return field
}

// resolve walks the tokens of the pointer ptr through the tree root and
// out's type t together, and returns the type at the target (nil when
// anything goes there). field names the pointer in errors.
func resolve(field, ptr string, tokens []string, t reflect.Type, root any, m mode) (reflect.Type, error) {
	node := root
	for k, tok := range tokens {
		last := k == len(tokens)-1
		at := pointer(tokens[:k])
		s, st := jsonfields.ShapeOf(t)
		switch n := node.(type) {
		case []any:
			switch {
			case tok == "-":
				if !last || m != mayAppend {
					return nil, errs.Invalid(field, "%s: - (after the last element of %s) can only end the path of an add, copy or move", ptr, at)
				}
			case !isIndex(tok):
				return nil, errs.Invalid(field, "%s: %s is an array, and %q is not an index: write 0 or a number without leading zeros or sign, or - to append", ptr, at, clip(tok))
			default:
				i, err := strconv.Atoi(tok)
				switch {
				case err == nil && i < len(n):
					node = n[i]
				case err == nil && i == len(n) && last && m == mayAppend:
				default:
					return nil, errs.Invalid(field, "%s: index %s is past the end of %s, which has %d elements", ptr, clip(tok), at, len(n))
				}
			}
			switch s {
			case jsonfields.List:
				t = st.Elem()
			case jsonfields.Opaque:
				t = nil
			default:
				return nil, errs.Invalid(field, "%s: %s is an array where an object or a value was expected", ptr, at)
			}
		case map[string]any:
			switch s {
			case jsonfields.Struct:
				f, ok := exactField(st, tok)
				if !ok {
					return nil, unknownField(field, ptr, at, st, tok)
				}
				t = f
			case jsonfields.Map:
				t = st.Elem()
			case jsonfields.Opaque:
				t = nil
			default:
				return nil, errs.Invalid(field, "%s: %s is an object where a value was expected", ptr, at)
			}
			child, ok := n[tok]
			switch {
			case ok:
				node = child
			case last && (m == mayAppend || m == mayBeNull):
			default:
				return nil, errs.Invalid(field, "%s does not exist", pointer(tokens[:k+1]))
			}
		default:
			if n == nil && s == jsonfields.Struct {
				// A struct that is null: name its field first.
				if _, ok := exactField(st, tok); !ok {
					return nil, unknownField(field, ptr, at, st, tok)
				}
			}
			if n == nil || s == jsonfields.Struct || s == jsonfields.Map || s == jsonfields.List {
				return nil, errs.Invalid(field, "%s does not exist", pointer(tokens[:k+1]))
			}
			return nil, errs.Invalid(field, "%s: %s is a single value, with no members or elements", ptr, at)
		}
	}
	return t, nil
}

// unknownField reports a token that is no field of struct type t.
func unknownField(field, ptr, at string, t reflect.Type, tok string) error {
	where := "the object"
	if at != "" {
		where = at
	}
	return errs.Invalid(field, "%s: %s has no field %q%s", ptr, where, clip(tok), jsonfields.CaseHint(t, tok))
}

// get returns the node at tokens, which resolve found.
func get(node any, tokens []string) (any, bool) {
	for _, tok := range tokens {
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return nil, false
			}
			node = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil, false
			}
			node = n[i]
		default:
			return nil, false
		}
	}
	return node, true
}

// edit applies f to the parent of the node at tokens and the last token,
// and returns node with the parent f returns in its place.
func edit(node any, tokens []string, f func(parent any, tok string) (any, error)) (any, error) {
	if len(tokens) == 1 {
		return f(node, tokens[0])
	}
	switch n := node.(type) {
	case map[string]any:
		child, err := edit(n[tokens[0]], tokens[1:], f)
		if err != nil {
			return node, err
		}
		n[tokens[0]] = child
		return n, nil
	case []any:
		i, err := strconv.Atoi(tokens[0])
		if err != nil || i < 0 || i >= len(n) {
			return node, errs.Invalid("patch", "a path does not exist")
		}
		child, err := edit(n[i], tokens[1:], f)
		if err != nil {
			return node, err
		}
		n[i] = child
		return n, nil
	}
	return node, errs.Invalid("patch", "a path does not exist")
}

// setAt sets the member tok of an object, or the element tok of an array:
// inserted before it if insert (add), else replacing it.
func setAt(parent any, tok string, v any, insert bool) (any, error) {
	switch p := parent.(type) {
	case map[string]any:
		p[tok] = v
		return p, nil
	case []any:
		if tok == "-" {
			return append(p, v), nil
		}
		i, err := strconv.Atoi(tok)
		switch {
		case err != nil || i < 0 || i > len(p) || (!insert && i == len(p)):
			return parent, errs.Invalid("patch", "an array index is out of range")
		case insert:
			p = append(p, nil)
			copy(p[i+1:], p[i:])
			p[i] = v
			return p, nil
		}
		p[i] = v
		return p, nil
	}
	return parent, errs.Invalid("patch", "a path does not exist")
}

// removeAt removes the member or element tok.
func removeAt(parent any, tok string) (any, error) {
	switch p := parent.(type) {
	case map[string]any:
		delete(p, tok)
		return p, nil
	case []any:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(p) {
			return parent, errs.Invalid("patch", "an array index is out of range")
		}
		return append(p[:i:i], p[i+1:]...), nil
	}
	return parent, errs.Invalid("patch", "a path does not exist")
}

// deepCopy copies a tree, so that a copied value and its source do not
// share containers.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

// isPrefix reports whether the pointer a is a proper prefix of b.
func isPrefix(a, b []string) bool {
	if len(a) >= len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
