package postgres

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"log/slog"
	"time"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
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
	return sqlstore.LoadMigrations(fsys, "postgres")
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
	var done []sqlstore.Migration
	for _, m := range migrations[newest:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return errs.Wrap(errs.Internal, err, "postgres: migration %s", m.Name)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
			m.Version, time.Now().UnixNano()); err != nil {
			return errs.Wrap(errs.Internal, err, "postgres: record migration %s", m.Name)
		}
		done = append(done, m)
	}
	if err := tx.Commit(); err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: commit migrations")
	}
	for _, m := range done {
		log.InfoContext(ctx, "postgres: applied migration", "version", m.Version, "name", m.Name)
	}
	return migrateRiver(ctx, db, log)
}

// migrateRiver applies River's migrations (the tables of the library's
// background jobs), one per transaction since some of them add enum values
// that a later statement uses, each under the migration lock, so that
// instances starting at once apply each exactly once.
func migrateRiver(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	rm, err := rivermigrate.New(riverdatabasesql.New(db), &rivermigrate.Config{Logger: log})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "postgres: River migrations")
	}
	for {
		applied, err := func() (int, error) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return 0, errs.Wrap(errs.Internal, err, "postgres: migrate River")
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
				return 0, errs.Wrap(errs.Internal, err, "postgres: take the migration lock")
			}
			res, err := rm.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
			if err != nil {
				return 0, errs.Wrap(errs.Internal, err, "postgres: apply River's migrations")
			}
			if err := tx.Commit(); err != nil {
				return 0, errs.Wrap(errs.Internal, err, "postgres: commit River's migrations")
			}
			return len(res.Versions), nil
		}()
		if err != nil || applied == 0 {
			return err
		}
	}
}
