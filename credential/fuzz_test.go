package credential

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
)

func FuzzUnmarshalConfig(f *testing.F) {
	for _, c := range samples() {
		data, err := MarshalConfig(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `1`, `{"type":null}`, `{"type":"basic_id","value":"x"}`,
		`{"type":"token","secret":1}`, `{"type":"token","secret":"x","x":1}`,
		`{"type":"aws_role","role_arn":"a","external_id":"e","duration":1e400}`,
		`{"type":"o_auth_client","client_id":"c","client_secret":"s","extra":{"a":[1,{"b":null}],"n":12345678901234567890}}`,
		`{"type":"basic","username":"\ud800","secret":"\xff"}`,
		`{"type":"tls_certificate","certificate":"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n","private_key":"-----BEGIN"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := UnmarshalConfig(data)
		if err != nil {
			if c != nil {
				t.Fatalf("config %#v with error %v", c, err)
			}
			if errs.CodeOf(err) != errs.InvalidInput {
				t.Fatalf("error %v has code %q, want %q", err, errs.CodeOf(err), errs.InvalidInput)
			}
			return
		}
		if !c.Type().Valid() {
			t.Fatalf("decoded type %q", c.Type())
		}
		if err := c.Validate(); err != nil && errs.CodeOf(err) != errs.InvalidInput {
			t.Fatalf("Validate: %v", err)
		}
		_ = NoSecretOf(c)
		if _, err := json.Marshal(c); err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		// Re-encoding is lossless.
		again, err := MarshalConfig(c)
		if err != nil {
			t.Fatalf("MarshalConfig: %v", err)
		}
		back, err := UnmarshalConfig(again)
		if err != nil {
			t.Fatalf("UnmarshalConfig(MarshalConfig(c)) = %v; input %q", err, again)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", back, c)
		}
		// The same bytes decode as an inline Ref.
		var r Ref
		if err := r.UnmarshalJSON(data); err != nil || !r.IsInline() || r.Type != c.Type() {
			t.Fatalf("Ref: %v %+v", err, r)
		}
	})
}

func FuzzRefUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`null`, `{"type":"basic_id","value":"x"}`, `{"type":"token","secret":"s"}`,
		`{"type":"token_id","value":7}`, `{"type":"_id","value":"x"}`, `{"type":"basic_id","value":"x","y":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Ref
		if err := r.UnmarshalJSON(data); err != nil {
			if errs.CodeOf(err) != errs.InvalidInput {
				t.Fatalf("error %v has code %q", err, errs.CodeOf(err))
			}
			if !r.IsZero() {
				t.Fatalf("Ref set on error: %+v", r)
			}
			return
		}
		_ = r.Validate()
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
	})
}
