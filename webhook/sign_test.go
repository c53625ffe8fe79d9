package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testNow is the clock of the tests.
var testNow = time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.UTC)

// payload returns an event body with the given nonce and created_at.
func payload(nonce string, created time.Time) []byte {
	return fmt.Appendf(nil, `{"id":"ev_1","event":"sync.complete","created_at":%q,"nonce":%q}`,
		created.UTC().Format(time.RFC3339Nano), nonce)
}

// independentSign computes the header value without Sign.
func independentSign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestSign(t *testing.T) {
	tests := []struct {
		name         string
		secret, body []byte
	}{
		{"event", []byte("whsec_0123456789abcdef"), payload("n1", testNow)},
		{"empty body", []byte("secret"), nil},
		{"binary secret", []byte{0, 1, 2, 0xff, 0xfe}, []byte(`{"a":1}`)},
		// Longer than SHA-256's block: HMAC hashes the key first.
		{"long secret", []byte(strings.Repeat("k", 100)), []byte("x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sign(tt.secret, tt.body)
			if want := independentSign(tt.secret, tt.body); got != want {
				t.Fatalf("Sign = %s, want %s", got, want)
			}
			if len(got) != len("sha256=")+64 || got != strings.ToLower(got) {
				t.Fatalf("Sign = %q: not sha256= and 64 lowercase hex digits", got)
			}
		})
	}
	// A fixed vector, for receivers in other languages: RFC 4231 test
	// case 2.
	if got, want := Sign([]byte("Jefe"), []byte("what do ya want for nothing?")),
		"sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; got != want {
		t.Fatalf("Sign(RFC 4231 case 2) = %s, want %s", got, want)
	}
}

func TestNewNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := NewNonce()
		b, err := base64.RawURLEncoding.DecodeString(n)
		if err != nil || len(b) != 16 {
			t.Fatalf("NewNonce() = %q: not 16 bytes of base64url without padding (%v)", n, err)
		}
		if seen[n] {
			t.Fatalf("NewNonce() repeated %q", n)
		}
		seen[n] = true
	}
}

func TestVerify(t *testing.T) {
	secret := []byte("whsec_current_secret")
	old := []byte("whsec_previous_secret")
	body := payload("nonce-1", testNow.Add(-time.Minute))
	valid := Sign(secret, body)
	longHeader := strings.Repeat("sha256="+strings.Repeat("0", 64)+",", 60) + valid

	tests := []struct {
		name      string
		header    string
		body      []byte
		secrets   [][]byte
		tolerance time.Duration
		want      error
	}{
		{name: "valid", header: valid, body: body, secrets: [][]byte{secret}},
		{name: "wrong secret", header: valid, body: body, secrets: [][]byte{[]byte("another secret")}, want: ErrBadSignature},
		{name: "no secrets", header: valid, body: body, want: ErrBadSignature},
		{name: "empty secret skipped", header: Sign(nil, body), body: body, secrets: [][]byte{{}}, want: ErrBadSignature},
		{name: "rotation, receiver holds both", header: Sign(old, body), body: body, secrets: [][]byte{secret, old}},
		{name: "rotation, two signatures, new matches", header: Sign(secret, body) + "," + Sign(old, body), body: body, secrets: [][]byte{secret}},
		{name: "rotation, two signatures, old matches", header: Sign(secret, body) + ", " + Sign(old, body), body: body, secrets: [][]byte{old}},
		{name: "rotation, neither matches", header: Sign(secret, body) + "," + Sign(old, body), body: body, secrets: [][]byte{[]byte("third")}, want: ErrBadSignature},
		{name: "unknown scheme skipped", header: "v2=abc, " + valid, body: body, secrets: [][]byte{secret}},
		{name: "uppercase hex", header: "sha256=" + strings.ToUpper(strings.TrimPrefix(valid, "sha256=")), body: body, secrets: [][]byte{secret}},
		{name: "missing header", header: "", body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "no scheme", header: strings.TrimPrefix(valid, "sha256="), body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "other scheme only", header: "sha1=" + strings.Repeat("a", 40), body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "not hex", header: "sha256=" + strings.Repeat("zz", 32), body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "short", header: valid[:len(valid)-2], body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "commas only", header: ",,, ,", body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "header over 4 KiB", header: longHeader, body: body, secrets: [][]byte{secret}, want: ErrNoSignature},
		{name: "tampered body", header: valid, body: []byte(strings.Replace(string(body), "ev_1", "ev_2", 1)), secrets: [][]byte{secret}, want: ErrBadSignature},
		{name: "body with a byte appended", header: valid, body: append(append([]byte(nil), body...), ' '), secrets: [][]byte{secret}, want: ErrBadSignature},
		{name: "created_at too old", header: Sign(secret, payload("n", testNow.Add(-6*time.Minute))), body: payload("n", testNow.Add(-6*time.Minute)), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "created_at too new", header: Sign(secret, payload("n", testNow.Add(6*time.Minute))), body: payload("n", testNow.Add(6*time.Minute)), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "created_at at the tolerance", header: Sign(secret, payload("n", testNow.Add(-5*time.Minute))), body: payload("n", testNow.Add(-5*time.Minute)), secrets: [][]byte{secret}},
		{name: "created_at within a custom tolerance", header: Sign(secret, payload("n", testNow.Add(-50*time.Minute))), body: payload("n", testNow.Add(-50*time.Minute)), secrets: [][]byte{secret}, tolerance: time.Hour},
		{name: "created_at beyond a custom tolerance", header: valid, body: body, secrets: [][]byte{secret}, tolerance: time.Second, want: ErrExpired},
		{name: "created_at missing", header: Sign(secret, []byte(`{"nonce":"n"}`)), body: []byte(`{"nonce":"n"}`), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "created_at not a string", header: Sign(secret, []byte(`{"nonce":"n","created_at":12}`)), body: []byte(`{"nonce":"n","created_at":12}`), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "created_at malformed", header: Sign(secret, []byte(`{"nonce":"n","created_at":"yesterday"}`)), body: []byte(`{"nonce":"n","created_at":"yesterday"}`), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "created_at with another case", header: Sign(secret, []byte(`{"nonce":"n","Created_At":"`+testNow.Format(time.RFC3339Nano)+`"}`)), body: []byte(`{"nonce":"n","Created_At":"` + testNow.Format(time.RFC3339Nano) + `"}`), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "body not an object", header: Sign(secret, []byte(`["x"]`)), body: []byte(`["x"]`), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "body null", header: Sign(secret, []byte(`null`)), body: []byte(`null`), secrets: [][]byte{secret}, want: ErrExpired},
		{name: "body not JSON", header: Sign(secret, []byte(`{`)), body: []byte(`{`), secrets: [][]byte{secret}, want: ErrExpired},
	}
	sentinels := []error{ErrNoSignature, ErrBadSignature, ErrExpired, ErrReplayed}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.header, tt.body, tt.secrets, testNow, tt.tolerance, nil)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			for _, s := range sentinels {
				if s != tt.want && errors.Is(err, s) {
					t.Errorf("Verify = %v: also %v", err, s)
				}
			}
			msg := err.Error()
			for _, s := range tt.secrets {
				if len(s) > 0 && strings.Contains(msg, string(s)) {
					t.Errorf("the error %q holds a secret", msg)
				}
			}
			if len(tt.body) > 8 && strings.Contains(msg, string(tt.body)) {
				t.Errorf("the error %q holds the body", msg)
			}
		})
	}
}

func TestVerifyNonces(t *testing.T) {
	secret := []byte("s3cret-s3cret")
	body := payload("nonce-once", testNow)
	sig := Sign(secret, body)
	nonces := NewMemoryNonces()
	nonces.now = func() time.Time { return testNow }

	steps := []struct {
		name   string
		header string
		body   []byte
		want   error
	}{
		{"first delivery", sig, body, nil},
		{"replay", sig, body, ErrReplayed},
		{"replay again", sig, body, ErrReplayed},
		{"another nonce", Sign(secret, payload("nonce-two", testNow)), payload("nonce-two", testNow), nil},
		{"nonce missing", Sign(secret, []byte(`{"created_at":"`+testNow.Format(time.RFC3339Nano)+`"}`)), []byte(`{"created_at":"` + testNow.Format(time.RFC3339Nano) + `"}`), ErrReplayed},
		{"nonce empty", Sign(secret, payload("", testNow)), payload("", testNow), ErrReplayed},
		{"nonce not a string", Sign(secret, []byte(`{"nonce":1,"created_at":"`+testNow.Format(time.RFC3339Nano)+`"}`)), []byte(`{"nonce":1,"created_at":"` + testNow.Format(time.RFC3339Nano) + `"}`), ErrReplayed},
	}
	for _, s := range steps {
		err := Verify(s.header, s.body, [][]byte{secret}, testNow, 0, nonces)
		if (s.want == nil && err != nil) || (s.want != nil && !errors.Is(err, s.want)) {
			t.Fatalf("%s: Verify = %v, want %v", s.name, err, s.want)
		}
	}

	// A bad signature does not record the nonce.
	fresh := payload("nonce-three", testNow)
	if err := Verify(Sign([]byte("wrong"), fresh), fresh, [][]byte{secret}, testNow, 0, nonces); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Verify(bad signature) = %v", err)
	}
	if err := Verify(Sign(secret, fresh), fresh, [][]byte{secret}, testNow, 0, nonces); err != nil {
		t.Fatalf("Verify after a bad signature = %v: the nonce was recorded", err)
	}

	// The nonce is remembered for twice the tolerance.
	rec := &recordingNonces{}
	if err := Verify(sig, body, [][]byte{secret}, testNow, time.Minute, rec); err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(2 * time.Minute); rec.nonce != "nonce-once" || !rec.expires.Equal(want) {
		t.Fatalf("Seen(%q, %v), want (nonce-once, %v)", rec.nonce, rec.expires, want)
	}
	if err := Verify(sig, body, [][]byte{secret}, testNow, 0, rec); err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(2 * DefaultTolerance); !rec.expires.Equal(want) {
		t.Fatalf("Seen(_, %v) with the default tolerance, want %v", rec.expires, want)
	}
}

// recordingNonces records the last Seen call and never reports a replay.
type recordingNonces struct {
	nonce   string
	expires time.Time
}

func (r *recordingNonces) Seen(nonce string, expires time.Time) bool {
	r.nonce, r.expires = nonce, expires
	return false
}

// FuzzVerify checks that Verify never panics and accepts only bodies
// correctly signed with the secret, fresh, and with a nonce not seen.
func FuzzVerify(f *testing.F) {
	secret := []byte("fuzz-secret")
	good := payload("fuzz-nonce", testNow)
	f.Add(Sign(secret, good), good, secret, false)
	f.Add("", good, secret, true)
	f.Add(Sign(secret, good)+","+Sign([]byte("x"), good), good, secret, false)
	f.Add("sha256=", good, secret, false)
	f.Add("sha256="+strings.Repeat("g", 64), good, secret, false)
	f.Add(Sign(secret, good)[:20], good, secret, false)
	f.Add(Sign(secret, good), append([]byte(" "), good...), secret, false)
	f.Add(Sign(secret, good), []byte(`{"created_at":"2025-03-04T05:06:07Z"}`), secret, false)
	f.Add("", []byte(`{"created_at":1e999,"nonce":{}}`), secret, true)
	f.Add("", []byte(`{"created_at":"2025-03-04T05:06:07.1+14:00","nonce":"n"}`), secret, true)
	f.Add("", []byte("\xff\xfe"), []byte{}, true)
	f.Add(",,,sha256=,,", []byte(nil), []byte(nil), false)
	f.Add(strings.Repeat("sha256="+strings.Repeat("a", 64)+",", 100), good, secret, false)

	f.Fuzz(func(t *testing.T, header string, body, secret []byte, sign bool) {
		if sign {
			// Reach the checks past the signature: prepend a valid one.
			header = Sign(secret, body) + "," + header
		}
		nonces := NewMemoryNonces()
		nonces.now = func() time.Time { return testNow }
		err := Verify(header, body, [][]byte{secret}, testNow, 0, nonces)
		if err != nil {
			if !errors.Is(err, ErrNoSignature) && !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrExpired) && !errors.Is(err, ErrReplayed) {
				t.Fatalf("Verify = %v: wraps no sentinel", err)
			}
			// The messages are fixed text and numbers: printable ASCII,
			// echoing no input.
			msg := err.Error()
			for i := 0; i < len(msg); i++ {
				if msg[i] < 0x20 || msg[i] > 0x7e {
					t.Fatalf("Verify = %q: not printable ASCII", msg)
				}
			}
			if len(secret) >= 16 && strings.Contains(msg, string(secret)) {
				t.Fatalf("Verify = %v: holds the secret", err)
			}
			return
		}
		// Accepted: check every condition independently.
		if len(secret) == 0 {
			t.Fatal("accepted with an empty secret")
		}
		if len(header) > 4096 {
			t.Fatal("accepted a header over 4 KiB")
		}
		want := independentSign(secret, body)
		matched := false
		for part := range strings.SplitSeq(header, ",") {
			if strings.EqualFold(strings.Trim(part, " \t"), want) {
				matched = true
			}
		}
		if !matched {
			t.Fatalf("accepted header %q, which lacks %s", header, want)
		}
		created, ok := jsonStringMember(body, "created_at")
		if !ok {
			t.Fatal("accepted a body without a created_at string")
		}
		ts, perr := time.Parse(time.RFC3339Nano, created)
		if perr != nil {
			t.Fatalf("accepted created_at %q: %v", created, perr)
		}
		if d := testNow.Sub(ts); d > DefaultTolerance || d < -DefaultTolerance {
			t.Fatalf("accepted created_at %s, %s from now", created, d)
		}
		if n, ok := jsonStringMember(body, "nonce"); !ok || n == "" {
			t.Fatal("accepted a body without a nonce")
		}
		// The same body again is a replay.
		if err := Verify(header, body, [][]byte{secret}, testNow, 0, nonces); !errors.Is(err, ErrReplayed) {
			t.Fatalf("second Verify = %v, want ErrReplayed", err)
		}
	})
}

// jsonStringMember returns the string member name of the JSON object body.
func jsonStringMember(body []byte, name string) (string, bool) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return "", false
	}
	s, ok := m[name].(string)
	return s, ok
}
