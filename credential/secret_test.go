package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverShows(t *testing.T) {
	s := Secret(secretToken)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-12v", "%.3s"} {
		out := fmt.Sprintf(verb, s)
		noSecrets(t, verb, out)
		if verb != "%.3s" && !strings.Contains(out, Redacted) {
			t.Errorf("Sprintf(%q) = %q, want it to show %s", verb, out, Redacted)
		}
	}
	if got := fmt.Sprintf("%q", s); got != `"[REDACTED]"` {
		t.Errorf("%%q = %s", got)
	}
	if got := s.String(); got != Redacted {
		t.Errorf("String() = %q", got)
	}
	if got := s.GoString(); got != Redacted {
		t.Errorf("GoString() = %q", got)
	}
	if got := fmt.Sprint(s); got != Redacted {
		t.Errorf("Sprint = %q", got)
	}
	if got := fmt.Sprintln(s, &s); strings.Contains(got, secretToken) {
		t.Errorf("Sprintln = %q", got)
	}
	js, err := json.Marshal(s)
	if err != nil || string(js) != `"[REDACTED]"` {
		t.Errorf("json.Marshal = %s, %v", js, err)
	}
	txt, err := s.MarshalText()
	if err != nil || string(txt) != Redacted {
		t.Errorf("MarshalText = %s, %v", txt, err)
	}
	if got := s.LogValue().String(); got != Redacted {
		t.Errorf("LogValue = %q", got)
	}
	if s.Reveal() != secretToken {
		t.Errorf("Reveal = %q", s.Reveal())
	}
	// As a map value, in a slice, behind a pointer. (Not as a map key:
	// encoding/json writes string-kind keys without calling methods.)
	js, err = json.Marshal(map[string]Secret{"k": s})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "map JSON", string(js))
	noSecrets(t, "slice %v", fmt.Sprintf("%v %+v %#v", []Secret{s}, []Secret{s}, []Secret{s}))
	noSecrets(t, "pointer %v", fmt.Sprintf("%v %s", &s, &s))
	noSecrets(t, "map %v", fmt.Sprintf("%v %#v", map[string]Secret{"k": s}, map[string]Secret{"k": s}))
}

func TestSecretEmptyShowsEmpty(t *testing.T) {
	var s Secret
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		if got := fmt.Sprintf(verb, s); got != "" {
			t.Errorf("Sprintf(%q, empty) = %q, want empty", verb, got)
		}
	}
	if got := fmt.Sprintf("%q", s); got != `""` {
		t.Errorf("%%q of empty = %s", got)
	}
	js, _ := json.Marshal(s)
	if string(js) != `""` {
		t.Errorf("json.Marshal(empty) = %s", js)
	}
	if s.String() != "" || s.LogValue().String() != "" {
		t.Error("empty secret shows text")
	}
}

func TestSecretUnmarshalsNormally(t *testing.T) {
	var v struct {
		S Secret `json:"s"`
	}
	if err := json.Unmarshal([]byte(`{"s":"p\u00e4ss"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.S.Reveal() != "päss" {
		t.Errorf("got %q", v.S.Reveal())
	}
}

func TestSecretInSlog(t *testing.T) {
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		s := Secret(secretToken)
		slog.New(h).Info("msg", "secret", s, slog.Any("ptr", &s), slog.Group("g", "s", s))
	}
	noSecrets(t, "slog", buf.String())
	if !strings.Contains(buf.String(), Redacted) {
		t.Errorf("slog output lacks %s: %s", Redacted, buf.String())
	}
}
