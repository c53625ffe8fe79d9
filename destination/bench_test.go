package destination

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The benchmark writes benchRows rows in batches of benchBatch (the
// caller's batch size), into an empty table each round.
const (
	benchRows  = 100_000
	benchBatch = 1_000
)

// benchData is the benchmark's rows: testObject's columns, a raw record of
// about 200 bytes and a modification time, as a sync would write them.
func benchData() []Row {
	rows := make([]Row, benchRows)
	for i := range rows {
		rows[i] = Row{
			ID: fmt.Sprintf("TICKET-%07d", i),
			Values: []any{
				fmt.Sprintf("Ticket number %d: the printer is on fire", i), int64(i % 5), float64(i) / 7, i%3 == 0,
				t0.Add(time.Duration(i) * time.Second), json.RawMessage(`["printer","fire","p` + strconv.Itoa(i%5) + `"]`),
			},
			Raw: json.RawMessage(fmt.Sprintf(`{"id":"TICKET-%07d","name":"Ticket number %d: the printer is on fire","priority":%d,"status":"open","assignee":"someone@example.com","tags":["printer","fire"]}`,
				i, i, i%5)),
			LastModified: t0.Add(time.Duration(i) * time.Minute),
		}
	}
	return rows
}

// benchDB is one engine of the benchmark.
type benchDB struct {
	name string
	pg   bool
	// open returns a plain pool (for the raw writer, and for the DDL of
	// both) and a Writer over the same database, with the same settings.
	open func(b *testing.B) (*sql.DB, *SQL, string)
}

func BenchmarkWrite(b *testing.B) {
	data := benchData()
	dbs := []benchDB{
		{"sqlite", false, func(b *testing.B) (*sql.DB, *SQL, string) {
			path := filepath.Join(b.TempDir(), "bench.db")
			w, err := OpenSQLite(context.Background(), path)
			require.NoError(b, err)
			b.Cleanup(func() { _ = w.Close() })
			// The raw writer's pool: OpenSQLite's settings, one connection.
			db, err := sql.Open("sqlite3", sqliteDSN(path))
			require.NoError(b, err)
			db.SetMaxOpenConns(1)
			b.Cleanup(func() { _ = db.Close() })
			return db, w, ""
		}},
		{"postgres", true, func(b *testing.B) (*sql.DB, *SQL, string) {
			dsn := postgresDSN(b)
			db, err := sql.Open("pgx", dsn)
			require.NoError(b, err)
			db.SetMaxOpenConns(pgMaxConns)
			db.SetMaxIdleConns(pgMaxConns)
			b.Cleanup(func() { _ = db.Close() })
			schema := freshSchema(b, db)
			_, err = db.ExecContext(context.Background(), "CREATE SCHEMA "+quote(schema))
			require.NoError(b, err)
			w, err := OpenPostgres(context.Background(), dsn, WithSchema(schema))
			require.NoError(b, err)
			b.Cleanup(func() { _ = w.Close() })
			return db, w, schema
		}},
	}
	for _, d := range dbs {
		b.Run(d.name, func(b *testing.B) {
			db, w, schema := d.open(b)
			var rawRate float64
			b.Run("raw", func(b *testing.B) { rawRate = benchRaw(b, db, d.pg, schema, data) })
			b.Run("destination", func(b *testing.B) {
				rate := benchDestination(b, db, w, data)
				if rawRate > 0 {
					b.ReportMetric(rate/rawRate, "x_raw")
				}
			})
		})
	}
}

// report reports rows/s of b's timed rounds, and returns it.
func report(b *testing.B) float64 {
	rate := float64(benchRows) * float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "rows/s")
	b.ReportMetric(0, "ns/op") // a round is 100,000 rows: rows/s says it
	return rate
}

// benchRaw writes the rows as a hand-written writer would: per batch, one
// transaction and one plain multi-row INSERT with every value a parameter,
// into a table of the same columns and the same primary key.
func benchRaw(b *testing.B, db *sql.DB, pg bool, schema string, data []Row) float64 {
	ctx := context.Background()
	tbl := quote("bench_raw")
	if schema != "" {
		tbl = quote(schema) + "." + tbl
	}
	types := map[bool][]string{
		false: {"TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "REAL", "INTEGER", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "TEXT"},
		true:  {"TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "DOUBLE PRECISION", "BOOLEAN", "TIMESTAMPTZ", "JSONB", "JSONB", "TIMESTAMPTZ", "TIMESTAMPTZ", "BOOLEAN", "TEXT"},
	}[pg]
	names := []string{"integration_id", "account_id", "provider", "id", "name", "priority", "score", "open", "created_at", "tags",
		"raw_data", "last_modified_at", "emitted_at", "is_deleted", "run_id"}
	var ddl []string
	for i, n := range names {
		ddl = append(ddl, n+" "+types[i])
	}
	create := "CREATE TABLE " + tbl + " (" + strings.Join(ddl, ", ") + ", PRIMARY KEY (integration_id, id))"

	// The statement of a full batch, built once.
	var q strings.Builder
	q.WriteString("INSERT INTO " + tbl + " (" + strings.Join(names, ", ") + ") VALUES ")
	p := 0
	for r := range benchBatch {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range names {
			if c > 0 {
				q.WriteByte(',')
			}
			p++
			if pg {
				q.WriteString("$" + strconv.Itoa(p))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
	insert := q.String()
	ts := func(t time.Time) any {
		if pg {
			return t
		}
		return t.UTC().Format(sqliteTime)
	}
	js := func(raw json.RawMessage) any {
		if pg {
			return raw
		}
		return string(raw)
	}
	args := make([]any, 0, benchBatch*len(names))

	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		_, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+tbl)
		require.NoError(b, err)
		_, err = db.ExecContext(ctx, create)
		require.NoError(b, err)
		b.StartTimer()
		emittedAt := time.Now()
		for start := 0; start < len(data); start += benchBatch {
			args = args[:0]
			for i := range data[start : start+benchBatch] {
				r := &data[start+i]
				args = append(args, "int-1", "acct-1", "ticketing_mock_ticketing", r.ID, r.Values[0], r.Values[1], r.Values[2], r.Values[3],
					ts(r.Values[4].(time.Time)), js(r.Values[5].(json.RawMessage)), js(r.Raw), ts(r.LastModified), ts(emittedAt), false, "run-1")
			}
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(b, err)
			_, err = tx.ExecContext(ctx, insert, args...)
			require.NoError(b, err)
			require.NoError(b, tx.Commit())
		}
	}
	return report(b)
}

// benchDestination writes the same rows with Write.
func benchDestination(b *testing.B, db *sql.DB, w *SQL, data []Row) float64 {
	ctx := context.Background()
	obj := Object{Name: "bench", Columns: testObject.Columns}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		_, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+w.table(obj))
		require.NoError(b, err)
		require.NoError(b, w.Prepare(ctx, obj))
		b.StartTimer()
		for start := 0; start < len(data); start += benchBatch {
			err := w.Write(ctx, Batch{Object: obj, IntegrationID: "int-1", AccountID: "acct-1", Provider: "ticketing_mock_ticketing",
				RunID: "run-1", Rows: data[start : start+benchBatch]})
			require.NoError(b, err)
		}
	}
	return report(b)
}
