package providers

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/credential"
)

// ConfigField describes one field of a provider's configuration, for
// capability listings and for forms that ask an end user for it.
type ConfigField struct {
	// Name is the field's JSON name.
	Name string `json:"name"`
	// Type is the JSON type it takes: "string", "integer", "number",
	// "boolean", "array", "object", or "credential" (a credential, inline
	// or by reference).
	Type string `json:"type"`
	// Items is the JSON type of an array's elements.
	Items string `json:"items,omitempty"`
	// Required reports whether the field must be set.
	Required bool `json:"required"`
	// Secret reports whether the field holds a secret (every credential
	// does): a form must not echo it.
	Secret bool `json:"secret"`
	// CredentialTypes lists the credential types a credential field
	// accepts.
	CredentialTypes []string `json:"credential_types,omitempty"`
}

var (
	refType  = reflect.TypeFor[credential.Ref]()
	timeType = reflect.TypeFor[time.Time]()
)

// ConfigSchema describes the fields of a configuration value (a pointer to a
// provider's Config struct), from its struct tags: the json tag names the
// field, and a `schema` tag adds what Go's types cannot say:
//
//	URL        string          `json:"url" schema:"required"`
//	Credential *credential.Ref `json:"credential" schema:"required,credential=basic|token"`
//
// A credential field accepts the listed types, or, without a list, the
// provider's credential types (credTypes). Unexported fields and fields
// tagged json:"-" are left out.
func ConfigSchema(cfg Config, credTypes []credential.Type) []ConfigField {
	t := reflect.TypeOf(cfg)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []ConfigField
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := ConfigField{Name: name, Type: jsonType(sf.Type)}
		if f.Type == "array" {
			f.Items = jsonType(sf.Type.Elem())
		}
		for _, opt := range strings.Split(sf.Tag.Get("schema"), ",") {
			switch key, val, _ := strings.Cut(opt, "="); key {
			case "required":
				f.Required = true
			case "secret":
				f.Secret = true
			case "credential":
				f.CredentialTypes = strings.Split(val, "|")
			}
		}
		if f.Type == "credential" {
			f.Secret = true
			if f.CredentialTypes == nil {
				for _, ct := range credTypes {
					f.CredentialTypes = append(f.CredentialTypes, string(ct))
				}
			}
			slices.Sort(f.CredentialTypes)
		}
		out = append(out, f)
	}
	return out
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == refType:
		return "credential"
	case t == timeType:
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}
