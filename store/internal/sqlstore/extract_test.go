package sqlstore

import (
	"encoding/json"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

func TestColumnValue(t *testing.T) {
	doc, err := decodeDoc(json.RawMessage(`{
		"name": "x", "n": 12345678901234567890, "b": true, "obj": {"type": "token", "deep": {"v": "d"}},
		"at": "2024-08-23T22:41:41.398051+02:00", "nul": null, "list": [1]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	col := func(path string, typ filter.Type, nullable bool) *column {
		c := &column{Column: store.Column{Name: "c", Path: path, Type: typ, Nullable: nullable}}
		tb := newTable(&store.Table{Name: "x", Columns: []store.Column{c.Column}}, testDialect{})
		return &tb.cols[0]
	}
	for _, c := range []struct {
		col  *column
		want any
		code errs.Code
	}{
		{col("name", filter.String, false), "x", ""},
		{col("n", filter.String, false), "12345678901234567890", ""},
		{col("b", filter.String, false), "true", ""},
		{col("obj.type", filter.String, true), "token", ""},
		{col("obj.deep.v", filter.String, true), "d", ""},
		{col("obj.missing", filter.String, true), nil, ""},
		{col("name.below", filter.String, true), nil, ""},
		{col("obj.missing", filter.String, false), "", ""},
		{col("nul", filter.String, true), nil, ""},
		{col("nul", filter.String, false), "", ""},
		{col("obj", filter.String, false), nil, errs.InvalidInput},
		{col("list", filter.String, false), nil, errs.InvalidInput},
		{col("at", filter.Time, false), int64(1724445701398051000), ""},
		{col("missing", filter.Time, true), nil, ""},
		{col("missing", filter.Time, false), nil, errs.InvalidInput},
		{col("name", filter.Time, false), nil, errs.InvalidInput},
		{col("n", filter.Number, false), 12345678901234567890.0, ""},
		{col("name", filter.Number, false), nil, errs.InvalidInput},
		{col("b", filter.Bool, false), true, ""},
		{col("name", filter.Bool, false), nil, errs.InvalidInput},
		{col("id", filter.String, false), "the-id", ""},
	} {
		got, err := c.col.value("the-id", doc)
		if errs.CodeOf(err) != c.code || (err == nil) != (c.code == "") {
			t.Errorf("%s as %v: error %v, want code %q", c.col.Path, c.col.Type, err, c.code)
			continue
		}
		if got != c.want {
			t.Errorf("%s as %v: %#v, want %#v", c.col.Path, c.col.Type, got, c.want)
		}
	}
}

func TestDecodeDoc(t *testing.T) {
	for _, d := range []string{``, `null`, `[]`, `"x"`, `{`, `{}{}`, `{} x`} {
		if _, err := decodeDoc(json.RawMessage(d)); errs.CodeOf(err) != errs.InvalidInput {
			t.Errorf("decodeDoc(%q): %v, want an invalid-input error", d, err)
		}
	}
	if _, err := decodeDoc(json.RawMessage(" {\"a\":1}\n")); err != nil {
		t.Errorf("decodeDoc with white space: %v", err)
	}
}

func TestStatements(t *testing.T) {
	tb, err := store.TableOf(store.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	st := newTable(tb, testDialect{})
	// Every placeholder is numbered in order, and the written columns line
	// up with appendValues.
	obj := &store.Object{Kind: store.Credentials, ID: "c1", Scope: "a1", Doc: json.RawMessage(`{"name":"N","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}`)}
	args, name, _, err := st.appendValues(nil, obj)
	if err != nil || name != "N" {
		t.Fatalf("appendValues: %v, %q", err, name)
	}
	if args[2] != "n" {
		t.Errorf("name_key %v, want \"n\"", args[2])
	}
	if want := len(args) + 2; countPlaceholders(st.insert) != want {
		t.Errorf("insert has %d placeholders, want %d: %s", countPlaceholders(st.insert), want, st.insert)
	}
	if want := len(args) + 2; countPlaceholders(st.update) != want {
		t.Errorf("update has %d placeholders, want %d: %s", countPlaceholders(st.update), want, st.update)
	}
}

func TestQuote(t *testing.T) {
	long := string(make([]byte, 100)) + "é"
	if q := quote(long); len(q) > quoteMax*4+8 {
		t.Errorf("quote of a long string is %d bytes", len(q))
	}
	if q := quote("a\"b"); q != `"a\"b"` {
		t.Errorf("quote = %s", q)
	}
	if article("integration") != "an integration" || article("credential") != "a credential" {
		t.Error("article")
	}
}

// countPlaceholders counts "$" in s (testDialect's placeholders).
func countPlaceholders(s string) int {
	n := 0
	for _, c := range s {
		if c == '$' {
			n++
		}
	}
	return n
}

// testDialect numbers placeholders like PostgreSQL.
type testDialect struct{}

func (testDialect) Placeholder(n int) string    { return filter.Postgres.Placeholder(n) }
func (testDialect) CaseInsensitiveLike() string { return "ILIKE" }
func (testDialect) BoolArg(b bool) any          { return b }
func (testDialect) Name() string                { return "test" }
func (testDialect) Classify(error) Failure      { return Other }
func (testDialect) Describe(err error) string   { return "test error" }
func (testDialect) RowLock(bool) string         { return "" }
