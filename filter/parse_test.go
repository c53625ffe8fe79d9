package filter

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		in   string
		want Condition
	}{
		{"name[eq]Bob", Condition{Field: "name", Op: Eq, Value: "Bob"}},
		{"name[EQ]Bob", Condition{Field: "name", Op: Eq, Value: "Bob"}},
		{"name[ne]x", Condition{Field: "name", Op: Ne, Value: "x"}},
		{"name[neq]x", Condition{Field: "name", Op: Ne, Value: "x"}},
		{"age[gte]35", Condition{Field: "age", Op: Gte, Value: "35"}},
		{"age[Gt]35", Condition{Field: "age", Op: Gt, Value: "35"}},
		{"age[lt]35", Condition{Field: "age", Op: Lt, Value: "35"}},
		{"age[lte]35", Condition{Field: "age", Op: Lte, Value: "35"}},
		{"name[in]bob,sue,sam", Condition{Field: "name", Op: In, Value: "bob,sue,sam", Values: []string{"bob", "sue", "sam"}}},
		{"name[not in]a", Condition{Field: "name", Op: NotIn, Value: "a", Values: []string{"a"}}},
		{"name[Not In]a,b", Condition{Field: "name", Op: NotIn, Value: "a,b", Values: []string{"a", "b"}}},
		{"name[not_in]a", Condition{Field: "name", Op: NotIn, Value: "a", Values: []string{"a"}}},
		{"name[in]a,,b", Condition{Field: "name", Op: In, Value: "a,,b", Values: []string{"a", "", "b"}}},
		{"name[in] a , b", Condition{Field: "name", Op: In, Value: " a , b", Values: []string{" a ", " b"}}},
		{"name[like]splunk*", Condition{Field: "name", Op: Like, Value: "splunk*"}},
		{"name[LIKE]a%", Condition{Field: "name", Op: Like, Value: "a%"}},
		{"name[not like]a*", Condition{Field: "name", Op: NotLike, Value: "a*"}},
		{"name[not_like]a*", Condition{Field: "name", Op: NotLike, Value: "a*"}},
		{"name[eq]", Condition{Field: "name", Op: Eq, Value: ""}},
		{"name[eq]a]b[c", Condition{Field: "name", Op: Eq, Value: "a]b[c"}},
		{"name[eq][eq]", Condition{Field: "name", Op: Eq, Value: "[eq]"}},
		{"name[eq]' OR 1=1 --", Condition{Field: "name", Op: Eq, Value: "' OR 1=1 --"}},
		{"name[eq]héllo ☃", Condition{Field: "name", Op: Eq, Value: "héllo ☃"}},
		{"accounts.name[like]Acme*", Condition{Field: "accounts.name", Op: Like, Value: "Acme*"}},
		{"_a.b_2.C[eq]x", Condition{Field: "_a.b_2.C", Op: Eq, Value: "x"}},
		{"created_at[gt]2024-08-23T20:41:41.398051Z", Condition{Field: "created_at", Op: Gt, Value: "2024-08-23T20:41:41.398051Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := Parse(Params{Filter: []string{tt.in}})
			require.NoError(t, err)
			require.Len(t, q.Filters, 1)
			assert.Equal(t, tt.want, q.Filters[0])
			again, err := Parse(q.Params())
			require.NoError(t, err)
			assert.Equal(t, q, again)
		})
	}
}

func TestParseOrder(t *testing.T) {
	tests := []struct {
		in   string
		want OrderTerm
	}{
		{"name", OrderTerm{"name", Asc}},
		{"name[asc]", OrderTerm{"name", Asc}},
		{"name[ASC]", OrderTerm{"name", Asc}},
		{"created_at[desc]", OrderTerm{"created_at", Desc}},
		{"created_at[Desc]", OrderTerm{"created_at", Desc}},
		{"accounts.name[dsc]", OrderTerm{"accounts.name", Desc}},
	}
	for _, tt := range tests {
		q, err := Parse(Params{Order: []string{tt.in}})
		require.NoError(t, err, tt.in)
		assert.Equal(t, []OrderTerm{tt.want}, q.Order, tt.in)
	}
}

func TestParseParams(t *testing.T) {
	q, err := Parse(Params{
		Filter:     []string{"name[like]test-account-*", "created_at[gt]2024-08-23T20:41:41.398051Z"},
		Order:      []string{"created_at[asc]", "name"},
		Limit:      10,
		StartAfter: "splunk_cred",
		Expand:     []string{" accounts ", "integration_points"},
	})
	require.NoError(t, err)
	assert.Equal(t, &Query{
		Filters: []Condition{
			{Field: "name", Op: Like, Value: "test-account-*"},
			{Field: "created_at", Op: Gt, Value: "2024-08-23T20:41:41.398051Z"},
		},
		Order:      []OrderTerm{{"created_at", Asc}, {"name", Asc}},
		Limit:      10,
		StartAfter: "splunk_cred",
		Expand:     []string{"accounts", "integration_points"},
	}, q)

	q, err = Parse(Params{})
	require.NoError(t, err)
	assert.Equal(t, &Query{}, q)
}

func TestParseErrors(t *testing.T) {
	many := func(n int, s string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	tests := []struct {
		name     string
		p        Params
		part     string
		contains []string
	}{
		{"no op", Params{Filter: []string{"name"}}, "filter[0]", []string{`filter "name" has no operator`}},
		{"empty", Params{Filter: []string{""}}, "filter[0]", []string{"no operator"}},
		{"no close", Params{Filter: []string{"name[eq"}}, "filter[0]", []string{`no "]"`}},
		{"no field", Params{Filter: []string{"[eq]x"}}, "filter[0]", []string{`invalid field name ""`}},
		{"digit first", Params{Filter: []string{"1name[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"dash", Params{Filter: []string{"na-me[eq]x"}}, "filter[0]", []string{`"na-me"`}},
		{"trailing dot", Params{Filter: []string{"name.[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"leading dot", Params{Filter: []string{".name[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"double dot", Params{Filter: []string{"a..b[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"digit segment", Params{Filter: []string{"a.1b[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"semicolon", Params{Filter: []string{"name;drop[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"sql field", Params{Filter: []string{"name) OR (1=1[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"comment field", Params{Filter: []string{"name--[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"space field", Params{Filter: []string{"name [eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"unicode field", Params{Filter: []string{"nämé[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"long field", Params{Filter: []string{strings.Repeat("a", 129) + "[eq]x"}}, "filter[0]", []string{"invalid field name"}},
		{"unknown op", Params{Filter: []string{"name[eqq]x"}}, "filter[0]", []string{`unknown operator "eqq" in filter "name[eqq]x"; use one of eq, ne, gt, lt, gte, lte, in, like, not in, not like`}},
		{"empty op", Params{Filter: []string{"name[]x"}}, "filter[0]", []string{`unknown operator ""`}},
		{"sql op", Params{Filter: []string{"name[eq) OR (1]x"}}, "filter[0]", []string{"unknown operator"}},
		{"two spaces", Params{Filter: []string{"name[not  in]x"}}, "filter[0]", []string{"unknown operator"}},
		{"op spaces", Params{Filter: []string{"name[ eq]x"}}, "filter[0]", []string{"unknown operator"}},
		{"kelvin", Params{Filter: []string{"name[li\u212ae]x"}}, "filter[0]", []string{"unknown operator"}},
		{"empty set", Params{Filter: []string{"name[in]"}}, "filter[0]", []string{"empty set"}},
		{"empty not in", Params{Filter: []string{"name[not in]"}}, "filter[0]", []string{"empty set"}},
		{"big set", Params{Filter: []string{"name[in]" + strings.Repeat("a,", MaxInValues)}}, "filter[0]", []string{"too many values (1001)"}},
		{"long value", Params{Filter: []string{"name[eq]" + strings.Repeat("x", MaxValueLen+1)}}, "filter[0]", []string{"too long", "4096"}},
		{"huge term", Params{Filter: []string{"name[eq]" + strings.Repeat("x", 1<<20)}}, "filter[0]", []string{"too long"}},
		{"nul value", Params{Filter: []string{"name[eq]a\x00b"}}, "filter[0]", []string{"NUL"}},
		{"nul field", Params{Filter: []string{"na\x00me[eq]b"}}, "filter[0]", []string{"NUL"}},
		{"bad utf8", Params{Filter: []string{"name[eq]\xff"}}, "filter[0]", []string{"UTF-8"}},
		{"second bad", Params{Filter: []string{"name[eq]x", "name[bad]y"}}, "filter[1]", []string{`"bad"`}},
		{"order dir", Params{Order: []string{"name[up]"}}, "order[0]", []string{`unknown direction "up"`, "asc or desc"}},
		{"order trailing", Params{Order: []string{"name[asc]x"}}, "order[0]", []string{"text after"}},
		{"order no close", Params{Order: []string{"name[asc"}}, "order[0]", []string{`no "]"`}},
		{"order empty", Params{Order: []string{""}}, "order[0]", []string{"invalid field name"}},
		{"order space", Params{Order: []string{"name desc"}}, "order[0]", []string{"invalid field name"}},
		{"order sql", Params{Order: []string{"name;drop"}}, "order[0]", []string{"invalid field name"}},
		{"order second", Params{Order: []string{"name", "id[x]"}}, "order[1]", []string{"unknown direction"}},
		{"order long", Params{Order: []string{strings.Repeat("a", 200)}}, "order[0]", []string{"too long"}},
		{"order utf8", Params{Order: []string{"name[\xff]"}}, "order[0]", []string{"UTF-8"}},
		{"limit", Params{Limit: -1}, "limit", []string{"negative"}},
		{"expand empty", Params{Expand: []string{"account", "  "}}, "expand[1]", []string{"empty"}},
		{"expand bad", Params{Expand: []string{"acc ount"}}, "expand[0]", []string{"invalid expand"}},
		{"expand sql", Params{Expand: []string{"account; DROP TABLE t"}}, "expand[0]", []string{"invalid expand"}},
		{"expand nul", Params{Expand: []string{"a\x00"}}, "expand[0]", []string{"NUL"}},
		{"expand many", Params{Expand: many(MaxTerms+1, "account")}, "expand[64]", []string{"too many expand"}},
		{"start_after nul", Params{StartAfter: "a\x00"}, "start_after", []string{"NUL"}},
		{"start_after utf8", Params{StartAfter: "\xc3"}, "start_after", []string{"UTF-8"}},
		{"start_after long", Params{StartAfter: strings.Repeat("a", 64<<10+1)}, "start_after", []string{"too long"}},
		{"many filters", Params{Filter: many(10000, "name[eq]x")}, "filter[64]", []string{"too many", "(10000)"}},
		{"many terms", Params{Filter: many(60, "name[eq]x"), Order: many(5, "name")}, "order[4]", []string{"too many"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.p)
			assert.Nil(t, q)
			requireInvalid(t, err, tt.part, tt.contains...)
		})
	}
}

func TestParseLimits(t *testing.T) {
	vals := make([]string, MaxInValues)
	for i := range vals {
		vals[i] = fmt.Sprint(i)
	}
	terms := make([]string, MaxTerms)
	for i := range terms {
		terms[i] = "name[eq]x"
	}
	q, err := Parse(Params{Filter: append(terms[:MaxTerms-1], "name[in]"+strings.Join(vals, ","))})
	require.NoError(t, err)
	assert.Len(t, q.Filters[MaxTerms-1].Values, MaxInValues)

	_, err = Parse(Params{Filter: []string{"name[eq]" + strings.Repeat("x", MaxValueLen)}})
	require.NoError(t, err)
	_, err = Parse(Params{Filter: []string{strings.Repeat("a", maxNameLen) + "[not like]" + strings.Repeat("x", MaxValueLen)}})
	require.NoError(t, err)
}

func TestQuoteTruncates(t *testing.T) {
	assert.Equal(t, `"abc"`, quote("abc"))
	long := quote(strings.Repeat("é", 100))
	assert.True(t, utf8.ValidString(long))
	assert.True(t, strings.HasSuffix(long, `"...`), long)
	assert.LessOrEqual(t, len(long), quoteMax+8)
	assert.Equal(t, `"\xff\x00"`, quote("\xff\x00"))

	_, err := Parse(Params{Filter: []string{"name[bogus]" + strings.Repeat("x", 3000)}})
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300)
}

func TestConditionString(t *testing.T) {
	assert.Equal(t, "name[eq]x", Condition{Field: "name", Op: Eq, Value: "x"}.String())
	assert.Equal(t, "name[not in]a,b", Condition{Field: "name", Op: NotIn, Values: []string{"a", "b"}}.String())
	assert.Equal(t, "name[desc]", OrderTerm{"name", Desc}.String())
	assert.Equal(t, "name", OrderTerm{Field: "name"}.String())
	assert.Equal(t, Params{}, (*Query)(nil).Params())
}
