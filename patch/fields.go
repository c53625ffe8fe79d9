package patch

import (
	"reflect"

	"github.com/seed-e6251c81/synqly/internal/jsonfields"
)

// exactField returns the type of the field of struct t whose JSON name is
// exactly name.
func exactField(t reflect.Type, name string) (reflect.Type, bool) {
	f, ok := jsonfields.Exact(t, name)
	return f.Type, ok
}
