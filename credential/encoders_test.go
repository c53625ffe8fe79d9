package credential

import (
	"bytes"
	"encoding"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
)

// This file checks that no encoder Secret's documentation lists writes a
// secret in clear, for every variant, for a Ref holding one inline, and for
// the usual containers (struct fields, maps, slices, interfaces).

// registerGob registers the variants for gob's interface encoding. The
// package does not do it itself, so that it never takes a gob name an
// application wants for them.
func registerGob() {
	for _, c := range samples() {
		gob.Register(c)
	}
	gob.Register(Secret(""))
}

// holders returns every value under test: each variant by pointer and by
// value, inline in a Ref, and inside a struct, a map, a slice and an
// interface.
func holders() map[string]any {
	type outer struct {
		Name   string
		Config Config
		Ref    Ref
		Map    map[string]Secret
		Any    any
	}
	out := map[string]any{}
	for _, c := range samples() {
		name := string(c.Type())
		out[name+"/pointer"] = c
		out[name+"/value"] = derefConfig(c)
		out[name+"/ref"] = *Inline(c)
		out[name+"/struct"] = outer{Name: "n", Config: c, Ref: *Inline(c), Map: map[string]Secret{"k": Secret(secretToken)}, Any: c}
		out[name+"/struct-pointer"] = &outer{Name: "n", Config: c, Any: Secret(secretSecret)}
		out[name+"/map"] = map[string]any{"config": c, "secret": Secret(secretBasic)}
		out[name+"/slice"] = []Config{c, c}
	}
	out["secret"] = Secret(secretToken)
	out["secret-pointer"] = new(Secret(secretToken))
	out["secret-slice"] = []Secret{secretToken, secretBasic}
	return out
}

// derefConfig returns the variant struct c points to, as a value.
func derefConfig(c Config) any {
	switch c := c.(type) {
	case *AWSCredential:
		return *c
	case *AWSRoleCredential:
		return *c
	case *TokenCredential:
		return *c
	case *BasicCredential:
		return *c
	case *SecretCredential:
		return *c
	case *OAuthClientCredential:
		return *c
	case *TLSCertificateCredential:
		return *c
	}
	panic(fmt.Sprintf("unknown variant %T", c))
}

func TestSecretsNeverShowInGob(t *testing.T) {
	registerGob()
	for name, v := range holders() {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err != nil {
			// A type gob cannot encode is no leak, but every holder here is
			// encodable: say which one failed.
			t.Errorf("%s: gob: %v", name, err)
		}
		noSecrets(t, "gob of "+name, buf.String())
		// Encode the same through an interface, as gob does for fields of
		// interface type.
		buf.Reset()
		var iface any = v
		_ = gob.NewEncoder(&buf).Encode(&iface)
		noSecrets(t, "gob of "+name+" in an interface", buf.String())
	}
}

func TestSecretGobDecodeRefusesRedacted(t *testing.T) {
	registerGob()
	// Decoding the redacted form must fail: it holds no secret, and a Secret
	// that silently came back as "[REDACTED]" or "" would be sent to a vendor.
	for _, c := range samples() {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(c); err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(c).Elem())
		err := gob.NewDecoder(&buf).Decode(back.Interface())
		if err == nil {
			t.Errorf("%s: gob decoding the redacted form succeeded: %+v", c.Type(), back.Interface())
			continue
		}
		if !strings.Contains(err.Error(), "redacted") {
			t.Errorf("%s: error %v, want an invalid-input error about the redacted secret", c.Type(), err)
		}
		noSecrets(t, "gob decode error", err.Error())
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(Secret(secretToken)); err != nil {
		t.Fatal(err)
	}
	var s Secret
	err := gob.NewDecoder(&buf).Decode(&s)
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("GobDecode of a redacted Secret: %v (%q), want ErrInvalidInput", err, s.Reveal())
	}
	if s != "" {
		t.Errorf("GobDecode left %q", s.Reveal())
	}
	if gd, ok := any(&s).(gob.GobDecoder); !ok {
		t.Error("*Secret is not a gob.GobDecoder")
	} else if err := gd.GobDecode([]byte(secretToken)); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("GobDecode of arbitrary bytes: %v", err)
	}

	// An empty secret carries no value to lose: it round-trips.
	buf.Reset()
	if err := gob.NewEncoder(&buf).Encode(Secret("")); err != nil {
		t.Fatal(err)
	}
	s = "stale"
	if err := gob.NewDecoder(&buf).Decode(&s); err != nil || s != "" {
		t.Errorf("empty Secret through gob: %q, %v", s.Reveal(), err)
	}
	// A reference carries no secret: it round-trips.
	buf.Reset()
	ref := *RefTo("cred-1", TypeBasic)
	if err := gob.NewEncoder(&buf).Encode(ref); err != nil {
		t.Fatal(err)
	}
	var back Ref
	if err := gob.NewDecoder(&buf).Decode(&back); err != nil || back != ref {
		t.Errorf("reference through gob: %+v, %v", back, err)
	}
}

func TestSecretsNeverShowInXML(t *testing.T) {
	for name, v := range holders() {
		var buf bytes.Buffer
		// Maps and interfaces of maps (Extra) are not XML-encodable: the
		// encoder fails, possibly after writing part of the value.
		_ = xml.NewEncoder(&buf).Encode(v)
		noSecrets(t, "xml of "+name, buf.String())
	}
	type attrs struct {
		XMLName xml.Name `xml:"cred"`
		User    string   `xml:"user,attr"`
		Secret  Secret   `xml:"secret,attr"`
		Elem    Secret   `xml:"elem"`
		Ptr     *Secret  `xml:"ptr,attr"`
		Chars   Secret   `xml:",chardata"`
	}
	s := Secret(secretToken)
	out, err := xml.Marshal(attrs{User: "u", Secret: s, Elem: s, Ptr: &s, Chars: s})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "xml attributes", string(out))
	if !strings.Contains(string(out), `secret="[REDACTED]"`) || !strings.Contains(string(out), "<elem>[REDACTED]</elem>") {
		t.Errorf("xml = %s", out)
	}
}

func TestSecretMarshalerInterfaces(t *testing.T) {
	s := Secret(secretToken)
	tm, ok := any(s).(encoding.TextMarshaler)
	if !ok {
		t.Fatal("Secret is not an encoding.TextMarshaler")
	}
	if b, err := tm.MarshalText(); err != nil || string(b) != Redacted {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	bm, ok := any(s).(encoding.BinaryMarshaler)
	if !ok {
		t.Fatal("Secret is not an encoding.BinaryMarshaler: users of that interface would fall back to its bytes")
	}
	if b, err := bm.MarshalBinary(); err != nil || string(b) != Redacted {
		t.Errorf("MarshalBinary = %q, %v", b, err)
	}
	if b, err := any(Secret("")).(encoding.BinaryMarshaler).MarshalBinary(); err != nil || len(b) != 0 {
		t.Errorf("MarshalBinary of empty = %q, %v", b, err)
	}
	var back Secret
	if bu, ok := any(&back).(encoding.BinaryUnmarshaler); !ok {
		t.Error("*Secret is not an encoding.BinaryUnmarshaler")
	} else if err := bu.UnmarshalBinary([]byte(Redacted)); !errors.Is(err, errs.ErrInvalidInput) || back != "" {
		t.Errorf("UnmarshalBinary of the redacted form: %q, %v", back.Reveal(), err)
	}
	gm, ok := any(s).(gob.GobEncoder)
	if !ok {
		t.Fatal("Secret is not a gob.GobEncoder")
	}
	if b, err := gm.GobEncode(); err != nil || string(b) != Redacted {
		t.Errorf("GobEncode = %q, %v", b, err)
	}
}

func TestSecretsNeverShowInFmtJSONSlog(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"}
	for name, v := range holders() {
		for _, verb := range verbs {
			noSecrets(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		noSecrets(t, name+" Sprint", fmt.Sprint(v)+fmt.Sprintln(v))
		js, _ := json.Marshal(v)
		noSecrets(t, name+" json", string(js))
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v, slog.Group("g", "v", v))
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v, slog.Group("g", "v", v))
		noSecrets(t, name+" slog", buf.String())
	}
}

func TestRedactedFormsDoNotValidate(t *testing.T) {
	// What comes back from the redacted JSON or XML of a configuration holds
	// the placeholder, which Validate refuses: it is never taken for a secret.
	for _, c := range samples() {
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(c).Elem()).Interface().(Config)
		if err := json.Unmarshal(js, back); err != nil {
			t.Fatalf("%s: %v", c.Type(), err)
		}
		wantInvalid(t, back.Validate(), "config."+strings.TrimPrefix(c.Type().placeholderField(), "credential."))
		if c.Type() == TypeOAuthClient {
			continue // Extra is a map, which XML cannot encode
		}
		x, err := xml.Marshal(c)
		if err != nil {
			t.Fatalf("%s: %v", c.Type(), err)
		}
		xb := reflect.New(reflect.TypeOf(c).Elem()).Interface().(Config)
		if err := xml.Unmarshal(x, xb); err != nil {
			t.Fatalf("%s: %v", c.Type(), err)
		}
		wantInvalid(t, xb.Validate(), "config."+strings.TrimPrefix(c.Type().placeholderField(), "credential."))
	}
}
