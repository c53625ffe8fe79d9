package textcheck

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
)

type inner struct {
	URL    string         `json:"url"`
	Fields map[string]any `json:"custom_fields,omitempty"`
}

type outer struct {
	Name   string   `json:"name"`
	Labels []string `json:"labels"`
	Skip   string   `json:"-"`
	Plain  string
	Conf   any    `textcheck:"inline"`
	Ptr    *inner `json:"ptr"`
	Bytes  []byte `json:"bytes"`
	hidden string
}

func TestCheck(t *testing.T) {
	bad := "a\xffb"
	deep := any("x")
	for range MaxDepth + 2 {
		deep = map[string]any{"k": deep}
	}
	for _, c := range []struct {
		name  string
		v     any
		field string // "" means no error
	}{
		{"valid", outer{Name: "ok", Labels: []string{"é"}, Conf: &inner{URL: "https://x"}}, ""},
		{"name", outer{Name: bad}, "req.name"},
		{"label", outer{Labels: []string{"ok", bad}}, "req.labels[1]"},
		{"skipped", outer{Skip: bad, hidden: bad, Bytes: []byte(bad)}, ""},
		{"untagged", outer{Plain: bad}, "req.Plain"},
		{"inline", outer{Conf: &inner{URL: bad}}, "req.url"},
		{"pointer", outer{Ptr: &inner{URL: bad}}, "req.ptr.url"},
		{"map value", outer{Ptr: &inner{Fields: map[string]any{"b": "ok", "a": []any{bad}}}}, "req.ptr.custom_fields.a[0]"},
		{"map key", outer{Ptr: &inner{Fields: map[string]any{bad: 1}}}, "req.ptr.custom_fields"},
		{"deep", outer{Ptr: &inner{Fields: map[string]any{"d": deep}}}, "req.ptr.custom_fields.d"},
		{"nil", nil, ""},
		// json.RawMessage is written out as it is, not as base64.
		{"raw valid", outer{Conf: json.RawMessage(`{"a":["é"]}`)}, ""},
		{"raw invalid", outer{Ptr: &inner{Fields: map[string]any{"r": json.RawMessage(`{"a":"` + bad + `"}`)}}}, "req.ptr.custom_fields.r"},
		{"raw deep", outer{Ptr: &inner{Fields: map[string]any{"r": json.RawMessage(strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1))}}}, "req.ptr.custom_fields.r"},
		{"raw brackets in strings", outer{Conf: json.RawMessage(`"` + strings.Repeat("[", MaxDepth+1) + `\"{"`)}, ""},
	} {
		err := Check("req", c.v)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var e *errs.Error
		if err == nil || errs.CodeOf(err) != errs.InvalidInput {
			t.Errorf("%s: %v, want an invalid-input error", c.name, err)
			continue
		}
		e = err.(*errs.Error)
		if !strings.HasPrefix(e.Field, c.field) {
			t.Errorf("%s: field %q, want %q", c.name, e.Field, c.field)
		}
		if strings.Contains(e.Error(), "\xff") {
			t.Errorf("%s: the error quotes the value: %v", c.name, err)
		}
		if (c.name == "deep" || c.name == "raw deep") && !strings.Contains(e.Message, "nested too deeply") {
			t.Errorf("deep: %q, want it to say the value is nested too deeply", e.Message)
		}
	}
}

func TestCheckDepthLimit(t *testing.T) {
	// MaxDepth levels of arrays are accepted, one more is not, whether the
	// value is Go or raw JSON.
	nest := func(levels int) any {
		v := any("x")
		for range levels {
			v = []any{v}
		}
		return v
	}
	raw := func(levels int) json.RawMessage {
		return json.RawMessage(strings.Repeat("[", levels) + `"x"` + strings.Repeat("]", levels))
	}
	if err := Check("v", nest(MaxDepth)); err != nil {
		t.Errorf("%d levels: %v", MaxDepth, err)
	}
	if err := Check("v", nest(MaxDepth+1)); errs.CodeOf(err) != errs.InvalidInput {
		t.Errorf("%d levels: %v", MaxDepth+1, err)
	}
	if err := Check("v", raw(MaxDepth)); err != nil {
		t.Errorf("raw %d levels: %v", MaxDepth, err)
	}
	if err := Check("v", raw(MaxDepth+1)); errs.CodeOf(err) != errs.InvalidInput {
		t.Errorf("raw %d levels: %v", MaxDepth+1, err)
	}
	if err := Check("v", []any{raw(MaxDepth - 1)}); err != nil {
		t.Errorf("raw %d levels in a slice: %v", MaxDepth-1, err)
	}
	if err := Check("v", []any{raw(MaxDepth)}); errs.CodeOf(err) != errs.InvalidInput {
		t.Errorf("raw %d levels in a slice: %v", MaxDepth, err)
	}
}
