package snowfake

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// condition is one condition of an encoded query: field, operator, value.
type condition struct {
	field, op, value string
}

// orderKey is one ORDERBY or ORDERBYDESC term.
type orderKey struct {
	field string
	desc  bool
}

// encodedQuery is a parsed sysparm_query: an AND of OR groups, and an
// order. As in ServiceNow, ^OR binds tighter than ^.
type encodedQuery struct {
	groups [][]condition
	order  []orderKey
}

// operators are the supported operators, longest first where one is a
// prefix of another.
var operators = []string{"ISNOTEMPTY", "ISEMPTY", "NOT IN", "NOT LIKE", "NOTLIKE", "STARTSWITH", "ENDSWITH",
	"LIKE", "IN", "!=", ">=", "<=", "=", ">", "<"}

// errQuery is an encoded query the fake does not understand.
type errQuery struct{ msg string }

func (e *errQuery) Error() string { return e.msg }

func queryError(format string, args ...any) error {
	return &errQuery{msg: fmt.Sprintf(format, args...)}
}

// parseQuery parses an encoded query against table t.
func (s *Server) parseQuery(t *table, q string) (*encodedQuery, error) {
	out := &encodedQuery{}
	if q == "" {
		return out, nil
	}
	for _, tok := range strings.Split(q, "^") {
		switch {
		case tok == "" || tok == "EQ":
			continue
		case strings.HasPrefix(tok, "ORDERBYDESC"), strings.HasPrefix(tok, "ORDERBY"):
			desc := strings.HasPrefix(tok, "ORDERBYDESC")
			f := strings.TrimPrefix(strings.TrimPrefix(tok, "ORDERBYDESC"), "ORDERBY")
			if _, err := s.resolveField(t, f); err != nil {
				return nil, err
			}
			out.order = append(out.order, orderKey{field: f, desc: desc})
		case strings.HasPrefix(tok, "NQ"):
			return nil, queryError("^NQ (new query) is not supported by this instance")
		case strings.HasPrefix(tok, "OR"):
			c, err := s.parseCondition(t, strings.TrimPrefix(tok, "OR"))
			if err != nil {
				return nil, err
			}
			if len(out.groups) == 0 {
				return nil, queryError("^OR must follow a condition")
			}
			last := len(out.groups) - 1
			out.groups[last] = append(out.groups[last], c)
		default:
			c, err := s.parseCondition(t, tok)
			if err != nil {
				return nil, err
			}
			out.groups = append(out.groups, []condition{c})
		}
	}
	return out, nil
}

// parseCondition parses field, operator and value.
func (s *Server) parseCondition(t *table, tok string) (condition, error) {
	i := 0
	for i < len(tok) && (tok[i] == '_' || tok[i] == '.' || 'a' <= tok[i] && tok[i] <= 'z' || '0' <= tok[i] && tok[i] <= '9') {
		i++
	}
	field, rest := tok[:i], tok[i:]
	if field == "" {
		return condition{}, queryError("condition %q has no field", tok)
	}
	if _, err := s.resolveField(t, field); err != nil {
		return condition{}, err
	}
	for _, op := range operators {
		if v, ok := strings.CutPrefix(rest, op); ok {
			if (op == "ISEMPTY" || op == "ISNOTEMPTY") && v != "" {
				return condition{}, queryError("operator %s takes no value in %q", op, tok)
			}
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "javascript:") {
				return condition{}, queryError("javascript: values are not accepted in %q", tok)
			}
			if op == "NOTLIKE" {
				op = "NOT LIKE"
			}
			return condition{field: field, op: op, value: v}, nil
		}
	}
	return condition{}, queryError("unsupported operator in condition %q", tok)
}

// resolveField checks a (possibly dot-walked) field of t and returns the
// type of its last column.
func (s *Server) resolveField(t *table, field string) (column, error) {
	parts := strings.Split(field, ".")
	cur := t
	for i, p := range parts {
		c, ok := cur.cols[p]
		if !ok {
			return column{}, queryError("unknown field %q of table %s", field, t.name)
		}
		if i == len(parts)-1 {
			return c, nil
		}
		next, ok := s.tables[c.ref]
		if c.typ != colRef || !ok {
			return column{}, queryError("field %q of table %s cannot be dot-walked", field, t.name)
		}
		cur = next
	}
	return column{}, errors.New("unreachable")
}

// value returns the value of a (possibly dot-walked) field of r.
func (s *Server) value(t *table, r record, field string) string {
	parts := strings.Split(field, ".")
	cur, rec := t, r
	for i, p := range parts {
		v := rec[p]
		if i == len(parts)-1 {
			return v
		}
		c := cur.cols[p]
		next, ok := s.tables[c.ref]
		if !ok || v == "" {
			return ""
		}
		ref, ok := next.byID[v]
		if !ok {
			return ""
		}
		cur, rec = next, ref
	}
	return ""
}

// matches reports whether r satisfies q.
func (s *Server) matches(t *table, q *encodedQuery, r record) bool {
	for _, g := range q.groups {
		if !slices.ContainsFunc(g, func(c condition) bool { return s.holds(t, c, r) }) {
			return false
		}
	}
	return true
}

// holds evaluates one condition, with MySQL-like semantics: text compares
// case-insensitively, an empty value (NULL) satisfies only ISEMPTY and = "".
func (s *Server) holds(t *table, c condition, r record) bool {
	col, _ := s.resolveField(t, c.field)
	v := s.value(t, r, c.field)
	switch c.op {
	case "ISEMPTY":
		return v == ""
	case "ISNOTEMPTY":
		return v != ""
	case "=":
		return compare(col.typ, v, c.value) == 0
	}
	if v == "" {
		return false
	}
	lv, lc := fold(v), fold(c.value)
	switch c.op {
	case "!=":
		return compare(col.typ, v, c.value) != 0
	case "IN", "NOT IN":
		in := slices.ContainsFunc(strings.Split(c.value, ","), func(x string) bool { return compare(col.typ, v, x) == 0 })
		return in == (c.op == "IN")
	case "LIKE":
		return strings.Contains(lv, lc)
	case "NOT LIKE":
		return !strings.Contains(lv, lc)
	case "STARTSWITH":
		return strings.HasPrefix(lv, lc)
	case "ENDSWITH":
		return strings.HasSuffix(lv, lc)
	case ">":
		return compare(col.typ, v, c.value) > 0
	case ">=":
		return compare(col.typ, v, c.value) >= 0
	case "<":
		return compare(col.typ, v, c.value) < 0
	case "<=":
		return compare(col.typ, v, c.value) <= 0
	}
	return false
}

// compare orders two values of a column of type typ: numbers numerically
// (choice codes too, when both are numbers), text case-insensitively, the
// empty value first.
func compare(typ colType, a, b string) int {
	if a == "" || b == "" {
		return cmp.Compare(len(a), len(b)) // "" first; both empty equal
	}
	switch typ {
	case colInt, colDecimal, colChoice:
		x, errx := strconv.ParseFloat(a, 64)
		y, erry := strconv.ParseFloat(b, 64)
		if errx == nil && erry == nil {
			return cmp.Compare(x, y)
		}
	}
	return strings.Compare(fold(a), fold(b))
}

// sortRows orders rows by q's ORDERBY terms (stable: ties keep insertion
// order).
func (s *Server) sortRows(t *table, q *encodedQuery, rows []record) {
	if len(q.order) == 0 {
		return
	}
	slices.SortStableFunc(rows, func(a, b record) int {
		for _, k := range q.order {
			col, _ := s.resolveField(t, k.field)
			c := compare(col.typ, s.value(t, a, k.field), s.value(t, b, k.field))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}
