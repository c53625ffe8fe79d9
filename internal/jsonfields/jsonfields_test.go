package jsonfields

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func decodedType(t reflect.Type, key string) reflect.Type {
	f, _ := Decoded(t, key)
	return f.Type
}

// TestFieldsAsEncodingJSON checks the field resolution against
// encoding/json on the shapes the library uses, embedded overrides
// included.
func TestFieldsAsEncodingJSON(t *testing.T) {
	type Base struct {
		ID      string    `json:"id"`
		Config  struct{}  `json:"config"`
		Expires time.Time `json:"expires"`
		Name    string
	}
	type Other struct {
		Name string
		Dup  time.Time `json:"dup"`
	}
	type Another struct {
		Dup time.Time `json:"dup"`
	}
	type override struct {
		Base
		Config json.RawMessage `json:"config"`
		*Other
		Another
	}
	typ := reflect.TypeFor[override]()
	for key, want := range map[string]reflect.Type{
		"id":      reflect.TypeFor[string](),
		"config":  reflect.TypeFor[json.RawMessage](), // the outer field wins
		"expires": reflect.TypeFor[time.Time](),
		"EXPIRES": reflect.TypeFor[time.Time](),
		"Name":    nil, // Base.Name and Other.Name collide
		"dup":     nil, // Other.dup and Another.dup collide
	} {
		if got := decodedType(typ, key); got != want {
			t.Errorf("%s: %v, want %v", key, got, want)
		}
	}
	// encoding/json agrees: config takes any JSON, Name is unknown.
	var v override
	dec := json.NewDecoder(strings.NewReader(`{"config":[1,2],"expires":"2024-01-01T00:00:00Z"}`))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	dec = json.NewDecoder(strings.NewReader(`{"Name":"x"}`))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err == nil {
		t.Error("encoding/json accepted the ambiguous Name")
	}
	// A tagged field beats an untagged one of the same name and depth.
	type untagged struct{ Dup time.Time }
	type tagged struct {
		X string `json:"Dup"`
	}
	type pair struct {
		untagged
		tagged
	}
	if got := decodedType(reflect.TypeFor[pair](), "Dup"); got != reflect.TypeFor[string]() {
		t.Errorf("tagged Dup: %v", got)
	}
}

// TestNamesAsEncodingJSONWrites compares Of's names with the members
// encoding/json writes for a struct that uses every rule.
func TestNamesAsEncodingJSONWrites(t *testing.T) {
	type Inner struct {
		A string `json:"a"`
		B string
	}
	type T struct {
		Inner
		C      string `json:"c,omitempty"`
		D      string `json:"-"`
		E      string `json:"-,"`
		F      string `json:"bad name!"`
		hidden string
		B      int
	}
	raw, err := json.Marshal(T{C: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var want []string
	for k := range m {
		want = append(want, k)
	}
	slices.Sort(want)
	var got []string
	for _, f := range Of(reflect.TypeFor[T]()) {
		got = append(got, f.Name)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Of: %v, encoding/json writes %v", got, want)
	}
	if _, ok := Exact(reflect.TypeFor[*T](), "a"); !ok {
		t.Error("Exact does not follow the pointer to the struct")
	}
	if Of(reflect.TypeFor[string]()) != nil {
		t.Error("Of a non-struct is not empty")
	}
}
