package filter

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

func TestSQLConditions(t *testing.T) {
	ts := "2024-08-23T20:41:41.398051Z"
	nanos := time.Date(2024, 8, 23, 20, 41, 41, 398051000, time.UTC).UnixNano()
	tests := []struct {
		filter     string
		sqlite, pg string
		args       []any
		pgArgs     []any // when they differ from args
	}{
		{"name[eq]Bob", "t.name = ?", "t.name = $1", []any{"Bob"}, nil},
		{"name[ne]Bob", "t.name <> ?", "t.name <> $1", []any{"Bob"}, nil},
		{"fullname[ne]Bob", "(t.fullname IS NULL OR t.fullname <> ?)", "(t.fullname IS NULL OR t.fullname <> $1)", []any{"Bob"}, nil},
		{"fullname[eq]Bob", "t.fullname = ?", "t.fullname = $1", []any{"Bob"}, nil},
		{"name[gt]b", "t.name > ?", "t.name > $1", []any{"b"}, nil},
		{"name[lt]b", "t.name < ?", "t.name < $1", []any{"b"}, nil},
		{"name[gte]b", "t.name >= ?", "t.name >= $1", []any{"b"}, nil},
		{"name[lte]b", "t.name <= ?", "t.name <= $1", []any{"b"}, nil},
		{"name[in]a,b,c", "t.name IN (?, ?, ?)", "t.name IN ($1, $2, $3)", []any{"a", "b", "c"}, nil},
		{"name[not in]a,b", "t.name NOT IN (?, ?)", "t.name NOT IN ($1, $2)", []any{"a", "b"}, nil},
		{"fullname[not in]a", "(t.fullname IS NULL OR t.fullname NOT IN (?))", "(t.fullname IS NULL OR t.fullname NOT IN ($1))", []any{"a"}, nil},
		{"name[like]Ac_me*%\\", `t.name LIKE ? ESCAPE '\'`, `t.name ILIKE $1 ESCAPE '\'`, []any{`Ac\_me%_\\`}, nil},
		{"name[not like]*x*", `t.name NOT LIKE ? ESCAPE '\'`, `t.name NOT ILIKE $1 ESCAPE '\'`, []any{"%x%"}, nil},
		{"fullname[not like]x", `(t.fullname IS NULL OR t.fullname NOT LIKE ? ESCAPE '\')`, `(t.fullname IS NULL OR t.fullname NOT ILIKE $1 ESCAPE '\')`, []any{"x"}, nil},
		{"accounts.name[ne]Acme", "(account.name IS NULL OR account.name <> ?)", "(account.name IS NULL OR account.name <> $1)", []any{"Acme"}, nil},
		{"created_at[gt]" + ts, "t.created_at > ?", "t.created_at > $1", []any{nanos}, nil},
		{"updated_at[in]" + ts + ",1970-01-01T00:00:00Z", "t.updated_at IN (?, ?)", "t.updated_at IN ($1, $2)", []any{nanos, int64(0)}, nil},
		{"score[lte]1.5", "t.score <= ?", "t.score <= $1", []any{1.5}, nil},
		{"score[eq]3", "t.score = ?", "t.score = $1", []any{3.0}, nil},
		{"enabled[eq]true", "t.enabled = ?", "t.enabled = $1", []any{int64(1)}, []any{true}},
		{"enabled[ne]false", "(t.enabled IS NULL OR t.enabled <> ?)", "(t.enabled IS NULL OR t.enabled <> $1)", []any{int64(0)}, []any{false}},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			b := bind(t, testFS(), Params{Filter: []string{tt.filter}})
			s, err := b.SQL(SQLite, 1)
			require.NoError(t, err)
			assert.Equal(t, tt.sqlite, s.Where)
			assert.Equal(t, tt.args, s.Args)
			p, err := b.SQL(Postgres, 1)
			require.NoError(t, err)
			assert.Equal(t, tt.pg, p.Where)
			if tt.pgArgs == nil {
				tt.pgArgs = tt.args
			}
			assert.Equal(t, tt.pgArgs, p.Args)
		})
	}
}

func TestSQLWhole(t *testing.T) {
	fs := testFS()
	b := bind(t, fs, Params{
		Filter: []string{"name[like]a*", "fullname[ne]x", "accounts.name[in]Acme,Initech"},
		Order:  []string{"score[desc]", "created_at", "fullname", "enabled"},
		Expand: []string{"integration_point"},
	})
	s, err := b.SQL(Postgres, 3)
	require.NoError(t, err)
	cols := []string{"COALESCE(t.score, -1)", "t.created_at", "COALESCE(t.fullname, '')", "COALESCE(t.enabled, FALSE)", "t.id"}
	assert.Equal(t, &SQL{
		Where:        `t.name ILIKE $3 ESCAPE '\' AND (t.fullname IS NULL OR t.fullname <> $4) AND account.name IN ($5, $6)`,
		Args:         []any{"a%", "x", "Acme", "Initech"},
		OrderBy:      "COALESCE(t.score, -1) DESC, t.created_at ASC, COALESCE(t.fullname, '') ASC, COALESCE(t.enabled, FALSE) ASC, t.id ASC",
		OrderColumns: cols,
		Joins:        []string{fs.Relations[0].Join, fs.Relations[1].Join},
	}, s)

	// Defaults: no filter, name then id, no joins; firstArg below 1 counts as 1.
	s, err = bind(t, fs, Params{Filter: []string{"name[eq]x"}}).SQL(Postgres, 0)
	require.NoError(t, err)
	assert.Equal(t, "t.name = $1", s.Where)
	s, err = bind(t, fs, Params{}).SQL(SQLite, 1)
	require.NoError(t, err)
	assert.Equal(t, &SQL{OrderBy: "t.name ASC, t.id ASC", OrderColumns: []string{"t.name", "t.id"}}, s)

	// A relation's fields are nullable whatever the field says.
	s, err = bind(t, fs, Params{Order: []string{"account.name[desc]"}}).SQL(SQLite, 1)
	require.NoError(t, err)
	assert.Equal(t, "COALESCE(account.name, '') DESC, t.id DESC", s.OrderBy)
}

func TestSQLMissingColumn(t *testing.T) {
	fs := testFS()
	fs.Fields[1].Column = ""
	b := bind(t, fs, Params{Filter: []string{"name[eq]x"}})
	_, err := b.SQL(SQLite, 1)
	require.ErrorIs(t, err, errs.ErrInternal)
	b = bind(t, fs, Params{})
	_, err = b.SQL(SQLite, 1)
	require.ErrorIs(t, err, errs.ErrInternal)
	_, _, err = b.KeysetSQL(SQLite, Cursor{"a", "b"}, 1)
	require.ErrorIs(t, err, errs.ErrInternal)

	fs = testFS()
	fs.Relations[0].Join = ""
	_, err = bind(t, fs, Params{Expand: []string{"account"}}).SQL(SQLite, 1)
	require.ErrorIs(t, err, errs.ErrInternal)

	_, err = bind(t, fs, Params{}).SQL(nil, 1)
	require.ErrorIs(t, err, errs.ErrInternal)
}

func TestKeysetSQL(t *testing.T) {
	fs := testFS()
	b := bind(t, fs, Params{Order: []string{"name", "score[desc]"}})
	where, args, err := b.KeysetSQL(SQLite, Cursor{"a", 1.5, "id1"}, 1)
	require.NoError(t, err)
	assert.Equal(t, "t.name >= ? AND ((t.name > ?) OR (t.name = ? AND COALESCE(t.score, -1) < ?) OR (t.name = ? AND COALESCE(t.score, -1) = ? AND t.id < ?))", where)
	assert.Equal(t, []any{"a", "a", "a", 1.5, "a", 1.5, "id1"}, args)

	where, args, err = b.KeysetSQL(Postgres, Cursor{"a", 1.5, "id1"}, 3)
	require.NoError(t, err)
	assert.Equal(t, "t.name >= $3 AND ((t.name > $4) OR (t.name = $5 AND COALESCE(t.score, -1) < $6) OR (t.name = $7 AND COALESCE(t.score, -1) = $8 AND t.id < $9))", where)
	assert.Equal(t, []any{"a", "a", "a", 1.5, "a", 1.5, "id1"}, args)

	// The leading redundant bound lets an index on the first key serve the scan.
	// One key: one comparison; a descending tiebreak compares with <.
	b = bind(t, fs, Params{Order: []string{"id[desc]"}})
	where, args, err = b.KeysetSQL(Postgres, Cursor{"x"}, 1)
	require.NoError(t, err)
	assert.Equal(t, "(t.id < $1)", where)
	assert.Equal(t, []any{"x"}, args)

	// Times are nanoseconds, booleans per dialect; values are normalized.
	b = bind(t, fs, Params{Order: []string{"updated_at", "enabled[desc]"}})
	when := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	where, args, err = b.KeysetSQL(SQLite, Cursor{when, 1, "x"}, 1)
	require.NoError(t, err)
	assert.Equal(t, "COALESCE(t.updated_at, -1) >= ? AND ((COALESCE(t.updated_at, -1) > ?) OR (COALESCE(t.updated_at, -1) = ? AND COALESCE(t.enabled, FALSE) < ?) OR (COALESCE(t.updated_at, -1) = ? AND COALESCE(t.enabled, FALSE) = ? AND t.id < ?))", where)
	assert.Equal(t, []any{when.UnixNano(), when.UnixNano(), when.UnixNano(), int64(1), when.UnixNano(), int64(1), "x"}, args)
	_, args, err = b.KeysetSQL(Postgres, Cursor{when.UnixNano(), true, "x"}, 1)
	require.NoError(t, err)
	assert.Equal(t, []any{when.UnixNano(), when.UnixNano(), when.UnixNano(), true, when.UnixNano(), true, "x"}, args)

	// An empty cursor is no condition.
	where, args, err = b.KeysetSQL(SQLite, nil, 1)
	require.NoError(t, err)
	assert.Empty(t, where)
	assert.Empty(t, args)

	// Wrong counts and types.
	for _, c := range []Cursor{
		{int64(1), true},
		{int64(1), true, "x", "y"},
		{"soon", true, "x"},
		{int64(1), "maybe", "x"},
		{int64(1), true, 7},
		{int64(1), true, nil},
	} {
		_, _, err := b.KeysetSQL(SQLite, c, 1)
		requireInvalid(t, err, "start_after", "does not match this query's order")
	}
	b = bind(t, fs, Params{Order: []string{"score"}})
	_, _, err = b.KeysetSQL(SQLite, Cursor{math.NaN(), "x"}, 1)
	requireInvalid(t, err, "start_after")
}

func TestDialects(t *testing.T) {
	assert.Equal(t, "?", SQLite.Placeholder(7))
	assert.Equal(t, "$7", Postgres.Placeholder(7))
	assert.Equal(t, "LIKE", SQLite.CaseInsensitiveLike())
	assert.Equal(t, "ILIKE", Postgres.CaseInsensitiveLike())
	assert.Equal(t, int64(1), SQLite.BoolArg(true))
	assert.Equal(t, int64(0), SQLite.BoolArg(false))
	assert.Equal(t, false, Postgres.BoolArg(false))
}
