// Package sqlite is the default store.Store: one SQLite file, through
// github.com/mattn/go-sqlite3 (cgo).
//
// The database runs in WAL mode with foreign keys on and synchronous=NORMAL:
// readers never wait for the writer, and several Stores or processes can
// open the same file and see each other's committed writes. Writes go
// through a single connection with BEGIN IMMEDIATE, so concurrent Updates
// queue in Go instead of failing with "database is locked"; another process
// writing the same file is waited for up to the busy timeout.
//
// Open applies the embedded, versioned migrations (migrations/NNNN_*.sql),
// each in its own transaction, and records them in schema_migrations. A file
// written by a newer version of this package is refused.
package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/internal/sqlstore"
)

// Store is a store.Store over one SQLite file. It is safe for concurrent
// use.
type Store struct {
	e           *sqlstore.Engine
	read, write *sql.DB
	path        string
}

var _ store.Store = (*Store)(nil)

// stmtCacheSize is how many prepared statements each connection keeps.
const stmtCacheSize = 64

// Open opens the SQLite database file at path, creating it (mode 0600) and
// its parent directory (mode 0700) if missing, and migrates its schema. path
// must name a file: ":memory:", "file:" URIs and names holding '?' are
// refused (use a file in a temporary directory for a throwaway store).
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") || strings.ContainsAny(path, "?\x00") {
		return nil, errs.Invalid("path", "sqlite: the path must name a file (not empty, \":memory:\" or a URI, without '?')")
	}
	if err := createFile(path); err != nil {
		return nil, err
	}

	write, err := sql.Open("sqlite3", dsn(path, cfg, true))
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "sqlite: open %s", path)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		_ = write.Close()
		return nil, errs.Wrap(errs.Internal, err, "sqlite: open %s", path)
	}
	if err := migrate(ctx, write, cfg.logger); err != nil {
		_ = write.Close()
		return nil, err
	}

	read, err := sql.Open("sqlite3", dsn(path, cfg, false))
	if err != nil {
		_ = write.Close()
		return nil, errs.Wrap(errs.Internal, err, "sqlite: open %s", path)
	}
	read.SetMaxOpenConns(cfg.readers)
	read.SetMaxIdleConns(cfg.readers)
	e, err := sqlstore.New(sqlstore.Config{
		Write:   write,
		Read:    read,
		Dialect: dialect{filter.SQLite},
		Logger:  cfg.logger,
	})
	if err != nil {
		_ = write.Close()
		_ = read.Close()
		return nil, err
	}
	return &Store{e: e, read: read, write: write, path: path}, nil
}

// createFile creates the parent directory (0700) and the database file
// (0600) if they are missing, so SQLite never creates them with wider
// permissions; its -wal and -shm files take the database file's mode.
func createFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: create the directory of %s", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: create %s", path)
	}
	return f.Close()
}

// dsn returns the go-sqlite3 data source name of path. Writers take the
// write lock when their transaction begins (BEGIN IMMEDIATE), so a
// transaction never fails half-way on a lock upgrade.
func dsn(path string, cfg config, writer bool) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_foreign_keys", "on")
	v.Set("_synchronous", "NORMAL")
	v.Set("_busy_timeout", strconv.FormatInt(cfg.busyTimeout.Milliseconds(), 10))
	v.Set("_stmt_cache_size", strconv.Itoa(stmtCacheSize))
	if writer {
		v.Set("_txlock", "immediate")
	}
	return path + "?" + v.Encode()
}

// Get returns the object, or an errs.NotFound error.
func (s *Store) Get(ctx context.Context, kind store.Kind, id string) (*store.Object, error) {
	return s.e.Get(ctx, kind, id)
}

// List returns one page of objects matching req, in the query's order; see
// store.Reader.
func (s *Store) List(ctx context.Context, req store.ListRequest) (*store.Page, error) {
	return s.e.List(ctx, req)
}

// Update runs fn in a write transaction; see store.Store. Updates run one at
// a time. fn must not call s.Update (that would wait for itself until ctx
// ends); it may call s.Get and s.List, which see the last committed state,
// not fn's own writes.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.e.Update(ctx, fn)
}

// Close closes the database. Methods called after Close return errs.Internal
// errors; closing twice is not an error.
func (s *Store) Close() error { return s.e.Close() }

// Path returns the path of the database file.
func (s *Store) Path() string { return s.path }

// DB returns the connection pool that Get and List read through. It is an
// escape hatch for tests and benchmarks: writing through it bypasses every
// check of the store (versions, name keys, extracted columns).
func (s *Store) DB() *sql.DB { return s.read }

// SQLDB implements store.SQLBacked: the single-connection pool writes go
// through, which River's SQLite driver shares (it wants one connection).
func (s *Store) SQLDB() *sql.DB { return s.write }

// Engine implements store.SQLBacked.
func (s *Store) Engine() string { return "sqlite" }

// init registers the "sqlite" scheme for store.OpenDSN: "sqlite:file.db"
// or "sqlite:///abs/path/file.db".
func init() {
	store.Register("sqlite", func(ctx context.Context, dsn string) (store.Store, error) {
		s, err := Open(ctx, strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"))
		if err != nil {
			return nil, err
		}
		return s, nil
	})
}
