package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store/internal/sqlstore"
)

// dialect is PostgreSQL's sqlstore.Dialect.
type dialect struct{ filter.Dialect }

// Name prefixes internal error messages.
func (dialect) Name() string { return "postgres" }

// The SQLSTATE codes Classify knows.
const (
	uniqueViolation      = "23505"
	foreignKeyViolation  = "23503"
	restrictViolation    = "23001"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
	lockNotAvailable     = "55P03"
)

// Classify maps a PostgreSQL error (*pgconn.PgError) to a sqlstore.Failure
// by its SQLSTATE. A unique violation of a table's primary key (constraint
// "<table>_pkey") is a duplicate id; any other unique violation is that of
// UNIQUE (scope, name_key), the only other unique constraint of the schema.
func (dialect) Classify(err error) sqlstore.Failure {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return sqlstore.Other
	}
	switch pe.Code {
	case uniqueViolation:
		if strings.HasSuffix(pe.ConstraintName, "_pkey") {
			return sqlstore.DuplicateID
		}
		return sqlstore.DuplicateName
	case foreignKeyViolation, restrictViolation:
		return sqlstore.ForeignKey
	case serializationFailure, deadlockDetected, lockNotAvailable:
		return sqlstore.Busy
	}
	return sqlstore.Other
}

// Describe names what failed without the server's message, which can quote
// values: the SQLSTATE and the schema objects the error names. Errors that
// did not come from the server (a lost connection, a canceled context) are
// described by their own text, which holds no statement values.
func (dialect) Describe(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	s := "SQLSTATE " + pe.Code
	for _, n := range []struct{ what, name string }{
		{"table", pe.TableName}, {"column", pe.ColumnName}, {"constraint", pe.ConstraintName},
	} {
		if n.name != "" {
			s += " " + n.what + " " + n.name
		}
	}
	return s
}

// RowLock locks the rows a SELECT reads until the transaction ends.
func (dialect) RowLock(exclusive bool) string {
	if exclusive {
		return " FOR UPDATE"
	}
	return " FOR SHARE"
}
