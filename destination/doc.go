// Package destination writes synced records into an application's own SQL
// database, SQLite (github.com/mattn/go-sqlite3) or PostgreSQL
// (github.com/jackc/pgx/v5), for the sync plane of package synqly: one
// table per synced object, created and migrated here, written with
// idempotent upserts, and a soft delete of the rows a full run no longer
// saw.
//
// A sync run calls [Writer.Prepare] once per object, [Writer.Write] per
// batch of records, and, when it read everything, [Writer.SoftDeleteUnseen].
//
// # Table layout
//
// The layout is a promise: applications query these tables themselves. An
// object's table is "synqly_" + its name (e.g. synqly_ticketing_tickets)
// unless [Object.Table] names another, in the schema [WithSchema] gives
// (PostgreSQL), and has these columns, in this order:
//
//	column                    SQLite                      PostgreSQL                      meaning
//	------------------------  --------------------------  ------------------------------  -------------------------------
//	_synqly_integration_id    TEXT NOT NULL               TEXT NOT NULL                   the integration the row came from
//	_synqly_account_id        TEXT NOT NULL DEFAULT ''    TEXT NOT NULL DEFAULT ''        the integration's account
//	_synqly_provider          TEXT NOT NULL DEFAULT ''    TEXT NOT NULL DEFAULT ''        the provider type
//	id                        TEXT NOT NULL               TEXT NOT NULL                   the vendor's id of the record
//	model columns …           by ColumnType, nullable     by ColumnType, nullable         Object.Columns, in order
//	_synqly_raw_data          TEXT (JSON)                 JSONB                           the vendor's record as read
//	_synqly_last_modified_at  TEXT (time)                 TIMESTAMPTZ                     modified at the vendor
//	_synqly_emitted_at        TEXT (time) NOT NULL        TIMESTAMPTZ NOT NULL            when the sync emitted (or deleted) it
//	_synqly_is_deleted        INTEGER NOT NULL DEFAULT 0  BOOLEAN NOT NULL DEFAULT false  a full run no longer saw it
//	_synqly_run_id            TEXT NOT NULL               TEXT NOT NULL                   the run that last wrote the row
//
// The model columns' types:
//
//	ColumnType  Go value         SQLite                    PostgreSQL
//	----------  ---------------  ------------------------  ----------------
//	Text        string           TEXT                      TEXT
//	Integer     int64 (or int)   INTEGER                   BIGINT
//	Real        float64          REAL                      DOUBLE PRECISION
//	Bool        bool             INTEGER 0 or 1            BOOLEAN
//	Time        time.Time        TEXT (time)               TIMESTAMPTZ
//	JSON        json.RawMessage  TEXT (JSON)               JSONB
//
// The primary key is (_synqly_integration_id, id); an index on
// (_synqly_integration_id, _synqly_run_id), named <table>_run_idx (cut
// and hashed when that passes 63 bytes), serves the soft delete. Columns
// added later come last; Prepare never drops, renames or retypes a column.
// It compares a column's type with the catalog's: in SQLite, where Text,
// Time and JSON are all TEXT and Integer and Bool both INTEGER, a change
// among those is not seen.
//
// SQLite keeps a time as UTC text of fixed width, 2006-01-02T15:04:05.000000000Z
// (nanoseconds), so that times sort and compare as text; PostgreSQL keeps
// microseconds. Times are limited to years 1 to 9999.
//
// # Writing
//
// Write upserts a batch in one transaction: it checks every row first and
// writes nothing if one is invalid, then sends multi-row INSERT ... ON
// CONFLICT DO UPDATE statements of up to 1,000 rows, under the engine's
// bind-parameter limit, each prepared once per table and size and reused.
// Identifiers are validated ([a-z][a-z0-9_]*) and double-quoted; values
// are always bind parameters. Rows of one batch with the same id are
// written once, as the last says.
//
// # Errors
//
// Errors are *errs.Error values (package github.com/seed-e6251c81/synqly/errs):
// errs.InvalidInput naming the field ("rows[3].values[2]"), errs.Conflict
// for a table that cannot take the object, errs.Canceled or
// errs.DeadlineExceeded when the context ends (errors.Is finds the
// context's error), and errs.Internal for a database failure. A message
// never quotes a stored value, a DSN or the driver's text (which can quote
// values); the driver's error stays reachable with errors.As.
package destination
