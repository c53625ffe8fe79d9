// Package postgres is the store.Store for several application instances
// that share state: one PostgreSQL database (version 12 or later), through
// github.com/jackc/pgx/v5.
//
// The Store runs the same SQL engine as store/sqlite over database/sql with
// pgx's driver (github.com/jackc/pgx/v5/stdlib): a pool of connections, each
// of which prepares the statements it runs once and caches them. Write
// transactions run at PostgreSQL's default isolation, READ COMMITTED; a
// Replace is an UPDATE guarded by the object's version, so of two concurrent
// Replaces of one object (from any number of Stores or processes) exactly one
// wins and the other gets an errs.Conflict error, and unique names and
// foreign keys are enforced by the database.
//
// # DSN
//
// Open takes a libpq connection string, as a URL or as key=value pairs:
//
//	postgres://synqly:secret@db.example.com:5432/synqly?sslmode=verify-full
//	host=/var/run/postgresql dbname=synqly user=synqly
//
// Every libpq setting pgx knows applies (sslmode, connect_timeout, the PG*
// environment variables, ~/.pgpass, ...), and any other parameter is sent to
// the server as a run-time setting: search_path=myschema keeps the tables in
// that schema (the first of the path), so several independent stores can
// share one database. The database must use the UTF8 encoding.
//
// # Schema
//
// Open applies the embedded, versioned migrations (migrations/NNNN_*.sql)
// in one transaction that holds a PostgreSQL advisory lock, so that several
// instances starting at once migrate the database exactly once, and records
// them in the table schema_migrations. A database migrated by a newer
// version of this package is refused. Text columns that the query language
// filters or orders use COLLATE "C", so lists are in byte order whatever the
// database's locale, the same order as store/sqlite's.
//
// # Use
//
//	s, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"))
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//	client, err := synqly.Open(ctx, synqly.WithStore(s), synqly.WithSecretKey(key))
package postgres

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/internal/sqlstore"
)

// Store is a store.Store over one PostgreSQL database. It is safe for
// concurrent use, and any number of Stores, in any number of processes, may
// use one database at once.
type Store struct {
	e  *sqlstore.Engine
	db *sql.DB
}

var _ store.Store = (*Store)(nil)

// Open connects to the PostgreSQL database that dsn names (see the package
// documentation for its format), checks that it can, and migrates the
// schema. The DSN is never quoted in an error, since it may hold a password.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(dsn) == "" {
		return nil, errs.Invalid("dsn", "postgres: the DSN is empty")
	}
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		// Not wrapped: the parser's message may quote the DSN.
		return nil, errs.Invalid("dsn",
			"postgres: the DSN cannot be parsed; use a postgres:// URL or key=value pairs")
	}
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(cfg.maxConns)
	db.SetMaxIdleConns(cfg.maxConns)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, errs.Wrap(errs.Internal, err, "postgres: connect to %s", where(cc))
	}
	var enc string
	if err := db.QueryRowContext(ctx, "SHOW server_encoding").Scan(&enc); err != nil {
		_ = db.Close()
		return nil, errs.Wrap(errs.Internal, err, "postgres: read the server encoding")
	}
	if enc != "UTF8" {
		_ = db.Close()
		return nil, errs.New(errs.InvalidInput, "postgres: database %s uses the encoding %s; the store needs UTF8", cc.Database, enc)
	}
	if err := migrate(ctx, db, cfg.logger); err != nil {
		_ = db.Close()
		return nil, err
	}
	e, err := sqlstore.New(sqlstore.Config{
		Write:   db,
		Dialect: dialect{filter.Postgres},
		Logger:  cfg.logger,
	})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return &Store{e: e, db: db}, nil
}

// where describes the server and database of cc for messages, without the
// user or password.
func where(cc *pgx.ConnConfig) string {
	return "database " + cc.Database + " on " + cc.Host
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

// Update runs fn in a READ COMMITTED transaction; see store.Store. Updates
// run concurrently, each on its own connection, so fn should be short: it
// holds a connection and the row locks of what it wrote until it returns.
// Reads through s inside fn see the last committed state, not fn's own
// writes.
//
// Unlike SQLite, PostgreSQL aborts a transaction when one of its statements
// fails: after a Tx method returns an error that the database raised (a
// duplicate name or id, a missing or still-used reference), every later call
// on that Tx fails too, and fn should return the error. Errors the store
// finds without a failed statement (not found, a stale version, invalid
// input) leave the transaction usable.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.e.Update(ctx, fn)
}

// Close closes the connection pool. Methods called after Close return
// errs.Internal errors; closing twice is not an error.
func (s *Store) Close() error { return s.e.Close() }

// DB returns the connection pool. It is an escape hatch for tests and
// benchmarks: writing through it bypasses every check of the store
// (versions, name keys, extracted columns).
func (s *Store) DB() *sql.DB { return s.db }

// SQLDB implements store.SQLBacked: the connection pool.
func (s *Store) SQLDB() *sql.DB { return s.db }

// Engine implements store.SQLBacked.
func (s *Store) Engine() string { return "postgres" }

// init registers the "postgres" and "postgresql" schemes for
// store.OpenDSN (and so synqly.WithStoreDSN) with URL data source names.
func init() {
	open := func(ctx context.Context, dsn string) (store.Store, error) {
		s, err := Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	store.Register("postgres", open)
	store.Register("postgresql", open)
}
