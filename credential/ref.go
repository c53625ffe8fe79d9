package credential

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"github.com/seed-e6251c81/synqly/errs"
)

// refPath is the JSON path that Ref errors name: the field's usual name in
// provider configurations. A caller that holds a Ref under another name
// (hec_credential, webhook_url, ...) may rewrite errs.Error.Field.
const refPath = "credential"

// maxIDLen bounds the length of a credential id in a reference.
const maxIDLen = 256

// Ref is a credential field of a provider configuration (reference §4): either
// a reference to a stored credential, or a credential configuration given
// inline, which the management plane stores as a new credential.
//
// Its JSON form is a reference,
//
//	{"type":"basic_id","value":"<credential id>"}
//
// (ID set, Type the referenced credential's type), or an inline
// configuration,
//
//	{"type":"basic","username":"u","secret":"p"}
//
// (Inline set, Type equal to Inline.Type()). The zero Ref is "no credential"
// and encodes as null.
type Ref struct {
	// ID is the referenced credential's id; empty for an inline Ref.
	ID string
	// Type is the credential's type, in both forms.
	Type Type
	// Inline is the inline configuration; nil for a reference.
	Inline Config
	// Alias is the name the provider's configuration gives this form of
	// credential when it is not the type's own: Microsoft Teams calls a
	// secret credential holding a webhook URL "webhook_url"
	// ({"type":"webhook_url","secret":"https://..."} and
	// {"type":"webhook_url_id","value":"<id>"}). Type is then the
	// credential's real type (secret); "" for the usual names.
	Alias string
}

// aliases are the provider-specific names of credential types the hosted
// API's configurations use, and the type each stands for.
var aliases = map[string]Type{"webhook_url": TypeSecret}

// Aliased returns r carrying the alias name for its form in JSON (see
// Ref.Alias); r must be of the alias's type.
func Aliased(r *Ref, alias string) *Ref {
	if r == nil {
		return nil
	}
	c := *r
	c.Alias = alias
	return &c
}

// RefTo returns a reference to the stored credential id, of type t, in the
// pointer form provider configurations hold:
//
//	cfg := &jira.TicketingConfig{URL: u, Credential: credential.RefTo(id, credential.TypeBasic)}
func RefTo(id string, t Type) *Ref { return &Ref{ID: id, Type: t} }

// Inline returns a Ref carrying c inline, in the pointer form provider
// configurations hold; the management plane stores c as a new Managed
// credential and replaces the Ref with a reference to it. Inline(nil) is nil,
// "no credential".
//
//	cfg := &jira.TicketingConfig{URL: u, Credential: credential.Inline(&credential.BasicCredential{...})}
func Inline(c Config) *Ref {
	if isNil(c) {
		return nil
	}
	return &Ref{Type: c.Type(), Inline: c}
}

// IsInline reports whether r carries an inline configuration rather than a
// reference.
func (r Ref) IsInline() bool { return r.ID == "" && !isNil(r.Inline) }

// IsZero reports whether r is the zero Ref, "no credential". With IsZero,
// an optional credential field can be tagged `json:",omitzero"`.
func (r Ref) IsZero() bool { return r.ID == "" && r.Type == "" && isNil(r.Inline) }

// Validate checks r: it is set, it is exactly one of a reference and an
// inline configuration, its type is valid and, if allowed is not empty, one of
// allowed; a reference's id is well formed, and an inline configuration is
// valid. Errors are errs.InvalidInput with Fields under "credential"
// ("credential.type", "credential.value", "credential.secret").
//
// Drivers pass the types their provider accepts:
//
//	if err := cfg.Credential.Validate(credential.TypeBasic); err != nil { ... }
func (r Ref) Validate(allowed ...Type) error {
	inline := !isNil(r.Inline)
	t := r.Type
	switch {
	case r.ID == "" && !inline:
		return errs.Invalid(refPath, "credential is required")
	case r.ID != "" && inline:
		return errs.Invalid(refPath, "credential must be either a reference or an inline configuration, not both")
	case inline && t != "" && t != r.Inline.Type():
		return errs.Invalid(refPath+".type", "credential type %s does not match its inline %s configuration", quote(string(t)), r.Inline.Type())
	case inline:
		t = r.Inline.Type()
	}
	if !t.Valid() {
		return errs.Invalid(refPath+".type", "credential type %s is unknown; one of %s", quote(string(t)), typeList(""))
	}
	if len(allowed) > 0 && !slices.Contains(allowed, t) {
		return errs.Invalid(refPath+".type", "credential type %s is not accepted here; one of %s", t, refTypeList(allowed))
	}
	if inline {
		return r.Inline.validate(refPath)
	}
	switch {
	case strings.TrimSpace(r.ID) == "":
		return errs.Invalid(refPath+".value", "%s%s reference: value, the credential id, is required", t, refSuffix)
	case len(r.ID) > maxIDLen || strings.ContainsFunc(r.ID, func(c rune) bool { return !unicode.IsPrint(c) }):
		return errs.Invalid(refPath+".value", "%s%s reference: value is not a credential id", t, refSuffix)
	}
	return nil
}

// MarshalJSON encodes r: the reference form if ID is set, else the inline
// form with every secret redacted (so a Ref never leaks through JSON; an
// inline Ref that was sent back is refused by Validate), else null.
func (r Ref) MarshalJSON() ([]byte, error) {
	switch {
	case r.ID != "":
		t := r.Type
		if t == "" && !isNil(r.Inline) {
			t = r.Inline.Type()
		}
		return json.Marshal(refWire{Type: cmp.Or(r.Alias, string(t)) + refSuffix, Value: r.ID})
	case !isNil(r.Inline):
		b, err := json.Marshal(r.Inline.wire(false))
		if err != nil || r.Alias == "" {
			return b, err
		}
		// The wire form starts with its type; put the alias in its place.
		typ, _ := json.Marshal(string(r.Inline.Type()))
		alias, _ := json.Marshal(r.Alias)
		if rest, ok := bytes.CutPrefix(b, append([]byte(`{"type":`), typ...)); ok {
			return append(append([]byte(`{"type":`), alias...), rest...), nil
		}
		return nil, errs.New(errs.Internal, "credential: cannot encode the %s alias", r.Alias)
	}
	return []byte("null"), nil
}

// UnmarshalJSON decodes either form. A type ending in "_id" is a reference,
// whose only other member is "value", a non-empty string; any other type is
// an inline configuration, decoded as by UnmarshalConfig. JSON null leaves r
// unchanged. Errors are errs.InvalidInput with Fields under "credential"; r
// is unchanged on error. It checks structure only: call Validate.
func (r *Ref) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	fields, err := decodeObject(data, refPath)
	if err != nil {
		return err
	}
	t, err := typeField(fields, refPath)
	if err != nil {
		return err
	}
	name, isRef := strings.CutSuffix(string(t), refSuffix)
	if !isRef {
		name = string(t)
	}
	var alias string
	if at, ok := aliases[name]; ok {
		// A provider's own name for a type: decode it as that type.
		alias = name
		t = at
		if isRef {
			t = at + refSuffix
		} else {
			fields["type"], _ = json.Marshal(at)
			if data, err = json.Marshal(fields); err != nil {
				return errs.Invalid(refPath, "malformed credential")
			}
		}
	}
	if base, ok := strings.CutSuffix(string(t), refSuffix); ok && Type(base).Valid() {
		if err := checkFields(fields, []string{"value"}, refPath, string(t)+" reference"); err != nil {
			return err
		}
		var id *string
		if raw, ok := fields["value"]; !ok || json.Unmarshal(raw, &id) != nil || id == nil || strings.TrimSpace(*id) == "" {
			return errs.Invalid(refPath+".value", "%s reference: value must be the credential id, a non-empty string", t)
		}
		*r = Ref{ID: *id, Type: Type(base), Alias: alias}
		return nil
	}
	if !t.Valid() {
		return errs.Invalid(refPath+".type", "unknown credential type %s; one of %s", quote(string(t)), refTypeList(allTypes[:]))
	}
	c, err := decodeConfig(data, refPath)
	if err != nil {
		return err
	}
	*r = Ref{Type: c.Type(), Inline: c, Alias: alias}
	return nil
}

// refWire is the JSON form of a reference.
type refWire struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// refTypeList is "basic, basic_id, token, token_id" for error messages.
func refTypeList(types []Type) string {
	var b strings.Builder
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(t) + ", " + string(t) + refSuffix)
	}
	return b.String()
}
