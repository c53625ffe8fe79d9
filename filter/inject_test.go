package filter

import (
	"database/sql"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// injections are values an attacker might try. Each must be refused as an
// invalid query, or be matched as a plain literal.
var injections = []string{
	`' OR 1=1 --`,
	`x'; DROP TABLE t; --`,
	`"; --`,
	`/* */`,
	`*/ OR 1=1 /*`,
	`\`,
	`\'`,
	`%`,
	`_`,
	`%' --`,
	`' ESCAPE '`,
	"＇",      // fullwidth apostrophe
	"ʼ",      // modifier letter apostrophe
	"\u2019", // right single quotation mark
	"\u202e' OR 1=1",
	"a\x00b",
	"\x00",
	"\xff'",
	strings.Repeat("x", 1<<20),
	`') OR ('1'='1`,
	`1; DELETE FROM t`,
	`$1`,
	`?`,
	`?, ?`,
	`' || (SELECT name FROM accounts) || '`,
	`NULL`,
	``,
	`*`,
	`a,b`,
	`',' OR 1=1`,
	`]`,
	`[eq]`,
}

func TestSQLInjectionValues(t *testing.T) {
	db := openTestDB(t)
	var recs []Map
	for i, v := range append([]string{"a", "A"}, injections...) {
		if !strings.ContainsRune(v, 0) && len(v) < 100 && badText(v) == "" {
			_, err := db.Exec("INSERT INTO t (id, name, fullname, created_at, status) VALUES (?, ?, ?, 0, 'open')", string(rune('a'+i)), v, v)
			require.NoError(t, err)
			recs = append(recs, Map{"id": string(rune('a' + i)), "name": v, "fullname": v, "created_at": int64(0), "status": "open"})
		}
	}
	fs := testFS()
	ran := 0
	for _, v := range injections {
		for _, field := range []string{"name", "fullname", "account.name"} {
			for _, op := range []string{"eq", "ne", "gt", "lte", "in", "not in", "like", "not like"} {
				filter := field + "[" + op + "]" + v
				q, err := Parse(Params{Filter: []string{filter}})
				if err == nil {
					var b *Bound
					if b, err = q.Bind(fs); err == nil {
						checkAgainstSQLite(t, db, recs, b, 3)
						ran++
					}
				}
				if err != nil {
					requireQueryError(t, err)
				}
			}
		}
	}
	require.Greater(t, ran, 500)
	requireIntact(t, db, len(recs))
}

func TestSQLInjectionStructure(t *testing.T) {
	fs := testFS()
	many := make([]string, 10000)
	for i := range many {
		many[i] = "name[eq]x"
	}
	refused := []Params{
		{Filter: []string{"name;drop[eq]x"}},
		{Filter: []string{"name) OR (1=1[eq]x"}},
		{Filter: []string{"name--[eq]x"}},
		{Filter: []string{"name/**/[eq]x"}},
		{Filter: []string{"name'[eq]x"}},
		{Filter: []string{`id"[eq]x`}},
		{Filter: []string{"t.name[eq]x"}},                            // syntactically a field, not in the set
		{Filter: []string{"account.name) OR 1=1 --[eq]x"}},           // not a field name
		{Filter: []string{"accounts.id[eq]x"}},                       // not in the set
		{Filter: []string{"sqlite_master.name[eq]x"}},                // not in the set
		{Filter: []string{"name[eq) OR (1]x"}},                       // not an operator
		{Filter: []string{"name[eq']x"}},                             // not an operator
		{Filter: []string{"name[=]x"}},                               // not an operator
		{Filter: []string{"name[eq--]x"}},                            // not an operator
		{Filter: []string{"name[in (1)]x"}},                          // not an operator
		{Filter: []string{"name[like]" + strings.Repeat("*", 5000)}}, // too long
		{Filter: many},
		{Order: []string{"name; DROP TABLE t"}},
		{Order: []string{"name[desc]; --"}},
		{Order: []string{"(SELECT 1)"}},
		{Order: []string{"t.name"}},
		{Order: []string{"name[asc, id]"}},
		{Expand: []string{"account; DROP TABLE t"}},
		{Expand: []string{"all--"}},
		{Expand: []string{"accounts.name"}},
		{StartAfter: "x\x00"},
	}
	for _, p := range refused {
		requireQueryError(t, bindErr(fs, p))
	}
}

func TestSQLInjectionCursor(t *testing.T) {
	db := openTestDB(t)
	var recs []Map
	for i, v := range []string{"a", "' OR 1=1 --", "b", "z"} {
		_, err := db.Exec("INSERT INTO t (id, name, created_at, status) VALUES (?, ?, 0, 'open')", string(rune('a'+i)), v)
		require.NoError(t, err)
		recs = append(recs, Map{"id": string(rune('a' + i)), "name": v, "created_at": int64(0), "status": "open"})
	}
	b := bind(t, testFS(), Params{})
	enc := func(s string) string { return "c1." + base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tok := range []string{
		enc(`{"k":"name,id","v":["' OR 1=1 --","a"]}`),
		enc(`{"k":"name,id","v":["a'); DROP TABLE t; --","'"]}`),
	} {
		c, ok, err := b.DecodeCursor(tok)
		require.NoError(t, err)
		require.True(t, ok)
		s, err := b.SQL(SQLite, 1)
		require.NoError(t, err)
		where, args, err := b.KeysetSQL(SQLite, c, 1)
		require.NoError(t, err)
		require.NotContains(t, where, "'")
		got, _ := queryIDs(t, db, selectSQL(s, "t.id", []string{where}, false), args, 1)
		var want []string
		for _, id := range expected(b, recs) {
			for _, r := range recs {
				if r["id"] == id {
					if after, _ := b.After(r, c); after {
						want = append(want, id)
					}
				}
			}
		}
		require.Equal(t, want, got)
	}
	for _, tok := range []string{"c1.' OR 1=1 --", "c1.x'; DROP TABLE t; --"} {
		_, _, err := b.DecodeCursor(tok)
		requireQueryError(t, err)
	}
	requireIntact(t, db, len(recs))
}

// requireIntact asserts that the test database still has its tables and
// its n rows.
func requireIntact(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	var tables, rows int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&tables))
	require.Equal(t, 3, tables)
	require.NoError(t, db.QueryRow("SELECT count(*) FROM t").Scan(&rows))
	require.Equal(t, n, rows)
}
