package filter

import (
	"time"

	"github.com/seed-e6251c81/synqly/internal/timefmt"
)

// Op is a filter operator.
type Op string

// The operators of the query language (seed 002). Parse also accepts "neq"
// for Ne, and "not_in"/"not_like" spelled with an underscore.
const (
	Eq      Op = "eq"
	Ne      Op = "ne"
	Gt      Op = "gt"
	Lt      Op = "lt"
	Gte     Op = "gte"
	Lte     Op = "lte"
	In      Op = "in"
	Like    Op = "like"
	NotIn   Op = "not in"
	NotLike Op = "not like"
)

// Direction is a sort direction.
type Direction string

// Sort directions. Parse also accepts "dsc" for Desc, as the seed spells it.
const (
	Asc  Direction = "asc"
	Desc Direction = "desc"
)

// Condition is one parsed filter term: field[op]value.
type Condition struct {
	// Field is the field name as written (Bound.Filters gives the canonical
	// name, relation aliases resolved).
	Field string
	// Op is the operator, normalized to one of the Op constants.
	Op Op
	// Value is the raw value text; for In and NotIn it is split into Values.
	Value  string
	Values []string
}

// OrderTerm is one parsed order term: field[dir].
type OrderTerm struct {
	// Field is the field name.
	Field string
	// Dir is Asc or Desc (Parse sets Asc when the term has no direction).
	Dir Direction
}

// Params are the raw list parameters as a caller or an HTTP query gives them.
type Params struct {
	// Filter holds field[op]value terms, ANDed together.
	Filter []string
	// Order holds field, field[asc] or field[desc] terms, applied in order.
	Order []string
	// Limit is the page size; 0 means DefaultLimit.
	Limit int
	// StartAfter resumes after the item with this name, or after the item a
	// page's Next cursor designates.
	StartAfter string
	// Expand names related objects to fill in (e.g. "account").
	Expand []string
}

// Query is a syntactically valid query, not yet checked against any field set.
// Parse makes one; Bind checks it against a FieldSet.
type Query struct {
	// Filters are the filter terms, ANDed together.
	Filters []Condition
	// Order holds the order terms, applied in order.
	Order []OrderTerm
	// Limit is the page size; 0 means the field set's default.
	Limit int
	// StartAfter is a cursor token (see Bound.Encode) or a name, or "".
	StartAfter string
	// Expand names the relations to expand, trimmed, as written.
	Expand []string
}

// Type is the type of a field's values; it decides how values parse and compare.
type Type int

// Field types.
const (
	// String values compare as strings; like/not like match ASCII
	// case-insensitively.
	String Type = iota
	// Time values are RFC 3339 times in queries (strictly, years 0000 to
	// 9999; see the package documentation) and compare as instants. In SQL a
	// Time column holds int64 Unix nanoseconds (UTC), so the years 1678 to
	// 2262; a comparison with a time outside them is folded to what it gives
	// for every such value.
	Time
	// Number values parse as float64 and compare numerically.
	Number
	// Bool values are "true" or "false".
	Bool
)

// Field describes one queryable field of a resource.
type Field struct {
	// Name is the field's name in queries, e.g. "name" or "account.name".
	Name string
	// Type decides how values parse and compare.
	Type Type
	// Enum, when not empty, lists the only values eq/ne/in/not in accept.
	Enum []string
	// Column is the SQL expression holding the field, already qualified with
	// its table alias, e.g. "t.name" or "account.name". It comes from the
	// program, never from user input. It should be a column reference or a
	// parenthesized expression, since operators are written right after it.
	// For Compare to sort as SQL does, text columns must compare bytewise
	// (SQLite's default BINARY collation, PostgreSQL's COLLATE "C"). A field
	// without a Column can be matched in memory but not compiled to SQL.
	Column string
	// Join names the relation that must be joined to reach Column ("" when the
	// column is on the base table). It must be the Name of one of the field
	// set's Relations.
	Join string
	// Nullable marks a column that may hold NULL (an absent value). A field
	// with a Join is always treated as nullable, since the related row may be
	// missing.
	Nullable bool
	// Orderable reports whether the field may appear in order terms.
	Orderable bool
}

// Relation describes a related resource that can be expanded and joined.
type Relation struct {
	// Name is the relation's name in expand and as a field prefix ("account").
	Name string
	// Aliases are other accepted spellings in expand (e.g. "accounts").
	Aliases []string
	// Join is the SQL join clause, e.g.
	// "LEFT JOIN accounts account ON account.id = t.account_id".
	Join string
}

// FieldSet is the whitelist of fields a resource can be filtered and ordered
// by. Fields not in the set are refused with an invalid-query error.
type FieldSet struct {
	// Resource names the resource in error messages, e.g. "integrations".
	Resource string
	// Fields lists the queryable fields.
	Fields []Field
	// Relations lists what may be expanded.
	Relations []Relation
	// DefaultOrder applies when a query has no order terms. When it is empty
	// too, the order is "name" ascending if the set has an orderable "name".
	DefaultOrder []OrderTerm
	// Tiebreak is a unique field appended to every order so the order is
	// total and keyset paging is exact (usually "id"). Unless the order
	// already holds it, it is appended in the direction of the order's last
	// term, so an index on (last field, tiebreak) serves the whole order.
	Tiebreak string
	// DefaultLimit applies when a query's Limit is 0 (DefaultLimit if 0).
	DefaultLimit int
	// MaxLimit is the largest accepted Limit (MaxLimit if 0).
	MaxLimit int
}

// Defaults for FieldSet.DefaultLimit and FieldSet.MaxLimit.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Limits on query size that keep a hostile query from costing much.
const (
	// MaxTerms is the largest number of filter terms plus order terms.
	MaxTerms = 64
	// MaxValueLen is the largest accepted filter value, in bytes.
	MaxValueLen = 4096
	// MaxInValues is the largest number of values in an in/not in set.
	MaxInValues = 1000
)

// Pushable bounds the times a provider may push down to a native query
// language (Jira's JQL, ServiceNow's encoded queries, PagerDuty's since and
// until): the filter accepts every RFC 3339 time, years 0000 to 9999, but
// vendors' languages write four-digit years after the drivers widen a
// bound by up to a day, and refuse the rest.
var (
	PushableFrom  = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	PushableUntil = time.Date(9998, 12, 31, 0, 0, 0, 0, time.UTC)
)

// PushableTime returns the time of a condition's value in UTC, and whether
// a provider may push the condition down (see PushableFrom): a provider
// leaves any other condition to the in-memory match.
func PushableTime(c Condition) (time.Time, bool) {
	t, err := timefmt.Parse(c.Value)
	if err != nil {
		return time.Time{}, false
	}
	t = t.UTC()
	return t, !t.Before(PushableFrom) && !t.After(PushableUntil)
}
