// Package sqlstore is the store.Store engine shared by every SQL database:
// it builds parameterized INSERT, UPDATE, DELETE and SELECT statements from
// the schema in package store, extracts the indexed columns from documents,
// runs the query language's SQL (package filter), pages with keysets, runs
// transactions and maps driver errors to errs codes. A database-specific
// package (store/sqlite, later store/postgres) opens the database, applies its
// migrations and supplies a Dialect.
package sqlstore

import "github.com/seed-e6251c81/synqly/filter"

// Dialect is what the engine needs to know of one SQL database.
type Dialect interface {
	// Dialect writes placeholders and case-insensitive LIKE for the
	// query language and for the engine's own statements.
	filter.Dialect
	// Name prefixes the messages of internal errors, e.g. "sqlite".
	Name() string
	// Classify says what kind of failure a driver error is.
	Classify(err error) Failure
	// RowLock returns the clause that makes a SELECT lock the rows it
	// reads: " FOR SHARE" or " FOR UPDATE" in PostgreSQL, "" in a
	// database with one writer at a time (SQLite).
	RowLock(exclusive bool) string
	// Describe says what failed in a driver error without quoting any
	// value of the statement: a code and the names of the schema objects
	// involved, e.g. "SQLSTATE 23505 on constraint accounts_pkey".
	Describe(err error) string
}

// Failure classifies a driver error.
type Failure int

// The failures the engine maps to errs codes.
const (
	// Other is any other failure (errs.Internal).
	Other Failure = iota
	// DuplicateID is a primary key violation (errs.Conflict).
	DuplicateID
	// DuplicateName is a violation of UNIQUE(scope, name_key)
	// (errs.Conflict).
	DuplicateName
	// ForeignKey is a foreign key violation: a reference to a missing
	// object (errs.NotFound), or the deletion of an object still referred
	// to (errs.Conflict).
	ForeignKey
	// Busy means the database is locked by another writer; the engine
	// retries a few times, then reports errs.Internal.
	Busy
)
