package jsonfields

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

// Shape is how a Go type takes JSON when encoding/json decodes into it.
type Shape int

const (
	// Opaque takes any JSON and decides itself: an interface,
	// json.RawMessage, a type with its own UnmarshalJSON.
	Opaque Shape = iota
	// Leaf takes a single value: strings, numbers, booleans, time.Time,
	// encoding.TextUnmarshaler types, []byte.
	Leaf
	// Struct takes an object whose members are its JSON field names.
	Struct
	// Map takes an object with any members.
	Map
	// List takes an array (a slice or an array).
	List
)

// Types the shapes single out.
var (
	TimeType        = reflect.TypeFor[time.Time]()
	RawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// ShapeOf returns the shape of t and t with pointers followed. A nil t
// (anything may go there) is opaque.
func ShapeOf(t reflect.Type) (Shape, reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil, t == RawMessageType, t.Kind() == reflect.Interface:
		return Opaque, t
	case t == TimeType:
		return Leaf, t
	case t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType):
		return Opaque, t
	case t.Implements(textType) || reflect.PointerTo(t).Implements(textType):
		return Leaf, t
	}
	switch t.Kind() {
	case reflect.Struct:
		return Struct, t
	case reflect.Map:
		return Map, t
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return Leaf, t // base64
		}
		return List, t
	case reflect.Array:
		return List, t
	}
	return Leaf, t
}

// Unknown is an object member that a struct type does not have.
type Unknown struct {
	Path    string       // its JSON path below the checked value, "a.b[2].c"
	Pointer string       // its JSON Pointer below the checked value
	Parent  reflect.Type // the struct type
	Key     string
}

// Message says what is wrong, quoting the key (clipped) but no value.
func (u *Unknown) Message() string {
	where := "the object"
	if at, _ := strings.CutSuffix(u.Pointer, "/"+EscapeToken(clip(u.Key, 32))); at != "" {
		where = clip(at, 64)
	}
	return where + " has no field " + strconv.Quote(clip(u.Key, 32)) + CaseHint(u.Parent, u.Key)
}

// FindUnknown returns the first member of the decoded JSON tree v (maps of
// string to any, slices of any, scalars) that type t does not have — a
// member of an object decoded into a struct that is not exactly the JSON
// name of one of its fields — or nil. Maps, and types that decode
// themselves, accept any member. path and ptr locate v in messages.
func FindUnknown(path, ptr string, t reflect.Type, v any) *Unknown {
	s, st := ShapeOf(t)
	switch v := v.(type) {
	case map[string]any:
		if s != Struct && s != Map {
			return nil // anything goes, or the decoding reports the type
		}
		for _, key := range sortedKeys(v) {
			sub := reflect.Type(nil)
			if s == Struct {
				f, ok := Exact(st, key)
				if !ok {
					return &Unknown{Path: JoinPath(path, key), Pointer: ptr + "/" + EscapeToken(clip(key, 32)), Parent: st, Key: key}
				}
				sub = f.Type
			} else {
				sub = st.Elem()
			}
			if bad := FindUnknown(JoinPath(path, key), ptr+"/"+EscapeToken(clip(key, 32)), sub, v[key]); bad != nil {
				return bad
			}
		}
	case []any:
		if s != List {
			return nil
		}
		for i, e := range v {
			is := strconv.Itoa(i)
			if bad := FindUnknown(path+"["+is+"]", ptr+"/"+is, st.Elem(), e); bad != nil {
				return bad
			}
		}
	}
	return nil
}

// sortedKeys returns the keys of m in order, so that the member reported
// is the same from run to run.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// JoinPath appends a member name to a dotted JSON path ("a.b" + "c").
func JoinPath(path, key string) string {
	if path == "" {
		return key
	}
	if key == "" {
		return path
	}
	return path + "." + key
}

// EscapeToken escapes a JSON Pointer token (RFC 6901: "~" as "~0", "/" as
// "~1").
func EscapeToken(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// CaseHint suggests the field of struct type t that differs from key only in
// case: "; names are case-sensitive: did you mean \"fullname\"?", or "".
func CaseHint(t reflect.Type, key string) string {
	for _, f := range Of(t) {
		if strings.EqualFold(f.Name, key) {
			return "; names are case-sensitive: did you mean " + strconv.Quote(f.Name) + "?"
		}
	}
	return ""
}

// clip shortens s to at most n bytes, on a character boundary.
func clip(s string, n int) string { return errs.Clip(s, n) }
