package timefmt

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

func TestParseAccepts(t *testing.T) {
	plus2 := time.FixedZone("", 2*3600)
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2024-08-23T20:41:41Z", time.Date(2024, 8, 23, 20, 41, 41, 0, time.UTC)},
		{"2024-08-23T20:41:41.398051Z", time.Date(2024, 8, 23, 20, 41, 41, 398051000, time.UTC)},
		{"2024-08-23T20:41:41.5Z", time.Date(2024, 8, 23, 20, 41, 41, 500000000, time.UTC)},
		{"2024-08-23T20:41:41.123456789Z", time.Date(2024, 8, 23, 20, 41, 41, 123456789, time.UTC)},
		{"2024-08-23T22:41:41.5+02:00", time.Date(2024, 8, 23, 22, 41, 41, 5e8, plus2)},
		{"2024-08-23T20:41:41-00:00", time.Date(2024, 8, 23, 20, 41, 41, 0, time.UTC)},
		{"2024-08-23T20:41:41+00:00", time.Date(2024, 8, 23, 20, 41, 41, 0, time.UTC)},
		{"2024-08-23T00:00:00-23:59", time.Date(2024, 8, 23, 0, 0, 0, 0, time.FixedZone("", -(23*3600+59*60)))},
		{"0000-01-01T00:00:00Z", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"9999-12-31T23:59:59.999999999Z", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{"1677-09-21T00:12:43.145224191Z", time.Date(1677, 9, 21, 0, 12, 43, 145224191, time.UTC)},
		{"2262-04-11T23:47:16.854775808Z", time.Date(2262, 4, 11, 23, 47, 16, 854775808, time.UTC)},
		{"2024-02-29T00:00:00Z", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2000-02-29T00:00:00Z", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"0000-02-29T00:00:00Z", time.Date(0, 2, 29, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("Parse(%q) = %v, want %v", c.in, got, c.want)
		}
		_, off := got.Zone()
		_, wantOff := c.want.Zone()
		if off != wantOff {
			t.Errorf("Parse(%q) offset %d, want %d", c.in, off, wantOff)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ in, why string }{
		{"", "too short"},
		{"2024-08-23", "too short"},
		{"2024-08-23T20:41:41", "zone is missing"},
		{"2024-08-23T20:41:41,5Z", "not a ','"},
		{"2024-08-23T20:41:41.1234567891Z", "more than 9 digits"},
		{"2024-08-23T20:41:41.Z", "1 to 9 digits"},
		{"2024-08-23T20:41:41+24:00", "offset's hours"},
		{"2024-08-23T20:41:41-24:00", "offset's hours"},
		{"2024-08-23T20:41:41+02:60", "offset's minutes"},
		{"2024-08-23T20:41:41+0200", "±HH:MM"},
		{"2024-08-23T20:41:41+02", "±HH:MM"},
		{"2024-08-23T20:41:41+02:00:00", "nothing may follow"},
		{"2024-08-23T20:41:41ZZ", "nothing may follow"},
		{"2024-08-23T20:41:41z", "uppercase Z"},
		{"2024-08-23t20:41:41Z", "uppercase T"},
		{"2024-08-23 20:41:41Z", "uppercase T"},
		{"2024-08-23X20:41:41Z", "followed by T"},
		{"2024-13-01T00:00:00Z", "month"},
		{"2024-00-01T00:00:00Z", "month"},
		{"2023-02-29T00:00:00Z", "day does not exist"},
		{"1900-02-29T00:00:00Z", "day does not exist"},
		{"2024-04-31T00:00:00Z", "day does not exist"},
		{"2024-01-00T00:00:00Z", "day does not exist"},
		{"2024-01-01T24:00:00Z", "hour"},
		{"2024-01-01T00:60:00Z", "minute"},
		{"2016-12-31T23:59:60Z", "leap seconds"},
		{"10000-01-01T00:00:00Z", "YYYY-MM-DD"},
		{"-001-01-01T00:00:00Z", "YYYY-MM-DD"},
		{"+2024-01-01T00:00:00Z", "YYYY-MM-DD"},
		{"2024-1-01T00:00:00Z", "YYYY-MM-DD"},
		{"2024-01-01T0:00:00Z", "HH:MM:SS"},
		{"２０２４-01-01T00:00:00Z", "YYYY-MM-DD"},
		{"2024-01-01T00:00:00.５Z", "1 to 9 digits"},
		{"2024-01-01T00:00:00 Z", "zone must be"},
		{"2024-01-01T00:00:00Z\n", "nothing may follow"},
	} {
		_, err := Parse(c.in)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidInput {
			t.Errorf("Parse(%q) = %v, want an invalid-input error", c.in, err)
			continue
		}
		if !strings.Contains(e.Message, c.why) {
			t.Errorf("Parse(%q): %q, want it to say %q", c.in, e.Message, c.why)
		}
		if len(c.in) > 4 && strings.Contains(strings.TrimSuffix(e.Message, "write "+Syntax), c.in) {
			t.Errorf("Parse(%q): the message repeats the input: %q", c.in, e.Message)
		}
	}
}

// strict is the accepted syntax as a regular expression; ranges are left
// to time.Parse, which checks the calendar as Parse does.
var strict = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// FuzzParse checks Parse against time.Parse: Parse accepts exactly the
// strings of the strict syntax that time.Parse accepts, and gives the same
// instant.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2024-08-23T20:41:41.398051Z", "2024-08-23T20:41:41,5Z", "2024-08-23T20:41:41.1234567891Z",
		"2024-08-23T20:41:41+24:00", "2024-02-30T00:00:00Z", "2016-12-31T23:59:60Z", "0000-01-01T00:00:00-01:00",
		"9999-12-31T23:59:59+23:59", "2024-08-23t20:41:41z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		ref, refErr := time.Parse(time.RFC3339Nano, s)
		want := strict.MatchString(s) && refErr == nil
		if (err == nil) != want {
			t.Fatalf("Parse(%q) error %v; time.Parse error %v; strict syntax %v", s, err, refErr, strict.MatchString(s))
		}
		if err == nil && !got.Equal(ref) {
			t.Fatalf("Parse(%q) = %v, time.Parse = %v", s, got, ref)
		}
	})
}

type stamp struct{ raw string }

func (s *stamp) UnmarshalJSON(b []byte) error { s.raw = string(b); return nil }

type Embedded struct {
	Seen time.Time `json:"seen"`
}

type doc struct {
	Embedded
	Due      *time.Time           `json:"due_date,omitempty"`
	At       time.Time            `json:"at"`
	Items    []item               `json:"items"`
	ByName   map[string]time.Time `json:"by_name"`
	List     [2]*time.Time        `json:"list"`
	Free     any                  `json:"free"`
	Raw      json.RawMessage      `json:"raw"`
	Own      stamp                `json:"own"`
	Plain    time.Time
	Ignored  time.Time `json:"-"`
	unexport time.Time
}

type item struct {
	When **time.Time `json:"when"`
}

func TestCheckJSON(t *testing.T) {
	bad := `"2024-01-01T00:00:00,5Z"`
	good := `"2024-01-01T00:00:00.5Z"`
	typ := reflect.TypeFor[*doc]()
	for _, c := range []struct {
		raw   string
		field string // "" means valid
	}{
		{`{"due_date":` + good + `,"at":` + good + `,"items":[{"when":` + good + `}],"by_name":{"a":` + good + `},"list":[null,` + good + `],"seen":` + good + `}`, ""},
		{`{"due_date":null,"at":null,"items":null,"list":[null]}`, ""},
		{`{"due_date":` + bad + `}`, "req.due_date"},
		{`{"at":"2024-01-01T00:00:00.1234567890Z"}`, "req.at"},
		{`{"at":"2024-01-01T00:00:00+24:00"}`, "req.at"},
		{`{"Due_Date":` + bad + `}`, "req.Due_Date"}, // encoding/json would match it
		{`{"AT":` + bad + `}`, "req.AT"},
		{`{"items":[{"when":` + good + `},{"when":` + bad + `}]}`, "req.items[1].when"},
		{`{"by_name":{"x y":` + bad + `}}`, "req.by_name.x y"},
		{`{"list":[` + good + `,` + bad + `]}`, "req.list[1]"},
		{`{"seen":` + bad + `}`, "req.seen"},
		{`{"Plain":` + bad + `}`, "req.Plain"},
		// Not looked into, or not strings: encoding/json decides.
		{`{"free":` + bad + `,"raw":{"at":` + bad + `},"own":` + bad + `,"unexport":` + bad + `,"Ignored":` + bad + `}`, ""},
		{`{"at":5,"due_date":{"x":` + bad + `},"nope":` + bad + `}`, ""},
		{`{"at":`, "req"},
		{`not json`, "req"},
	} {
		err := CheckJSON("req", []byte(c.raw), typ)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.raw, err)
			}
			continue
		}
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidInput {
			t.Errorf("%s: %v, want an invalid-input error", c.raw, err)
			continue
		}
		if e.Field != c.field {
			t.Errorf("%s: field %q, want %q (%v)", c.raw, e.Field, c.field, err)
		}
		if strings.Contains(e.Message, "00:00:00") {
			t.Errorf("%s: the message quotes the value: %q", c.raw, e.Message)
		}
	}
	// The top-level value itself, and the empty field name.
	if err := CheckJSON("", []byte(bad), reflect.TypeFor[time.Time]()); err == nil || err.(*errs.Error).Field != "" {
		t.Errorf("top-level time: %v", err)
	}
	if err := CheckJSON("expires", []byte(bad), reflect.TypeFor[**time.Time]()); err == nil || err.(*errs.Error).Field != "expires" {
		t.Errorf("top-level pointer: %v", err)
	}
	if err := CheckJSON("x", []byte(bad), nil); err != nil {
		t.Errorf("nil type: %v", err)
	}
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	if err := CheckJSON("x", []byte(deep), reflect.TypeFor[[]any]()); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("deep: %v", err)
	}
}
