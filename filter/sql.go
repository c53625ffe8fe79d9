package filter

import (
	"strconv"
	"strings"
)

// Dialect is what SQL compilation needs to know of a database engine.
type Dialect interface {
	// Placeholder returns the n-th (1-based) parameter placeholder: "?" for
	// SQLite, "$n" for PostgreSQL.
	Placeholder(n int) string
	// CaseInsensitiveLike returns the operator that matches a LIKE pattern
	// ignoring letter case: "LIKE" for SQLite (ASCII letters only, by
	// default), "ILIKE" for PostgreSQL.
	CaseInsensitiveLike() string
	// BoolArg returns the argument that stands for a boolean: int64 1 or 0
	// for SQLite, a bool for PostgreSQL.
	BoolArg(b bool) any
}

// The dialects of the stores.
var (
	// SQLite is the dialect of SQLite: "?" placeholders, LIKE (which ignores
	// the case of ASCII letters only), booleans as integers.
	SQLite Dialect = sqliteDialect{}
	// Postgres is the dialect of PostgreSQL: "$n" placeholders, ILIKE,
	// booleans as booleans. Note that ILIKE also ignores the case of
	// non-ASCII letters, where SQLite's LIKE and Match do not.
	Postgres Dialect = postgresDialect{}
)

// sqliteDialect is the Dialect of SQLite.
type sqliteDialect struct{}

// Placeholder returns "?".
func (sqliteDialect) Placeholder(int) string { return "?" }

// CaseInsensitiveLike returns "LIKE", which ignores the case of ASCII letters.
func (sqliteDialect) CaseInsensitiveLike() string { return "LIKE" }

// BoolArg returns int64 1 or 0.
func (sqliteDialect) BoolArg(b bool) any {
	if b {
		return int64(1)
	}
	return int64(0)
}

// postgresDialect is the Dialect of PostgreSQL.
type postgresDialect struct{}

// Placeholder returns "$n".
func (postgresDialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// CaseInsensitiveLike returns "ILIKE".
func (postgresDialect) CaseInsensitiveLike() string { return "ILIKE" }

// BoolArg returns b.
func (postgresDialect) BoolArg(b bool) any { return b }

// likeEscape is the ESCAPE clause of every LIKE the package writes.
const likeEscape = ` ESCAPE '\'`

// SQL is a bound query compiled to parameterized SQL. No text of the user's
// query is in it: values are all in Args, and the SQL text is made only of
// the field set's column expressions and join clauses, operators and
// placeholders.
type SQL struct {
	// Where holds the filter conditions joined with AND, without the WHERE
	// keyword; "" if there are none.
	Where string
	// Args are the arguments of Where's placeholders, in placeholder order:
	// string for text, int64 Unix nanoseconds (UTC) for times, float64 for
	// numbers, Dialect.BoolArg for booleans.
	Args []any
	// OrderBy is the effective order, e.g. "t.name ASC, t.id ASC", without
	// the ORDER BY keywords. A nullable column is ordered as COALESCE(column,
	// zero), zero being '' for text, -1 for times and numbers, FALSE for
	// booleans, so that NULLs sort the same everywhere and keyset paging
	// stays exact.
	OrderBy string
	// OrderColumns are the expressions of the effective order, in order. A
	// store selects them to build the cursor of a page's last row with
	// Bound.CursorFromRow.
	OrderColumns []string
	// Joins are the join clauses (Relation.Join) of the relations in
	// Bound.Joins, in the field set's order.
	Joins []string
}

// SQL compiles the query's filters, order and joins for dialect d. The first
// placeholder is number firstArg (values below 1 count as 1), so that the
// caller can put its own arguments first. It fails (errs.Internal) only when
// the field set lacks a Column or a Join clause the query needs.
//
// The conditions are:
//
//	eq        col = ?
//	ne        col <> ?                   (col IS NULL OR col <> ?) if nullable
//	gt ...    col > ?, col < ?, col >= ?, col <= ?
//	in        col IN (?, ?)
//	not in    col NOT IN (?, ?)          (col IS NULL OR col NOT IN (?, ?)) if nullable
//	like      col LIKE ? ESCAPE '\'      ILIKE for PostgreSQL
//	not like  col NOT LIKE ? ESCAPE '\'  (col IS NULL OR ...) if nullable
//
// A like pattern is translated: '*' to '%', '%' to '_', and '_' and '\'
// escaped with '\'.
//
// A Time column holds int64 Unix nanoseconds. A comparison with a time
// outside that range (before 1677-09-21T00:12:43.145224192Z or after
// 2262-04-11T23:47:16.854775807Z) is folded: eq becomes 1 = 0, a comparison
// that holds for every stored time becomes col IS NOT NULL, one that holds
// for none 1 = 0, and such a time is left out of an in or not in set (an
// emptied in set is 1 = 0, an emptied not in set col IS NOT NULL); the
// nullable forms above wrap the result as usual. So SQL selects the rows
// Match keeps.
func (b *Bound) SQL(d Dialect, firstArg int) (*SQL, error) {
	if b == nil || d == nil {
		return nil, internal("SQL needs a Bound and a Dialect")
	}
	w := &argWriter{d: d, n: max(firstArg, 1)}
	out := &SQL{}
	conds := make([]string, len(b.conds))
	for i := range b.conds {
		s, err := b.conds[i].sql(w)
		if err != nil {
			return nil, err
		}
		conds[i] = s
	}
	out.Where = strings.Join(conds, " AND ")
	out.Args = w.args
	out.OrderColumns = make([]string, len(b.keys))
	terms := make([]string, len(b.keys))
	for i, k := range b.keys {
		e, err := k.expr()
		if err != nil {
			return nil, err
		}
		out.OrderColumns[i] = e
		terms[i] = e + " ASC"
		if k.desc {
			terms[i] = e + " DESC"
		}
	}
	out.OrderBy = strings.Join(terms, ", ")
	for _, name := range b.joins {
		j := b.fs.relation(name)
		if j < 0 || b.fs.Relations[j].Join == "" {
			return nil, internal("relation %q of %s has no Join clause", name, b.fs.resource())
		}
		out.Joins = append(out.Joins, b.fs.Relations[j].Join)
	}
	return out, nil
}

// KeysetSQL returns the condition that selects the rows strictly after the
// row whose effective-order values are after, for dialect d, with its
// arguments; the first placeholder is number firstArg. For an order a ASC,
// b DESC, id ASC it is
//
//	a >= ? AND ((a > ?) OR (a = ? AND b < ?) OR (a = ? AND b = ? AND id > ?))
//
// (the leading bound is redundant; it lets an index on a serve the scan)
// over the same expressions as SQL.OrderColumns; a comparison with a time
// outside the SQL range is folded as in SQL (those expressions are never
// NULL), so the condition keeps the rows After keeps. An empty cursor gives
// "" (no condition). A cursor whose values do not fit the effective order in
// number or type is an errs.InvalidQuery error.
func (b *Bound) KeysetSQL(d Dialect, after Cursor, firstArg int) (where string, args []any, err error) {
	if b == nil || d == nil {
		return "", nil, internal("KeysetSQL needs a Bound and a Dialect")
	}
	if len(after) == 0 {
		return "", nil, nil
	}
	vals, err := b.cursorScalars(after)
	if err != nil {
		return "", nil, err
	}
	exprs := make([]string, len(b.keys))
	for i, k := range b.keys {
		if exprs[i], err = k.expr(); err != nil {
			return "", nil, err
		}
	}
	w := &argWriter{d: d, n: max(firstArg, 1)}
	var sb strings.Builder
	if len(b.keys) > 1 {
		// A redundant bound on the first key lets the engine range-scan an
		// index on it instead of evaluating the OR chain on every row.
		op := ">="
		if b.keys[0].desc {
			op = "<="
		}
		sb.WriteString(w.cmp(exprs[0], op, b.keys[0].f.Type, vals[0]))
		sb.WriteString(" AND (")
	}
	for i, k := range b.keys {
		if i > 0 {
			sb.WriteString(" OR ")
		}
		sb.WriteByte('(')
		for j := range i {
			sb.WriteString(w.cmp(exprs[j], "=", b.keys[j].f.Type, vals[j]))
			sb.WriteString(" AND ")
		}
		op := ">"
		if k.desc {
			op = "<"
		}
		sb.WriteString(w.cmp(exprs[i], op, k.f.Type, vals[i]))
		sb.WriteByte(')')
	}
	if len(b.keys) > 1 {
		sb.WriteByte(')')
	}
	return sb.String(), w.args, nil
}

// argWriter numbers placeholders and collects their arguments.
type argWriter struct {
	d    Dialect
	n    int
	args []any
}

// arg adds the value v of type t and returns its placeholder.
func (w *argWriter) arg(t Type, v scalar) string {
	var a any
	switch t {
	case Time:
		a = nanos(v) // cmp and the callers keep out-of-range times out
	case Number:
		a = v.f
	case Bool:
		a = w.d.BoolArg(v.n != 0)
	default:
		a = v.s
	}
	w.args = append(w.args, a)
	p := w.d.Placeholder(w.n)
	w.n++
	return p
}

// The constant conditions a comparison with a time outside the SQL range
// folds to. No text of the user's is in them either.
const (
	sqlFalse = "1 = 0"
	// sqlPresent holds for every row whose column is not NULL: what a
	// comparison that holds for every stored value gives, NULLs excepted.
	sqlPresent = " IS NOT NULL"
)

// cmp writes expr op v (op one of = <> > < >= <=) for a value v of type t.
// A Time column holds int64 nanoseconds (years 1678 to 2262), so a time v
// outside that range equals no stored value and is before or after all of
// them: the comparison is folded to its result for every non-NULL value, as
// Match computes it, and NULLs stay unmatched as they would in SQL.
func (w *argWriter) cmp(expr, op string, t Type, v scalar) string {
	if t == Time {
		if side := sqlRange(v); side != 0 {
			var holds bool
			switch op {
			case "<>":
				holds = true
			case ">", ">=":
				holds = side < 0
			case "<", "<=":
				holds = side > 0
			}
			if holds {
				return expr + sqlPresent
			}
			return sqlFalse
		}
	}
	return expr + " " + op + " " + w.arg(t, v)
}

// sql writes the condition.
func (c *cond) sql(w *argWriter) (string, error) {
	col := c.f.Column
	if col == "" {
		return "", internal("field %q has no Column", c.f.Name)
	}
	t := c.f.Type
	var s string
	switch c.Op {
	case Eq:
		s = w.cmp(col, "=", t, c.vals[0])
	case Ne:
		s = w.cmp(col, "<>", t, c.vals[0])
	case Gt:
		s = w.cmp(col, ">", t, c.vals[0])
	case Lt:
		s = w.cmp(col, "<", t, c.vals[0])
	case Gte:
		s = w.cmp(col, ">=", t, c.vals[0])
	case Lte:
		s = w.cmp(col, "<=", t, c.vals[0])
	case In, NotIn:
		var ps []string
		for _, v := range c.vals {
			// A time outside the SQL range equals no stored value: leave
			// it out of the set.
			if t != Time || sqlRange(v) == 0 {
				ps = append(ps, w.arg(t, v))
			}
		}
		switch {
		case len(ps) == 0 && c.Op == In:
			s = sqlFalse
		case len(ps) == 0:
			s = col + sqlPresent
		case c.Op == In:
			s = col + " IN (" + strings.Join(ps, ", ") + ")"
		default:
			s = col + " NOT IN (" + strings.Join(ps, ", ") + ")"
		}
	case Like, NotLike:
		op := " " + w.d.CaseInsensitiveLike() + " "
		if c.Op == NotLike {
			op = " NOT" + op
		}
		s = col + op + w.arg(String, scalar{s: c.pattern}) + likeEscape
	}
	if c.onNull {
		s = "(" + col + " IS NULL OR " + s + ")"
	}
	return s, nil
}

// expr returns the SQL expression the order key sorts by.
func (k key) expr() (string, error) {
	if k.f.Column == "" {
		return "", internal("field %q has no Column", k.f.Name)
	}
	if !nullable(k.f) {
		return k.f.Column, nil
	}
	return "COALESCE(" + k.f.Column + ", " + zeroSQL(k.f.Type) + ")", nil
}
