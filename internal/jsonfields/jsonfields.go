// Package jsonfields computes the JSON members of Go struct types exactly
// as encoding/json does (tag names, Go names, promotion from embedded
// structs, the dominance rules), for the checks that must see the fields a
// document will be decoded into: exact patch paths (package patch), strict
// times (internal/timefmt) and text that encoding would alter
// (internal/textcheck).
package jsonfields

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Field is one JSON member of a struct type.
type Field struct {
	// Name is the member's name: the json tag's name, else the Go name.
	Name string
	// Type is the Go field's type.
	Type reflect.Type
	// Index is the field's index sequence, for reflect.Value.FieldByIndex
	// (longer than one for a field promoted from an embedded struct).
	Index []int
	// Tagged reports whether the name comes from a json tag.
	Tagged bool
}

var cache sync.Map // reflect.Type -> []Field

// Of returns the JSON members of struct type t (a pointer is followed) as
// encoding/json computes them: exported fields by their tag name or Go name,
// fields of embedded structs promoted, and of several fields with one name
// the shallowest (then the only tagged one) kept, or none if that is
// ambiguous; in index order. The result is shared: do not modify it.
func Of(t reflect.Type) []Field {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if f, ok := cache.Load(t); ok {
		return f.([]Field)
	}
	type entry struct {
		typ   reflect.Type
		index []int
	}
	var all []Field
	depthOf := map[string]int{}
	visited := map[reflect.Type]bool{} // struct types walked at a shallower depth
	next := []entry{{typ: t}}
	for len(next) > 0 {
		level := next
		next = nil
		for _, e := range level {
			// A type embedded twice at one depth is walked twice, so that
			// its fields collide and drop out, as in encoding/json.
			if visited[e.typ] {
				continue
			}
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Name() == "" && ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				jn, _, _ := strings.Cut(tag, ",")
				if !validTagName(jn) {
					jn = ""
				}
				index := append(slices.Clone(e.index), i)
				if jn == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, entry{typ: ft, index: index})
					continue
				}
				n := jn
				if n == "" {
					n = sf.Name
				}
				if d, seen := depthOf[n]; seen && d < len(index) {
					continue // a shallower field of this name dominates
				}
				depthOf[n] = len(index)
				all = append(all, Field{Name: n, Type: sf.Type, Index: index, Tagged: jn != ""})
			}
		}
		for _, e := range level {
			visited[e.typ] = true
		}
	}
	// Of the fields sharing a name at the shallowest depth, keep the only
	// one, or the only tagged one; drop the name if that is ambiguous.
	byName := map[string][]Field{}
	for _, f := range all {
		byName[f.Name] = append(byName[f.Name], f)
	}
	var out []Field
	for _, fs := range byName {
		if len(fs) == 1 {
			out = append(out, fs[0])
			continue
		}
		var tagged []Field
		for _, f := range fs {
			if f.Tagged {
				tagged = append(tagged, f)
			}
		}
		if len(tagged) == 1 {
			out = append(out, tagged[0])
		}
	}
	slices.SortFunc(out, func(a, b Field) int { return slices.Compare(a.Index, b.Index) })
	cache.Store(t, out)
	return out
}

// Exact returns the member of struct type t named exactly name.
func Exact(t reflect.Type, name string) (Field, bool) {
	for _, f := range Of(t) {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Decoded returns the member of struct type t that encoding/json decodes
// the object key into: the exact name, else one equal ignoring case.
func Decoded(t reflect.Type, key string) (Field, bool) {
	if f, ok := Exact(t, key); ok {
		return f, true
	}
	for _, f := range Of(t) {
		if strings.EqualFold(f.Name, key) {
			return f, true
		}
	}
	return Field{}, false
}

// validTagName reports whether encoding/json accepts s as a tag name; it
// uses the Go name otherwise.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
