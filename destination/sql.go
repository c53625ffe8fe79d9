package destination

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	"github.com/mattn/go-sqlite3"

	"github.com/seed-e6251c81/synqly/errs"
)

// SQL is a Writer over a SQLite or a PostgreSQL database. It is safe for
// concurrent use.
type SQL struct {
	db *sql.DB
	// owned: Open opened db, so Close closes it.
	owned bool
	pg    bool
	// schema is the PostgreSQL schema of the tables; "" is the
	// connection's current schema.
	schema string
	// optErr is a bad option of NewPostgres, returned by every call (New
	// has no error to return).
	optErr error
	closed atomic.Bool

	stmts stmtCache
}

var _ Writer = (*SQL)(nil)

// sqliteTime is the layout of times in SQLite tables: UTC and fixed width,
// so that text order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000000Z"

// sqliteBusyTimeout is how long a SQLite statement waits for another
// writer (another process, another pool) before it fails.
const sqliteBusyTimeout = 10 * time.Second

// OpenSQLite opens the SQLite database file at path, creating it (mode
// 0600, in a directory created 0700 if missing), in WAL mode with a 10s
// busy timeout and foreign keys on, over one connection: SQLite has one
// writer at a time, and every call of a Writer writes. path must name a
// file: "", ":memory:", "file:" URIs and names holding '?' or NUL are
// refused. Close closes the database.
func OpenSQLite(ctx context.Context, path string) (*SQL, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") || strings.ContainsAny(path, "?\x00") {
		return nil, errs.Invalid("path", "destination: the SQLite path must name a file (not empty, \":memory:\" or a URI, without '?')")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "destination: create the directory of the SQLite database")
	}
	// Created here so that SQLite never creates it with wider permissions;
	// its -wal and -shm files take its mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "destination: create the SQLite database")
	}
	_ = f.Close()
	db, err := sql.Open("sqlite3", sqliteDSN(path))
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "destination: open the SQLite database")
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fail(ctx, err, "open the SQLite database")
	}
	s := NewSQLite(db)
	s.owned = true
	return s, nil
}

// sqliteDSN is the go-sqlite3 data source name of path. Transactions begin
// IMMEDIATE, taking the write lock at once: a transaction that read first
// could otherwise fail half-way when it upgrades its lock.
func sqliteDSN(path string) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_synchronous", "NORMAL")
	v.Set("_foreign_keys", "on")
	v.Set("_busy_timeout", strconv.FormatInt(sqliteBusyTimeout.Milliseconds(), 10))
	v.Set("_txlock", "immediate")
	// The driver's own cache keeps the statements this package does not
	// (the odd-sized last chunk of a run, the deletes).
	v.Set("_stmt_cache_size", "16")
	return path + "?" + v.Encode()
}

// NewSQLite returns a writer over an application's SQLite pool (of the
// github.com/mattn/go-sqlite3 driver). The pool should set a busy timeout
// (_busy_timeout) if other connections write the same file. Close does not
// close db.
func NewSQLite(db *sql.DB) *SQL { return &SQL{db: db} }

// PostgresOption configures a PostgreSQL writer (OpenPostgres, NewPostgres);
// WithSchema makes one.
type PostgresOption func(*pgOptions)

type pgOptions struct{ schema string }

// WithSchema puts the tables in schema, which Prepare creates if it is
// missing, instead of the connection's current schema. schema follows the
// identifier rule (ValidIdentifier).
func WithSchema(schema string) PostgresOption { return func(o *pgOptions) { o.schema = schema } }

// pgMaxConns bounds the connections of a pool OpenPostgres opens: each
// Write holds one for its transaction.
const pgMaxConns = 8

// OpenPostgres connects to the PostgreSQL database dsn names, a libpq DSN
// (postgres:// URL or key=value pairs). The DSN never appears in an error:
// it may hold a password. Close closes the connections.
func OpenPostgres(ctx context.Context, dsn string, opts ...PostgresOption) (*SQL, error) {
	o := pgOpts(opts)
	if o.schema != "" && !ValidIdentifier(o.schema) {
		return nil, errs.Invalid("schema", "destination: the schema name must be [a-z][a-z0-9_]*, at most %d bytes", maxIdentifier)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// The parser's error quotes the DSN (its password redacted, its
		// host and user not): not passed on.
		return nil, errs.Invalid("dsn", "destination: the PostgreSQL DSN cannot be parsed")
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(pgMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fail(ctx, err, "connect to PostgreSQL")
	}
	s := &SQL{db: db, pg: true, schema: o.schema, owned: true}
	return s, nil
}

func pgOpts(opts []PostgresOption) pgOptions {
	var o pgOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// NewPostgres returns a writer over an application's PostgreSQL pool (of
// the pgx driver, github.com/jackc/pgx/v5/stdlib). Close does not close db.
// A bad option is reported by every call.
func NewPostgres(db *sql.DB, opts ...PostgresOption) *SQL {
	o := pgOpts(opts)
	s := &SQL{db: db, pg: true, schema: o.schema}
	if o.schema != "" && !ValidIdentifier(o.schema) {
		s.optErr = errs.Invalid("schema", "destination: the schema name must be [a-z][a-z0-9_]*, at most %d bytes", maxIdentifier)
	}
	return s
}

// Close closes the cached statements, and the database if OpenSQLite or
// OpenPostgres opened it. Later calls fail with errs.Closed.
func (s *SQL) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stmts.closeAll()
	if s.owned {
		if err := s.db.Close(); err != nil {
			return errs.Wrap(errs.Internal, describe(err), "destination: close the database")
		}
	}
	return nil
}

// usable returns why s cannot be used, if it cannot.
func (s *SQL) usable() error {
	if s.closed.Load() {
		return errs.New(errs.Closed, "destination: the writer is closed")
	}
	return s.optErr
}

// quote double-quotes a validated identifier (which holds no quote).
func quote(name string) string { return `"` + name + `"` }

// table is the object's table, qualified by the schema if there is one,
// and quoted.
func (s *SQL) table(o Object) string {
	if s.schema != "" {
		return quote(s.schema) + "." + quote(o.TableName())
	}
	return quote(o.TableName())
}

// param writes the placeholder of bind parameter n (1-based). Numbered
// placeholders let every row of a statement share the batch's parameters.
func (s *SQL) param(b []byte, n int) []byte {
	if s.pg {
		b = append(b, '$')
	} else {
		b = append(b, '?')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// maxParams is the engine's limit of bind parameters per statement:
// SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite, and PostgreSQL's
// protocol limit.
func (s *SQL) maxParams() int {
	if s.pg {
		return 65535
	}
	return 32766
}

// sqlType is the declared type of a column of type t.
func (s *SQL) sqlType(t ColumnType) string {
	if s.pg {
		switch t {
		case Integer:
			return "BIGINT"
		case Real:
			return "DOUBLE PRECISION"
		case Bool:
			return "BOOLEAN"
		case Time:
			return "TIMESTAMPTZ"
		case JSON:
			return "JSONB"
		}
		return "TEXT"
	}
	switch t {
	case Integer, Bool:
		return "INTEGER"
	case Real:
		return "REAL"
	}
	return "TEXT" // text, times and JSON: TEXT affinity keeps them as written
}

// catalogType is how the catalog names sqlType(t): information_schema's
// data_type in PostgreSQL, the declared type in SQLite.
func (s *SQL) catalogType(t ColumnType) string {
	if !s.pg {
		return s.sqlType(t)
	}
	switch t {
	case Integer:
		return "bigint"
	case Real:
		return "double precision"
	case Bool:
		return "boolean"
	case Time:
		return "timestamp with time zone"
	case JSON:
		return "jsonb"
	}
	return "text"
}

// lockKey is the PostgreSQL advisory lock of a name (a table, a schema):
// processes of this package preparing the same table wait for each other.
func lockKey(kind, schema, name string) int64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, "synqly/destination/"+kind+"/"+schema+"/"+name)
	return int64(h.Sum64())
}

// fail maps a database error of operation op: an *errs.Error passes as is;
// the end of ctx is coded Canceled or DeadlineExceeded (errors.Is finds
// the context's error); anything else is errs.Internal. The driver's text
// never shows, since it can quote the statement's values; the driver's
// error stays reachable with errors.As.
func fail(ctx context.Context, err error, op string) error {
	if err == nil {
		return nil
	}
	var ee *errs.Error
	if errors.As(err, &ee) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return errs.FromContext(ctxErr, describe(err), "destination: %s", op)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errs.FromContext(err, nil, "destination: %s", op)
	}
	return errs.Wrap(errs.Internal, describe(err), "destination: %s", op)
}

// driverError stands for a driver's error in the errors this package
// returns: its text says what failed (a SQLSTATE, an SQLite result code,
// the names of the schema objects involved) and never quotes a value.
type driverError struct {
	err  error
	desc string
}

func (d *driverError) Error() string { return d.desc }
func (d *driverError) Unwrap() error { return d.err }

// describe wraps err in a driverError.
func describe(err error) error {
	return &driverError{err: err, desc: description(err)}
}

func description(err error) string {
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	var se sqlite3.Error
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		// Its text names the host and the user: neither is needed to say
		// what failed.
		if errors.As(err, &pe) {
			return "cannot connect to the PostgreSQL server: SQLSTATE " + pe.Code
		}
		return "cannot connect to the PostgreSQL server"
	case errors.As(err, &pe):
		d := "SQLSTATE " + pe.Code
		for _, n := range [...]struct{ what, name string }{
			{"table", pe.TableName}, {"column", pe.ColumnName}, {"constraint", pe.ConstraintName},
		} {
			if n.name != "" {
				d += " " + n.what + " " + n.name
			}
		}
		return d
	case errors.As(err, &se):
		return "sqlite result code " + strconv.Itoa(int(se.ExtendedCode)) + " (" + se.Code.Error() + ")"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err.Error()
	case errors.Is(err, sql.ErrConnDone), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the database connection was lost"
	case errors.As(err, &ne):
		return "network error"
	}
	// Other driver errors (pgx's encoding errors among them) can quote a
	// value: only their type is said.
	return "database driver error (" + strings.TrimPrefix(typeName(err), "*") + ")"
}

// typeName is the type of the innermost error of err's chain.
func typeName(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return fmt.Sprintf("%T", err)
		}
		err = next
	}
}

// stmtCache keeps prepared upsert statements, by table, column list and
// rows per statement, least recently used out first.
type stmtCache struct {
	mu   sync.Mutex
	m    map[stmtKey]*cachedStmt
	tick uint64
}

// maxCachedStmts bounds the cache: a statement of 1,000 rows is large in
// the engine too.
const maxCachedStmts = 16

type stmtKey struct {
	// table is the quoted table and its columns' signature.
	table string
	rows  int
}

type cachedStmt struct {
	st   *sql.Stmt
	used uint64
}

func (c *stmtCache) get(k stmtKey) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[k]
	if e == nil {
		return nil
	}
	c.tick++
	e.used = c.tick
	return e.st
}

// put adds st under k and returns the statement to use: st, or the one
// another goroutine put first (st is then closed).
func (c *stmtCache) put(k stmtKey, st *sql.Stmt) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[stmtKey]*cachedStmt{}
	}
	c.tick++
	if e := c.m[k]; e != nil {
		_ = st.Close()
		e.used = c.tick
		return e.st
	}
	if len(c.m) >= maxCachedStmts {
		var oldK stmtKey
		var old *cachedStmt
		for k, e := range c.m {
			if old == nil || e.used < old.used {
				oldK, old = k, e
			}
		}
		// A transaction using it keeps its connection's copy until it
		// ends (database/sql defers the close).
		_ = old.st.Close()
		delete(c.m, oldK)
	}
	c.m[k] = &cachedStmt{st: st, used: c.tick}
	return st
}

func (c *stmtCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		_ = e.st.Close()
		delete(c.m, k)
	}
}
