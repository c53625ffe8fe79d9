package sqlite

import (
	"errors"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store/internal/sqlstore"
)

// dialect is SQLite's sqlstore.Dialect.
type dialect struct{ filter.Dialect }

// Name prefixes internal error messages.
func (dialect) Name() string { return "sqlite" }

// Classify maps a go-sqlite3 error to a sqlstore.Failure.
func (dialect) Classify(err error) sqlstore.Failure {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return sqlstore.Other
	}
	switch se.ExtendedCode {
	case sqlite3.ErrConstraintPrimaryKey:
		return sqlstore.DuplicateID
	case sqlite3.ErrConstraintUnique:
		// "UNIQUE constraint failed: integrations.scope, integrations.name_key"
		msg := se.Error()
		switch {
		case strings.Contains(msg, ".name_key"):
			return sqlstore.DuplicateName
		case strings.Contains(msg, ".id"):
			return sqlstore.DuplicateID
		}
		return sqlstore.Other
	case sqlite3.ErrConstraintForeignKey:
		return sqlstore.ForeignKey
	}
	switch se.Code {
	case sqlite3.ErrConstraint:
		// ON DELETE RESTRICT fails with SQLITE_CONSTRAINT_TRIGGER.
		if strings.Contains(se.Error(), "FOREIGN KEY constraint failed") {
			return sqlstore.ForeignKey
		}
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return sqlstore.Busy
	}
	return sqlstore.Other
}

// Describe names what failed without SQLite's message, which can quote
// names and values: the generic text of its extended result code (e.g.
// "constraint failed"). Other errors (a canceled context) keep their text.
func (dialect) Describe(err error) string {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err.Error()
	}
	return "sqlite result code " + strconv.Itoa(int(se.ExtendedCode)) + " (" + se.Code.Error() + ")"
}

// RowLock is empty: a write transaction holds the whole database (BEGIN
// IMMEDIATE), so what it reads cannot change before it ends.
func (dialect) RowLock(bool) string { return "" }
