package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"log/slog"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store/internal/sqlstore"
)

// migrationFiles holds the schema migrations, named NNNN_what.sql and
// numbered from 0001 without gaps. Never edit an applied migration: add the
// next one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are the embedded migrations in version order, and
// errMigrations what was wrong with them (a mistake in the program, which
// Open reports and every test finds).
var migrations, errMigrations = loadMigrations(migrationFiles)

func loadMigrations(fsys fs.FS) ([]sqlstore.Migration, error) {
	return sqlstore.LoadMigrations(fsys, "sqlite")
}

// SchemaVersion is the schema version this package creates and reads: the
// number of its last migration.
func SchemaVersion() int { return len(migrations) }

// migrate brings the database's schema up to SchemaVersion, each migration
// in its own write transaction, and records each in schema_migrations. A
// database whose schema is newer than this package is an error. Concurrent
// migrations of one file (two processes opening it) are safe: each
// transaction checks what is applied after taking the write lock.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	if errMigrations != nil {
		return errs.Wrap(errs.Internal, errMigrations, "sqlite: embedded migrations")
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: create schema_migrations")
	}
	for _, m := range migrations {
		if err := apply(ctx, db, m, log); err != nil {
			return err
		}
	}
	return migrateRiver(ctx, db, log)
}

// migrateRiver applies River's migrations (the tables of the library's
// background jobs) in one write transaction, so that concurrent opens of
// one file apply them once.
func migrateRiver(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	rm, err := rivermigrate.New(riversqlite.New(db), &rivermigrate.Config{Logger: log})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: River migrations")
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: migrate River")
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := rm.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: apply River's migrations")
	}
	if err := tx.Commit(); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: commit River's migrations")
	}
	return nil
}

// apply applies m unless it already is.
func apply(ctx context.Context, db *sql.DB, m sqlstore.Migration, log *slog.Logger) error {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: migrate")
	}
	defer func() { _ = tx.Rollback() }()

	var newest int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&newest); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: read schema_migrations")
	}
	if newest > len(migrations) {
		return errs.New(errs.Internal,
			"sqlite: the database has schema version %d, newer than the %d this program knows; use a newer version of the program",
			newest, len(migrations))
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: read schema_migrations")
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: migration %s", m.Name)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
		m.Version, time.Now().UnixNano()); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: record migration %s", m.Name)
	}
	if err := tx.Commit(); err != nil {
		return errs.Wrap(errs.Internal, err, "sqlite: commit migration %s", m.Name)
	}
	log.InfoContext(ctx, "sqlite: applied migration", "version", m.Version, "name", m.Name)
	return nil
}
