package destination

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/seed-e6251c81/synqly/errs"
)

// fixedColumn is one of the package's own columns.
type fixedColumn struct {
	name string
	// sqlite and pg are the declared types, constraints included.
	sqlite, pg string
	// sqliteCatalog and pgCatalog are how the catalog names the types.
	sqliteCatalog, pgCatalog string
}

// leading and trailing are the package's columns before and after the
// model's: the layout of the package doc.
var (
	leading = []fixedColumn{
		{"_synqly_integration_id", "TEXT NOT NULL", "TEXT NOT NULL", "TEXT", "text"},
		{"_synqly_account_id", "TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''", "TEXT", "text"},
		{"_synqly_provider", "TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''", "TEXT", "text"},
		{"id", "TEXT NOT NULL", "TEXT NOT NULL", "TEXT", "text"},
	}
	trailing = []fixedColumn{
		{"_synqly_raw_data", "TEXT", "JSONB", "TEXT", "jsonb"},
		{"_synqly_last_modified_at", "TEXT", "TIMESTAMPTZ", "TEXT", "timestamp with time zone"},
		{"_synqly_emitted_at", "TEXT NOT NULL", "TIMESTAMPTZ NOT NULL", "TEXT", "timestamp with time zone"},
		{"_synqly_is_deleted", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false", "INTEGER", "boolean"},
		{"_synqly_run_id", "TEXT NOT NULL", "TEXT NOT NULL", "TEXT", "text"},
	}
)

// indexName is the name of the table's (_synqly_integration_id,
// _synqly_run_id) index: "<table>_run_idx", or, when that passes 63 bytes,
// the table's name cut and a hash of it, so that PostgreSQL does not cut
// it into a name another table's index could have.
func indexName(table string) string {
	const suffix = "_run_idx"
	if len(table)+len(suffix) <= maxIdentifier {
		return table + suffix
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(table))
	sum := strconv.FormatUint(uint64(h.Sum32()), 16)
	sum = strings.Repeat("0", 8-len(sum)) + sum
	return table[:maxIdentifier-len(suffix)-9] + "_" + sum + suffix
}

// execQuerier is what Prepare runs its statements on: a transaction, or a
// connection inside BEGIN IMMEDIATE.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Prepare creates the object's table and index if they are missing and
// adds the model columns the table lacks; see Writer. On PostgreSQL it
// holds a transaction-level advisory lock keyed on the table (and, while
// it creates the schema, one keyed on the schema); on SQLite it holds the
// write lock from its first statement.
func (s *SQL) Prepare(ctx context.Context, obj Object) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := obj.Validate(); err != nil {
		return err
	}
	op := "prepare table " + obj.TableName()
	if s.pg {
		return s.pgTx(ctx, op, func(tx *sql.Tx) error { return s.preparePG(ctx, tx, obj) })
	}
	return s.sqliteImmediate(ctx, op, func(c *sql.Conn) error { return s.prepareIn(ctx, c, obj) })
}

func (s *SQL) preparePG(ctx context.Context, tx *sql.Tx, obj Object) error {
	if s.schema != "" {
		var exists bool
		// Looked up first: CREATE SCHEMA IF NOT EXISTS needs the CREATE
		// privilege on the database even when the schema exists.
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, s.schema).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("schema", "", s.schema)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+quote(s.schema)); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("table", s.schema, obj.TableName())); err != nil {
		return err
	}
	return s.prepareIn(ctx, tx, obj)
}

// prepareIn creates and migrates the table, inside the caller's
// transaction and lock.
func (s *SQL) prepareIn(ctx context.Context, q execQuerier, obj Object) error {
	have, err := s.columns(ctx, q, obj)
	if err != nil {
		return err
	}
	tbl := s.table(obj)
	if len(have) == 0 {
		// Created only when missing: CREATE TABLE IF NOT EXISTS needs the
		// CREATE privilege even when the table exists.
		if _, err := q.ExecContext(ctx, s.createTable(obj)); err != nil {
			return err
		}
		if have, err = s.columns(ctx, q, obj); err != nil {
			return err
		}
	}
	for _, group := range [][]fixedColumn{leading, trailing} {
		for _, c := range group {
			want := c.sqliteCatalog
			if s.pg {
				want = c.pgCatalog
			}
			got, ok := have[c.name]
			if !ok || !strings.EqualFold(got, want) {
				return errs.New(errs.Conflict, "destination: table %s exists but is not a destination table: its column %s is missing or not %s",
					obj.TableName(), c.name, want)
			}
		}
	}
	for _, c := range obj.Columns {
		got, ok := have[c.Name]
		switch {
		case !ok:
			if _, err := q.ExecContext(ctx, "ALTER TABLE "+tbl+" ADD COLUMN "+quote(c.Name)+" "+s.sqlType(c.Type)); err != nil {
				return err
			}
		case !strings.EqualFold(got, s.catalogType(c.Type)):
			return errs.New(errs.Conflict, "destination: table %s has a column %s of type %s, not %s (%s); a column is never retyped: rename the column or the object's table",
				obj.TableName(), c.Name, got, s.catalogType(c.Type), c.Type)
		}
	}
	idx := indexName(obj.TableName())
	exists, err := s.indexExists(ctx, q, idx)
	if err != nil || exists {
		return err
	}
	_, err = q.ExecContext(ctx, "CREATE INDEX IF NOT EXISTS "+quote(idx)+" ON "+tbl+
		` ("_synqly_integration_id", "_synqly_run_id")`)
	return err
}

// createTable is the table's CREATE TABLE statement.
func (s *SQL) createTable(obj Object) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + s.table(obj) + " (\n")
	col := func(name, typ string) { b.WriteString("\t" + quote(name) + " " + typ + ",\n") }
	fixed := func(c fixedColumn) {
		if s.pg {
			col(c.name, c.pg)
		} else {
			col(c.name, c.sqlite)
		}
	}
	for _, c := range leading {
		fixed(c)
	}
	for _, c := range obj.Columns {
		col(c.Name, s.sqlType(c.Type))
	}
	for _, c := range trailing {
		fixed(c)
	}
	b.WriteString("\tPRIMARY KEY (\"_synqly_integration_id\", \"id\")\n)")
	return b.String()
}

// columns returns the table's columns and their types as the catalog
// names them; none if the table is missing.
func (s *SQL) columns(ctx context.Context, q execQuerier, obj Object) (map[string]string, error) {
	var rows *sql.Rows
	var err error
	if s.pg {
		rows, err = q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = COALESCE(NULLIF($1, ''), current_schema()) AND table_name = $2`, s.schema, obj.TableName())
	} else {
		rows, err = q.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?1)`, obj.TableName())
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		out[name] = typ
	}
	return out, rows.Err()
}

func (s *SQL) indexExists(ctx context.Context, q execQuerier, idx string) (bool, error) {
	var rows *sql.Rows
	var err error
	if s.pg {
		rows, err = q.QueryContext(ctx, `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = COALESCE(NULLIF($1, ''), current_schema()) AND c.relname = $2`, s.schema, idx)
	} else {
		rows, err = q.QueryContext(ctx, `SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1`, idx)
	}
	if err != nil {
		return false, err
	}
	defer func() { _ = rows.Close() }()
	found := rows.Next()
	return found, rows.Err()
}

// tableExists reports whether the object's table exists.
func (s *SQL) tableExists(ctx context.Context, obj Object) (bool, error) {
	have, err := s.columns(ctx, s.db, obj)
	return len(have) > 0, err
}

// pgTx runs fn in a transaction.
func (s *SQL) pgTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(ctx, err, op)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return fail(ctx, err, op)
	}
	return fail(ctx, tx.Commit(), op)
}

// sqliteImmediate runs fn on one connection inside BEGIN IMMEDIATE, which
// takes the write lock first (waiting out the busy timeout): a transaction
// that read the catalog and then wrote could fail on its lock upgrade if
// another process wrote in between, and an application's pool may begin
// transactions DEFERRED.
func (s *SQL) sqliteImmediate(ctx context.Context, op string, fn func(c *sql.Conn) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fail(ctx, err, op)
	}
	defer func() { _ = c.Close() }()
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fail(ctx, err, op)
	}
	err = fn(c)
	if err == nil {
		if _, err = c.ExecContext(ctx, "COMMIT"); err == nil {
			return nil
		}
	}
	// Rolled back whatever ctx says; a connection left inside a
	// transaction is dropped rather than returned to the pool.
	if _, rerr := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
		_ = c.Raw(func(any) error { return driver.ErrBadConn })
	}
	return fail(ctx, err, op)
}
