package store

import (
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
)

// The range of times a store can keep in a Time column: Unix nanoseconds in
// an int64, about the years 1678 to 2262. A document time outside it is an
// errs.InvalidInput error that states the range.
var (
	MinTime = time.Unix(0, -1<<63).UTC()
	MaxTime = time.Unix(0, 1<<63-1).UTC()
)

// TimeRange describes [MinTime, MaxTime] for error messages.
var TimeRange = "between " + MinTime.Format(time.RFC3339Nano) + " and " + MaxTime.Format(time.RFC3339Nano) +
	" (the store keeps times as nanoseconds since 1970)"

// Column is a column that an engine extracts from an Object's Doc on Insert
// and Replace, so the query language can filter and order by it in SQL.
//
// Besides its Columns, every table has fixed columns that come from the
// Object itself: id (TEXT PRIMARY KEY), scope (TEXT NOT NULL, empty by
// default), version (INTEGER NOT NULL) and doc (the JSON text). A Named table
// also has name_key (TEXT NOT NULL, strings.ToLower of the name) with
// UNIQUE(scope, name_key); a Sealed table has sealed (BLOB) and key_id
// (TEXT).
type Column struct {
	// Name is the SQL column name, e.g. "config_type".
	Name string
	// Path is the dotted JSON path of the value in Object.Doc, e.g.
	// "config.type". The path "id" always yields Object.ID.
	Path string
	// Type decides how the value is stored: a String as TEXT, a Time (an
	// RFC 3339 string in the Doc) as INTEGER Unix nanoseconds in UTC, a
	// Number as REAL, a Bool as the dialect's boolean.
	Type filter.Type
	// Nullable columns hold NULL when the Doc lacks the value. A String
	// column that is not Nullable holds "" instead; a Time, Number or Bool
	// column that is not Nullable must be present in the Doc.
	Nullable bool
}

// Table describes how one Kind is stored: its SQL table, the columns taken
// from the Doc, and the fields the query language may use.
type Table struct {
	// Kind is the resource stored in the table.
	Kind Kind
	// Name is the SQL table name.
	Name string
	// Noun is the singular resource name used in error messages, e.g.
	// "integration point".
	Noun string
	// Named tables have the name and name_key columns and keep names unique
	// case-insensitively within a Scope. The name comes from the Doc's
	// "name" and must not be empty.
	Named bool
	// Sealed tables have the sealed and key_id columns, from Object.Sealed
	// and Object.KeyID.
	Sealed bool
	// Columns are extracted from the Doc on Insert and Replace. For a Named
	// table the first column is "name".
	Columns []Column
	// Fields is the query language's field set for the Kind: bind queries
	// against it. Field columns use the alias "t" for this table and the
	// relation's name for a joined table; a joined table's document is the
	// column <relation name>.doc.
	Fields *filter.FieldSet
	// Uses, when not nil, says that the table's objects depend on objects
	// of another kind that their documents name (an integration on the
	// credentials its provider configuration references).
	Uses *Uses
}

// Uses describes a dependency of one table's objects on objects of another
// kind, named in their documents. Engines keep the pairs in a join table with
// foreign keys and write it before a transaction commits, so the database
// itself guarantees, whatever runs concurrently, that an object still used
// cannot be deleted (errs.Conflict) and that a use of an object that does not
// exist is never stored (errs.NotFound).
type Uses struct {
	// Kind is the kind of the used objects.
	Kind Kind
	// Table is the join table; UserColumn holds the user's id (its rows go
	// when the user is deleted) and UsedColumn the used object's id.
	Table, UserColumn, UsedColumn string
	// Of returns the ids a document uses, without duplicates.
	Of func(doc map[string]any) []string
}

// Column returns the named column of the table: one of Columns or a fixed
// column (id, scope, version; name_key when Named; key_id when Sealed). The
// doc and sealed columns are not Columns.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	switch name {
	case "id", "scope":
		return Column{Name: name, Path: name, Type: filter.String}, true
	case "version":
		return Column{Name: name, Type: filter.Number}, true
	case "name_key":
		return Column{Name: name, Type: filter.String}, t.Named
	case "key_id":
		return Column{Name: name, Type: filter.String}, t.Sealed
	}
	return Column{}, false
}

// TableOf returns how kind is stored; an unknown kind is an errs.InvalidInput
// error. The Table is shared: do not modify it.
func TableOf(kind Kind) (*Table, error) {
	if t, ok := tables[kind]; ok {
		return t, nil
	}
	return nil, errs.Invalid("kind", "unknown resource kind %q", string(kind))
}

// Fields returns the field set to bind kind's queries against, or nil for an
// unknown kind. The FieldSet is shared: do not modify it. Engines refuse a
// query bound against any other FieldSet.
func Fields(kind Kind) *filter.FieldSet {
	if t, ok := tables[kind]; ok {
		return t.Fields
	}
	return nil
}
