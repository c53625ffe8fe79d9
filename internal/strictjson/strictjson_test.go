package strictjson

import (
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

type req struct {
	Name    string     `json:"name"`
	Expires *time.Time `json:"expires,omitempty"`
	Labels  []string   `json:"labels,omitempty"`
	Inner   *struct {
		URL string `json:"url"`
	} `json:"inner,omitempty"`
	Extra map[string]any `json:"extra,omitempty"`
}

func TestDecode(t *testing.T) {
	for _, c := range []struct {
		in    string
		field string // "" means accepted
	}{
		{`{"name":"a","expires":"2024-01-02T03:04:05.123456789Z","labels":["x"],"inner":{"url":"u"},"extra":{"ANY":1}}`, ""},
		{`{"NAME":"a"}`, "req.NAME"},
		{`{"inner":{"URL":"u"}}`, "req.inner.URL"},
		{`{"nope":1}`, "req.nope"},
		{`{"expires":"2024-01-02T03:04:05,5Z"}`, "req.expires"},
		{`{"expires":"2024-01-02T03:04:05.1234567891Z"}`, "req.expires"},
		{`{"expires":"2024-01-02T03:04:05+24:00"}`, "req.expires"},
		{"{\"name\":\"a\xffb\"}", "req"},
		{`{"name":"a"} {}`, "req"},
		{`{"name":1}`, "req.name"},
		{`[`, "req"},
	} {
		var r req
		err := Decode("req", []byte(c.in), &r)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.in, err)
			}
			continue
		}
		var e *errs.Error
		if err == nil || errs.CodeOf(err) != errs.InvalidInput {
			t.Errorf("%s: %v, want an invalid-input error", c.in, err)
			continue
		}
		e = err.(*errs.Error)
		if e.Field != c.field {
			t.Errorf("%s: field %q, want %q (%v)", c.in, e.Field, c.field, err)
		}
		if strings.Contains(e.Message, "\xff") {
			t.Errorf("%s: the message quotes the input", c.in)
		}
	}
}
