package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
)

// MarshalConfig encodes c in its tagged-union JSON form, "type" first:
//
//	{"type":"basic","username":"u","secret":"<the password in clear>"}
//
// WARNING: the output holds every secret of c IN CLEAR. It exists to produce
// the plaintext that is sealed (encrypted) before it is stored, and must go
// nowhere else: not to a log, an error, an audit event, a response or a file.
// To show or log a configuration, use json.Marshal, which redacts secrets.
//
// MarshalConfig does not validate c; call c.Validate first. It fails only if
// c is nil or its Extra cannot be encoded, with an errs.InvalidInput error.
func MarshalConfig(c Config) ([]byte, error) {
	if isNil(c) {
		return nil, errs.Invalid("config", "credential configuration is missing")
	}
	data, err := json.Marshal(c.wire(true))
	if err != nil {
		// Do not wrap err: its text may quote a value.
		return nil, errs.Invalid("config.extra", "%s credential: extra must hold only values that can be encoded as JSON", c.Type())
	}
	return data, nil
}

// UnmarshalConfig decodes the tagged-union JSON form of a credential
// configuration, such as {"type":"token","secret":"..."}, and returns a
// pointer to the variant named by "type": *AWSCredential for "aws", and so on.
//
// Decoding is strict; every failure is an errs.InvalidInput error whose Field
// is the JSON path of the culprit and whose message never repeats the input:
//
//   - malformed JSON or not an object: Field "config";
//   - "type" missing, not a string or not a CredentialType (including a
//     reference type such as "basic_id"): Field "config.type", and the
//     message lists the allowed types;
//   - a field the variant does not have (names are case-sensitive): Field
//     "config.<name>";
//   - a value of the wrong JSON type: Field "config.<name>".
//
// A JSON null leaves a field empty. Numbers in Extra decode as json.Number,
// so large integers keep their exact value.
//
// UnmarshalConfig checks structure, not values: call Validate on the result
// before using or storing it.
func UnmarshalConfig(data []byte) (Config, error) {
	return decodeConfig(data, "config")
}

// decodeConfig is UnmarshalConfig with the JSON path of the configuration.
func decodeConfig(data []byte, path string) (Config, error) {
	fields, err := decodeObject(data, path)
	if err != nil {
		return nil, err
	}
	t, err := typeField(fields, path)
	if err != nil {
		return nil, err
	}
	if !t.Valid() {
		if base, ok := strings.CutSuffix(string(t), refSuffix); ok && Type(base).Valid() {
			return nil, errs.Invalid(path+".type", "%q is a credential reference; an inline configuration is needed here, with type one of %s", t, typeList(""))
		}
		return nil, errs.Invalid(path+".type", "unknown credential type %s; type must be one of %s", quote(string(t)), typeList(""))
	}
	v := variants[t]
	if err := checkFields(fields, v.fields, path, string(t)+" credential"); err != nil {
		return nil, err
	}
	c, err := v.decode(data)
	if err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			name, _, _ := strings.Cut(te.Field, ".")
			return nil, errs.Invalid(path+"."+name, "%s credential: %s must be %s", t, name, jsonKind(te.Type))
		}
		return nil, errs.Invalid(path, "%s credential: malformed configuration", t)
	}
	return c, nil
}

// decodeObject decodes a JSON object into its members, without echoing the
// input in errors.
func decodeObject(data []byte, path string) (map[string]json.RawMessage, error) {
	// encoding/json would decode stray bytes as U+FFFD: a different secret.
	if !utf8.Valid(data) {
		return nil, errs.Invalid(path, "credential configuration is not valid UTF-8")
	}
	if !json.Valid(data) {
		var v any
		if se := (*json.SyntaxError)(nil); errors.As(json.Unmarshal(data, &v), &se) {
			return nil, errs.Invalid(path, "credential configuration is not valid JSON (syntax error at byte %d)", se.Offset)
		}
		return nil, errs.Invalid(path, "credential configuration is not valid JSON")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return nil, errs.Invalid(path, "credential configuration must be a JSON object")
	}
	return fields, nil
}

// typeField reads the "type" member.
func typeField(fields map[string]json.RawMessage, path string) (Type, error) {
	raw, ok := fields["type"]
	if !ok {
		return "", errs.Invalid(path+".type", "type is required; one of %s", typeList(""))
	}
	var t *string
	if err := json.Unmarshal(raw, &t); err != nil || t == nil {
		return "", errs.Invalid(path+".type", "type must be a string, one of %s", typeList(""))
	}
	return Type(*t), nil
}

// checkFields refuses members not in allowed (plus "type"), naming the first
// in sorted order.
func checkFields(fields map[string]json.RawMessage, allowed []string, path, what string) error {
	var unknown []string
	for name := range fields {
		if name != "type" && !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	name := unknown[0]
	return errs.Invalid(path+"."+fieldName(name), "%s has no field %s; its fields are %s", what, quote(name), strings.Join(allowed, ", "))
}

// variant describes the JSON form of one Config type.
type variant struct {
	fields []string // JSON names, without "type"
	decode func(data []byte) (Config, error)
}

// variants maps each Type to its JSON form.
var variants = map[Type]variant{
	TypeAWS:            variantOf[awsWire](),
	TypeAWSRole:        variantOf[awsRoleWire](),
	TypeToken:          variantOf[tokenWire](),
	TypeBasic:          variantOf[basicWire](),
	TypeSecret:         variantOf[secretWire](),
	TypeOAuthClient:    variantOf[oauthClientWire](),
	TypeTLSCertificate: variantOf[tlsCertificateWire](),
}

// wireForm is implemented by the wire structs below.
type wireForm interface{ config() Config }

// variantOf derives a variant from its wire struct: the field names from the
// json tags, decoding with UseNumber.
func variantOf[W wireForm]() variant {
	var names []string
	t := reflect.TypeFor[W]()
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "type" {
			names = append(names, name)
		}
	}
	return variant{
		fields: names,
		decode: func(data []byte) (Config, error) {
			var w W
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(&w); err != nil {
				return nil, err
			}
			return w.config(), nil
		},
	}
}

// The wire structs are the JSON forms of the variants, with secrets as plain
// strings. Keep them in step with the variants: the round-trip tests fail
// when a field is missing.

type awsWire struct {
	Type            Type   `json:"type"`
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
	Session         string `json:"session,omitempty"`
}

type awsRoleWire struct {
	Type            Type   `json:"type"`
	RoleARN         string `json:"role_arn"`
	ExternalID      string `json:"external_id"`
	RoleSessionName string `json:"role_session_name,omitempty"`
	Duration        int    `json:"duration,omitempty"`
}

type tokenWire struct {
	Type   Type   `json:"type"`
	Secret string `json:"secret"`
}

type basicWire struct {
	Type     Type   `json:"type"`
	Username string `json:"username"`
	Secret   string `json:"secret"`
}

type secretWire struct {
	Type   Type   `json:"type"`
	Secret string `json:"secret"`
}

type oauthClientWire struct {
	Type         Type           `json:"type"`
	TokenURL     string         `json:"token_url,omitempty"`
	ClientID     string         `json:"client_id"`
	ClientSecret string         `json:"client_secret"`
	Extra        map[string]any `json:"extra,omitempty"`
}

type tlsCertificateWire struct {
	Type        Type   `json:"type"`
	Certificate string `json:"certificate"`
	PrivateKey  string `json:"private_key"`
}

func (w awsWire) config() Config {
	return &AWSCredential{AccessKeyID: w.AccessKeyID, SecretAccessKey: Secret(w.SecretAccessKey), Session: Secret(w.Session)}
}

func (w awsRoleWire) config() Config {
	return &AWSRoleCredential{RoleARN: w.RoleARN, ExternalID: Secret(w.ExternalID), RoleSessionName: w.RoleSessionName, Duration: w.Duration}
}

func (w tokenWire) config() Config { return &TokenCredential{Secret: Secret(w.Secret)} }

func (w basicWire) config() Config {
	return &BasicCredential{Username: w.Username, Secret: Secret(w.Secret)}
}

func (w secretWire) config() Config { return &SecretCredential{Secret: Secret(w.Secret)} }

func (w oauthClientWire) config() Config {
	if len(w.Extra) == 0 {
		w.Extra = nil // {} and absent are the same
	}
	return &OAuthClientCredential{TokenURL: w.TokenURL, ClientID: w.ClientID, ClientSecret: Secret(w.ClientSecret), Extra: w.Extra}
}

func (w tlsCertificateWire) config() Config {
	return &TLSCertificateCredential{Certificate: w.Certificate, PrivateKey: Secret(w.PrivateKey)}
}

// show returns the secret in clear if reveal, else its redacted form.
func show(s Secret, reveal bool) string {
	if reveal {
		return s.Reveal()
	}
	return s.redacted()
}

func (c *AWSCredential) wire(reveal bool) any {
	return awsWire{Type: TypeAWS, AccessKeyID: c.AccessKeyID, SecretAccessKey: show(c.SecretAccessKey, reveal), Session: show(c.Session, reveal)}
}

func (c *AWSRoleCredential) wire(reveal bool) any {
	return awsRoleWire{Type: TypeAWSRole, RoleARN: c.RoleARN, ExternalID: show(c.ExternalID, reveal), RoleSessionName: c.RoleSessionName, Duration: c.Duration}
}

func (c *TokenCredential) wire(reveal bool) any {
	return tokenWire{Type: TypeToken, Secret: show(c.Secret, reveal)}
}

func (c *BasicCredential) wire(reveal bool) any {
	return basicWire{Type: TypeBasic, Username: c.Username, Secret: show(c.Secret, reveal)}
}

func (c *SecretCredential) wire(reveal bool) any {
	return secretWire{Type: TypeSecret, Secret: show(c.Secret, reveal)}
}

func (c *OAuthClientCredential) wire(reveal bool) any {
	return oauthClientWire{Type: TypeOAuthClient, TokenURL: c.TokenURL, ClientID: c.ClientID, ClientSecret: show(c.ClientSecret, reveal), Extra: c.Extra}
}

func (c *TLSCertificateCredential) wire(reveal bool) any {
	return tlsCertificateWire{Type: TypeTLSCertificate, Certificate: c.Certificate, PrivateKey: show(c.PrivateKey, reveal)}
}

// jsonKind names the JSON type a Go type takes.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "of another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of another type"
}

// quote quotes user-supplied text for an error message, shortened.
func quote(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "..."
	}
	return strconv.Quote(s)
}

// fieldName makes a member name usable in errs.Error.Field.
func fieldName(name string) string {
	if name == "" || strings.ContainsAny(name, ".[] \t\r\n\"") || !utf8.ValidString(name) {
		return quote(name)
	}
	return name
}
