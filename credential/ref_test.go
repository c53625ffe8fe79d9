package credential

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

func TestRefReference(t *testing.T) {
	r := *RefTo("cred-123", TypeBasic)
	if r.IsInline() || r.IsZero() {
		t.Errorf("IsInline %v IsZero %v", r.IsInline(), r.IsZero())
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"basic_id","value":"cred-123"}`; string(js) != want {
		t.Errorf("got %s, want %s", js, want)
	}
	var back Ref
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("got %#v, want %#v", back, r)
	}
	if err := back.Validate(TypeBasic, TypeToken); err != nil {
		t.Error(err)
	}
	if err := back.Validate(); err != nil {
		t.Error(err)
	}
}

func TestRefInline(t *testing.T) {
	for _, c := range samples() {
		t.Run(string(c.Type()), func(t *testing.T) {
			data, err := MarshalConfig(c)
			if err != nil {
				t.Fatal(err)
			}
			var r Ref
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatal(err)
			}
			if !r.IsInline() || r.ID != "" || r.Type != c.Type() {
				t.Fatalf("got %+v", r)
			}
			if err := r.Validate(c.Type()); err != nil {
				t.Error(err)
			}
			if reflect.TypeOf(r.Inline) != reflect.TypeOf(c) {
				t.Errorf("inline is %T, want %T", r.Inline, c)
			}
			// Encoding redacts, and the redacted form does not validate.
			js, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			noSecrets(t, "json.Marshal(Ref)", string(js))
			if !strings.HasPrefix(string(js), `{"type":"`+string(c.Type())+`",`) {
				t.Errorf("inline JSON %s", js)
			}
			var again Ref
			if err := json.Unmarshal(js, &again); err != nil {
				t.Fatal(err)
			}
			e := wantInvalid(t, again.Validate(), again.Type.placeholderField())
			if e != nil && !strings.Contains(e.Message, Redacted) {
				t.Errorf("message %q", e.Message)
			}
		})
	}
}

// placeholderField is the first secret field of each type, where Validate
// finds the placeholder of a redacted configuration.
func (t Type) placeholderField() string {
	return "credential." + map[Type]string{
		TypeAWS: "secret_access_key", TypeAWSRole: "external_id", TypeToken: "secret", TypeBasic: "secret",
		TypeSecret: "secret", TypeOAuthClient: "client_secret", TypeTLSCertificate: "private_key",
	}[t]
}

func TestRefZero(t *testing.T) {
	var r Ref
	if !r.IsZero() || r.IsInline() {
		t.Error("zero Ref")
	}
	js, _ := json.Marshal(r)
	if string(js) != "null" {
		t.Errorf("zero Ref encodes as %s", js)
	}
	var v struct {
		A Ref `json:"a"`
		B Ref `json:"b,omitzero"`
	}
	if err := json.Unmarshal([]byte(`{"a":null}`), &v); err != nil || !v.A.IsZero() {
		t.Errorf("null: %v %+v", err, v.A)
	}
	js, _ = json.Marshal(v)
	if string(js) != `{"a":null}` {
		t.Errorf("omitzero: %s", js)
	}
	wantInvalid(t, r.Validate(), "credential")
	if Inline(nil) != nil || Inline((*BasicCredential)(nil)) != nil {
		t.Error("Inline(nil) is not nil")
	}
}

func TestRefUnmarshalErrors(t *testing.T) {
	tests := []struct{ name, in, field, msg string }{
		{"not json", `{"type":`, "credential", "not valid JSON"},
		{"not object", `["basic_id"]`, "credential", "JSON object"},
		{"no type", `{"value":"id"}`, "credential.type", "required"},
		{"unknown type", `{"type":"webhook_id","value":"id"}`, "credential.type", "basic, basic_id"},
		{"unknown inline", `{"type":"password"}`, "credential.type", "unknown"},
		{"no value", `{"type":"basic_id"}`, "credential.value", "non-empty string"},
		{"empty value", `{"type":"basic_id","value":""}`, "credential.value", "non-empty string"},
		{"blank value", `{"type":"basic_id","value":"  "}`, "credential.value", "non-empty string"},
		{"null value", `{"type":"basic_id","value":null}`, "credential.value", "non-empty string"},
		{"number value", `{"type":"basic_id","value":7}`, "credential.value", "non-empty string"},
		{"extra member", `{"type":"token_id","value":"id","secret":"` + secretToken + `"}`, "credential.secret", `no field "secret"`},
		{"inline unknown field", `{"type":"token","secret":"x","value":"id"}`, "credential.value", `no field "value"`},
		{"inline wrong type", `{"type":"token","secret":1}`, "credential.secret", "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := *RefTo("keep", TypeToken)
			err := r.UnmarshalJSON([]byte(tt.in))
			e := wantInvalid(t, err, tt.field)
			if e != nil && !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q, want %q", e.Message, tt.msg)
			}
			if r != *RefTo("keep", TypeToken) {
				t.Errorf("Ref changed on error: %+v", r)
			}
			noSecrets(t, "error", err.Error())
		})
	}
}

func TestRefInsideStruct(t *testing.T) {
	var cfg struct {
		URL        string `json:"url"`
		Credential Ref    `json:"credential"`
	}
	err := json.Unmarshal([]byte(`{"url":"https://x","credential":{"type":"basic","username":"u"}}`), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantInvalid(t, cfg.Credential.Validate(TypeBasic), "credential.secret")
	err = json.Unmarshal([]byte(`{"url":"https://x","credential":{"type":"basic_idx","value":"v"}}`), &cfg)
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("error %v (%T), want InvalidInput", err, err)
	}
}

func TestRefValidate(t *testing.T) {
	basic := &BasicCredential{Username: "u", Secret: secretBasic}
	tests := []struct {
		name    string
		r       Ref
		allowed []Type
		field   string
	}{
		{"both", Ref{ID: "id", Type: TypeBasic, Inline: basic}, nil, "credential"},
		{"type mismatch", Ref{Type: TypeToken, Inline: basic}, nil, "credential.type"},
		{"no type", Ref{ID: "id"}, nil, "credential.type"},
		{"bad type", *RefTo("id", "password"), nil, "credential.type"},
		{"not allowed", *RefTo("id", TypeBasic), []Type{TypeToken, TypeOAuthClient}, "credential.type"},
		{"inline not allowed", *Inline(basic), []Type{TypeToken}, "credential.type"},
		{"blank id", *RefTo("   ", TypeBasic), nil, "credential.value"},
		{"control in id", *RefTo("a\nb", TypeBasic), nil, "credential.value"},
		{"long id", *RefTo(strings.Repeat("a", 257), TypeBasic), nil, "credential.value"},
		{"invalid inline", *Inline(&BasicCredential{Username: "u"}), nil, "credential.secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := wantInvalid(t, tt.r.Validate(tt.allowed...), tt.field)
			if e != nil {
				noSecrets(t, "error", e.Error())
			}
		})
	}
	e := wantInvalid(t, RefTo("id", TypeBasic).Validate(TypeToken, TypeOAuthClient), "credential.type")
	if e != nil && !strings.Contains(e.Message, "token, token_id, o_auth_client, o_auth_client_id") {
		t.Errorf("message %q does not list the allowed forms", e.Message)
	}
	if err := (Ref{Type: TypeBasic, Inline: basic}).Validate(TypeBasic); err != nil {
		t.Error(err)
	}
	if err := (Ref{Inline: basic}).Validate(TypeBasic); err != nil {
		t.Error(err)
	}
}

func TestRefMarshalTypeFromInline(t *testing.T) {
	js, _ := json.Marshal(Ref{ID: "x", Inline: &TokenCredential{Secret: secretToken}})
	if string(js) != `{"type":"token_id","value":"x"}` {
		t.Errorf("got %s", js)
	}
}

func TestExpired(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	tests := []struct {
		expires *time.Time
		want    bool
	}{
		{nil, false},
		{&time.Time{}, false},
		{at(time.Second), false},
		{at(0), true},
		{at(-time.Nanosecond), true},
		{at(-24 * time.Hour), true},
	}
	for _, tt := range tests {
		if got := Expired(tt.expires, now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.expires, got, tt.want)
		}
	}
}

// TestRefAlias: Teams names a secret credential "webhook_url"; both forms
// decode to a secret and encode back under the alias.
func TestRefAlias(t *testing.T) {
	var r Ref
	if err := json.Unmarshal([]byte(`{"type":"webhook_url","secret":"`+secretSecret+`"}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Type != TypeSecret || r.Alias != "webhook_url" || !r.IsInline() || r.Inline.(*SecretCredential).Secret.Reveal() != secretSecret {
		t.Fatalf("inline alias decoded as %+v", r)
	}
	if err := r.Validate(TypeSecret, TypeOAuthClient); err != nil {
		t.Error(err)
	}
	js, _ := json.Marshal(r)
	if string(js) != `{"type":"webhook_url","secret":"[REDACTED]"}` {
		t.Errorf("inline alias encodes as %s", js)
	}
	if err := json.Unmarshal([]byte(`{"type":"webhook_url_id","value":"cred-9"}`), &r); err != nil {
		t.Fatal(err)
	}
	if r != (Ref{ID: "cred-9", Type: TypeSecret, Alias: "webhook_url"}) {
		t.Fatalf("reference alias decoded as %+v", r)
	}
	js, _ = json.Marshal(r)
	if string(js) != `{"type":"webhook_url_id","value":"cred-9"}` {
		t.Errorf("reference alias encodes as %s", js)
	}
	if a := Aliased(RefTo("c", TypeSecret), "webhook_url"); a.Alias != "webhook_url" || Aliased(nil, "x") != nil {
		t.Error("Aliased")
	}
	wantInvalid(t, json.Unmarshal([]byte(`{"type":"webhook_url","token":"x"}`), &r), "credential.token")
}
