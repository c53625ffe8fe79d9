package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// material returns deterministic key material for tests.
func material(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustKey(t testing.TB, m []byte) Key {
	t.Helper()
	k, err := NewKey(m)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKey(t *testing.T) {
	m := material(7)
	k := mustKey(t, m)
	if len(k.ID()) != 16 {
		t.Errorf("ID %q, want 16 hex characters", k.ID())
	}
	if k.ID() != mustKey(t, material(7)).ID() {
		t.Errorf("ID not stable: %s", k.ID())
	}
	if k.ID() == mustKey(t, material(8)).ID() {
		t.Error("different material, same id")
	}
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		_, err := NewKey(bytes.Repeat([]byte{0xAB}, n))
		if err == nil {
			t.Errorf("NewKey(%d bytes) succeeded", n)
			continue
		}
		if !strings.Contains(err.Error(), "32 bytes") || strings.Contains(strings.ToLower(err.Error()), "abab") {
			t.Errorf("NewKey(%d bytes): %v", n, err)
		}
	}
}

func TestKeyIDIsSHA256Prefix(t *testing.T) {
	// echo -n 32 zero bytes | sha256sum = 66687aadf862bd776c8fc18b8e9f8e20...
	if got := mustKey(t, make([]byte, KeySize)).ID(); got != "66687aadf862bd77" {
		t.Errorf("ID = %s", got)
	}
}

func TestKeyNeverShowsMaterial(t *testing.T) {
	m := []byte("0123456789abcdef0123456789ABCDEF")
	k := mustKey(t, m)
	kr := NewKeyring(k, mustKey(t, material(1)))
	type holder struct {
		k  Key
		K  Key
		kr *Keyring
	}
	h := holder{k, k, kr}
	var outs []string
	for _, v := range []any{k, &k, h, &h, []Key{k}, kr, *kr} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "key", k, "h", h)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "key", k, "h", h)
	outs = append(outs, buf.String(), k.String(), k.GoString(), kr.String())
	for _, out := range outs {
		for _, leak := range []string{string(m), hex.EncodeToString(m), base64.StdEncoding.EncodeToString(m), fmt.Sprint([]byte(m)), "0123456789abcdef"} {
			if strings.Contains(out, leak) {
				t.Fatalf("output shows key material: %s", out)
			}
		}
	}
	if !strings.Contains(k.String(), k.ID()) || !strings.Contains(buf.String(), k.ID()) {
		t.Errorf("String %q / log %q should show the id", k.String(), buf.String())
	}
	if got := kr.String(); !strings.HasPrefix(got, "seal.Keyring(current="+k.ID()+", previous=") {
		t.Errorf("Keyring.String = %s", got)
	}
	if (Key{}).String() != "seal.Key(none)" {
		t.Error((Key{}).String())
	}
}

func TestGenerateKey(t *testing.T) {
	a, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != KeySize || bytes.Equal(a, b) {
		t.Errorf("GenerateKey: %d bytes, distinct %v", len(a), !bytes.Equal(a, b))
	}
	if _, err := NewKey(a); err != nil {
		t.Error(err)
	}
}

func TestParseKey(t *testing.T) {
	m, _ := GenerateKey()
	m[0], m[1] = 0xFB, 0xFF // force + / (std) vs - _ (URL) characters
	want := mustKey(t, m).ID()
	for name, text := range map[string]string{
		"FormatKey":      FormatKey(m),
		"key file":       FormatKey(m) + "\n",
		"std padded":     base64.StdEncoding.EncodeToString(m),
		"std raw":        base64.RawStdEncoding.EncodeToString(m),
		"url padded":     base64.URLEncoding.EncodeToString(m),
		"url raw":        base64.RawURLEncoding.EncodeToString(m),
		"hex":            hex.EncodeToString(m),
		"hex upper":      strings.ToUpper(hex.EncodeToString(m)),
		"hex spaced out": "  " + hex.EncodeToString(m) + "\r\n",
	} {
		k, err := ParseKey(text)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if k.ID() != want {
			t.Errorf("%s: id %s, want %s", name, k.ID(), want)
		}
	}
	if got := FormatKey(m); len(got) != 44 || !strings.HasSuffix(got, "=") {
		t.Errorf("FormatKey = %q", got)
	}
	short := base64.StdEncoding.EncodeToString(m[:16])
	for name, text := range map[string]string{
		"empty":      "",
		"spaces":     " \n",
		"short b64":  short,
		"long b64":   base64.StdEncoding.EncodeToString(append(m, m...)),
		"short hex":  hex.EncodeToString(m[:31]),
		"not a key":  "correct horse battery staple!!",
		"hex 63":     hex.EncodeToString(m)[:63],
		"hex 64 bad": "zz" + hex.EncodeToString(m)[2:],
	} {
		_, err := ParseKey(text)
		if err == nil {
			t.Errorf("%s: ParseKey succeeded", name)
			continue
		}
		if strings.TrimSpace(text) != "" && strings.Contains(err.Error(), strings.TrimSpace(text)) {
			t.Errorf("%s: error quotes the key text: %v", name, err)
		}
		if !strings.Contains(err.Error(), "32 bytes") && name != "empty" && name != "spaces" {
			t.Errorf("%s: error %q does not say the size", name, err)
		}
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)))
	for _, pt := range [][]byte{nil, {}, []byte("x"), []byte(`{"type":"token","secret":"s3cr3t"}`), bytes.Repeat([]byte{0}, 1<<16)} {
		for _, aad := range [][]byte{nil, []byte("cred-1")} {
			sealed, id, err := kr.Seal(pt, aad)
			if err != nil {
				t.Fatal(err)
			}
			if id != kr.Current().ID() {
				t.Errorf("key id %s, want %s", id, kr.Current().ID())
			}
			if len(sealed) != len(pt)+29 || sealed[0] != 1 {
				t.Errorf("sealed %d bytes (version %d) for %d", len(sealed), sealed[0], len(pt))
			}
			if len(pt) > 8 && bytes.Contains(sealed, pt[:8]) {
				t.Error("sealed value contains plaintext")
			}
			got, err := kr.Open(sealed, id, aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, pt) {
				t.Errorf("Open = %q, want %q", got, pt)
			}
		}
	}
}

func TestSealDoesNotAliasPlaintext(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)))
	pt := []byte("plaintext")
	sealed, id, _ := kr.Seal(pt, nil)
	if string(pt) != "plaintext" {
		t.Error("Seal changed plaintext")
	}
	got, _ := kr.Open(sealed, id, nil)
	got[0] = 'X'
	if again, _ := kr.Open(sealed, id, nil); string(again) != "plaintext" {
		t.Error("Open's result aliases the sealed value")
	}
}

func TestAADBinding(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)))
	sealed, id, err := kr.Seal([]byte("s3cr3t-value"), []byte("account-1/cred-1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range [][]byte{nil, []byte(""), []byte("account-1/cred-2"), []byte("account-1/cred-1 "), []byte("\x01account-1/cred-1")} {
		pt, err := kr.Open(sealed, id, aad)
		if !errors.Is(err, ErrAuthFailed) || pt != nil {
			t.Errorf("Open with aad %q: %q, %v", aad, pt, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error shows plaintext: %v", err)
		}
	}
}

func TestTamperDetection(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)))
	sealed, id, err := kr.Seal([]byte("s3cr3t-value"), []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, mask := range []byte{0x01, 0x80, 0xFF} {
			bad := bytes.Clone(sealed)
			bad[i] ^= mask
			pt, err := kr.Open(bad, id, []byte("aad"))
			if !errors.Is(err, ErrAuthFailed) || pt != nil {
				t.Fatalf("byte %d ^ %#x: Open = %q, %v", i, mask, pt, err)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("error shows plaintext: %v", err)
			}
		}
	}
	for n := range sealed {
		if _, err := kr.Open(sealed[:n], id, []byte("aad")); !errors.Is(err, ErrAuthFailed) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	if _, err := kr.Open(append(bytes.Clone(sealed), 0), id, []byte("aad")); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("extended: %v", err)
	}
	_, err = kr.Open(sealed[:len(sealed)-1], id, []byte("aad"))
	if err == nil || !strings.Contains(err.Error(), "sealed secret failed authentication") {
		t.Errorf("error %v", err)
	}
}

func TestNoncesDiffer(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)))
	seen := map[string]bool{}
	var first []byte
	for i := range 1000 {
		sealed, _, err := kr.Seal([]byte("same"), nil)
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(sealed[1 : 1+nonceSize])
		if seen[nonce] {
			t.Fatalf("nonce repeated after %d seals", i)
		}
		seen[nonce] = true
		if first != nil && bytes.Equal(first, sealed) {
			t.Fatal("same plaintext sealed to the same bytes")
		}
		first = sealed
	}
}

func TestRotation(t *testing.T) {
	k1, k2 := mustKey(t, material(1)), mustKey(t, material(2))
	old := NewKeyring(k1)
	sealed, id, err := old.Seal([]byte("secret"), []byte("aad"))
	if err != nil || id != k1.ID() {
		t.Fatal(id, err)
	}

	rotated := NewKeyring(k2, k1)
	if rotated.Current().ID() != k2.ID() || !rotated.Has(k1.ID()) || !rotated.Has(k2.ID()) {
		t.Fatalf("keyring %s", rotated)
	}
	got, err := rotated.Open(sealed, id, []byte("aad"))
	if err != nil || string(got) != "secret" {
		t.Fatalf("Open with previous key: %q, %v", got, err)
	}
	resealed, id2, err := rotated.Seal(got, []byte("aad"))
	if err != nil || id2 != k2.ID() {
		t.Fatalf("Seal after rotation: key %s, %v", id2, err)
	}

	only := NewKeyring(k2)
	if only.Has(k1.ID()) {
		t.Error("Has(k1) without k1")
	}
	_, err = only.Open(sealed, id, []byte("aad"))
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("error %v, want ErrUnknownKey", err)
	}
	want := "sealed with key " + k1.ID() + ", which this client was not given; pass it as a previous key"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
	if got, err := only.Open(resealed, id2, []byte("aad")); err != nil || string(got) != "secret" {
		t.Errorf("re-sealed: %q %v", got, err)
	}
	// The id must match the key: a value sealed with k1 does not open under k2's id.
	if _, err := rotated.Open(sealed, k2.ID(), []byte("aad")); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("wrong key id: %v", err)
	}
}

func TestOpenBadKeyIDs(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)))
	sealed, _, _ := kr.Seal([]byte("x"), nil)
	for _, id := range []string{"", "nothex\n", strings.Repeat("é", 100)} {
		_, err := kr.Open(sealed, id, nil)
		if !errors.Is(err, ErrUnknownKey) {
			t.Errorf("id %q: %v", id, err)
		}
		if id != "" && strings.Contains(err.Error(), "\n") {
			t.Errorf("id printed raw: %q", err)
		}
	}
}

func TestZeroAndNilKeyrings(t *testing.T) {
	for _, kr := range []*Keyring{nil, NewKeyring(Key{}), NewKeyring(Key{}, Key{})} {
		if _, _, err := kr.Seal([]byte("x"), nil); !errors.Is(err, ErrNoKey) {
			t.Errorf("%s: Seal error %v", kr, err)
		}
		if _, err := kr.Open(make([]byte, 64), "0011223344556677", nil); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("%s: Open error %v", kr, err)
		}
		if kr.Has("") || kr.Current().ID() != "" {
			t.Errorf("%s: has a key", kr)
		}
	}
	// A keyring with only previous keys opens but does not seal.
	k := mustKey(t, material(1))
	sealed, id, _ := NewKeyring(k).Seal([]byte("x"), nil)
	openOnly := NewKeyring(Key{}, k)
	if got, err := openOnly.Open(sealed, id, nil); err != nil || string(got) != "x" {
		t.Errorf("open-only keyring: %q %v", got, err)
	}
}

func TestConcurrentUse(t *testing.T) {
	kr := NewKeyring(mustKey(t, material(1)), mustKey(t, material(2)))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				pt := fmt.Appendf(nil, "g%d-i%d", g, i)
				sealed, id, err := kr.Seal(pt, pt)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := kr.Open(sealed, id, pt)
				if err != nil || !bytes.Equal(got, pt) {
					t.Errorf("Open: %q %v", got, err)
					return
				}
				_ = kr.Has(id)
			}
		})
	}
	wg.Wait()
}

func BenchmarkSeal(b *testing.B) {
	kr := NewKeyring(mustKey(b, material(1)))
	pt, aad := make([]byte, 1024), []byte("account/credential")
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := kr.Seal(pt, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	kr := NewKeyring(mustKey(b, material(1)))
	pt, aad := make([]byte, 1024), []byte("account/credential")
	sealed, id, err := kr.Seal(pt, aad)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Open(sealed, id, aad); err != nil {
			b.Fatal(err)
		}
	}
}
