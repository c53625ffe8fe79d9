package filter

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/require"
)

// This file checks the SQL against a real SQLite: for random data (with
// duplicates, NULLs, missing related rows, case and wildcard look-alikes) and
// random queries, the rows SQL selects, in SQL's order, must be exactly the
// records Match keeps, in Compare's order; and keyset paging through cursors
// must return every row exactly once, in that order.

const schema = `
CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE integration_points (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE t (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	fullname TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER,
	score REAL,
	enabled INTEGER,
	status TEXT NOT NULL,
	account_id TEXT,
	integration_point_id TEXT
);`

// Value pools: small, so that values repeat.
var (
	namePool = []string{"a", "A", "b", "B", "ab", "aB", "Ab", "a_b", "a%b", `a\b`, "é", "É", "", "x y", "zz", "a*", "ba", "aa", "'", "a'b"}
	t0       = time.Date(2024, 8, 23, 20, 41, 41, 398051000, time.UTC).UnixNano()
	timePool = []int64{-1, 0, 1, -86400e9, t0, t0 + 1, t0 + 1e9, t0 + 398051001}
	numPool  = []float64{-1, 0, 1.5, 2, 100, -0.5, 1e-9}
	accounts = map[string]string{"a1": "Acme", "a2": "acme", "a3": "Initech", "a4": "Acme"}
	points   = map[string]string{"p1": "jira", "p2": "Jira"}
)

func openTestDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(schema)
	require.NoError(t, err)
	for id, name := range accounts {
		_, err = db.Exec("INSERT INTO accounts VALUES (?, ?)", id, name)
		require.NoError(t, err)
	}
	for id, name := range points {
		_, err = db.Exec("INSERT INTO integration_points VALUES (?, ?)", id, name)
		require.NoError(t, err)
	}
	return db
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// maybe returns nil one time in four, else v.
func maybe(r *rand.Rand, v any) any {
	if r.IntN(4) == 0 {
		return nil
	}
	return v
}

// insertRandom inserts n random rows and returns them as records.
func insertRandom(t testing.TB, db *sql.DB, r *rand.Rand, n int) []Map {
	t.Helper()
	return insertRandomTimes(t, db, r, n, timePool)
}

// insertRandomTimes is insertRandom with times (Unix nanoseconds) from pool.
func insertRandomTimes(t testing.TB, db *sql.DB, r *rand.Rand, n int, timePool []int64) []Map {
	t.Helper()
	var recs []Map
	for i := range n {
		id := fmt.Sprintf("r%03d", i)
		if r.IntN(3) == 0 { // ids that do not sort as they were made
			id = fmt.Sprintf("%c%03d", 'a'+r.IntN(26), i)
		}
		vals := []any{
			id,
			pick(r, namePool),
			maybe(r, pick(r, namePool)),
			pick(r, timePool),
			maybe(r, pick(r, timePool)),
			maybe(r, pick(r, numPool)),
			maybe(r, int64(r.IntN(2))),
			pick(r, []string{"open", "pending", "closed"}),
			maybe(r, pick(r, []string{"a1", "a2", "a3", "a4", "a9"})),
			maybe(r, pick(r, []string{"p1", "p2"})),
		}
		_, err := db.Exec("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", vals...)
		require.NoError(t, err)
		rec := Map{"id": vals[0], "name": vals[1], "created_at": time.Unix(0, vals[3].(int64)).UTC(), "status": vals[7]}
		if vals[2] != nil {
			rec["fullname"] = vals[2]
		}
		if vals[4] != nil {
			rec["updated_at"] = time.Unix(0, vals[4].(int64))
		}
		if vals[5] != nil {
			rec["score"] = vals[5]
		}
		if vals[6] != nil {
			rec["enabled"] = vals[6].(int64) == 1
		}
		if a, ok := vals[8].(string); ok && accounts[a] != "" {
			rec["account"] = Map{"name": accounts[a]}
		}
		if p, ok := vals[9].(string); ok {
			rec["integration_point"] = map[string]any{"name": points[p]}
		}
		recs = append(recs, rec)
	}
	return recs
}

// randomValue returns a value text for field f.
func randomValue(r *rand.Rand, f *Field, op Op) string {
	if op == Like || op == NotLike {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pick(r, []string{"a", "A", "b", "_", "%", "*", "*", `\`, "é", "É", " ", "'", "c", "J"}))
		}
		return b.String()
	}
	switch f.Type {
	case Time:
		tm := time.Unix(0, pick(r, timePool)+int64(r.IntN(3)-1)*int64(r.IntN(2))).UTC()
		if r.IntN(4) == 0 {
			return tm.In(time.FixedZone("", 2*3600)).Format(time.RFC3339Nano)
		}
		return tm.Format(time.RFC3339Nano)
	case Number:
		return strconv.FormatFloat(pick(r, numPool)+float64(r.IntN(3)-1)*0.25*float64(r.IntN(2)), 'g', -1, 64)
	case Bool:
		return pick(r, []string{"true", "false"})
	}
	if len(f.Enum) > 0 && op != Gt && op != Lt && op != Gte && op != Lte {
		return pick(r, f.Enum)
	}
	switch f.Name {
	case "account.name":
		return pick(r, []string{"Acme", "acme", "Initech", "x"})
	case "integration_point.name":
		return pick(r, []string{"jira", "Jira", "x"})
	}
	return pick(r, namePool)
}

// randomParams returns random query parameters valid for fs.
func randomParams(r *rand.Rand, fs *FieldSet) Params {
	var p Params
	for range r.IntN(4) {
		f := &fs.Fields[r.IntN(len(fs.Fields))]
		ops := []Op{Eq, Ne, Gt, Lt, Gte, Lte, In, NotIn, Like, NotLike}
		switch f.Type {
		case Time, Number:
			ops = ops[:8]
		case Bool:
			ops = []Op{Eq, Ne, In, NotIn}
		}
		op := pick(r, ops)
		val := randomValue(r, f, op)
		if op == In || op == NotIn {
			for range r.IntN(3) {
				val += "," + randomValue(r, f, op)
			}
			if val == "" { // an empty set is refused; this is the set {""}
				val = ","
			}
		}
		name := f.Name
		if strings.HasPrefix(name, "account.") && r.IntN(2) == 0 {
			name = "accounts." + strings.TrimPrefix(name, "account.")
		}
		p.Filter = append(p.Filter, name+"["+string(op)+"]"+val)
	}
	perm := r.Perm(len(fs.Fields))
	for _, i := range perm[:r.IntN(4)] {
		f := fs.Fields[i]
		if !f.Orderable {
			continue
		}
		p.Order = append(p.Order, f.Name+pick(r, []string{"", "[asc]", "[desc]", "[DSC]"}))
	}
	return p
}

// selectSQL writes a SELECT of cols over t with the compiled query.
func selectSQL(s *SQL, cols string, conds []string, limit bool) string {
	q := "SELECT " + cols + " FROM t"
	for _, j := range s.Joins {
		q += " " + j
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY " + s.OrderBy
	if limit {
		q += " LIMIT ?"
	}
	return q
}

// queryIDs runs q and returns the first column of every row as a string,
// and the rest of the last row.
func queryIDs(t testing.TB, db *sql.DB, q string, args []any, width int) (ids []string, last []any) {
	t.Helper()
	rows, err := db.Query(q, args...)
	require.NoError(t, err, q)
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, width)
		ptrs := make([]any, width)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		ids = append(ids, fmt.Sprint(vals[0]))
		last = vals[1:]
	}
	require.NoError(t, rows.Err())
	return ids, last
}

// expected returns the ids of the records b matches, in b's order.
func expected(b *Bound, recs []Map) []string {
	var kept []Map
	for _, r := range recs {
		if b.Match(r) {
			kept = append(kept, r)
		}
	}
	Sort(b, kept)
	var ids []string
	for _, r := range kept {
		ids = append(ids, r["id"].(string))
	}
	return ids
}

// checkAgainstSQLite runs b on db and checks it against Match and Compare on
// recs, whole and paged by limit rows.
func checkAgainstSQLite(t *testing.T, db *sql.DB, recs []Map, b *Bound, limit int) {
	t.Helper()
	s, err := b.SQL(SQLite, 1)
	require.NoError(t, err)
	require.Equal(t, strings.Count(s.Where, "?"), len(s.Args))
	var conds []string
	if s.Where != "" {
		conds = append(conds, s.Where)
	}
	want := expected(b, recs)
	got, _ := queryIDs(t, db, selectSQL(s, "t.id", conds, false), s.Args, 1)
	require.Equal(t, want, got, "where %s %v order by %s", s.Where, s.Args, s.OrderBy)

	byID := map[string]Map{}
	for _, r := range recs {
		byID[r["id"].(string)] = r
	}
	cols := "t.id, " + strings.Join(s.OrderColumns, ", ")
	var paged []string
	token := ""
	for page := 0; page <= len(recs)+1; page++ {
		conds := conds[:len(conds):len(conds)]
		args := append([]any(nil), s.Args...)
		if token != "" {
			c, ok, err := b.DecodeCursor(token)
			require.NoError(t, err)
			require.True(t, ok)
			kw, kargs, err := b.KeysetSQL(SQLite, c, len(args)+1)
			require.NoError(t, err)
			conds = append(conds, kw)
			args = append(args, kargs...)
		}
		ids, last := queryIDs(t, db, selectSQL(s, cols, conds, true), append(args, limit), 1+len(s.OrderColumns))
		paged = append(paged, ids...)
		if len(ids) < limit {
			break
		}
		c, err := b.CursorFromRow(last)
		require.NoError(t, err)
		require.Equal(t, b.CursorOf(byID[ids[len(ids)-1]]), c, "cursor of row %s", ids[len(ids)-1])
		token = b.Encode(c)
	}
	require.Equal(t, want, paged, "paged by %d, order by %s", limit, s.OrderBy)

	// The same paging in memory, with After.
	var mem []string
	var cursor Cursor
	for {
		var page []string
		for _, id := range want {
			if cursor != nil {
				after, err := b.After(byID[id], cursor)
				require.NoError(t, err)
				if !after {
					continue
				}
			}
			if page = append(page, id); len(page) == limit {
				break
			}
		}
		mem = append(mem, page...)
		if len(page) < limit {
			break
		}
		cursor = b.CursorOf(byID[page[len(page)-1]])
	}
	require.Equal(t, want, mem)
}

func TestSQLiteMatchesMatch(t *testing.T) {
	iterations := 400
	if testing.Short() {
		iterations = 50
	}
	fs := testFS()
	for seed := range 4 {
		r := rand.New(rand.NewPCG(uint64(seed), 42))
		db := openTestDB(t)
		recs := insertRandom(t, db, r, 40+r.IntN(40))
		for range iterations / 4 {
			p := randomParams(r, fs)
			q, err := Parse(p)
			require.NoError(t, err, "%+v", p)
			b, err := q.Bind(fs)
			require.NoError(t, err, "%+v", p)
			checkAgainstSQLite(t, db, recs, b, 1+r.IntN(7))
		}
	}
}

func TestSQLiteLikeSemantics(t *testing.T) {
	// Every pattern of the pool against every name of the pool: SQLite's
	// LIKE on the translated pattern and likeMatch agree.
	db, err := sql.Open("sqlite3", ":memory:")
	require.NoError(t, err)
	defer db.Close()
	patterns := []string{"", "*", "%", "%%", "a*", "*b", "a%b", "a_b", `a\b`, "A*", "é", "É", "%*", "*%*", `\`, "_", "a*b*", "'", "x y", "A%"}
	for _, p := range patterns {
		for _, s := range namePool {
			var got bool
			require.NoError(t, db.QueryRow(`SELECT ? LIKE ? ESCAPE '\'`, s, likeSQL(p)).Scan(&got))
			require.Equal(t, got, likeMatch(p, s), "%q like %q", s, p)
		}
	}
}

// The instants at and just outside the int64 nanoseconds a Time column holds.
var (
	minNanoTime = time.Unix(0, math.MinInt64).UTC()
	maxNanoTime = time.Unix(0, math.MaxInt64).UTC()
)

// edgeTimes are filter values around and beyond the SQL range of times,
// in every syntax the filter accepts.
var edgeTimes = []string{
	"0000-01-01T00:00:00Z",
	"0000-01-01T00:00:00+23:59", // before year 0000 in UTC
	"0001-02-03T04:05:06.7-08:00",
	"1000-06-15T12:00:00Z",
	"1677-09-21T00:12:43.145224191Z", // 1 ns before the SQL range
	"1677-09-21T00:12:43.145224192Z", // its first instant
	"1677-09-21T00:12:43.145224193Z",
	"1677-09-21T02:12:43.145224192+02:00",
	"2262-04-11T23:47:16.854775806Z",
	"2262-04-11T23:47:16.854775807Z", // its last instant
	"2262-04-11T23:47:16.854775808Z", // 1 ns after
	"2262-04-11T23:47:17Z",
	"2262-04-12T01:47:16.854775808+02:00",
	"3000-01-01T00:00:00Z",
	"9999-12-31T23:59:59.999999999Z",
	"9999-12-31T23:59:59.999999999-23:59", // after year 9999 in UTC
	"1970-01-01T00:00:00Z",
	"1969-12-31T23:59:59.999999999Z",
}

// edgePool is what the rows hold: the ends of the SQL range and usual times.
var edgePool = []int64{math.MinInt64, math.MinInt64 + 1, math.MaxInt64, math.MaxInt64 - 1, -1, 0, t0, t0 + 1}

// TestSQLiteMatchesMatchOutOfRangeTimes runs filters on times outside the
// SQL range of Time columns (and at its edges) through SQLite and through
// Match: a comparison with a constant no stored value can equal is folded
// into the SQL, and must select exactly the rows Match keeps, NULLs
// included, for every operator.
func TestSQLiteMatchesMatchOutOfRangeTimes(t *testing.T) {
	fs := testFS()
	ops := []Op{Eq, Ne, Gt, Lt, Gte, Lte, In, NotIn}
	for seed := range 4 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		db := openTestDB(t)
		recs := insertRandomTimes(t, db, r, 30+r.IntN(30), edgePool)
		for range 150 {
			var p Params
			for range 1 + r.IntN(2) {
				field := pick(r, []string{"created_at", "updated_at"})
				op := pick(r, ops)
				val := pick(r, edgeTimes)
				if op == In || op == NotIn {
					for range r.IntN(3) {
						val += "," + pick(r, edgeTimes)
					}
				}
				p.Filter = append(p.Filter, field+"["+string(op)+"]"+val)
			}
			if r.IntN(2) == 0 {
				p.Order = []string{pick(r, []string{"created_at", "updated_at[desc]", "updated_at", "created_at[desc]"})}
			}
			q, err := Parse(p)
			require.NoError(t, err, "%+v", p)
			b, err := q.Bind(fs)
			require.NoError(t, err, "%+v", p)
			checkAgainstSQLite(t, db, recs, b, 1+r.IntN(7))
		}
	}
}

// TestSQLiteKeysetOutOfRangeTimes resumes listings after cursors holding
// times outside the SQL range, as an in-memory listing of a connector can
// make them: KeysetSQL on SQLite and After must keep the same rows.
func TestSQLiteKeysetOutOfRangeTimes(t *testing.T) {
	fs := testFS()
	cursorTimes := []any{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		minNanoTime.Add(-1), minNanoTime, minNanoTime.Add(1),
		maxNanoTime.Add(-1), maxNanoTime, maxNanoTime.Add(1),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600)),
		int64(-1), int64(0), t0,
	}
	for seed := range 4 {
		r := rand.New(rand.NewPCG(uint64(seed), 9))
		db := openTestDB(t)
		recs := insertRandomTimes(t, db, r, 30+r.IntN(30), edgePool)
		for range 100 {
			order := pick(r, [][]string{{"created_at"}, {"created_at[desc]"}, {"updated_at"}, {"updated_at[desc]", "name"}, {"name", "updated_at"}})
			b := bind(t, fs, Params{Order: order})
			var c Cursor
			for _, term := range b.Order() {
				switch f := fs.lookup(term.Field); f.Type {
				case Time:
					c = append(c, pick(r, cursorTimes))
				default:
					c = append(c, pick(r, append(namePool, "r010", "a005", "r")))
				}
			}
			// Through a token, as a client sends it back.
			c2, ok, err := b.DecodeCursor(b.Encode(c))
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, b.CursorOf(cursorRecord(b, c)), c2, "cursor %v", c)

			var want []string
			var kept []Map
			for _, rec := range recs {
				after, err := b.After(rec, c2)
				require.NoError(t, err)
				if after {
					kept = append(kept, rec)
				}
			}
			Sort(b, kept)
			for _, rec := range kept {
				want = append(want, rec["id"].(string))
			}
			s, err := b.SQL(SQLite, 1)
			require.NoError(t, err)
			kw, kargs, err := b.KeysetSQL(SQLite, c2, 1)
			require.NoError(t, err)
			require.Equal(t, strings.Count(kw, "?"), len(kargs))
			got, _ := queryIDs(t, db, selectSQL(s, "t.id", []string{kw}, false), kargs, 1)
			require.Equal(t, want, got, "after %v: %s %v", c, kw, kargs)
		}
	}
}

// cursorRecord is a record whose order values are c's.
func cursorRecord(b *Bound, c Cursor) Map {
	m := Map{}
	for i, term := range b.Order() {
		m[term.Field] = c[i]
	}
	return m
}
