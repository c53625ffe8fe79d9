package filter

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

func TestBindAccessors(t *testing.T) {
	b := bind(t, testFS(), Params{
		Filter:     []string{"accounts.name[like]Acme*", "status[in]open,closed"},
		Order:      []string{"created_at[desc]"},
		Limit:      10,
		StartAfter: "x",
		Expand:     []string{"integration_points", "account", "accounts"},
	})
	assert.Equal(t, 10, b.Limit())
	assert.Equal(t, []OrderTerm{{"created_at", Desc}, {"id", Desc}}, b.Order())
	assert.Equal(t, []string{"account", "integration_point"}, b.Expand())
	assert.Equal(t, []string{"account", "integration_point"}, b.Joins())
	assert.Equal(t, "x", b.StartAfter())
	assert.Equal(t, "testing", func() string { b.Fields().Resource = "testing"; return b.Fields().Resource }())
	assert.Equal(t, "accounts.name", b.Query().Filters[0].Field)
	assert.Equal(t, []Condition{
		{Field: "account.name", Op: Like, Value: "Acme*"},
		{Field: "status", Op: In, Value: "open,closed", Values: []string{"open", "closed"}},
	}, b.Filters())

	// Accessors hand out copies.
	b.Order()[0].Field = "changed"
	b.Query().Filters[0].Field = "changed"
	assert.Equal(t, "created_at", b.Order()[0].Field)
	assert.Equal(t, "accounts.name", b.Query().Filters[0].Field)
}

func TestBindOrder(t *testing.T) {
	fs := testFS()
	tests := []struct {
		order []string
		want  []OrderTerm
	}{
		{nil, []OrderTerm{{"name", Asc}, {"id", Asc}}},
		{[]string{"name"}, []OrderTerm{{"name", Asc}, {"id", Asc}}},
		{[]string{"id[desc]"}, []OrderTerm{{"id", Desc}}},
		{[]string{"id", "name"}, []OrderTerm{{"id", Asc}, {"name", Asc}}},
		{[]string{"accounts.name[dsc]", "score"}, []OrderTerm{{"account.name", Desc}, {"score", Asc}, {"id", Asc}}},
	}
	for _, tt := range tests {
		b := bind(t, fs, Params{Order: tt.order})
		assert.Equal(t, tt.want, b.Order(), "%v", tt.order)
	}

	fs.DefaultOrder = []OrderTerm{{"created_at", Desc}}
	assert.Equal(t, []OrderTerm{{"created_at", Desc}, {"id", Desc}}, bind(t, fs, Params{}).Order())

	noName := &FieldSet{Fields: []Field{{Name: "id", Column: "id", Orderable: true}}, Tiebreak: "id"}
	assert.Equal(t, []OrderTerm{{"id", Asc}}, bind(t, noName, Params{}).Order())
	none := &FieldSet{Fields: []Field{{Name: "x", Column: "x"}}}
	assert.Empty(t, bind(t, none, Params{}).Order())
}

func TestBindLimit(t *testing.T) {
	fs := testFS()
	assert.Equal(t, DefaultLimit, bind(t, fs, Params{}).Limit())
	assert.Equal(t, MaxLimit, bind(t, fs, Params{Limit: MaxLimit}).Limit())
	requireInvalid(t, bindErr(fs, Params{Limit: MaxLimit + 1}), "limit", "larger than the maximum of 1000")

	fs.DefaultLimit, fs.MaxLimit = 20, 50
	assert.Equal(t, 20, bind(t, fs, Params{}).Limit())
	assert.Equal(t, 50, bind(t, fs, Params{Limit: 50}).Limit())
	requireInvalid(t, bindErr(fs, Params{Limit: 51}), "limit", "maximum of 50")

	fs.DefaultLimit = 80
	assert.Equal(t, 50, bind(t, fs, Params{}).Limit())
}

func TestBindExpand(t *testing.T) {
	fs := testFS()
	tests := []struct {
		expand, want []string
	}{
		{nil, nil},
		{[]string{"accounts"}, []string{"account"}},
		{[]string{"account", "accounts"}, []string{"account"}},
		{[]string{"all"}, []string{"account", "integration_point"}},
		{[]string{"integration_point", "all"}, []string{"account", "integration_point"}},
	}
	for _, tt := range tests {
		b := bind(t, fs, Params{Expand: tt.expand})
		assert.Equal(t, tt.want, b.Expand(), "%v", tt.expand)
		assert.Equal(t, tt.want, b.Joins(), "%v", tt.expand)
	}
	requireInvalid(t, bindErr(fs, Params{Expand: []string{"account", "owner"}}), "expand[1]",
		`unknown expand "owner"`, "integrations can expand: account, integration_point, all")

	// Joins follow the fields used, whether expanded or not.
	b := bind(t, fs, Params{Filter: []string{"integration_point.name[eq]x"}, Order: []string{"account.name"}})
	assert.Empty(t, b.Expand())
	assert.Equal(t, []string{"account", "integration_point"}, b.Joins())
}

func TestBindValues(t *testing.T) {
	fs := testFS()
	good := []string{
		"name[eq]x", "name[gt]x", "name[like]*", "name[not like]%",
		"status[eq]open", "status[not in]open,closed", "status[like]op*", "status[gt]zzz",
		"created_at[gt]2024-08-23T20:41:41.398051Z", "created_at[lte]2024-08-23T20:41:41Z",
		"created_at[eq]2024-08-23T22:41:41+02:00", "created_at[in]2024-01-01T00:00:00Z,2025-01-01T00:00:00Z",
		"score[gte]-1.5", "score[eq]1e3", "score[in]1,2,3", "score[lt]0",
		"enabled[eq]true", "enabled[ne]FALSE", "enabled[in]true,false",
	}
	for _, f := range good {
		_ = bind(t, fs, Params{Filter: []string{f}})
	}

	bad := []struct {
		filter   string
		contains []string
	}{
		{"nme[eq]x", []string{`unknown field "nme"`, "integrations can be filtered by: id, name, fullname, created_at"}},
		{"account.nme[eq]x", []string{`unknown field "account.nme"`}},
		{"acct.name[eq]x", []string{`unknown field "acct.name"`}},
		{"created_at[like]2024*", []string{`operator "like"`, "works only on text fields", "created_at is a time field"}},
		{"score[not like]1*", []string{"works only on text fields"}},
		{"enabled[gt]true", []string{`operator "gt"`, "true/false field", "use eq, ne, in or not in"}},
		{"enabled[lte]false", []string{"true/false field"}},
		{"created_at[gt]yesterday", []string{`invalid time value "yesterday"`, "RFC 3339"}},
		{"created_at[gt]2024-08-23", []string{"invalid time value"}},
		{"created_at[gt]2024-01-01T00:00:00,5Z", []string{"invalid time value", "'.', not a ','"}},
		{"created_at[gt]2024-01-01T00:00:00.1234567890Z", []string{"invalid time value", "more than 9 digits"}},
		{"created_at[gt]2024-01-01T00:00:00+24:00", []string{"invalid time value", "offset's hours"}},
		{"created_at[gt]2024-01-01t00:00:00z", []string{"invalid time value", "uppercase T"}},
		{"created_at[gt]2024-01-01T00:00:00z", []string{"invalid time value", "uppercase Z"}},
		{"created_at[gt]2024-01-01 00:00:00Z", []string{"invalid time value", "uppercase T"}},
		{"created_at[gt]10000-01-01T00:00:00Z", []string{"invalid time value", "years 0000 to 9999"}},
		{"created_at[gt]2023-02-29T00:00:00Z", []string{"invalid time value", "does not exist"}},
		{"created_at[gt]2016-12-31T23:59:60Z", []string{"invalid time value", "leap seconds"}},
		{"created_at[in]2024-01-01T00:00:00Z,x", []string{`invalid time value "x"`}},
		{"score[eq]abc", []string{`invalid number value "abc"`}},
		{"score[eq]NaN", []string{"invalid number value"}},
		{"score[eq]Inf", []string{"invalid number value"}},
		{"score[eq]1e400", []string{"invalid number value"}},
		{"score[eq]", []string{"invalid number value"}},
		{"enabled[eq]yes", []string{`invalid true/false value "yes"`, "true or false"}},
		{"status[eq]opne", []string{`invalid value "opne" for status`, "use one of: open, pending, closed"}},
		{"status[in]open,shut", []string{`invalid value "shut"`}},
		{"status[ne]", []string{`invalid value ""`}},
	}
	for _, tt := range bad {
		err := bindErr(fs, Params{Filter: []string{"name[eq]ok", tt.filter}})
		requireInvalid(t, err, "filter[1]", tt.contains...)
	}

	requireInvalid(t, bindErr(fs, Params{Order: []string{"name", "nme"}}), "order[1]", `unknown field "nme"`, "integrations can be ordered by: id, name")
	requireInvalid(t, bindErr(fs, Params{Order: []string{"integration_point.name"}}), "order[0]", "cannot be ordered by")
	requireInvalid(t, bindErr(fs, Params{Order: []string{"name", "name[desc]"}}), "order[1]", "appears twice")
	requireInvalid(t, bindErr(fs, Params{Order: []string{"account.name", "accounts.name"}}), "order[1]", "appears twice")

	// Bound values are typed.
	b := bind(t, fs, Params{Filter: []string{"created_at[eq]2024-08-23T22:41:41.5+02:00", "score[eq]1e3", "enabled[eq]TRUE"}})
	want := time.Date(2024, 8, 23, 20, 41, 41, 5e8, time.UTC)
	assert.Equal(t, scalarAny(Time, b.conds[0].vals[0]), want.UnixNano())
	assert.Equal(t, 0, compareScalars(Time, b.conds[0].vals[0], mustScalar(t, Time, want)))
	assert.Equal(t, 1000.0, b.conds[1].vals[0].f)
	assert.Equal(t, int64(1), b.conds[2].vals[0].n)
}

// mustScalar converts v with toScalar, failing the test if it does not fit.
func mustScalar(t testing.TB, typ Type, v any) scalar {
	t.Helper()
	s, ok := toScalar(typ, v)
	require.True(t, ok, "%v", v)
	return s
}

func TestBindTimesAnyYear(t *testing.T) {
	// Every RFC 3339 time of the years 0000 to 9999 is a filter value, in
	// or out of the range a SQL Time column holds (1678 to 2262).
	fs := testFS()
	for _, v := range []string{
		"0000-01-01T00:00:00Z", "0000-01-01T00:00:00+23:59", "1000-06-15T12:00:00.5-08:00",
		"1677-09-21T00:12:43.145224191Z", "2262-04-11T23:47:16.854775808Z",
		"3000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59-23:59",
	} {
		for _, op := range []string{"eq", "ne", "gt", "lt", "gte", "lte", "in", "not in"} {
			b := bind(t, fs, Params{Filter: []string{"created_at[" + op + "]" + v, "updated_at[" + op + "]" + v}})
			want, err := time.Parse(time.RFC3339Nano, v)
			require.NoError(t, err)
			assert.Equal(t, 0, compareScalars(Time, b.conds[0].vals[0], mustScalar(t, Time, want)), v)
			s, err := b.SQL(SQLite, 1)
			require.NoError(t, err, v)
			assert.Equal(t, strings.Count(s.Where, "?"), len(s.Args), s.Where)
		}
	}
}

func TestBindHandBuilt(t *testing.T) {
	fs := testFS()
	b, err := (*Query)(nil).Bind(fs)
	require.NoError(t, err)
	assert.Equal(t, DefaultLimit, b.Limit())

	b, err = (&Query{Filters: []Condition{{Field: "name", Op: In, Value: "a,b"}}}).Bind(fs)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, b.Filters()[0].Values)

	b, err = (&Query{Filters: []Condition{{Field: "name", Op: NotIn, Values: []string{"a", "b"}}}}).Bind(fs)
	require.NoError(t, err)
	assert.Equal(t, "a,b", b.Filters()[0].Value)

	bad := []struct {
		q        Query
		part     string
		contains string
	}{
		{Query{Filters: []Condition{{Field: "name", Op: "bogus"}}}, "filter[0]", "unknown operator"},
		{Query{Filters: []Condition{{Field: "name", Op: "EQ"}}}, "filter[0]", "unknown operator"},
		{Query{Filters: []Condition{{Field: "name", Op: In}}}, "filter[0]", "empty set"},
		{Query{Filters: []Condition{{Field: "name", Op: Eq, Value: "a\x00"}}}, "filter[0]", "NUL"},
		{Query{Filters: []Condition{{Field: "name", Op: Eq, Value: string(make([]byte, MaxValueLen+1))}}}, "filter[0]", "too long"},
		{Query{Filters: []Condition{{Field: "name", Op: In, Values: make([]string, MaxInValues+1)}}}, "filter[0]", "too many values"},
		{Query{Filters: []Condition{{Field: "name;drop", Op: Eq}}}, "filter[0]", "unknown field"},
		{Query{Filters: make([]Condition, MaxTerms+1)}, "filter", "too many"},
		{Query{Expand: make([]string, MaxTerms+1)}, "expand", "too many"},
		{Query{Expand: []string{""}}, "expand[0]", "empty"},
		{Query{Order: []OrderTerm{{"name", "up"}}}, "order[0]", "unknown direction"},
		{Query{Limit: -5}, "limit", "negative"},
		{Query{StartAfter: "\xff"}, "start_after", "UTF-8"},
	}
	for _, tt := range bad {
		_, err := tt.q.Bind(fs)
		requireInvalid(t, err, tt.part, tt.contains)
	}
}

func TestBindBadFieldSet(t *testing.T) {
	_, err := (&Query{}).Bind(nil)
	require.ErrorIs(t, err, errs.ErrInternal)

	fs := testFS()
	fs.Tiebreak = "nope"
	_, err = (&Query{}).Bind(fs)
	require.ErrorIs(t, err, errs.ErrInternal)

	fs = testFS()
	fs.DefaultOrder = []OrderTerm{{"integration_point.name", Asc}}
	_, err = (&Query{}).Bind(fs)
	require.ErrorIs(t, err, errs.ErrInternal)

	fs = testFS()
	fs.Fields[1].Join = "nope"
	_, err = (&Query{Filters: []Condition{{Field: "name", Op: Eq}}}).Bind(fs)
	require.ErrorIs(t, err, errs.ErrInternal)

	fs = testFS()
	fs.Fields[1].Type = 42
	_, err = (&Query{Filters: []Condition{{Field: "name", Op: Eq}}}).Bind(fs)
	require.ErrorIs(t, err, errs.ErrInternal)

	// A pair of relations aliasing each other does not loop.
	fs = testFS()
	fs.Relations[0].Aliases = []string{"integration_point"}
	fs.Relations[1].Aliases = []string{"account"}
	requireInvalid(t, bindErr(fs, Params{Filter: []string{"account.nope[eq]x"}}), "filter[0]", "unknown field")
}
