package patch

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
)

// account mirrors synqly.Account: the fields, JSON names and read-only
// fields of the root package's type.
type account struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Fullname    string    `json:"fullname"`
	Environment string    `json:"environment"`
	Labels      []string  `json:"labels,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

var accountReadOnly = []string{"id", "created_at", "updated_at"}

// ticket mirrors ticketing.Ticket, with a nested struct added.
type ticket struct {
	ID           string         `json:"id"`
	Summary      string         `json:"summary"`
	Description  string         `json:"description,omitempty"`
	Status       string         `json:"status,omitempty"`
	DueDate      *time.Time     `json:"due_date,omitempty"`
	Tags         []string       `json:"tags,omitempty"`
	Settings     *settings      `json:"settings,omitempty"`
	CustomFields map[string]any `json:"custom_fields,omitempty"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

type settings struct {
	Mode  string      `json:"mode"`
	Steps []step      `json:"steps,omitempty"`
	Until *time.Time  `json:"until,omitempty"`
	Level customLevel `json:"level,omitempty"`
}

type step struct {
	Name string `json:"name"`
}

// customLevel decodes itself: patch accepts anything below it.
type customLevel struct{ raw json.RawMessage }

func (l *customLevel) UnmarshalJSON(b []byte) error { l.raw = append(l.raw[:0], b...); return nil }
func (l customLevel) MarshalJSON() ([]byte, error) {
	if len(l.raw) == 0 {
		return []byte("null"), nil
	}
	return l.raw, nil
}

var ticketReadOnly = []string{"id", "created_at", "updated_at", "unmapped"}

// credentialView mirrors synqly.Credential; credentialPatch is what the
// root package decodes a patched credential into.
type credentialView struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Fullname  string     `json:"fullname"`
	Config    noSecret   `json:"config"`
	Expires   *time.Time `json:"expires,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

type noSecret struct {
	Type string `json:"type"`
}

type credentialPatch struct {
	credentialView
	Config json.RawMessage `json:"config"`
}

var credentialReadOnly = []string{"id", "created_at"}

var t0 = time.Date(2024, 8, 23, 20, 41, 41, 0, time.UTC)

func sampleAccount() *account {
	return &account{ID: "acc-1", Name: "acme", Fullname: "Acme", Environment: "prod", Labels: []string{"a", "b"}, CreatedAt: t0, UpdatedAt: t0}
}

func sampleTicket() *ticket {
	return &ticket{
		ID: "T-1", Summary: "s", Status: "Open", Tags: []string{"x", "y"},
		Settings:     &settings{Mode: "m", Steps: []step{{Name: "one"}}},
		CustomFields: map[string]any{"owner": "bob", "01": "zero-one", "list": []any{"a", "b"}, "obj": map[string]any{"K": 1}},
		CreatedAt:    t0, UpdatedAt: t0,
	}
}

// wantInvalid fails unless err is an errs.InvalidInput *errs.Error whose
// Field is field (or, if prefix, starts with it).
func wantInvalid(t *testing.T, err error, field string, prefix bool) *errs.Error {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want an *errs.Error", err, err)
	}
	if e.Code != errs.InvalidInput {
		t.Errorf("code %s, want %s (%v)", e.Code, errs.InvalidInput, err)
	}
	if e.Field != field && !(prefix && strings.HasPrefix(e.Field, field)) {
		t.Errorf("field %q, want %q (%v)", e.Field, field, err)
	}
	return e
}

func TestApplyExactPaths(t *testing.T) {
	for _, c := range []struct {
		name  string
		ops   []Operation
		field string
	}{
		{"wrong case", []Operation{{Op: "replace", Path: "/FULLNAME", Value: "x"}}, "patch[0].path"},
		// encoding/json would decode these case-insensitively into fullname,
		// id and created_at.
		{"wrong case added", []Operation{{Op: "add", Path: "/FULLNAME", Value: "x"}}, "patch[0].path"},
		{"wrong case of a read-only field added", []Operation{{Op: "add", Path: "/ID", Value: "other"}}, "patch[0].path"},
		{"wrong case of a read-only time added", []Operation{{Op: "add", Path: "/Created_At", Value: "2020-01-01T00:00:00Z"}}, "patch[0].path"},
		{"wrong case of a read-only field", []Operation{{Op: "replace", Path: "/ID", Value: "other"}}, "patch[0].path"},
		{"wrong case of a read-only time", []Operation{{Op: "replace", Path: "/Created_At", Value: "2020-01-01T00:00:00Z"}}, "patch[0].path"},
		{"read-only", []Operation{{Op: "replace", Path: "/id", Value: "other"}}, "patch[0].path"},
		{"read-only added", []Operation{{Op: "add", Path: "/updated_at", Value: "2020-01-01T00:00:00Z"}}, "patch[0].path"},
		{"read-only moved away", []Operation{{Op: "move", From: "/id", Path: "/fullname"}}, "patch[0].from"},
		{"unknown", []Operation{{Op: "add", Path: "/no_such_field", Value: "x"}}, "patch[0].path"},
		{"unknown removed", []Operation{{Op: "remove", Path: "/Labels"}}, "patch[0].path"},
		{"second op", []Operation{{Op: "test", Path: "/fullname", Value: "Acme"}, {Op: "replace", Path: "/FullName", Value: "x"}}, "patch[1].path"},
		{"move to wrong case", []Operation{{Op: "move", From: "/fullname", Path: "/Fullname"}}, "patch[0].path"},
		{"copy from wrong case", []Operation{{Op: "copy", From: "/Name", Path: "/fullname"}}, "patch[0].from"},
		{"test of wrong case", []Operation{{Op: "test", Path: "/NAME", Value: "acme"}}, "patch[0].path"},
		{"below a string", []Operation{{Op: "add", Path: "/fullname/x", Value: "x"}}, "patch[0].path"},
		{"index 01", []Operation{{Op: "replace", Path: "/labels/01", Value: "x"}}, "patch[0].path"},
		{"index -1", []Operation{{Op: "replace", Path: "/labels/-1", Value: "x"}}, "patch[0].path"},
		{"index -1 removed", []Operation{{Op: "remove", Path: "/labels/-1"}}, "patch[0].path"},
		{"index +1", []Operation{{Op: "add", Path: "/labels/+1", Value: "x"}}, "patch[0].path"},
		{"index with space", []Operation{{Op: "replace", Path: "/labels/ 1", Value: "x"}}, "patch[0].path"},
		{"index -", []Operation{{Op: "replace", Path: "/labels/-", Value: "x"}}, "patch[0].path"},
		{"index - as from", []Operation{{Op: "copy", From: "/labels/-", Path: "/labels/0"}}, "patch[0].from"},
		{"index out of range", []Operation{{Op: "replace", Path: "/labels/2", Value: "x"}}, "patch[0].path"},
		{"bad escape", []Operation{{Op: "replace", Path: "/full~2name", Value: "x"}}, "patch[0].path"},
		{"no slash", []Operation{{Op: "replace", Path: "fullname", Value: "x"}}, "patch[0].path"},
		{"whole document", []Operation{{Op: "replace", Path: "", Value: map[string]any{"id": "other"}}}, "patch[0].path"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out account
			_, err := Apply(sampleAccount(), c.ops, accountReadOnly, &out)
			wantInvalid(t, err, c.field, false)
		})
	}

	var out account
	paths, err := Apply(sampleAccount(), []Operation{
		{Op: "replace", Path: "/fullname", Value: "Acme Corp"},
		{Op: "add", Path: "/labels/-", Value: "c"},
		{Op: "replace", Path: "/labels/0", Value: "z"},
		{Op: "add", Path: "/labels/10", Value: "never"},
	}, accountReadOnly, &out)
	if err == nil {
		t.Fatal("an add past the end of an array was accepted")
	}
	wantInvalid(t, err, "patch[3]", true)
	if len(paths) != 4 {
		t.Errorf("paths %v", paths)
	}
	paths, err = Apply(sampleAccount(), []Operation{
		{Op: "replace", Path: "/fullname", Value: "Acme Corp"},
		{Op: "add", Path: "/labels/-", Value: "c"},
		{Op: "replace", Path: "/labels/0", Value: "z"},
		{Op: "add", Path: "/labels/1", Value: "ins"},
		{Op: "copy", From: "/name", Path: "/labels/-"},
	}, accountReadOnly, &out)
	if err != nil {
		t.Fatal(err)
	}
	want := account{ID: "acc-1", Name: "acme", Fullname: "Acme Corp", Environment: "prod", Labels: []string{"z", "ins", "b", "c", "acme"}, CreatedAt: t0, UpdatedAt: t0}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v, want %+v", out, want)
	}
	if !reflect.DeepEqual(paths, []string{"/fullname", "/labels/-", "/labels/0", "/labels/1", "/labels/-"}) {
		t.Errorf("paths %v", paths)
	}
}

func TestApplyMapsAndOpaqueValues(t *testing.T) {
	apply := func(ops ...Operation) (*ticket, error) {
		var out ticket
		_, err := Apply(sampleTicket(), ops, ticketReadOnly, &out)
		return &out, err
	}
	// Map keys are anything, including ones that look like indexes or
	// differ only in case.
	out, err := apply(
		Operation{Op: "replace", Path: "/custom_fields/01", Value: "changed"},
		Operation{Op: "add", Path: "/custom_fields/Owner", Value: "alice"},
		Operation{Op: "add", Path: "/custom_fields/-1", Value: "minus"},
		Operation{Op: "add", Path: "/custom_fields/a~1b", Value: "slash"},
		Operation{Op: "add", Path: "/custom_fields/obj/k", Value: 2},
		Operation{Op: "replace", Path: "/custom_fields/list/1", Value: "B"},
		Operation{Op: "add", Path: "/settings/steps/-", Value: map[string]any{"name": "two"}},
		Operation{Op: "replace", Path: "/settings/level", Value: map[string]any{"Anything": []any{1}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	cf := out.CustomFields
	if cf["01"] != "changed" || cf["Owner"] != "alice" || cf["owner"] != "bob" || cf["-1"] != "minus" || cf["a/b"] != "slash" {
		t.Errorf("custom_fields %v", cf)
	}
	if !reflect.DeepEqual(cf["list"], []any{"a", "B"}) || len(cf["obj"].(map[string]any)) != 2 {
		t.Errorf("custom_fields %v", cf)
	}
	if len(out.Settings.Steps) != 2 || out.Settings.Steps[1].Name != "two" || string(out.Settings.Level.raw) != `{"Anything":[1]}` {
		t.Errorf("settings %+v", out.Settings)
	}

	for _, c := range []struct {
		name  string
		op    Operation
		field string
	}{
		// An array inside a map still takes only JSON Pointer indexes.
		{"map array 01", Operation{Op: "replace", Path: "/custom_fields/list/01", Value: "x"}, "patch[0].path"},
		{"map array -1", Operation{Op: "remove", Path: "/custom_fields/list/-1"}, "patch[0].path"},
		{"map array +0", Operation{Op: "add", Path: "/custom_fields/list/+0", Value: "x"}, "patch[0].path"},
		{"struct in struct", Operation{Op: "replace", Path: "/settings/Mode", Value: "x"}, "patch[0].path"},
		{"struct in slice", Operation{Op: "replace", Path: "/settings/steps/0/Name", Value: "x"}, "patch[0].path"},
		{"value with a wrong key", Operation{Op: "replace", Path: "/settings", Value: map[string]any{"Mode": "x"}}, "patch[0].value.Mode"},
		{"value with a nested wrong key", Operation{Op: "add", Path: "/settings/steps/-", Value: map[string]any{"NAME": "x"}}, "patch[0].value.NAME"},
		{"value with a deeper wrong key", Operation{Op: "replace", Path: "/settings", Value: map[string]any{"mode": "x", "steps": []any{map[string]any{"name": "a"}, map[string]any{"Name": "b"}}}}, "patch[0].value.steps[1].Name"},
		{"value with an unknown key", Operation{Op: "replace", Path: "/settings", Value: map[string]any{"mode": "x", "extra": 1}}, "patch[0].value.extra"},
		{"map copied into a struct", Operation{Op: "copy", From: "/custom_fields/obj", Path: "/settings"}, "patch[0].path"},
		{"read-only map", Operation{Op: "add", Path: "/unmapped/x", Value: 1}, "patch[0].path"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := apply(c.op)
			wantInvalid(t, err, c.field, false)
		})
	}

	// An absent member tests as null, as json-patch has it; an absent
	// element does not exist.
	if _, err := apply(Operation{Op: "test", Path: "/due_date", Value: json.RawMessage("null")}, Operation{Op: "replace", Path: "/status", Value: "Done"}); err != nil {
		t.Errorf("test of an absent member against null: %v", err)
	}
	_, err = apply(Operation{Op: "test", Path: "/tags/5", Value: json.RawMessage("null")})
	wantInvalid(t, err, "patch[0].path", false)
	_, err = apply(Operation{Op: "test", Path: "/Due_Date", Value: json.RawMessage("null")})
	wantInvalid(t, err, "patch[0].path", false)

	// A test that does not hold is a conflict.
	_, err = apply(Operation{Op: "test", Path: "/custom_fields/owner", Value: "eve"}, Operation{Op: "remove", Path: "/custom_fields/owner"})
	if !errors.Is(err, errs.ErrConflict) {
		t.Errorf("failed test: %v", err)
	}
}

func TestApplyEmbeddedOverride(t *testing.T) {
	// The root package decodes a patched credential into a struct whose
	// config field overrides the embedded one with json.RawMessage.
	view := &credentialView{ID: "c1", Name: "n", Fullname: "N", Config: noSecret{Type: "token"}, CreatedAt: t0}
	var out credentialPatch
	_, err := Apply(view, []Operation{
		{Op: "replace", Path: "/config", Value: map[string]any{"type": "token", "secret": "s3cr3t"}},
		{Op: "replace", Path: "/fullname", Value: "New"},
	}, credentialReadOnly, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.Fullname != "New" || !strings.Contains(string(out.Config), `"secret":"s3cr3t"`) {
		t.Errorf("got %+v %s", out.credentialView, out.Config)
	}
	_, err = Apply(view, []Operation{{Op: "replace", Path: "/Config", Value: map[string]any{"type": "token"}}}, credentialReadOnly, &out)
	wantInvalid(t, err, "patch[0].path", false)
}

func TestApplyRefusesInvalidText(t *testing.T) {
	bad := "p\xffss-s3cr3t"
	deep := any("x")
	for range textcheck.MaxDepth + 1 {
		deep = []any{deep}
	}
	for _, c := range []struct {
		name  string
		ops   []Operation
		field string
	}{
		{"value", []Operation{{Op: "replace", Path: "/fullname", Value: bad}}, "patch[0].value"},
		{"test value", []Operation{{Op: "test", Path: "/fullname", Value: bad}}, "patch[0].value"},
		{"nested value", []Operation{{Op: "replace", Path: "/labels", Value: []any{"ok", bad}}}, "patch[0].value"},
		{"map key", []Operation{{Op: "replace", Path: "/labels", Value: map[string]any{bad: 1}}}, "patch[0].value"},
		{"raw value", []Operation{{Op: "replace", Path: "/fullname", Value: json.RawMessage(`"` + bad + `"`)}}, "patch[0].value"},
		{"deep value", []Operation{{Op: "replace", Path: "/labels", Value: deep}}, "patch[0].value"},
		{"path", []Operation{{Op: "replace", Path: "/full\xffname", Value: "x"}}, "patch[0].path"},
		{"from", []Operation{{Op: "copy", From: "/na\xffme", Path: "/fullname"}}, "patch[0].from"},
		// Refused before anything is applied: the first op is fine.
		{"later op", []Operation{{Op: "replace", Path: "/fullname", Value: "ok"}, {Op: "replace", Path: "/name", Value: bad}}, "patch[1].value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out account
			_, err := Apply(sampleAccount(), c.ops, accountReadOnly, &out)
			e := wantInvalid(t, err, c.field, true)
			if strings.Contains(e.Error(), "s3cr3t") || strings.Contains(e.Error(), "\xff") {
				t.Errorf("the error quotes the value: %v", e)
			}
			if c.name == "deep value" && !strings.Contains(e.Message, "nested too deeply") {
				t.Errorf("deep: %q", e.Message)
			}
		})
	}
	// A secret with a stray byte in a credential patch.
	view := &credentialView{ID: "c1", Name: "n", Config: noSecret{Type: "token"}, CreatedAt: t0}
	var out credentialPatch
	_, err := Apply(view, []Operation{{Op: "replace", Path: "/config", Value: map[string]any{"type": "token", "secret": bad}}}, credentialReadOnly, &out)
	e := wantInvalid(t, err, "patch[0].value", true)
	if strings.Contains(e.Error(), "s3cr3t") {
		t.Errorf("the error quotes the secret: %v", e)
	}
}

func TestApplyStrictTimes(t *testing.T) {
	for _, c := range []struct {
		name  string
		op    Operation
		field string // "" means accepted
	}{
		{"comma", Operation{Op: "add", Path: "/due_date", Value: "2024-01-01T00:00:00,5Z"}, "patch[0].value"},
		{"ten digits", Operation{Op: "add", Path: "/due_date", Value: "2024-01-01T00:00:00.1234567890Z"}, "patch[0].value"},
		{"offset 24", Operation{Op: "add", Path: "/due_date", Value: "2024-01-01T00:00:00+24:00"}, "patch[0].value"},
		{"lowercase", Operation{Op: "add", Path: "/due_date", Value: "2024-01-01t00:00:00z"}, "patch[0].value"},
		{"nested", Operation{Op: "add", Path: "/settings/until", Value: "2024-01-01T00:00:00,5Z"}, "patch[0].value"},
		{"in a value", Operation{Op: "replace", Path: "/settings", Value: map[string]any{"mode": "m", "until": "2024-01-01T00:00:00,5Z"}}, "patch[0].value.until"},
		{"moved in", Operation{Op: "move", From: "/summary", Path: "/due_date"}, "patch[0].path"},
		{"year 9999", Operation{Op: "add", Path: "/due_date", Value: "9999-12-31T23:59:59.999999999Z"}, ""},
		{"year 0000", Operation{Op: "add", Path: "/due_date", Value: "0000-01-01T00:00:00Z"}, ""},
		{"offset", Operation{Op: "add", Path: "/due_date", Value: "2024-01-01T00:00:00.5-23:59"}, ""},
		{"null", Operation{Op: "add", Path: "/due_date", Value: json.RawMessage("null")}, ""},
		{"custom field", Operation{Op: "add", Path: "/custom_fields/when", Value: "2024-01-01T00:00:00,5Z"}, ""}, // not a time.Time
	} {
		t.Run(c.name, func(t *testing.T) {
			tk := sampleTicket()
			tk.Summary = "2024-01-01t00:00:00z"
			var out ticket
			_, err := Apply(tk, []Operation{c.op}, ticketReadOnly, &out)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantInvalid(t, err, c.field, false)
		})
	}
	view := &credentialView{ID: "c1", Name: "n", Config: noSecret{Type: "token"}, CreatedAt: t0}
	var out credentialPatch
	_, err := Apply(view, []Operation{{Op: "add", Path: "/expires", Value: "2030-01-01T00:00:00,5Z"}}, credentialReadOnly, &out)
	wantInvalid(t, err, "patch[0].value", false)
	_, err = Apply(view, []Operation{{Op: "add", Path: "/expires", Value: "9999-01-01T00:00:00Z"}}, credentialReadOnly, &out)
	if err != nil || out.Expires == nil || out.Expires.Year() != 9999 {
		t.Errorf("expires in 9999: %v %v", out.Expires, err)
	}
}

func TestApplyBasics(t *testing.T) {
	var out account
	_, err := Apply(sampleAccount(), nil, accountReadOnly, &out)
	wantInvalid(t, err, "patch", false)
	_, err = Apply(sampleAccount(), make([]Operation, MaxOperations+1), accountReadOnly, &out)
	wantInvalid(t, err, "patch", false)
	_, err = Apply(sampleAccount(), []Operation{{Op: "merge", Path: "/name"}}, accountReadOnly, &out)
	wantInvalid(t, err, "patch[0].op", false)
	_, err = Apply(sampleAccount(), []Operation{{Op: "remove", Path: "/labels/5"}}, accountReadOnly, &out)
	wantInvalid(t, err, "patch[0].path", false)
	_, err = Apply(sampleAccount(), []Operation{{Op: "replace", Path: "/name", Value: 5}}, accountReadOnly, &out)
	wantInvalid(t, err, "patch", true)
	_, err = Apply(sampleAccount(), []Operation{{Op: "test", Path: "/name", Value: "other"}}, accountReadOnly, &out)
	if !errors.Is(err, errs.ErrConflict) {
		t.Errorf("failed test: %v", err)
	}
	// Messages stay short, whatever the paths.
	long := "/" + strings.Repeat("é", 1<<19)
	for _, ops := range [][]Operation{
		{{Op: "replace", Path: long, Value: "x"}},
		{{Op: "copy", From: long, Path: "/fullname"}},
		{{Op: "add", Path: "/labels" + strings.Repeat("/0", 1<<18), Value: "x"}},
		{{Op: "add", Path: "/fullname" + long, Value: "x"}},
		{{Op: "replace", Path: "/labels/" + strings.Repeat("9", 1<<18), Value: "x"}},
	} {
		_, err := Apply(sampleAccount(), ops, accountReadOnly, &out)
		e := wantInvalid(t, err, "patch[0]", true)
		if len(e.Error()) > 512 || !utf8.ValidString(e.Error()) {
			t.Errorf("error of %d bytes: %.200s", len(e.Error()), e.Error())
		}
	}
}

func TestApplySequence(t *testing.T) {
	// Each operation is checked against the document the ones before it
	// left: a move removes before it adds, an added member can be patched
	// below, a copy does not share the source.
	var out ticket
	_, err := Apply(sampleTicket(), []Operation{
		{Op: "move", From: "/tags/0", Path: "/tags/1"},
		{Op: "add", Path: "/custom_fields/new", Value: map[string]any{"list": []any{}}},
		{Op: "add", Path: "/custom_fields/new/list/0", Value: "first"},
		{Op: "copy", From: "/settings/steps/0", Path: "/settings/steps/-"},
		{Op: "replace", Path: "/settings/steps/0/name", Value: "changed"},
		{Op: "move", From: "/custom_fields/owner", Path: "/custom_fields/owner"},
	}, ticketReadOnly, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Tags, []string{"y", "x"}) {
		t.Errorf("tags %v", out.Tags)
	}
	if !reflect.DeepEqual(out.CustomFields["new"], map[string]any{"list": []any{"first"}}) || out.CustomFields["owner"] != "bob" {
		t.Errorf("custom_fields %v", out.CustomFields)
	}
	if len(out.Settings.Steps) != 2 || out.Settings.Steps[0].Name != "changed" || out.Settings.Steps[1].Name != "one" {
		t.Errorf("steps %+v", out.Settings.Steps)
	}

	// After a move shifts an array, the old index is past its end.
	_, err = Apply(sampleTicket(), []Operation{{Op: "move", From: "/tags/0", Path: "/tags/2"}}, ticketReadOnly, &out)
	wantInvalid(t, err, "patch[0].path", false)
	// A member removed by an earlier operation no longer exists.
	_, err = Apply(sampleTicket(), []Operation{
		{Op: "remove", Path: "/custom_fields/owner"},
		{Op: "replace", Path: "/custom_fields/owner", Value: "x"},
	}, ticketReadOnly, &out)
	wantInvalid(t, err, "patch[1].path", false)
	// A value cannot move into itself.
	_, err = Apply(sampleTicket(), []Operation{{Op: "move", From: "/settings", Path: "/settings/steps/0"}}, ticketReadOnly, &out)
	wantInvalid(t, err, "patch[0].path", false)
	// The test that fails is named, and stops the patch there.
	_, err = Apply(sampleTicket(), []Operation{
		{Op: "test", Path: "/status", Value: "Open"},
		{Op: "test", Path: "/tags", Value: []any{"x", "y"}},
		{Op: "test", Path: "/custom_fields/obj", Value: map[string]any{"K": 1}},
		{Op: "test", Path: "/summary", Value: "not it"},
		{Op: "replace", Path: "/NoSuchField", Value: "x"},
	}, ticketReadOnly, &out)
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Conflict || e.Field != "patch[3]" {
		t.Errorf("failed test: %v (%+v)", err, e)
	}
	// add and replace need a value.
	_, err = Apply(sampleTicket(), []Operation{{Op: "add", Path: "/status"}}, ticketReadOnly, &out)
	wantInvalid(t, err, "patch[0].value", false)
}

// FuzzApply feeds Apply arbitrary operations on a ticket. For every input:
// no panic; either an *errs.Error naming the patch, or a result whose
// read-only fields are unchanged.
func FuzzApply(f *testing.F) {
	for _, s := range [][4]string{
		{"replace", "/status", "", `"Done"`},
		{"add", "/custom_fields/list/-", "", `{"a":[1,2]}`},
		{"move", "/tags/0", "/tags/1", ``},
		{"copy", "/settings", "/custom_fields/s", ``},
		{"add", "/settings/steps/0", "", `{"name":"x"}`},
		{"remove", "/custom_fields/list/-1", "", ``},
		{"add", "/ID", "", `"x"`},
		{"replace", "/due_date", "", `"2024-01-01T00:00:00,5Z"`},
		{"test", "/custom_fields/obj/K", "", `1.0`},
		{"move", "/settings", "/settings/steps/-", ``},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, kind, path, from, value string) {
		o := Operation{Op: kind, Path: path, From: from}
		if value != "" {
			o.Value = json.RawMessage(value)
			if !json.Valid(o.Value.(json.RawMessage)) {
				o.Value = value
			}
		}
		before := sampleTicket()
		var out ticket
		_, err := Apply(before, []Operation{o, {Op: "test", Path: "/id", Value: "T-1"}}, ticketReadOnly, &out)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || !strings.HasPrefix(e.Field, "patch") {
				t.Fatalf("%+v: %v (%T)", o, err, err)
			}
			if e.Code != errs.InvalidInput && e.Code != errs.Conflict {
				t.Fatalf("%+v: code %s: %v", o, e.Code, err)
			}
			// json-patch refusing what the checks let through means they
			// disagree on the document.
			if e.Field == "patch" && (strings.Contains(e.Message, "cannot be applied") || e.Code == errs.Conflict) {
				t.Fatalf("%+v: the checks passed, json-patch refused: %v", o, err)
			}
			return
		}
		if out.ID != before.ID || !out.CreatedAt.Equal(before.CreatedAt) || !reflect.DeepEqual(out.Unmapped, before.Unmapped) {
			t.Fatalf("%+v changed a read-only field: %+v", o, out)
		}
	})
}
