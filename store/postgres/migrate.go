package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

// migrationFiles holds the schema migrations, named NNNN_what.sql and
// numbered from 0001 without gaps. Never edit an applied migration: add the
// next one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one versioned schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the embedded migrations in version order, and
// errMigrations what was wrong with them (a mistake in the program, which
// Open reports and every test finds).
var migrations, errMigrations = loadMigrations(migrationFiles)

// loadMigrations reads NNNN_*.sql files from fsys's migrations directory.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("postgres: migration %q is not named NNNN_what.sql", e.Name())
		}
		data, err := fs.ReadFile(fsys, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(data)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("postgres: migrations must be numbered 1, 2, ... without gaps; found %q at position %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this package creates and reads: the
// number of its last migration.
func SchemaVersion() int { return len(migrations) }

// migrationLock is the key of the transaction-level advisory lock that
// migrations hold (the first 8 bytes of "synqly.m" as a big-endian
// integer), so that Stores opening one database at once migrate it once.
const migrationLock int64 = 0x73796e716c792e6d

// migrate brings the schema (in the first schema of the connection's
// search_path) up to SchemaVersion, in one transaction that first takes the
// advisory lock migrationLock: a concurrent Open waits, then finds the
// migrations applied. Each applied migration is recorded in
// schema_migrations. A schema newer than this package is an error.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	if errMigrations != nil {
		return errs.Wrap(errs.Internal, errMigrations, "postgres: embedded migrations")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: migrate")
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: take the migration lock")
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		applied_at BIGINT NOT NULL
	)`
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: create schema_migrations")
	}
	var newest int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&newest); err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: read schema_migrations")
	}
	if newest > len(migrations) {
		return errs.New(errs.Internal,
			"postgres: the database has schema version %d, newer than the %d this program knows; use a newer version of the program",
			newest, len(migrations))
	}
	var done []migration
	for _, m := range migrations[newest:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return errs.Wrap(errs.Internal, err, "postgres: migration %s", m.name)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
			m.version, time.Now().UnixNano()); err != nil {
			return errs.Wrap(errs.Internal, err, "postgres: record migration %s", m.name)
		}
		done = append(done, m)
	}
	if err := tx.Commit(); err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: commit migrations")
	}
	for _, m := range done {
		log.InfoContext(ctx, "postgres: applied migration", "version", m.version, "name", m.name)
	}
	return nil
}
