package patch

import (
	"reflect"
	"strings"

	"github.com/seed-e6251c81/synqly/internal/jsonfields"
)

// join appends a member name to a JSON path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	if key == "" {
		return path
	}
	return path + "." + key
}

// escape escapes a JSON Pointer token.
func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// exactField returns the type of the field of struct t whose JSON name is
// exactly name.
func exactField(t reflect.Type, name string) (reflect.Type, bool) {
	f, ok := jsonfields.Exact(t, name)
	return f.Type, ok
}
