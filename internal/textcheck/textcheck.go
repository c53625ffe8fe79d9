// Package textcheck refuses text that an encoder would silently alter.
//
// encoding/json replaces invalid UTF-8 with U+FFFD when it marshals a Go
// string, so a value the caller gave with a stray byte would be stored, sent
// to a vendor or sealed as a different value. Every write path of the library
// runs Check on what it is about to encode, so such input is refused with an
// errs.InvalidInput error naming the field instead of being rewritten.
package textcheck

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/jsonfields"
)

// MaxDepth is how deeply values may nest (objects in objects, arrays in
// arrays; the outermost object or array is the first level): deeper input
// is refused, well before encoding/json's own limit of
// 10,000 turns into an unhelpful decoding error elsewhere.
const MaxDepth = 64

// Check walks v — structs by their JSON field names, maps (keys and values),
// slices, arrays, pointers and interfaces — and returns an errs.InvalidInput
// error for the first string or map key that is not valid UTF-8, or for
// nesting deeper than MaxDepth. The error's Field is the JSON path of the
// offending value below field (e.g. "provider_config.url", "labels[2]",
// "custom_fields.owner"); the message never quotes the value, which may be a
// secret.
//
// A json.RawMessage is checked as the JSON text it is (encoding/json writes
// it out as it is): valid UTF-8, nested no deeper than MaxDepth. Other byte
// slices are skipped, since encoding/json writes them as base64. Values of
// types with their own MarshalJSON are walked by their Go fields, not by the
// JSON they write.
//
// Struct members are those encoding/json writes, under the names it writes
// them (internal/jsonfields): tag names, Go names, promoted fields of
// embedded structs; fields tagged `json:"-"` and unexported fields are
// skipped. A struct field tagged `textcheck:"inline"` is walked as if its
// fields were the parent's (for values whose JSON form flattens them, such
// as a provider configuration's settings).
func Check(field string, v any) error {
	if v == nil {
		return nil
	}
	return walk(field, reflect.ValueOf(v), 0)
}

// String checks one string: valid UTF-8.
func String(field, s string) error {
	if !utf8.ValidString(s) {
		return errs.Invalid(field, "%s is not valid UTF-8", name(field))
	}
	return nil
}

func name(field string) string {
	if field == "" {
		return "the value"
	}
	return field
}

func join(field, sub string) string {
	if field == "" {
		return sub
	}
	return field + "." + sub
}

func tooDeep(field string) error {
	if len(field) > 96 { // the path of a deep value is long: name where it starts
		field = clip(field[:96]) + "…"
	}
	return errs.Invalid(field, "%s is nested too deeply: at most %d levels of objects and arrays are accepted", name(field), MaxDepth)
}

func walk(field string, v reflect.Value, depth int) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return String(field, v.String())
	case reflect.Struct:
		if depth >= MaxDepth {
			return tooDeep(field)
		}
		return walkStruct(field, v, depth)
	case reflect.Map:
		if depth >= MaxDepth {
			return tooDeep(field)
		}
		if v.Type().Key().Kind() == reflect.String {
			for _, k := range sortedKeys(v) {
				ks := k.String()
				if !utf8.ValidString(ks) {
					return errs.Invalid(field, "a key of %s is not valid UTF-8", name(field))
				}
				if err := walk(join(field, clip(ks)), v.MapIndex(k), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		iter := v.MapRange()
		for iter.Next() {
			if err := walk(field, iter.Value(), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessageType {
			return checkRaw(field, v.Bytes(), depth)
		}
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes are encoded as base64, never altered
		}
		if depth >= MaxDepth {
			return tooDeep(field)
		}
		for i := range v.Len() {
			if err := walk(field+"["+strconv.Itoa(i)+"]", v.Index(i), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func walkStruct(field string, v reflect.Value, depth int) error {
	t := v.Type()
	// The members encoding/json writes, by the names it writes them under.
	for _, f := range jsonfields.Of(t) {
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil {
			continue // behind a nil embedded pointer: nothing is written
		}
		sub := join(field, f.Name)
		if t.FieldByIndex(f.Index).Tag.Get("textcheck") == "inline" {
			sub = field
		}
		if err := walk(sub, fv, depth+1); err != nil {
			return err
		}
	}
	return nil
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// checkRaw checks JSON text found at depth: valid UTF-8 (encoding/json
// would decode invalid bytes as U+FFFD), and objects and arrays nested no
// deeper than MaxDepth in all.
func checkRaw(field string, b []byte, depth int) error {
	if !utf8.Valid(b) {
		return errs.Invalid(field, "%s is not valid UTF-8", name(field))
	}
	in, esc, level := false, false, depth
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case in:
		case c == '{' || c == '[':
			if level++; level > MaxDepth {
				return tooDeep(field)
			}
		case c == '}' || c == ']':
			level--
		}
	}
	return nil
}

// sortedKeys returns the string keys of a map in order, so that the first
// error reported is the same from run to run.
func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	return keys
}

// Clip shortens user text quoted in an error message to 64 bytes, on a
// character boundary (errs.Clip).
func Clip(s string) string { return errs.Clip(s, 64) }

// ClipN is Clip to at most n bytes.
func ClipN(s string, n int) string { return errs.Clip(s, n) }

func clip(s string) string { return Clip(s) }
