package destination

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
)

// ColumnType is the SQL type of a model column. It also fixes the Go type
// a Row's value for the column must have.
type ColumnType int

// The column types, with the Go type of their values and their SQL type in
// SQLite and in PostgreSQL.
const (
	Text    ColumnType = iota + 1 // string: TEXT / TEXT
	Integer                       // int64 (or int): INTEGER / BIGINT
	Real                          // float64, not NaN: REAL / DOUBLE PRECISION
	Bool                          // bool: INTEGER 0 or 1 / BOOLEAN
	Time                          // time.Time, years 1 to 9999: TEXT "2006-01-02T15:04:05.000000000Z" in UTC / TIMESTAMPTZ
	JSON                          // json.RawMessage, valid UTF-8 JSON: TEXT / JSONB
)

// String returns the type's name, e.g. "text".
func (t ColumnType) String() string {
	switch t {
	case Text:
		return "text"
	case Integer:
		return "integer"
	case Real:
		return "real"
	case Bool:
		return "bool"
	case Time:
		return "time"
	case JSON:
		return "json"
	}
	return "ColumnType(" + strconv.Itoa(int(t)) + ")"
}

func (t ColumnType) valid() bool { return t >= Text && t <= JSON }

// Column is one model column of an object's table.
type Column struct {
	// Name is the column's name: [a-z][a-z0-9_]{0,62}, neither "id" nor
	// starting with "_synqly_" (those are the package's own columns).
	Name string
	// Type is the column's SQL type, and the Go type of its values.
	Type ColumnType
}

// Object describes one synced object: its table and its model columns.
type Object struct {
	// Name is the object's name, e.g. "ticketing_tickets":
	// [a-z][a-z0-9_]{0,47}, so that "synqly_" + Name is an identifier
	// every engine accepts.
	Name string
	// Table is the table's name; empty means "synqly_" + Name. It follows
	// the identifier rule, [a-z][a-z0-9_]*, at most 63 bytes (PostgreSQL
	// cuts longer names).
	Table string
	// Columns are the model's columns besides id, in order: at most 1,500,
	// of unique names.
	Columns []Column
}

// Limits of names and ids, in bytes.
const (
	maxObjectName = 48
	// maxIdentifier is PostgreSQL's NAMEDATALEN-1: a longer name would be
	// cut silently, and two names could become one.
	maxIdentifier = 63
	// maxText is the limit of an id and of the batch's own strings: they
	// are keys, and a key of a megabyte is a mistake.
	maxText = 1024
	// maxColumns bounds an object's model columns under PostgreSQL's 1,600
	// columns of a table, with room for the package's own.
	maxColumns = 1500
)

// TableName returns the object's table: Table, or "synqly_" + Name.
func (o Object) TableName() string {
	if o.Table != "" {
		return o.Table
	}
	return "synqly_" + o.Name
}

// ValidIdentifier reports whether s is a name this package accepts for a
// table, a column or a schema: [a-z][a-z0-9_]*, at most 63 bytes. Such a
// name never needs escaping, and means the same quoted or not.
func ValidIdentifier(s string) bool {
	if s == "" || len(s) > maxIdentifier || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Validate checks the object's names and column types. Its error is an
// *errs.Error coded errs.InvalidInput whose Field names the offending
// part, e.g. "object.columns[1].name".
func (o Object) Validate() error {
	if len(o.Name) > maxObjectName || !ValidIdentifier(o.Name) {
		return errs.Invalid("object.name", "destination: the object name %q must be [a-z][a-z0-9_]*, at most %d bytes",
			errs.Clip(o.Name, 64), maxObjectName)
	}
	if o.Table != "" && !ValidIdentifier(o.Table) {
		return errs.Invalid("object.table", "destination: the table name %q must be [a-z][a-z0-9_]*, at most %d bytes",
			errs.Clip(o.Table, 64), maxIdentifier)
	}
	if len(o.Columns) > maxColumns {
		return errs.Invalid("object.columns", "destination: an object has at most %d columns, not %d", maxColumns, len(o.Columns))
	}
	for i, c := range o.Columns {
		f := "object.columns[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidIdentifier(c.Name):
			return errs.Invalid(f+".name", "destination: the column name %q must be [a-z][a-z0-9_]*, at most %d bytes",
				errs.Clip(c.Name, 64), maxIdentifier)
		case c.Name == "id" || strings.HasPrefix(c.Name, "_synqly_"):
			return errs.Invalid(f+".name", "destination: %s is a column of the package's own; a model column cannot be named so", c.Name)
		case !c.Type.valid():
			return errs.Invalid(f+".type", "destination: column %s has no valid type (%s)", c.Name, c.Type)
		}
		for _, d := range o.Columns[:i] {
			if d.Name == c.Name {
				return errs.Invalid(f+".name", "destination: column %s is listed twice", c.Name)
			}
		}
	}
	return nil
}

// Row is one record.
type Row struct {
	// ID is the vendor's id of the record: required, valid UTF-8 without
	// NUL, at most 1024 bytes.
	ID string
	// Values are aligned with Object.Columns; nil is NULL. A value has the
	// Go type its ColumnType names; any other is an errs.InvalidInput
	// error naming the column.
	Values []any
	// Raw is the vendor's record as read: valid UTF-8 JSON, or nil for
	// NULL.
	Raw json.RawMessage
	// LastModified is the record's modification time at the vendor; zero
	// is NULL.
	LastModified time.Time
}

// Batch is what one Write stores: rows of one object from one integration,
// written by one sync run.
type Batch struct {
	// Object is the object whose table the rows go to; Prepare it first.
	Object Object
	// IntegrationID is the integration the rows come from; required.
	IntegrationID string
	// AccountID is the integration's account.
	AccountID string
	// Provider is the integration's provider type, e.g.
	// "ticketing_mock_ticketing".
	Provider string
	// RunID is the sync run writing; required. SoftDeleteUnseen keys on it.
	RunID string
	// EmittedAt is when the engine emitted the batch; zero means now.
	EmittedAt time.Time
	// Rows are the records. An id that appears twice is written once, as
	// its last row says.
	Rows []Row
}

// Writer is a destination database: where sync runs write the records of
// objects. *SQL is the Writer of SQLite and PostgreSQL databases.
type Writer interface {
	// Prepare creates the object's table (and its indexes) if it is
	// missing, and adds the model columns it lacks. It never drops or
	// retypes a column: a column of the same name and another type is an
	// errs.Conflict error naming the column. Prepare is idempotent, and
	// safe when several processes prepare the same table at once.
	Prepare(ctx context.Context, obj Object) error
	// Write upserts every row of b in one transaction, keyed by
	// (_synqly_integration_id, id): writing the same batch twice leaves the
	// table as after once, and a later write of a row replaces all its
	// columns and clears _synqly_is_deleted. Every row is checked before
	// anything is written: if one is invalid, nothing is.
	Write(ctx context.Context, b Batch) error
	// SoftDeleteUnseen marks deleted (_synqly_is_deleted true,
	// _synqly_emitted_at at) every row of the integration that is not
	// deleted yet and that another run than runID wrote last, and returns
	// how many rows it marked. A full run calls it once it has written
	// everything it saw.
	SoftDeleteUnseen(ctx context.Context, obj Object, integrationID, runID string, at time.Time) (int64, error)
	// DeleteIntegration removes every row of the integration from the
	// object's table, returning how many; a missing table is 0, nil.
	DeleteIntegration(ctx context.Context, obj Object, integrationID string) (int64, error)
	// Close releases what the writer holds: what OpenSQLite or
	// OpenPostgres opened, not a *sql.DB given to NewSQLite or NewPostgres.
	Close() error
}

// checkText refuses a string a TEXT column of both engines cannot hold as
// given: PostgreSQL refuses NUL and invalid UTF-8, and SQLite would keep
// them but cut or mangle them on the way out. max 0 is no length limit.
func checkText(field, s string, max int) error {
	switch {
	case max > 0 && len(s) > max:
		return errs.Invalid(field, "destination: %s is %d bytes long; the limit is %d", field, len(s), max)
	case strings.IndexByte(s, 0) >= 0:
		return errs.Invalid(field, "destination: %s holds a NUL byte", field)
	case !utf8.ValidString(s):
		return errs.Invalid(field, "destination: %s is not valid UTF-8", field)
	}
	return nil
}

// checkTime refuses a time outside years 1 to 9999: the SQLite text form is
// fixed-width only there, and PostgreSQL has no year 0.
func checkTime(field string, t time.Time) error {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return errs.Invalid(field, "destination: %s is outside years 1 to 9999", field)
	}
	return nil
}

// checkJSON refuses what is not JSON in UTF-8 (json.Valid lets invalid
// UTF-8 pass inside strings; PostgreSQL does not). On PostgreSQL it also
// refuses the escape \u0000, which JSONB cannot hold.
func checkJSON(field string, raw []byte, pg bool) error {
	ok, nul := scanJSON(raw)
	if !ok {
		return errs.Invalid(field, "destination: %s is not valid JSON", field)
	}
	if pg && nul {
		return errs.Invalid(field, "destination: %s holds the escape \\u0000, which PostgreSQL's JSONB cannot store", field)
	}
	return nil
}

// checkBatch validates all of b before anything is written. Error fields
// name the batch's part: "integration_id", "rows[3].values[2]".
func checkBatch(b *Batch, pg bool) error {
	if err := b.Object.Validate(); err != nil {
		return err
	}
	if b.IntegrationID == "" {
		return errs.Invalid("integration_id", "destination: a batch needs an integration id")
	}
	if b.RunID == "" {
		return errs.Invalid("run_id", "destination: a batch needs a run id")
	}
	for _, f := range [...]struct{ name, v string }{
		{"integration_id", b.IntegrationID}, {"account_id", b.AccountID}, {"provider", b.Provider}, {"run_id", b.RunID},
	} {
		if err := checkText(f.name, f.v, maxText); err != nil {
			return err
		}
	}
	if !b.EmittedAt.IsZero() {
		if err := checkTime("emitted_at", b.EmittedAt); err != nil {
			return err
		}
	}
	cols := b.Object.Columns
	for i := range b.Rows {
		r := &b.Rows[i]
		if err := checkRow(i, r, cols, pg); err != nil {
			return err
		}
	}
	return nil
}

func checkRow(i int, r *Row, cols []Column, pg bool) error {
	// Field names are built only on failure: this runs for every row.
	field := func(part string) string { return "rows[" + strconv.Itoa(i) + "]" + part }
	if r.ID == "" {
		return errs.Invalid(field(".id"), "destination: row %d has no id", i)
	}
	if len(r.ID) > maxText || !plainText(r.ID) {
		return checkText(field(".id"), r.ID, maxText)
	}
	if len(r.Values) != len(cols) {
		return errs.Invalid(field(".values"), "destination: row %d has %d values for %d columns", i, len(r.Values), len(cols))
	}
	if r.Raw != nil && !validJSON(r.Raw, pg) {
		return checkJSON(field(".raw"), r.Raw, pg)
	}
	if !r.LastModified.IsZero() && !timeInRange(r.LastModified) {
		return checkTime(field(".last_modified"), r.LastModified)
	}
	for j, v := range r.Values {
		if v == nil {
			continue
		}
		if !valueOK(cols[j].Type, v) || !contentOK(cols[j].Type, v, pg) {
			f := field(".values[" + strconv.Itoa(j) + "]")
			if !valueOK(cols[j].Type, v) {
				return errs.Invalid(f, "destination: column %s (%s) cannot hold a %T", cols[j].Name, cols[j].Type, v)
			}
			return checkValue(f, cols[j].Type, v, pg)
		}
	}
	return nil
}

// plainText reports whether checkText(_, s, 0) passes.
func plainText(s string) bool { return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) }

// timeInRange reports whether checkTime passes.
func timeInRange(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1 && y <= 9999
}

// validJSON reports whether checkJSON passes.
func validJSON(raw []byte, pg bool) bool {
	ok, nul := scanJSON(raw)
	return ok && (!pg || !nul)
}

// valueOK reports whether v has the Go type of t.
func valueOK(t ColumnType, v any) bool {
	switch t {
	case Text:
		_, ok := v.(string)
		return ok
	case Integer:
		switch v.(type) {
		case int64, int:
			return true
		}
	case Real:
		_, ok := v.(float64)
		return ok
	case Bool:
		_, ok := v.(bool)
		return ok
	case Time:
		_, ok := v.(time.Time)
		return ok
	case JSON:
		_, ok := v.(json.RawMessage)
		return ok
	}
	return false
}

// contentOK reports whether the content of a value of the right type
// passes checkValue.
func contentOK(t ColumnType, v any, pg bool) bool {
	switch t {
	case Text:
		return plainText(v.(string))
	case Real:
		return !math.IsNaN(v.(float64))
	case Time:
		return timeInRange(v.(time.Time))
	case JSON:
		raw := v.(json.RawMessage)
		return raw == nil || validJSON(raw, pg) // a nil RawMessage is NULL, as nil is
	}
	return true
}

// checkValue explains why contentOK refused a value.
func checkValue(field string, t ColumnType, v any, pg bool) error {
	switch t {
	case Text:
		return checkText(field, v.(string), 0)
	case Real:
		// SQLite stores NaN as NULL: refused on both, for one behavior.
		return errs.Invalid(field, "destination: %s is NaN, which SQLite cannot store", field)
	case Time:
		return checkTime(field, v.(time.Time))
	case JSON:
		return checkJSON(field, v.(json.RawMessage), pg)
	}
	return nil
}
