package destination

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

// requireInvalid asserts that err is an errs.InvalidInput error naming
// field.
func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	require.Error(t, err)
	var ee *errs.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, errs.InvalidInput, ee.Code, "%v", err)
	assert.Equal(t, field, ee.Field, "%v", err)
}

func TestPrepareCreatesTheLayout(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		want := []catalogColumn{
			{"_synqly_integration_id", "TEXT", true, ""},
			{"_synqly_account_id", "TEXT", true, "''"},
			{"_synqly_provider", "TEXT", true, "''"},
			{"id", "TEXT", true, ""},
			{"name", "TEXT", false, ""},
			{"priority", "INTEGER", false, ""},
			{"score", "REAL", false, ""},
			{"open", "INTEGER", false, ""},
			{"created_at", "TEXT", false, ""},
			{"tags", "TEXT", false, ""},
			{"_synqly_raw_data", "TEXT", false, ""},
			{"_synqly_last_modified_at", "TEXT", false, ""},
			{"_synqly_emitted_at", "TEXT", true, ""},
			{"_synqly_is_deleted", "INTEGER", true, "0"},
			{"_synqly_run_id", "TEXT", true, ""},
		}
		if e.pg {
			pgTypes := []string{"text", "text", "text", "text", "text", "bigint", "double precision", "boolean",
				"timestamp with time zone", "jsonb", "jsonb", "timestamp with time zone", "timestamp with time zone", "boolean", "text"}
			for i := range want {
				want[i].Type = pgTypes[i]
				switch want[i].Default {
				case "''":
					want[i].Default = "''::text"
				case "0":
					want[i].Default = "false"
				}
			}
		}
		assert.Equal(t, want, e.catalog(t, testObject))
		assert.Equal(t, []string{"_synqly_integration_id", "id"}, e.primaryKey(t, testObject))
		assert.Equal(t, []string{"_synqly_integration_id", "_synqly_run_id"}, e.indexColumns(t, "synqly_test_tickets_run_idx"))
	})
}

func TestPrepareTwiceIsANoOp(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		require.NoError(t, e.w.Write(context.Background(), testBatch("int-1", "run-1", testRows(3, "a"))))
		cols, idx, rows := e.catalog(t, testObject), e.indexes(t, testObject), e.dump(t, testObject)
		prepare(t, e, testObject)
		assert.Equal(t, cols, e.catalog(t, testObject))
		assert.Equal(t, idx, e.indexes(t, testObject))
		assert.Equal(t, rows, e.dump(t, testObject))
		assert.Len(t, idx, 2, "the primary key's index and the run index")
	})
}

func TestPrepareAddsMissingColumns(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		v1 := Object{Name: "evolving", Columns: []Column{{"name", Text}}}
		prepare(t, e, v1)
		require.NoError(t, e.w.Write(ctx, Batch{Object: v1, IntegrationID: "i", RunID: "r1", Rows: []Row{{ID: "1", Values: []any{"old"}}}}))

		v2 := Object{Name: "evolving", Columns: []Column{{"name", Text}, {"size", Integer}, {"due", Time}}}
		prepare(t, e, v2)
		cols := e.catalog(t, v2)
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		// Added at the end: a column is never moved.
		assert.Equal(t, []string{"_synqly_integration_id", "_synqly_account_id", "_synqly_provider", "id", "name",
			"_synqly_raw_data", "_synqly_last_modified_at", "_synqly_emitted_at", "_synqly_is_deleted", "_synqly_run_id", "size", "due"}, names)
		assert.Equal(t, 1, e.count(t, v2, `"size" IS NULL AND "due" IS NULL AND "name" = 'old'`))

		require.NoError(t, e.w.Write(ctx, Batch{Object: v2, IntegrationID: "i", RunID: "r2",
			Rows: []Row{{ID: "1", Values: []any{"new", int64(7), t0}}}}))
		assert.Equal(t, 1, e.count(t, v2, `"size" = 7 AND "name" = 'new'`))

		// An object that lists fewer columns than the table still writes.
		require.NoError(t, e.w.Write(ctx, Batch{Object: v1, IntegrationID: "i", RunID: "r3", Rows: []Row{{ID: "2", Values: []any{"v1"}}}}))
		assert.Equal(t, 2, e.count(t, v2, ""))
	})
}

func TestPrepareRetypedColumnIsAConflict(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, Object{Name: "retyped", Columns: []Column{{"a", Text}, {"n", Integer}}})
		err := e.w.Prepare(ctx, Object{Name: "retyped", Columns: []Column{{"a", Text}, {"n", Text}}})
		require.ErrorIs(t, err, errs.ErrConflict)
		assert.Contains(t, err.Error(), "column n")

		// A table of the name that is not a destination table.
		_, err = e.db.ExecContext(ctx, "CREATE TABLE "+e.tbl(Object{Name: "foreign"})+" (id TEXT PRIMARY KEY, name TEXT)")
		require.NoError(t, err)
		err = e.w.Prepare(ctx, Object{Name: "foreign", Columns: []Column{{"name", Text}}})
		require.ErrorIs(t, err, errs.ErrConflict)
		assert.Contains(t, err.Error(), "not a destination table")
	})
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("a", 49)
	cases := []struct {
		obj   Object
		field string
	}{
		{Object{}, "object.name"},
		{Object{Name: "Tickets"}, "object.name"},
		{Object{Name: "1tickets"}, "object.name"},
		{Object{Name: "tick-ets"}, "object.name"},
		{Object{Name: `x"; DROP TABLE t; --`}, "object.name"},
		{Object{Name: long}, "object.name"},
		{Object{Name: "ok", Table: "Bad"}, "object.table"},
		{Object{Name: "ok", Table: strings.Repeat("t", 64)}, "object.table"},
		{Object{Name: "ok", Columns: []Column{{"a", Text}, {"", Text}}}, "object.columns[1].name"},
		{Object{Name: "ok", Columns: []Column{{"a", Text}, {"b c", Text}}}, "object.columns[1].name"},
		{Object{Name: "ok", Columns: []Column{{"id", Text}}}, "object.columns[0].name"},
		{Object{Name: "ok", Columns: []Column{{"_synqly_x", Text}}}, "object.columns[0].name"},
		{Object{Name: "ok", Columns: []Column{{strings.Repeat("c", 64), Text}}}, "object.columns[0].name"},
		{Object{Name: "ok", Columns: []Column{{"a", Text}, {"a", Integer}}}, "object.columns[1].name"},
		{Object{Name: "ok", Columns: []Column{{"a", 0}}}, "object.columns[0].type"},
		{Object{Name: "ok", Columns: []Column{{"a", JSON + 1}}}, "object.columns[0].type"},
		{Object{Name: "ok", Columns: make([]Column, maxColumns+1)}, "object.columns"},
	}
	for _, c := range cases {
		requireInvalid(t, c.obj.Validate(), c.field)
	}
	ok := Object{Name: strings.Repeat("a", 48), Table: strings.Repeat("t", 63), Columns: []Column{{strings.Repeat("c", 63), Text}, {"order", Integer}}}
	require.NoError(t, ok.Validate())
	assert.Equal(t, "synqly_ticketing_tickets", Object{Name: "ticketing_tickets"}.TableName())
	assert.Equal(t, "mine", Object{Name: "ticketing_tickets", Table: "mine"}.TableName())

	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		requireInvalid(t, e.w.Prepare(ctx, Object{Name: `x"y`}), "object.name")
		_, err := e.w.SoftDeleteUnseen(ctx, Object{Name: "ok", Table: "x;y"}, "i", "r", time.Time{})
		requireInvalid(t, err, "object.table")
		_, err = e.w.DeleteIntegration(ctx, Object{Name: "ok", Columns: []Column{{"id", Text}}}, "i")
		requireInvalid(t, err, "object.columns[0].name")
	})
}

func TestColumnTypeString(t *testing.T) {
	for ty, s := range map[ColumnType]string{Text: "text", Integer: "integer", Real: "real", Bool: "bool", Time: "time", JSON: "json", 0: "ColumnType(0)"} {
		assert.Equal(t, s, ty.String())
	}
}

func TestWriteIsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		b := testBatch("int-1", "run-1", testRows(50, "a"))
		require.NoError(t, e.w.Write(ctx, b))
		once := e.dump(t, testObject)
		require.Len(t, once, 50)
		require.NoError(t, e.w.Write(ctx, b))
		assert.Equal(t, once, e.dump(t, testObject))
	})
}

func TestWriteReplacesARow(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		require.NoError(t, e.w.Write(ctx, testBatch("int-1", "run-1", testRows(3, "a"))))
		n, err := e.w.SoftDeleteUnseen(ctx, testObject, "int-1", "run-2", emitted.Add(time.Hour))
		require.NoError(t, err)
		require.EqualValues(t, 3, n)

		later := emitted.Add(2 * time.Hour)
		r := Row{ID: "T-00001", Values: []any{"renamed", nil, nil, true, nil, nil}}
		b := Batch{Object: testObject, IntegrationID: "int-1", AccountID: "acct-2", Provider: "p2", RunID: "run-3", EmittedAt: later, Rows: []Row{r}}
		require.NoError(t, e.w.Write(ctx, b))

		row := e.db.QueryRowContext(ctx, e.q(`SELECT "name", "priority" IS NULL, "tags" IS NULL, "_synqly_raw_data" IS NULL,
			"_synqly_last_modified_at" IS NULL, "_synqly_account_id", "_synqly_provider", "_synqly_run_id", "_synqly_is_deleted"
			FROM `+e.tbl(testObject)+` WHERE "id" = $1`), "T-00001")
		var name, account, provider, run string
		var noPriority, noTags, noRaw, noMod, deleted bool
		require.NoError(t, row.Scan(&name, &noPriority, &noTags, &noRaw, &noMod, &account, &provider, &run, &deleted))
		assert.Equal(t, []any{"renamed", true, true, true, true, "acct-2", "p2", "run-3", false},
			[]any{name, noPriority, noTags, noRaw, noMod, account, provider, run, deleted})
		assert.Equal(t, later, e.readTime(t, `SELECT "_synqly_emitted_at" FROM `+e.tbl(testObject)+` WHERE "id" = 'T-00001'`))
		assert.Equal(t, 2, e.count(t, testObject, `"_synqly_is_deleted" = `+e.boolean(true)))
	})
}

// boolean is the SQL literal of v.
func (e *env) boolean(v bool) string {
	switch {
	case e.pg && v:
		return "true"
	case e.pg:
		return "false"
	case v:
		return "1"
	}
	return "0"
}

// readTime reads a time column: TIMESTAMPTZ, or SQLite's text.
func (e *env) readTime(t testing.TB, q string, args ...any) time.Time {
	t.Helper()
	row := e.db.QueryRowContext(context.Background(), e.q(q), args...)
	if e.pg {
		var v time.Time
		require.NoError(t, row.Scan(&v))
		return v.UTC()
	}
	var s string
	require.NoError(t, row.Scan(&s))
	require.Len(t, s, len(sqliteTime), "fixed width: %s", s)
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v
}

func TestDuplicateIDsInABatchLastWins(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		rows := testRows(5, "first")
		rows = append(rows, testRow(2, "second"), testRow(4, "second"), testRow(2, "third"))
		require.NoError(t, e.w.Write(context.Background(), testBatch("int-1", "run-1", rows)))
		assert.Equal(t, 5, e.count(t, testObject, ""))
		assert.Equal(t, []string{"ticket 0 first", "ticket 1 first", "ticket 2 third", "ticket 3 first", "ticket 4 second"},
			e.strings(t, `SELECT "name" FROM `+e.tbl(testObject)+` ORDER BY "id"`))
	})
}

func TestInvalidRowsWriteNothing(t *testing.T) {
	bad := func(mod func(b *Batch)) Batch {
		b := testBatch("int-1", "run-1", testRows(5, "a"))
		mod(&b)
		return b
	}
	setValue := func(j int, v any) func(b *Batch) { return func(b *Batch) { b.Rows[3].Values[j] = v } }
	cases := []struct {
		name  string
		batch Batch
		field string
	}{
		{"no id", bad(func(b *Batch) { b.Rows[3].ID = "" }), "rows[3].id"},
		{"NUL in id", bad(func(b *Batch) { b.Rows[3].ID = "a\x00b" }), "rows[3].id"},
		{"invalid UTF-8 id", bad(func(b *Batch) { b.Rows[3].ID = "a\xffb" }), "rows[3].id"},
		{"long id", bad(func(b *Batch) { b.Rows[3].ID = strings.Repeat("x", 1025) }), "rows[3].id"},
		{"too few values", bad(func(b *Batch) { b.Rows[3].Values = b.Rows[3].Values[:5] }), "rows[3].values"},
		{"int32 for Integer", bad(setValue(1, int32(1))), "rows[3].values[1]"},
		{"string for Integer", bad(setValue(1, "1")), "rows[3].values[1]"},
		{"int for Text", bad(setValue(0, 1)), "rows[3].values[0]"},
		{"float32 for Real", bad(setValue(2, float32(1))), "rows[3].values[2]"},
		{"NaN", bad(setValue(2, math.NaN())), "rows[3].values[2]"},
		{"int for Bool", bad(setValue(3, 1)), "rows[3].values[3]"},
		{"string for Time", bad(setValue(4, "2024-01-01")), "rows[3].values[4]"},
		{"*time.Time for Time", bad(setValue(4, &t0)), "rows[3].values[4]"},
		{"year 10000", bad(setValue(4, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))), "rows[3].values[4]"},
		{"[]byte for JSON", bad(setValue(5, []byte(`[]`))), "rows[3].values[5]"},
		{"string for JSON", bad(setValue(5, `[]`)), "rows[3].values[5]"},
		{"invalid JSON value", bad(setValue(5, json.RawMessage(`[1,`))), "rows[3].values[5]"},
		{"NUL in text", bad(setValue(0, "a\x00")), "rows[3].values[0]"},
		{"invalid UTF-8 text", bad(setValue(0, "\xc3(")), "rows[3].values[0]"},
		{"invalid JSON raw", bad(func(b *Batch) { b.Rows[3].Raw = json.RawMessage(`{"a":`) }), "rows[3].raw"},
		{"empty raw", bad(func(b *Batch) { b.Rows[3].Raw = json.RawMessage{} }), "rows[3].raw"},
		{"invalid UTF-8 in raw", bad(func(b *Batch) { b.Rows[3].Raw = json.RawMessage("\"\xff\"") }), "rows[3].raw"},
		{"last modified year 0", bad(func(b *Batch) { b.Rows[3].LastModified = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC) }), "rows[3].last_modified"},
		{"no integration", bad(func(b *Batch) { b.IntegrationID = "" }), "integration_id"},
		{"no run", bad(func(b *Batch) { b.RunID = "" }), "run_id"},
		{"NUL in account", bad(func(b *Batch) { b.AccountID = "\x00" }), "account_id"},
		{"bad object name", bad(func(b *Batch) { b.Object.Name = "Bad" }), "object.name"},
		{"bad column name", bad(func(b *Batch) {
			b.Object.Columns = append([]Column{}, b.Object.Columns...)
			b.Object.Columns[2].Name = `score"; --`
		}), "object.columns[2].name"},
	}
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := e.w.Write(context.Background(), c.batch)
				requireInvalid(t, err, c.field)
				assert.Equal(t, 0, e.count(t, testObject, ""))
			})
		}
	})
}

func TestInvalidInputMessagesHoldNoValues(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		b := testBatch("int-1", "run-1", testRows(2, "a"))
		b.Rows[1].ID = "secret-value\x00"
		err := e.w.Write(context.Background(), b)
		requireInvalid(t, err, "rows[1].id")
		assert.NotContains(t, err.Error(), "secret-value")
		b.Rows[1].ID = "x"
		b.Rows[1].Values[0] = "secret-value\xff"
		err = e.w.Write(context.Background(), b)
		requireInvalid(t, err, "rows[1].values[0]")
		assert.NotContains(t, err.Error(), "secret-value")
	})
}

func TestJSONNULEscape(t *testing.T) {
	for _, c := range []struct {
		json string
		nul  bool
	}{
		{`"a\u0000b"`, true}, {`"\\u0000"`, false}, {`"\\\u0000"`, true}, {`{"k":"\u00001"}`, true}, {`"u0000"`, false}, {`"\u0001"`, false},
	} {
		require.True(t, json.Valid([]byte(c.json)), c.json)
		_, nul := scanJSON([]byte(c.json))
		assert.Equal(t, c.nul, nul, c.json)
	}
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		b := testBatch("int-1", "run-1", testRows(1, "a"))
		b.Rows[0].Raw = json.RawMessage(`{"a":"x\u0000y","b":"\\u0000"}`)
		err := e.w.Write(context.Background(), b)
		if e.pg {
			// JSONB cannot hold it: refused before anything is written.
			requireInvalid(t, err, "rows[0].raw")
			return
		}
		require.NoError(t, err)
		assert.Equal(t, []string{`{"a":"x\u0000y","b":"\\u0000"}`}, e.strings(t, `SELECT "_synqly_raw_data" FROM `+e.tbl(testObject)))
	})
}

func TestSoftDeleteUnseen(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		require.NoError(t, e.w.Write(ctx, testBatch("int-a", "run-1", testRows(5, "a"))))
		require.NoError(t, e.w.Write(ctx, testBatch("int-b", "run-1", testRows(3, "b"))))
		// The next full run of int-a sees rows 1 and 2 only.
		require.NoError(t, e.w.Write(ctx, testBatch("int-a", "run-2", testRows(5, "a")[1:3])))

		at := emitted.Add(24 * time.Hour)
		n, err := e.w.SoftDeleteUnseen(ctx, testObject, "int-a", "run-2", at)
		require.NoError(t, err)
		assert.EqualValues(t, 3, n)
		del := `"_synqly_is_deleted" = ` + e.boolean(true)
		assert.Equal(t, []string{"T-00000", "T-00003", "T-00004"},
			e.strings(t, e.q(`SELECT "id" FROM `+e.tbl(testObject)+` WHERE "_synqly_integration_id" = $1 AND `+del+` ORDER BY "id"`), "int-a"))
		assert.Equal(t, at, e.readTime(t, `SELECT "_synqly_emitted_at" FROM `+e.tbl(testObject)+` WHERE "_synqly_integration_id" = 'int-a' AND "id" = 'T-00003'`))
		assert.Equal(t, emitted, e.readTime(t, `SELECT "_synqly_emitted_at" FROM `+e.tbl(testObject)+` WHERE "_synqly_integration_id" = 'int-a' AND "id" = 'T-00001'`))
		assert.Equal(t, 0, e.count(t, testObject, e.q(`"_synqly_integration_id" = $1 AND `+del), "int-b"), "another integration's rows")

		// Already deleted rows are not marked again.
		n, err = e.w.SoftDeleteUnseen(ctx, testObject, "int-a", "run-2", at.Add(time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 0, n)
		assert.Equal(t, at, e.readTime(t, `SELECT "_synqly_emitted_at" FROM `+e.tbl(testObject)+` WHERE "_synqly_integration_id" = 'int-a' AND "id" = 'T-00003'`))

		// The arguments are checked; a missing table has nothing to mark.
		_, err = e.w.SoftDeleteUnseen(ctx, testObject, "int-a", "", at)
		requireInvalid(t, err, "run_id")
		_, err = e.w.SoftDeleteUnseen(ctx, testObject, "", "run-2", at)
		requireInvalid(t, err, "integration_id")
		n, err = e.w.SoftDeleteUnseen(ctx, Object{Name: "never_prepared"}, "int-a", "run-2", at)
		require.NoError(t, err)
		assert.EqualValues(t, 0, n)
	})
}

func TestDeleteIntegration(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		require.NoError(t, e.w.Write(ctx, testBatch("int-a", "run-1", testRows(5, "a"))))
		require.NoError(t, e.w.Write(ctx, testBatch("int-b", "run-1", testRows(3, "b"))))
		n, err := e.w.DeleteIntegration(ctx, testObject, "int-a")
		require.NoError(t, err)
		assert.EqualValues(t, 5, n)
		assert.Equal(t, 3, e.count(t, testObject, ""))
		assert.Equal(t, 0, e.count(t, testObject, `"_synqly_integration_id" = 'int-a'`))
		n, err = e.w.DeleteIntegration(ctx, testObject, "int-a")
		require.NoError(t, err)
		assert.EqualValues(t, 0, n)

		n, err = e.w.DeleteIntegration(ctx, Object{Name: "never_prepared"}, "int-a")
		require.NoError(t, err, "a missing table")
		assert.EqualValues(t, 0, n)
		_, err = e.w.DeleteIntegration(ctx, testObject, "")
		requireInvalid(t, err, "integration_id")
	})
}

func TestConcurrentPrepare(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Two writers over pools of their own, as two processes would be.
		writers := []*SQL{e.w, e.another(t)}
		objs := []Object{testObject, {Name: "other", Columns: []Column{{"x", Text}}}}
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		for g := range 8 {
			wg.Go(func() { errc <- writers[g%2].Prepare(ctx, objs[g/4]) })
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			require.NoError(t, err)
		}
		assert.Len(t, e.catalog(t, testObject), 15)
		assert.Len(t, e.catalog(t, objs[1]), 10)

		// Adding a column concurrently too.
		grown := Object{Name: "other", Columns: []Column{{"x", Text}, {"y", Integer}}}
		errc = make(chan error, 8)
		for g := range 8 {
			wg.Go(func() { errc <- writers[g%2].Prepare(ctx, grown) })
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			require.NoError(t, err)
		}
		assert.Len(t, e.catalog(t, grown), 11)
	})
}

func TestConcurrentWritesOfIntegrations(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		other := e.another(t)
		var wg sync.WaitGroup
		errc := make(chan error, 8*4)
		for g := range 8 {
			w := e.w
			if g%2 == 1 {
				w = other
			}
			wg.Go(func() {
				for r := range 4 {
					rows := testRows(1000, fmt.Sprint(g))[r*250 : (r+1)*250]
					errc <- w.Write(ctx, testBatch(fmt.Sprintf("int-%d", g), "run-1", rows))
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			require.NoError(t, err)
		}
		assert.Equal(t, 8000, e.count(t, testObject, ""))
		for g := range 8 {
			assert.Equal(t, 1000, e.count(t, testObject, e.q(`"_synqly_integration_id" = $1 AND "name" LIKE $2`), fmt.Sprintf("int-%d", g), fmt.Sprintf("%% %d", g)))
		}
	})
}

func TestConcurrentOverlappingWritesOfOneIntegration(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		other := e.another(t)
		// The same rows, in opposite orders: writers that locked rows in
		// the order given would deadlock on PostgreSQL.
		var wg sync.WaitGroup
		errc := make(chan error, 8*5)
		for g := range 8 {
			w := e.w
			if g%2 == 1 {
				w = other
			}
			wg.Go(func() {
				for range 5 {
					rows := testRows(600, fmt.Sprint(g))
					if g%2 == 1 {
						slices.Reverse(rows)
					}
					errc <- w.Write(ctx, testBatch("int-1", fmt.Sprintf("run-%d", g), rows))
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			require.NoError(t, err)
		}
		assert.Equal(t, 600, e.count(t, testObject, ""))
	})
}

func TestPGOrder(t *testing.T) {
	rows := []Row{{ID: "b", Raw: json.RawMessage(`1`)}, {ID: "a"}, {ID: "b", Raw: json.RawMessage(`2`)}, {ID: "c"}, {ID: "a", Raw: json.RawMessage(`3`)}}
	got := pgOrder(rows)
	assert.Equal(t, []Row{{ID: "a", Raw: json.RawMessage(`3`)}, {ID: "b", Raw: json.RawMessage(`2`)}, {ID: "c"}}, got)
	assert.Equal(t, "b", rows[0].ID, "the caller's rows are left as they were")
	inOrder := []Row{{ID: "a"}, {ID: "b"}}
	assert.Same(t, &inOrder[0], &pgOrder(inOrder)[0], "rows in order are not copied")
}

func TestLargeBatchSpansChunks(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		rows := testRows(2500, "big") // 1,000 + 1,000 + 500
		require.NoError(t, e.w.Write(ctx, testBatch("int-1", "run-1", rows)))
		assert.Equal(t, 2500, e.count(t, testObject, ""))
		assert.Equal(t, 1, e.count(t, testObject, `"id" = 'T-02499' AND "priority" = 2499 AND "name" = 'ticket 2499 big'`))
		assert.NotNil(t, e.w.stmts.get(stmtKey{e.w.signature(testObject), 1000}), "the full chunk's statement is kept")
		assert.NotNil(t, e.w.stmts.get(stmtKey{e.w.signature(testObject), 500}))

		// Many columns: the bind-parameter limit makes the chunks smaller.
		wide := Object{Name: "wide"}
		for c := range 200 {
			wide.Columns = append(wide.Columns, Column{fmt.Sprintf("c%03d", c), Integer})
		}
		prepare(t, e, wide)
		perChunk := (e.w.maxParams() - batchParams) / rowParams(wide)
		require.Less(t, perChunk, 1000)
		n := 3*perChunk + 7
		wrows := make([]Row, n)
		for i := range wrows {
			vals := make([]any, len(wide.Columns))
			for c := range vals {
				vals[c] = int64(i*1000 + c)
			}
			wrows[i] = Row{ID: fmt.Sprint(i), Values: vals}
		}
		require.NoError(t, e.w.Write(ctx, Batch{Object: wide, IntegrationID: "int-1", RunID: "run-1", Rows: wrows}))
		assert.Equal(t, n, e.count(t, wide, ""))
		last := n - 1
		assert.Equal(t, 1, e.count(t, wide, e.q(`"id" = $1 AND "c000" = $2 AND "c199" = $3`), fmt.Sprint(last), last*1000, last*1000+199))
	})
}

func TestNulls(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		rows := []Row{
			{ID: "nil", Values: make([]any, 6)},
			{ID: "typed nil JSON", Values: []any{nil, nil, nil, nil, nil, json.RawMessage(nil)}},
		}
		require.NoError(t, e.w.Write(context.Background(), Batch{Object: testObject, IntegrationID: "i", RunID: "r", Rows: rows}))
		allNull := `"name" IS NULL AND "priority" IS NULL AND "score" IS NULL AND "open" IS NULL AND "created_at" IS NULL AND "tags" IS NULL
			AND "_synqly_raw_data" IS NULL AND "_synqly_last_modified_at" IS NULL`
		assert.Equal(t, 2, e.count(t, testObject, allNull))
		assert.Equal(t, 2, e.count(t, testObject, `"_synqly_account_id" = '' AND "_synqly_provider" = '' AND "_synqly_emitted_at" IS NOT NULL`))
	})
}

func TestEveryTypeRoundTrips(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		local := time.FixedZone("UTC+5:30", 5*3600+1800)
		created := time.Date(2024, 2, 29, 23, 59, 58, 123456789, local)
		mod := time.Date(1999, 12, 31, 23, 0, 0, 1000, time.UTC)
		raw := json.RawMessage(`{"z": 1, "a": [true, null, "é"]}`)
		rows := []Row{
			{ID: "max", Values: []any{"ünïcødé ✓ \"quoted\" 'single'", int64(math.MaxInt64), math.MaxFloat64, true, created, json.RawMessage(`{"b":2,"a":[1,2]}`)},
				Raw: raw, LastModified: mod},
			{ID: "min", Values: []any{"", int64(math.MinInt64), -1.25e-300, false, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), json.RawMessage(`"text"`)}},
			{ID: "int", Values: []any{"x", 42, math.Inf(1), nil, time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), json.RawMessage(`null`)}},
		}
		require.NoError(t, e.w.Write(ctx, Batch{Object: testObject, IntegrationID: "i", RunID: "r", Rows: rows}))

		type got struct {
			name     string
			priority int64
			score    float64
			open     sql.NullBool
			tags     string
		}
		read := func(id string) got {
			var g got
			require.NoError(t, e.db.QueryRowContext(ctx, e.q(`SELECT "name", "priority", "score", "open", "tags" FROM `+e.tbl(testObject)+` WHERE "id" = $1`), id).
				Scan(&g.name, &g.priority, &g.score, &g.open, &g.tags))
			return g
		}
		timeOf := func(col, id string) time.Time {
			return e.readTime(t, `SELECT "`+col+`" FROM `+e.tbl(testObject)+` WHERE "id" = $1`, id)
		}
		g := read("max")
		assert.Equal(t, "ünïcødé ✓ \"quoted\" 'single'", g.name)
		assert.Equal(t, int64(math.MaxInt64), g.priority)
		assert.Equal(t, math.MaxFloat64, g.score)
		assert.Equal(t, sql.NullBool{Bool: true, Valid: true}, g.open)
		assert.JSONEq(t, `{"b":2,"a":[1,2]}`, g.tags)
		g = read("min")
		assert.Equal(t, "", g.name)
		assert.Equal(t, int64(math.MinInt64), g.priority)
		assert.Equal(t, -1.25e-300, g.score)
		assert.Equal(t, sql.NullBool{Bool: false, Valid: true}, g.open)
		assert.Equal(t, `"text"`, g.tags)
		g = read("int")
		assert.Equal(t, int64(42), g.priority, "an int is an Integer value")
		assert.True(t, math.IsInf(g.score, 1))
		assert.False(t, g.open.Valid)
		assert.Equal(t, "null", g.tags, "JSON null is a value, not NULL")

		var rawText string
		require.NoError(t, e.db.QueryRowContext(ctx, `SELECT "_synqly_raw_data" FROM `+e.tbl(testObject)+` WHERE "id" = 'max'`).Scan(&rawText))
		assert.JSONEq(t, string(raw), rawText)
		assert.Equal(t, mod, timeOf("_synqly_last_modified_at", "max"))
		if e.pg {
			// TIMESTAMPTZ keeps microseconds.
			assert.Equal(t, created.Truncate(time.Microsecond).UTC(), timeOf("created_at", "max"))
			var isBool, isJSONB bool
			require.NoError(t, e.db.QueryRowContext(ctx, `SELECT pg_typeof("open") = 'boolean'::regtype, jsonb_typeof("tags") = 'object'
				FROM `+e.tbl(testObject)+` WHERE "id" = 'max'`).Scan(&isBool, &isJSONB))
			assert.True(t, isBool && isJSONB)
		} else {
			// Text of fixed width, in UTC, to the nanosecond: it sorts.
			assert.Equal(t, []string{"0001-01-01T00:00:00.000000000Z", "2024-02-29T18:29:58.123456789Z", "9999-12-31T23:59:59.999999000Z"},
				e.strings(t, `SELECT "created_at" FROM `+e.tbl(testObject)+` ORDER BY "created_at"`))
			assert.Equal(t, []string{"integer", "integer", "null"},
				e.strings(t, `SELECT typeof("open") FROM `+e.tbl(testObject)+` ORDER BY "id" DESC`))
			assert.Equal(t, []string{"text"}, e.strings(t, `SELECT DISTINCT typeof("tags") FROM `+e.tbl(testObject)))
			assert.Equal(t, []string{"text"}, e.strings(t, `SELECT DISTINCT typeof("_synqly_raw_data") FROM `+e.tbl(testObject)+` WHERE "id" = 'max'`))
			assert.Equal(t, []string{"2"}, e.strings(t, `SELECT json_extract("tags", '$.b') FROM `+e.tbl(testObject)+` WHERE "id" = 'max'`))
		}
		assert.Equal(t, created.UTC().Truncate(map[bool]time.Duration{true: time.Microsecond, false: 1}[e.pg]), timeOf("created_at", "max"))
	})
}

func TestSQLiteTimeFormat(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 2, 29, 12, 30, 0, 5, time.FixedZone("x", -7*3600)), time.Now(),
	} {
		assert.Equal(t, tm.UTC().Format(sqliteTime), string(appendSQLiteTime(nil, tm)))
	}
}

func TestInjectionIsStoredVerbatim(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		evil := []string{
			`x'); DROP TABLE synqly_test_tickets; --`,
			`" OR 1=1; --`,
			`$1 ?1 ? :a @a`,
			`\'; DELETE FROM synqly_test_tickets WHERE ''='`,
		}
		var rows []Row
		for i, s := range evil {
			rows = append(rows, Row{ID: s, Values: []any{s, int64(i), nil, nil, nil, json.RawMessage(fmt.Sprintf(`{"v":%q}`, s))},
				Raw: json.RawMessage(fmt.Sprintf(`[%q]`, s))})
		}
		b := Batch{Object: testObject, IntegrationID: evil[0], AccountID: evil[1], Provider: evil[2], RunID: evil[3], Rows: rows}
		require.NoError(t, e.w.Write(ctx, b))
		for i, s := range evil {
			var id, name, account, tags string
			require.NoError(t, e.db.QueryRowContext(ctx, e.q(`SELECT "id", "name", "_synqly_account_id", "tags" FROM `+e.tbl(testObject)+
				` WHERE "priority" = $1`), i).Scan(&id, &name, &account, &tags))
			assert.Equal(t, s, id)
			assert.Equal(t, s, name)
			assert.Equal(t, evil[1], account)
			var v struct{ V string }
			require.NoError(t, json.Unmarshal([]byte(tags), &v))
			assert.Equal(t, s, v.V)
		}
		n, err := e.w.SoftDeleteUnseen(ctx, testObject, evil[0], evil[1], time.Time{})
		require.NoError(t, err)
		assert.EqualValues(t, 4, n)
		n, err = e.w.DeleteIntegration(ctx, testObject, evil[0])
		require.NoError(t, err)
		assert.EqualValues(t, 4, n)
	})
}

func TestCanceledContext(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		prepare(t, e, testObject)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		check := func(err error) {
			t.Helper()
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, errs.Canceled, errs.CodeOf(err))
		}
		check(e.w.Write(ctx, testBatch("int-1", "run-1", testRows(2500, "a"))))
		assert.Equal(t, 0, e.count(t, testObject, ""))
		check(e.w.Prepare(ctx, Object{Name: "later"}))
		_, err := e.w.SoftDeleteUnseen(ctx, testObject, "int-1", "run-2", time.Time{})
		check(err)
		_, err = e.w.DeleteIntegration(ctx, testObject, "int-1")
		check(err)

		// Canceled half-way: the transaction is rolled back, the writer
		// still works.
		ctx, cancel = context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.w.Write(ctx, testBatch("int-1", "run-1", testRows(20000, "a"))) }()
		time.Sleep(5 * time.Millisecond)
		cancel()
		if err := <-done; err != nil {
			check(err)
			assert.Equal(t, 0, e.count(t, testObject, ""))
		}
		require.NoError(t, e.w.Write(context.Background(), testBatch("int-2", "run-1", testRows(10, "b"))))
		assert.Equal(t, 10, e.count(t, testObject, `"_synqly_integration_id" = 'int-2'`))

		dctx, dcancel := context.WithTimeout(context.Background(), time.Nanosecond)
		defer dcancel()
		<-dctx.Done()
		err = e.w.Write(dctx, testBatch("int-1", "run-1", testRows(1, "a")))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, errs.DeadlineExceeded, errs.CodeOf(err))
	})
}

func TestDatabaseErrorsHideTheDriversText(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		// An application's trigger whose message quotes the value.
		if e.pg {
			_, err := e.db.ExecContext(ctx, `CREATE FUNCTION `+quote(e.schema)+`.refuse() RETURNS trigger LANGUAGE plpgsql AS
				$$BEGIN IF NEW.name = 'secret-value' THEN RAISE EXCEPTION 'refused %', NEW.name; END IF; RETURN NEW; END$$`)
			require.NoError(t, err)
			_, err = e.db.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON `+e.tbl(testObject)+` FOR EACH ROW EXECUTE FUNCTION `+quote(e.schema)+`.refuse()`)
			require.NoError(t, err)
		} else {
			_, err := e.db.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON `+e.tbl(testObject)+
				` WHEN NEW.name = 'secret-value' BEGIN SELECT RAISE(ABORT, 'refused ' || NEW.name); END`)
			require.NoError(t, err)
		}
		rows := testRows(3, "a")
		rows[2].Values[0] = "secret-value"
		err := e.w.Write(ctx, testBatch("int-1", "run-1", rows))
		require.Error(t, err)
		assert.Equal(t, errs.Internal, errs.CodeOf(err))
		assert.NotContains(t, err.Error(), "secret-value")
		assert.Contains(t, err.Error(), "write to table synqly_test_tickets")
		if e.pg {
			var pe *pgconn.PgError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.Message, "secret-value", "the driver's error is reachable")
		} else {
			var se sqlite3.Error
			require.ErrorAs(t, err, &se)
			assert.Contains(t, se.Error(), "secret-value", "the driver's error is reachable")
		}
		assert.Equal(t, 0, e.count(t, testObject, ""), "the whole batch is rolled back")
	})
}

func TestClose(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		w := e.another(t)
		require.NoError(t, w.Close())
		require.NoError(t, w.Close(), "twice")
		require.ErrorIs(t, w.Prepare(context.Background(), testObject), errs.ErrClosed)
		require.ErrorIs(t, w.Write(context.Background(), testBatch("i", "r", testRows(1, "a"))), errs.ErrClosed)
	})
}

func TestNewOverAnApplicationsPool(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "app.db")
		db, err := sql.Open("sqlite3", path+"?_busy_timeout=5000")
		require.NoError(t, err)
		defer func() { _ = db.Close() }()
		db.SetMaxOpenConns(2)
		w := NewSQLite(db)
		require.NoError(t, w.Prepare(ctx, testObject))
		require.NoError(t, w.Write(ctx, testBatch("i", "r", testRows(1200, "a"))))
		require.NoError(t, w.Close())
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM synqly_test_tickets`).Scan(&n), "Close leaves the pool open")
		assert.Equal(t, 1200, n)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN(t)
		admin, err := sql.Open("pgx", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = admin.Close() })
		schema := freshSchema(t, admin)
		_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+quote(schema))
		require.NoError(t, err)
		// The connection's current schema, by its search_path.
		db, err := sql.Open("pgx", dsn+" search_path="+schema)
		require.NoError(t, err)
		defer func() { _ = db.Close() }()
		w := NewPostgres(db)
		require.NoError(t, w.Prepare(ctx, testObject))
		require.NoError(t, w.Write(ctx, testBatch("i", "r", testRows(1200, "a"))))
		require.NoError(t, w.Close())
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM `+quote(schema)+`.synqly_test_tickets`).Scan(&n))
		assert.Equal(t, 1200, n)

		bad := NewPostgres(db, WithSchema("Bad Schema"))
		requireInvalid(t, bad.Prepare(ctx, testObject), "schema")
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, p := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro", "a\x00b"} {
		_, err := OpenSQLite(ctx, p)
		requireInvalid(t, err, "path")
	}
	path := filepath.Join(t.TempDir(), "sub", "dir", "dest.db")
	w, err := OpenSQLite(ctx, path)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	_, err = OpenPostgres(ctx, "host=localhost password=hunter2 port=notaport")
	requireInvalid(t, err, "dsn")
	assert.NotContains(t, err.Error(), "hunter2")
	_, err = OpenPostgres(ctx, "postgres://u:hunter2@[::1/db")
	requireInvalid(t, err, "dsn")
	assert.NotContains(t, err.Error(), "hunter2")
	_, err = OpenPostgres(ctx, "host=localhost", WithSchema("no-dashes"))
	requireInvalid(t, err, "schema")

	// A server that is not there: the error says so without the DSN.
	_, err = OpenPostgres(ctx, "host=/nonexistent/socket/dir user=someone password=hunter2 dbname=db connect_timeout=2")
	require.Error(t, err)
	assert.Equal(t, errs.Internal, errs.CodeOf(err))
	for _, s := range []string{"hunter2", "someone", "nonexistent"} {
		assert.NotContains(t, err.Error(), s)
	}
	var ce *pgconn.ConnectError
	assert.ErrorAs(t, err, &ce)

	if dsn := os.Getenv(dsnEnv); dsn != "" {
		// Refused credentials: still no secret in the message.
		_, err = OpenPostgres(ctx, dsn+" user=no_such_user_xyz password=hunter2")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "hunter2")
		assert.NotContains(t, err.Error(), "no_such_user_xyz")
	}
}

func TestIndexName(t *testing.T) {
	assert.Equal(t, "synqly_x_run_idx", indexName("synqly_x"))
	a, b := indexName(strings.Repeat("t", 63)), indexName(strings.Repeat("t", 62)+"u")
	assert.Len(t, a, 63)
	assert.NotEqual(t, a, b)
	assert.True(t, ValidIdentifier(a) && ValidIdentifier(b))

	forEach(t, func(t *testing.T, e *env) {
		obj := Object{Name: "long", Table: strings.Repeat("t", 63), Columns: []Column{{"x", Text}}}
		prepare(t, e, obj)
		prepare(t, e, obj)
		assert.Equal(t, []string{"_synqly_integration_id", "_synqly_run_id"}, e.indexColumns(t, indexName(obj.TableName())))
	})
}

func TestStatementCacheIsBounded(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prepare(t, e, testObject)
		for n := 1; n <= maxCachedStmts+5; n++ {
			require.NoError(t, e.w.Write(ctx, testBatch("int-1", "run-1", testRows(n, "a"))))
		}
		e.w.stmts.mu.Lock()
		size := len(e.w.stmts.m)
		e.w.stmts.mu.Unlock()
		assert.Equal(t, maxCachedStmts, size)
		assert.Nil(t, e.w.stmts.get(stmtKey{e.w.signature(testObject), 1}), "the least recently used went first")
		require.NoError(t, e.w.Write(ctx, testBatch("int-1", "run-2", testRows(1, "b"))))
		assert.Equal(t, maxCachedStmts+5, e.count(t, testObject, ""))
	})
}

func TestDescriptionHidesUnknownErrorText(t *testing.T) {
	err := fail(context.Background(), fmt.Errorf("wrapped: %w", errors.New("value secret-value refused")), "write")
	assert.Equal(t, errs.Internal, errs.CodeOf(err))
	assert.NotContains(t, err.Error(), "secret-value")
	assert.Contains(t, err.Error(), "database driver error")
}
