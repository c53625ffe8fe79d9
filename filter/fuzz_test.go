package filter

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

// FuzzParse feeds Parse (and what follows it) arbitrary parameters. For every
// input: no panic; either an invalid-query error naming a part, or a Query
// that re-parses to itself; after Bind, SQL whose placeholders match its
// arguments and whose text does not depend on the values at all; and
// cursors that round-trip.
func FuzzParse(f *testing.F) {
	seeds := []struct {
		f1, f2, order string
		limit         int
		startAfter    string
		expand        string
	}{
		{"name[eq]Bob", "score[gte]35", "name", 0, "", ""},
		{"name[in]bob,sue,sam", "", "created_at[desc]", 10, "splunk_cred", "accounts"},
		{"accounts.name[like]Acme*", "", "accounts.name[dsc]", 5, "", "accounts"},
		{"created_at[gt]2024-08-23T20:41:41.398051Z", "status[not in]open,closed", "score[desc]", 1000, "", "all"},
		{"name[like]a%b_c\\*", "fullname[not like]*", "fullname[asc]", 1, "c1.", "integration_point"},
		{"enabled[eq]true", "updated_at[ne]1970-01-01T00:00:00Z", "enabled", 0, "c1.eyJrIjoibmFtZSxpZCIsInYiOlsiYSIsImIiXX0", ""},
		{"name[eq]' OR 1=1 --", "name[eq]x'; DROP TABLE t; --", "name;drop", 0, "", ""},
		{"name) OR (1=1[eq]x", "name[eq) OR (1]x", "name[desc]; --", -1, "", "account; DROP"},
		{"name[eq]\x00", "name[eq]\xff\xfe", "\xff", 0, "\x00", "\x00"},
		{"name[NOT_LIKE]*]*[*", "name[Not In],,", "id[DESC]", 1001, "c1.!!", " "},
		{"name[eq]＇ʼ", "name[in]" + strings.Repeat("a,", 1000), "", 0, "", ""},
		{"name", "[eq]", "[asc]", 0, "", ""},
		{"score[eq]NaN", "score[lt]-1e308", "score", 0, "", ""},
		{"created_at[gt]9999-12-31T23:59:59Z", "updated_at[not in]0000-01-01T00:00:00Z,2000-01-01T00:00:00Z", "updated_at[desc]", 0, "", ""},
		{"created_at[lt]2024-01-01T00:00:00,5Z", "updated_at[eq]2024-01-01t00:00:00Z", "created_at", 0, "c1.eyJrIjoiY3JlYXRlZF9hdCxuYW1lLGlkIiwidiI6WzI1MzQwMjMwMDc5OTAwMDAwMDAwMCwiYSIsImIiXX0", ""},
	}
	for _, s := range seeds {
		f.Add(s.f1, s.f2, s.order, s.limit, s.startAfter, s.expand)
	}
	fs := testFS()
	f.Fuzz(func(t *testing.T, f1, f2, order string, limit int, startAfter, expand string) {
		p := Params{Limit: limit, StartAfter: startAfter}
		for _, s := range []string{f1, f2} {
			if s != "" {
				p.Filter = append(p.Filter, s)
			}
		}
		if order != "" {
			p.Order = []string{order}
		}
		if expand != "" {
			p.Expand = []string{expand}
		}
		q, err := Parse(p)
		if err != nil {
			requireQueryError(t, err)
			return
		}
		again, err := Parse(q.Params())
		require.NoError(t, err)
		require.Equal(t, q, again)

		b, err := q.Bind(fs)
		if err != nil {
			requireQueryError(t, err)
			return
		}
		s, err := b.SQL(SQLite, 1)
		require.NoError(t, err)
		requirePlaceholders(t, SQLite, s.Where, 1, len(s.Args))
		ps, err := b.SQL(Postgres, 1)
		require.NoError(t, err)
		requirePlaceholders(t, Postgres, ps.Where, 1, len(ps.Args))

		// The SQL text is the same whatever the values: none of them is in it.
		skeleton := neutralSQL(t, b)
		require.Equal(t, skeleton.Where, s.Where)
		require.Equal(t, skeleton.OrderBy, s.OrderBy)
		for _, c := range q.Filters {
			for _, v := range append(c.Values, c.Value) {
				if v != "" && !strings.Contains(skeleton.Where, v) {
					require.NotContains(t, s.Where, v)
				}
			}
		}

		if _, _, err := b.DecodeCursor(startAfter); err != nil {
			requireQueryError(t, err)
		}
		recs := []Map{{}, {
			"id": f1, "name": f2, "fullname": order, "created_at": startAfter, "updated_at": limit,
			"score": startAfter, "enabled": expand, "status": f1, "account": Map{"name": expand},
		}}
		for _, r := range recs {
			b.Match(r)
			b.Compare(r, recs[0])
			c := b.CursorOf(r)
			got, ok, err := b.DecodeCursor(b.Encode(c))
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, c, got)
			where, args, err := b.KeysetSQL(Postgres, got, 3)
			require.NoError(t, err)
			requirePlaceholders(t, Postgres, where, 3, len(args))
		}
	})
}

// requireQueryError asserts that err is an invalid-query *errs.Error that
// names the bad part.
func requireQueryError(t *testing.T, err error) {
	t.Helper()
	var e *errs.Error
	require.True(t, errors.As(err, &e), "%T %v", err, err)
	require.Equal(t, errs.InvalidQuery, e.Code, "%v", err)
	require.NotEmpty(t, e.Field, "%v", err)
	require.NotEmpty(t, e.Message)
}

var pgPlaceholder = regexp.MustCompile(`\$(\d+)`)

// requirePlaceholders asserts that the SQL s has n placeholders, numbered
// from first in order for PostgreSQL. The test field set's columns hold
// neither '?' nor '$'.
func requirePlaceholders(t *testing.T, d Dialect, s string, first, n int) {
	t.Helper()
	if d == SQLite {
		require.Equal(t, n, strings.Count(s, "?"), s)
		return
	}
	require.NotContains(t, s, "?")
	m := pgPlaceholder.FindAllStringSubmatch(s, -1)
	require.Len(t, m, n, s)
	for i, sub := range m {
		require.Equal(t, strconv.Itoa(first+i), sub[1], s)
	}
}

// neutralSQL compiles b's query with every filter value replaced by a fixed
// one of the same type (and sets of the same size). A time keeps its place
// relative to the SQL range of times, which decides whether its comparison
// is folded to a constant.
func neutralSQL(t *testing.T, b *Bound) *SQL {
	t.Helper()
	q := b.Query()
	neutralTime := map[int]string{-1: "0000-01-01T00:00:00Z", 0: "2000-01-01T00:00:00Z", 1: "9999-12-31T23:59:59Z"}
	for i, c := range b.Filters() {
		f := b.Fields().lookup(c.Field)
		neutral := func(j int) string {
			if f.Type == Time {
				return neutralTime[sqlRange(b.conds[i].vals[j])]
			}
			if len(f.Enum) > 0 {
				return f.Enum[0]
			}
			return map[Type]string{String: "v", Number: "0", Bool: "true"}[f.Type]
		}
		q.Filters[i].Value = neutral(0)
		if c.Op == In || c.Op == NotIn {
			q.Filters[i].Values = make([]string, len(c.Values))
			for j := range c.Values {
				q.Filters[i].Values[j] = neutral(j)
			}
			q.Filters[i].Value = strings.Join(q.Filters[i].Values, ",")
		}
	}
	nb, err := q.Bind(b.Fields())
	require.NoError(t, err)
	s, err := nb.SQL(SQLite, 1)
	require.NoError(t, err)
	return s
}
