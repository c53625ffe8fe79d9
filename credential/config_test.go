package credential

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
)

func TestTypes(t *testing.T) {
	want := []Type{"aws", "aws_role", "token", "basic", "secret", "o_auth_client", "tls_certificate"}
	if !reflect.DeepEqual(Types, want) {
		t.Errorf("Types = %v, want %v", Types, want)
	}
	for _, typ := range want {
		if !typ.Valid() {
			t.Errorf("%s.Valid() = false", typ)
		}
	}
	for _, typ := range []Type{"", "AWS", "basic_id", "webhook_url", "oauth_client"} {
		if typ.Valid() {
			t.Errorf("%q.Valid() = true", typ)
		}
	}
	seen := map[Type]bool{}
	for _, c := range samples() {
		seen[c.Type()] = true
	}
	if len(seen) != len(want) {
		t.Errorf("samples cover %d types, want %d", len(seen), len(want))
	}
}

func TestSamplesAreValid(t *testing.T) {
	for _, c := range samples() {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", c.Type(), err)
		}
	}
}

func TestMarshalConfigRoundTrip(t *testing.T) {
	for _, c := range samples() {
		t.Run(string(c.Type()), func(t *testing.T) {
			data, err := MarshalConfig(c)
			if err != nil {
				t.Fatal(err)
			}
			prefix := `{"type":"` + string(c.Type()) + `",`
			if !strings.HasPrefix(string(data), prefix) {
				t.Errorf("MarshalConfig = %s, want it to start with %s", data, prefix)
			}
			if strings.Contains(string(data), Redacted) {
				t.Errorf("MarshalConfig redacted a secret: %s", data)
			}
			got, err := UnmarshalConfig(data)
			if err != nil {
				t.Fatalf("UnmarshalConfig(%s): %v", data, err)
			}
			// Extra numbers come back as json.Number.
			if o, ok := got.(*OAuthClientCredential); ok {
				if n, ok := o.Extra["n"].(json.Number); !ok || n.String() != "3" {
					t.Errorf("extra.n = %#v", o.Extra["n"])
				}
				o.Extra["n"] = 3.0
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("round trip:\n got %#v\nwant %#v", got, c)
			}
			if got.Type() != c.Type() {
				t.Errorf("type %s, want %s", got.Type(), c.Type())
			}
		})
	}
}

func TestMarshalConfigExample(t *testing.T) {
	data, err := MarshalConfig(&BasicCredential{Username: "u", Secret: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"basic","username":"u","secret":"p"}`; string(data) != want {
		t.Errorf("got %s, want %s", data, want)
	}
	data, err = MarshalConfig(&AWSCredential{AccessKeyID: "a", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"aws","access_key_id":"a","secret_access_key":"s"}`; string(data) != want {
		t.Errorf("got %s, want %s (session omitted)", data, want)
	}
}

func TestMarshalConfigErrors(t *testing.T) {
	_, err := MarshalConfig(nil)
	wantInvalid(t, err, "config")
	_, err = MarshalConfig((*BasicCredential)(nil))
	wantInvalid(t, err, "config")
	_, err = MarshalConfig(&OAuthClientCredential{ClientID: "c", ClientSecret: secretClient, Extra: map[string]any{"f": func() {}}})
	e := wantInvalid(t, err, "config.extra")
	noSecrets(t, "error", e.Error())
}

// embedding holds a configuration the ways an application might.
type embedding struct {
	Name string
	BasicCredential
	Config Config
	Ref    Ref
	Value  TokenCredential
}

func TestConfigsNeverLeak(t *testing.T) {
	for _, c := range samples() {
		t.Run(string(c.Type()), func(t *testing.T) {
			elem := reflect.ValueOf(c).Elem().Interface() // the struct value
			outer := embedding{
				Name:            "x",
				BasicCredential: BasicCredential{Username: "u", Secret: secretBasic},
				Config:          c,
				Ref:             *Inline(c),
				Value:           TokenCredential{Secret: secretToken},
			}
			for _, v := range []any{c, elem, outer, &outer, []Config{c}, map[string]any{"c": c, "e": elem}} {
				js, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				noSecrets(t, "json.Marshal", string(js))
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
					noSecrets(t, verb, fmt.Sprintf(verb, v))
				}
				var buf bytes.Buffer
				slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
				slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
				noSecrets(t, "slog", buf.String())
			}
			js, _ := json.Marshal(elem)
			if !strings.Contains(string(js), Redacted) {
				t.Errorf("json.Marshal = %s, want secrets shown as %s", js, Redacted)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	otherPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("x")}))
	tests := []struct {
		name  string
		c     Config
		field string
	}{
		{"aws no key id", &AWSCredential{SecretAccessKey: secretAWSKey}, "config.access_key_id"},
		{"aws blank key id", &AWSCredential{AccessKeyID: " \t", SecretAccessKey: secretAWSKey}, "config.access_key_id"},
		{"aws no secret", &AWSCredential{AccessKeyID: "a"}, "config.secret_access_key"},
		{"aws bad utf8", &AWSCredential{AccessKeyID: "a", SecretAccessKey: secretAWSKey + "\xff"}, "config.secret_access_key"},
		{"aws placeholder session", &AWSCredential{AccessKeyID: "a", SecretAccessKey: secretAWSKey, Session: Redacted}, "config.session"},
		{"role no arn", &AWSRoleCredential{ExternalID: secretExternalID}, "config.role_arn"},
		{"role bad arn", &AWSRoleCredential{RoleARN: "role/x", ExternalID: secretExternalID}, "config.role_arn"},
		{"role user arn", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:user/x", ExternalID: secretExternalID}, "config.role_arn"},
		{"role no external id", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x"}, "config.external_id"},
		{"role short session name", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: secretExternalID, RoleSessionName: "a"}, "config.role_session_name"},
		{"role bad session name", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: secretExternalID, RoleSessionName: "a b"}, "config.role_session_name"},
		{"role short duration", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: secretExternalID, Duration: 899}, "config.duration"},
		{"role negative duration", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: secretExternalID, Duration: -1}, "config.duration"},
		{"role long duration", &AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: secretExternalID, Duration: 43201}, "config.duration"},
		{"token empty", &TokenCredential{}, "config.secret"},
		{"token blank", &TokenCredential{Secret: "  "}, "config.secret"},
		{"token placeholder", &TokenCredential{Secret: Redacted}, "config.secret"},
		{"basic no username", &BasicCredential{Secret: secretBasic}, "config.username"},
		{"basic no secret", &BasicCredential{Username: "u"}, "config.secret"},
		{"secret empty", &SecretCredential{}, "config.secret"},
		{"oauth no client id", &OAuthClientCredential{ClientSecret: secretClient}, "config.client_id"},
		{"oauth no secret", &OAuthClientCredential{ClientID: "c"}, "config.client_secret"},
		{"oauth relative url", &OAuthClientCredential{TokenURL: "/token", ClientID: "c", ClientSecret: secretClient}, "config.token_url"},
		{"oauth ftp url", &OAuthClientCredential{TokenURL: "ftp://x/token", ClientID: "c", ClientSecret: secretClient}, "config.token_url"},
		{"oauth opaque url", &OAuthClientCredential{TokenURL: "https:x", ClientID: "c", ClientSecret: secretClient}, "config.token_url"},
		{"oauth bad url", &OAuthClientCredential{TokenURL: "https://x/%zz", ClientID: "c", ClientSecret: secretClient}, "config.token_url"},
		{"oauth url with password", &OAuthClientCredential{TokenURL: "https://u:" + secretClient + "@x/token", ClientID: "c", ClientSecret: secretClient}, "config.token_url"},
		{"oauth bad extra", &OAuthClientCredential{ClientID: "c", ClientSecret: secretClient, Extra: map[string]any{"c": make(chan int)}}, "config.extra"},
		{"tls no cert", &TLSCertificateCredential{PrivateKey: Secret(privateKeyPEM)}, "config.certificate"},
		{"tls cert not pem", &TLSCertificateCredential{Certificate: "MIIB...", PrivateKey: Secret(privateKeyPEM)}, "config.certificate"},
		{"tls key in cert", &TLSCertificateCredential{Certificate: certificatePEM + privateKeyPEM, PrivateKey: Secret(privateKeyPEM)}, "config.certificate"},
		{"tls other block in cert", &TLSCertificateCredential{Certificate: otherPEM, PrivateKey: Secret(privateKeyPEM)}, "config.certificate"},
		{"tls no key", &TLSCertificateCredential{Certificate: certificatePEM}, "config.private_key"},
		{"tls key not pem", &TLSCertificateCredential{Certificate: certificatePEM, PrivateKey: secretKeyMaterial}, "config.private_key"},
		{"tls cert as key", &TLSCertificateCredential{Certificate: certificatePEM, PrivateKey: Secret(certificatePEM)}, "config.private_key"},
		{"tls two keys", &TLSCertificateCredential{Certificate: certificatePEM, PrivateKey: Secret(privateKeyPEM + privateKeyPEM)}, "config.private_key"},
		{"nil aws", (*AWSCredential)(nil), "config"},
		{"nil role", (*AWSRoleCredential)(nil), "config"},
		{"nil token", (*TokenCredential)(nil), "config"},
		{"nil basic", (*BasicCredential)(nil), "config"},
		{"nil secret", (*SecretCredential)(nil), "config"},
		{"nil oauth", (*OAuthClientCredential)(nil), "config"},
		{"nil tls", (*TLSCertificateCredential)(nil), "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := wantInvalid(t, tt.c.Validate(), tt.field)
			if e == nil {
				return
			}
			noSecrets(t, "error", e.Error())
			if name := strings.TrimPrefix(tt.field, "config."); tt.field != "config" && !strings.Contains(e.Message, name) {
				t.Errorf("message %q does not name %s", e.Message, name)
			}
			if !strings.Contains(e.Message, string(tt.c.Type())) {
				t.Errorf("message %q does not name the type %s", e.Message, tt.c.Type())
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	chain := certificatePEM + certificatePEM
	rsaKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("k")}))
	for _, c := range []Config{
		&AWSCredential{AccessKeyID: "a", SecretAccessKey: "s"},
		&AWSRoleCredential{RoleARN: "arn:aws-us-gov:iam::123456789012:role/path/name", ExternalID: "e"},
		&AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: "e", Duration: 900, RoleSessionName: "a=b,c.d@e_f-g+h"},
		&AWSRoleCredential{RoleARN: "arn:aws:iam::1:role/x", ExternalID: "e", Duration: 43200},
		&OAuthClientCredential{ClientID: "c", ClientSecret: "s"},
		&OAuthClientCredential{TokenURL: "http://localhost:8080/token?x=1", ClientID: "c", ClientSecret: "s", Extra: map[string]any{}},
		&TLSCertificateCredential{Certificate: "subject=CN=x\n" + chain, PrivateKey: Secret(rsaKey + "\n\n")},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%#v: %v", c, err)
		}
	}
}

func TestUnmarshalConfigErrors(t *testing.T) {
	tests := []struct {
		name, in, field, msg string
	}{
		{"empty", ``, "config", "not valid JSON"},
		{"syntax", `{"type":"token","secret":"` + secretToken + `"`, "config", "not valid JSON"},
		{"syntax in secret", `{"type":"token","secret":"` + secretToken + `\x"}`, "config", "not valid JSON"},
		{"trailing", `{"type":"token","secret":"x"} {}`, "config", "not valid JSON"},
		{"array", `[{"type":"token"}]`, "config", "JSON object"},
		{"string", `"` + secretToken + `"`, "config", "JSON object"},
		{"null", `null`, "config", "JSON object"},
		{"no type", `{"secret":"` + secretToken + `"}`, "config.type", "aws, aws_role, token, basic, secret, o_auth_client, tls_certificate"},
		{"null type", `{"type":null,"secret":"x"}`, "config.type", "must be a string"},
		{"number type", `{"type":1}`, "config.type", "must be a string"},
		{"unknown type", `{"type":"password","secret":"x"}`, "config.type", `unknown credential type "password"`},
		{"case type", `{"type":"Basic","username":"u","secret":"x"}`, "config.type", "unknown"},
		{"reference", `{"type":"basic_id","value":"id"}`, "config.type", "reference"},
		{"unknown field", `{"type":"token","secret":"` + secretToken + `","token":"` + secretToken + `"}`, "config.token", `no field "token"`},
		{"wrong case field", `{"type":"basic","Username":"u","secret":"x"}`, "config.Username", `no field "Username"`},
		{"field of other type", `{"type":"token","secret":"x","username":"u"}`, "config.username", "its fields are secret"},
		{"odd field name", `{"type":"token","secret":"x","a.b":1}`, `config."a.b"`, "no field"},
		{"number secret", `{"type":"token","secret":12345}`, "config.secret", "must be a string"},
		{"object secret", `{"type":"basic","username":"u","secret":{"s":"` + secretBasic + `"}}`, "config.secret", "must be a string"},
		{"string duration", `{"type":"aws_role","role_arn":"a","external_id":"e","duration":"900"}`, "config.duration", "must be an integer"},
		{"float duration", `{"type":"aws_role","role_arn":"a","external_id":"e","duration":900.5}`, "config.duration", "must be an integer"},
		{"huge duration", `{"type":"aws_role","role_arn":"a","external_id":"e","duration":1e99}`, "config.duration", "must be an integer"},
		{"array extra", `{"type":"o_auth_client","client_id":"c","client_secret":"s","extra":[1]}`, "config.extra", "must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := UnmarshalConfig([]byte(tt.in))
			if c != nil {
				t.Errorf("config = %#v, want nil", c)
			}
			e := wantInvalid(t, err, tt.field)
			if e == nil {
				return
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q, want it to contain %q", e.Message, tt.msg)
			}
			noSecrets(t, "error", e.Error())
			if errors.Unwrap(err) != nil {
				t.Errorf("error wraps %v; causes may quote the input", errors.Unwrap(err))
			}
		})
	}
}

func TestUnmarshalConfigNulls(t *testing.T) {
	c, err := UnmarshalConfig([]byte(`{"type":"aws","access_key_id":"a","secret_access_key":null,"session":null}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &AWSCredential{AccessKeyID: "a"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %#v", c)
	}
	wantInvalid(t, c.Validate(), "config.secret_access_key")
	c, err = UnmarshalConfig([]byte(` {"extra":{},"client_secret":"s","client_id":"c","type":"o_auth_client"} `))
	if err != nil {
		t.Fatal(err)
	}
	if c.(*OAuthClientCredential).Extra != nil {
		t.Error("empty extra should decode as nil")
	}
}

func TestNoSecretOf(t *testing.T) {
	for _, c := range samples() {
		v := NoSecretOf(c)
		js, _ := json.Marshal(v)
		if want := `{"type":"` + string(c.Type()) + `"}`; string(js) != want {
			t.Errorf("got %s, want %s", js, want)
		}
	}
	if NoSecretOf(nil) != (NoSecret{}) || NoSecretOf((*TokenCredential)(nil)) != (NoSecret{}) {
		t.Error("NoSecretOf(nil) not zero")
	}
}

func TestErrorsHaveCode(t *testing.T) {
	_, err := UnmarshalConfig([]byte(`{}`))
	if errs.CodeOf(err) != errs.InvalidInput {
		t.Errorf("code %q", errs.CodeOf(err))
	}
}
