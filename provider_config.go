package synqly

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/strictjson"
	"github.com/seed-e6251c81/synqly/providers"
)

// ProviderConfig is an integration's provider configuration: the provider
// config id in Type (e.g. "ticketing_jira") and that provider's fields in
// Config (e.g. *jira.TicketingConfig). In JSON it is one object:
//
//	{"type": "ticketing_jira", "url": "https://example.atlassian.net",
//	 "credential": {"type": "basic_id", "value": "<credential id>"}}
//
// Credentials in it are given inline ({"type": "basic", "username": ...,
// "secret": ...}) or by reference; inline credentials are stored as Managed
// credentials of the integration and replaced by references, so a stored or
// returned configuration never holds a secret.
type ProviderConfig struct {
	// Type is the provider config id.
	Type string
	// Config holds the provider's fields. It is nil when the configuration
	// was read from the store by a program that does not register the
	// provider; such an integration can be read and deleted, not used.
	Config providers.Config `textcheck:"inline"`

	raw json.RawMessage // the stored fields when Config is nil
}

// MarshalJSON writes {"type": Type, ...Config's fields}.
func (p ProviderConfig) MarshalJSON() ([]byte, error) {
	var body []byte
	switch {
	case p.Config != nil:
		b, err := json.Marshal(p.Config)
		if err != nil {
			return nil, err
		}
		body = b
	case len(p.raw) > 0:
		body = p.raw
	default:
		body = []byte("{}")
	}
	typ, _ := json.Marshal(p.Type)
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[0] != '{' {
		return nil, errs.New(errs.Internal, "provider config of %s does not encode as a JSON object", p.Type)
	}
	var out bytes.Buffer
	out.WriteString(`{"type":`)
	out.Write(typ)
	if inner := bytes.TrimSpace(body[1 : len(body)-1]); len(inner) > 0 {
		out.WriteByte(',')
		out.Write(inner)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// UnmarshalJSON reads the provider config id from "type" and decodes the
// other fields into that provider's configuration, strictly: unknown or
// wrongly-cased members, invalid UTF-8 and loosely written times are refused.
// An unregistered provider is kept as raw fields (Config nil).
func (p *ProviderConfig) UnmarshalJSON(b []byte) error {
	if !utf8.Valid(b) {
		return errs.Invalid("provider_config", "provider_config is not valid UTF-8")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil || fields == nil {
		return errs.Invalid("provider_config", "provider_config must be a JSON object with a \"type\"")
	}
	var typ string
	if err := json.Unmarshal(fields["type"], &typ); err != nil || typ == "" {
		return errs.Invalid("provider_config.type", "provider_config.type must name a provider, such as \"ticketing_jira\"")
	}
	delete(fields, "type")
	rest, _ := json.Marshal(fields)
	*p = ProviderConfig{Type: typ}
	prov, ok := providers.Lookup(typ)
	if !ok {
		p.raw = rest
		return nil
	}
	cfg := prov.NewConfig()
	if err := strictjson.Decode("", rest, cfg); err != nil {
		return prefixField("provider_config", err)
	}
	p.Config = cfg
	return nil
}

// decodeProviderConfig decodes a configuration's JSON with prov's
// configuration type.
func decodeProviderConfig(b []byte, prov providers.Provider) (*ProviderConfig, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, errs.Invalid("provider_config", "provider_config must be a JSON object")
	}
	delete(fields, "type")
	rest, _ := json.Marshal(fields)
	cfg := prov.NewConfig()
	if err := strictjson.Decode("", rest, cfg); err != nil {
		return nil, prefixField("provider_config", err)
	}
	return &ProviderConfig{Type: prov.ID, Config: cfg}, nil
}

// provider returns the provider reg registers for the configuration and
// checks the configuration, or says why it cannot be used.
func (p *ProviderConfig) provider(reg *providers.Registry) (providers.Provider, error) {
	if p == nil || p.Type == "" {
		return providers.Provider{}, errs.Invalid("provider_config", "provider_config is required: it names the provider and holds its settings")
	}
	prov, ok := reg.Lookup(p.Type)
	if !ok {
		return providers.Provider{}, errs.Invalid("provider_config.type",
			"provider %q is not available in this program; import its package (github.com/seed-e6251c81/synqly/providers/all registers every provider). Available: %s",
			clip(p.Type), strings.Join(reg.IDs(), ", "))
	}
	if isNil(p.Config) {
		p.Config = nil
	}
	if p.Config == nil && len(p.raw) == 0 {
		return prov, errs.Invalid("provider_config", "provider_config of %s has no settings: set Config", prov.ID)
	}
	if p.Config == nil {
		// Decoded before the provider was registered, or by a registry
		// other than Default: decode again now, with prov's configuration.
		b, _ := p.MarshalJSON()
		again, err := decodeProviderConfig(b, prov)
		if err != nil {
			return prov, err
		}
		*p = *again
	}
	if want := reflect.TypeOf(prov.NewConfig()); reflect.TypeOf(p.Config) != want {
		return prov, errs.Invalid("provider_config", "provider_config.Config is a %T, but provider %s takes a %v", p.Config, prov.ID, want)
	}
	if err := p.Config.Validate(); err != nil {
		return prov, prefixField("provider_config", err)
	}
	return prov, nil
}

// isNil reports whether v is nil or a nil pointer (a typed nil in an
// interface).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// prefixField puts a prefix before the field an errs.Error names.
func prefixField(prefix string, err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		c := *e
		if c.Field != "" {
			c.Field = prefix + "." + c.Field
		} else {
			c.Field = prefix
		}
		return &c
	}
	return err
}

// allowed reports whether list (an integration point's allow-list) admits
// provider id.
func allowed(list []string, id string) bool {
	return slices.Contains(list, "*") || slices.Contains(list, id)
}
