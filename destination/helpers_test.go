package destination

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dsnEnv names the variable holding the DSN of a PostgreSQL database the
// tests may create schemas in (a libpq key=value DSN or a URL).
const dsnEnv = "SYNQLY_POSTGRES_DSN"

// env is one engine under test: a writer, and a plain pool of its own on
// the same database to read back what the writer wrote.
type env struct {
	pg bool
	w  *SQL
	db *sql.DB
	// schema is the PostgreSQL schema of the test's tables.
	schema string
	// another opens a second writer on the same database, over a pool of
	// its own (another process, as far as the database can tell).
	another func(t testing.TB) *SQL
}

// engine opens a fresh, empty database (or schema) for one test.
type engine struct {
	name string
	open func(t testing.TB) *env
}

var engines = []engine{
	{"sqlite", openSQLiteEnv},
	{"postgres", openPostgresEnv},
}

// forEach runs test on every engine, as subtests named by the engine.
func forEach(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) { test(t, eng.open(t)) })
	}
}

func openSQLiteEnv(t testing.TB) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dest.db")
	open := func(t testing.TB) *SQL {
		w, err := OpenSQLite(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, w.Close()) })
		return w
	}
	w := open(t)
	db, err := sql.Open("sqlite3", path+"?_busy_timeout=10000")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return &env{w: w, db: db, another: open}
}

// postgresDSN returns the test database's DSN, or skips the test.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skip(dsnEnv + " is not set (a libpq DSN, e.g. 'host=/tmp/pgdev user=postgres dbname=postgres sslmode=disable'): skipping the PostgreSQL destination tests")
	}
	return dsn
}

// freshSchema returns the name of a schema no one uses (not created), and
// drops it when the test ends.
func freshSchema(t testing.TB, admin *sql.DB) string {
	t.Helper()
	var r [6]byte
	_, _ = rand.Read(r[:])
	schema := "dest_test_" + hex.EncodeToString(r[:])
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+quote(schema)+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

func openPostgresEnv(t testing.TB) *env {
	t.Helper()
	dsn := postgresDSN(t)
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	schema := freshSchema(t, admin)
	open := func(t testing.TB) *SQL {
		w, err := OpenPostgres(context.Background(), dsn, WithSchema(schema))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, w.Close()) })
		return w
	}
	return &env{pg: true, w: open(t), db: admin, schema: schema, another: open}
}

// tbl is the object's table, qualified and quoted.
func (e *env) tbl(obj Object) string {
	if e.schema != "" {
		return quote(e.schema) + "." + quote(obj.TableName())
	}
	return quote(obj.TableName())
}

var dollarParam = regexp.MustCompile(`\$(\d+)`)

// q rewrites the $N placeholders of a test's query for the engine.
func (e *env) q(query string) string {
	if e.pg {
		return query
	}
	return dollarParam.ReplaceAllString(query, "?$1")
}

// count returns how many rows of obj's table match where ("" for all).
func (e *env) count(t testing.TB, obj Object, where string, args ...any) int {
	t.Helper()
	q := "SELECT count(*) FROM " + e.tbl(obj)
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	require.NoError(t, e.db.QueryRowContext(context.Background(), e.q(q), args...).Scan(&n))
	return n
}

// dump returns every row of obj's table, each as one line of text, sorted:
// a picture of the table to compare with a later one.
func (e *env) dump(t testing.TB, obj Object) []string {
	t.Helper()
	rows, err := e.db.QueryContext(context.Background(), "SELECT * FROM "+e.tbl(obj))
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		var b strings.Builder
		for i, v := range vals {
			if b.Len() > 0 {
				b.WriteString(" | ")
			}
			switch v := v.(type) {
			case []byte:
				fmt.Fprintf(&b, "%s=%q", cols[i], v)
			case time.Time:
				fmt.Fprintf(&b, "%s=%s", cols[i], v.UTC().Format(time.RFC3339Nano))
			default:
				fmt.Fprintf(&b, "%s=%#v", cols[i], v)
			}
		}
		out = append(out, b.String())
	}
	require.NoError(t, rows.Err())
	sort.Strings(out)
	return out
}

// catalogColumn is a column as the catalog describes it.
type catalogColumn struct {
	Name    string
	Type    string
	NotNull bool
	Default string
}

// catalog returns the table's columns in order, from PRAGMA table_info or
// information_schema.columns.
func (e *env) catalog(t testing.TB, obj Object) []catalogColumn {
	t.Helper()
	ctx := context.Background()
	var out []catalogColumn
	if e.pg {
		rows, err := e.db.QueryContext(ctx, `SELECT column_name, data_type, is_nullable = 'NO', COALESCE(column_default, '')
			FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, e.schema, obj.TableName())
		require.NoError(t, err)
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var c catalogColumn
			require.NoError(t, rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.Default))
			out = append(out, c)
		}
		require.NoError(t, rows.Err())
		return out
	}
	rows, err := e.db.QueryContext(ctx, `SELECT name, type, "notnull", COALESCE(dflt_value, '') FROM pragma_table_info(?1) ORDER BY cid`, obj.TableName())
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var c catalogColumn
		require.NoError(t, rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.Default))
		out = append(out, c)
	}
	require.NoError(t, rows.Err())
	return out
}

// primaryKey returns the columns of the table's primary key, in order.
func (e *env) primaryKey(t testing.TB, obj Object) []string {
	t.Helper()
	var q string
	var args []any
	if e.pg {
		q = `SELECT k.column_name FROM information_schema.table_constraints c
			JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
			WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = $1 AND c.table_name = $2 ORDER BY k.ordinal_position`
		args = []any{e.schema, obj.TableName()}
	} else {
		q = `SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk`
		args = []any{obj.TableName()}
	}
	return e.strings(t, q, args...)
}

// indexColumns returns the columns of the named index, in order (none if
// it is missing).
func (e *env) indexColumns(t testing.TB, index string) []string {
	t.Helper()
	if e.pg {
		return e.strings(t, `SELECT a.attname FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
			WHERE n.nspname = $1 AND c.relname = $2 ORDER BY k.ord`, e.schema, index)
	}
	return e.strings(t, `SELECT name FROM pragma_index_info(?1) ORDER BY seqno`, index)
}

// indexes returns the names of the table's indexes.
func (e *env) indexes(t testing.TB, obj Object) []string {
	t.Helper()
	if e.pg {
		return e.strings(t, `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`, e.schema, obj.TableName())
	}
	return e.strings(t, `SELECT name FROM pragma_index_list(?1) ORDER BY name`, obj.TableName())
}

func (e *env) strings(t testing.TB, q string, args ...any) []string {
	t.Helper()
	rows, err := e.db.QueryContext(context.Background(), q, args...)
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// The test object: a column of every type.
var testObject = Object{Name: "test_tickets", Columns: []Column{
	{"name", Text}, {"priority", Integer}, {"score", Real}, {"open", Bool}, {"created_at", Time}, {"tags", JSON},
}}

var (
	t0      = time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	emitted = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
)

// testRow is row i of testObject, its values depending on i and v.
func testRow(i int, v string) Row {
	return Row{
		ID: fmt.Sprintf("T-%05d", i),
		Values: []any{
			fmt.Sprintf("ticket %d %s", i, v), int64(i), float64(i) + 0.5, i%2 == 0,
			t0.Add(time.Duration(i) * time.Hour), json.RawMessage(fmt.Sprintf(`["a%d",%q]`, i, v)),
		},
		Raw:          json.RawMessage(fmt.Sprintf(`{"id":"T-%05d","v":%q}`, i, v)),
		LastModified: t0.Add(time.Duration(i) * time.Minute),
	}
}

func testRows(n int, v string) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = testRow(i, v)
	}
	return rows
}

func testBatch(integration, run string, rows []Row) Batch {
	return Batch{Object: testObject, IntegrationID: integration, AccountID: "acct-1", Provider: "ticketing_mock_ticketing",
		RunID: run, EmittedAt: emitted, Rows: rows}
}

func prepare(t testing.TB, e *env, obj Object) {
	t.Helper()
	require.NoError(t, e.w.Prepare(context.Background(), obj))
}
