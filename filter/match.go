package filter

import (
	"slices"
	"strings"
)

// Record is a row for in-memory matching and sorting: Field returns the value
// of the named field (a FieldSet name, e.g. "name" or "account.name"), and
// ok false when the value is absent (NULL).
//
// A value may be a string, a time.Time, any Go integer or float, a bool, nil
// (absent), or a []string or []any for a list field. For a Time field, any
// time.Time is accepted, a string is read as RFC 3339 (the syntax of the
// package documentation) and an integer as Unix nanoseconds; for a Number
// field, a string is read as a decimal number; for a Bool field, "true" and
// "false" are read as booleans. A value that does not fit its field's type
// counts as absent.
type Record interface {
	Field(name string) (value any, ok bool)
}

// Map is a Record over a map, as decoded from JSON. A dotted name that is not
// a key reaches into nested maps: "account.name" is m["account"]["name"].
type Map map[string]any

// Field returns the value of the named field; see Map.
func (m Map) Field(name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, v != nil
	}
	head, rest, ok := strings.Cut(name, ".")
	if !ok {
		return nil, false
	}
	switch sub := m[head].(type) {
	case Map:
		return sub.Field(rest)
	case map[string]any:
		return Map(sub).Field(rest)
	case Record:
		return sub.Field(rest)
	}
	return nil, false
}

// Match reports whether r satisfies every filter condition of the query,
// with the semantics of the SQL that SQL compiles (on SQLite):
//
//   - an absent value satisfies no condition, except ne, not in and not like
//     on a nullable field (or a field of a relation);
//   - text compares bytewise and eq is case-sensitive; like and not like
//     ignore the case of ASCII letters only, '*' matching any run of
//     characters and '%' exactly one;
//   - times compare as instants, numbers numerically, false before true;
//   - for a list value, eq, in, like, gt, lt, gte and lte hold if any element
//     satisfies them, and ne, not in and not like if no element satisfies
//     eq, in or like; an empty list is absent.
func (b *Bound) Match(r Record) bool {
	for i := range b.conds {
		if !b.conds[i].match(r) {
			return false
		}
	}
	return true
}

// match evaluates the condition on r.
func (c *cond) match(r Record) bool {
	v, ok := r.Field(c.f.Name)
	if !ok || v == nil {
		return c.onNull
	}
	t := c.f.Type
	present, hit := false, false
	visit := func(e any) bool { // reports whether to go on
		s, ok := toScalar(t, e)
		if !ok {
			return true
		}
		present = true
		hit = c.holds(s)
		return !hit
	}
	switch l := v.(type) {
	case []string:
		for _, e := range l {
			if !visit(e) {
				break
			}
		}
	case []any:
		for _, e := range l {
			if !visit(e) {
				break
			}
		}
	default:
		visit(v)
	}
	if !present {
		return c.onNull
	}
	return hit != negated(c.Op)
}

// holds reports whether the present value s satisfies the condition's
// positive form (eq for ne, in for not in, like for not like).
func (c *cond) holds(s scalar) bool {
	t := c.f.Type
	switch c.Op {
	case Eq, Ne:
		return compareScalars(t, s, c.vals[0]) == 0
	case Gt:
		return compareScalars(t, s, c.vals[0]) > 0
	case Lt:
		return compareScalars(t, s, c.vals[0]) < 0
	case Gte:
		return compareScalars(t, s, c.vals[0]) >= 0
	case Lte:
		return compareScalars(t, s, c.vals[0]) <= 0
	case In, NotIn:
		for _, v := range c.vals {
			if compareScalars(t, s, v) == 0 {
				return true
			}
		}
		return false
	case Like, NotLike:
		return likeMatch(c.vals[0].s, s.s)
	}
	return false
}

// sortValue returns the value r sorts by under key k: its value, or the
// zero of its type when absent (as COALESCE in SQL.OrderBy). A list sorts by
// its first element that fits the field's type.
func (k key) sortValue(r Record) scalar {
	v, ok := r.Field(k.f.Name)
	if ok && v != nil {
		switch l := v.(type) {
		case []string:
			for _, e := range l {
				if s, ok := toScalar(k.f.Type, e); ok {
					return s
				}
			}
		case []any:
			for _, e := range l {
				if s, ok := toScalar(k.f.Type, e); ok {
					return s
				}
			}
		default:
			if s, ok := toScalar(k.f.Type, v); ok {
				return s
			}
		}
	}
	return zeroScalar(k.f.Type)
}

// Compare orders x and y by the effective order: negative if x comes first,
// positive if y does, 0 if their order values are equal (with a unique
// tiebreak field, only for the same row). It sorts as SQL.OrderBy does on
// SQLite: text bytewise, absent values as the zero of their type ("", -1,
// false). A list value sorts by its first element.
func (b *Bound) Compare(x, y Record) int {
	for _, k := range b.keys {
		c := compareScalars(k.f.Type, k.sortValue(x), k.sortValue(y))
		if c != 0 {
			if k.desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// CursorOf returns the cursor of r: its values of the effective order, as
// CursorFromRow would make them from the row's SQL.OrderColumns.
func (b *Bound) CursorOf(r Record) Cursor {
	c := make(Cursor, len(b.keys))
	for i, k := range b.keys {
		c[i] = scalarAny(k.f.Type, k.sortValue(r))
	}
	return c
}

// After reports whether r comes strictly after the row whose cursor is c in
// the effective order: the in-memory form of KeysetSQL. A cursor that does
// not fit the order is an errs.InvalidQuery error.
func (b *Bound) After(r Record, c Cursor) (bool, error) {
	vals, err := b.cursorScalars(c)
	if err != nil {
		return false, err
	}
	for i, k := range b.keys {
		d := compareScalars(k.f.Type, k.sortValue(r), vals[i])
		if d != 0 {
			return d > 0 != k.desc, nil
		}
	}
	return false, nil
}

// Sort sorts s stably by the effective order of b (see Bound.Compare).
func Sort[T Record](b *Bound, s []T) {
	slices.SortStableFunc(s, func(x, y T) int { return b.Compare(x, y) })
}
