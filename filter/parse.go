package filter

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Size limits of the syntax, beyond the exported ones in types.go.
const (
	// maxNameLen is the longest accepted field or relation name, in bytes.
	maxNameLen = 128
	// maxFilterLen is the longest accepted raw filter term, in bytes.
	maxFilterLen = maxNameLen + len("[not like]") + MaxValueLen
	// maxOrderLen is the longest accepted raw order term, in bytes.
	maxOrderLen = maxNameLen + len("[desc]")
	// maxStartAfterLen is the longest accepted start_after, in bytes.
	maxStartAfterLen = 64 << 10
)

// opList is how error messages list the operators.
const opList = "eq, ne, gt, lt, gte, lte, in, like, not in, not like"

// Parse checks the syntax of the raw list parameters and returns the parsed
// query. It knows nothing of any resource: fields, value types and the page
// size limit are checked by Query.Bind.
//
// Every error is an *errs.Error of code errs.InvalidQuery whose Field names the
// offending part ("filter[2]", "order[0]", "limit", "start_after",
// "expand[1]") and whose Message quotes it and says what is allowed.
func Parse(p Params) (*Query, error) {
	if n := len(p.Filter) + len(p.Order); n > MaxTerms {
		part := index("filter", MaxTerms)
		if len(p.Filter) <= MaxTerms {
			part = index("order", MaxTerms-len(p.Filter))
		}
		return nil, invalid(part, "too many filter and order terms (%d); at most %d are allowed", n, MaxTerms)
	}
	if len(p.Expand) > MaxTerms {
		return nil, invalid(index("expand", MaxTerms), "too many expand entries (%d); at most %d are allowed", len(p.Expand), MaxTerms)
	}
	if p.Limit < 0 {
		return nil, invalid("limit", "limit %d is negative; use 0 for the default page size or a positive number", p.Limit)
	}
	if err := checkStartAfter(p.StartAfter); err != nil {
		return nil, err
	}
	q := &Query{Limit: p.Limit, StartAfter: p.StartAfter}
	if len(p.Filter) > 0 {
		q.Filters = make([]Condition, len(p.Filter))
		for i, raw := range p.Filter {
			c, err := parseFilter(i, raw)
			if err != nil {
				return nil, err
			}
			q.Filters[i] = c
		}
	}
	if len(p.Order) > 0 {
		q.Order = make([]OrderTerm, len(p.Order))
		for i, raw := range p.Order {
			t, err := parseOrder(i, raw)
			if err != nil {
				return nil, err
			}
			q.Order[i] = t
		}
	}
	if len(p.Expand) > 0 {
		q.Expand = make([]string, len(p.Expand))
		for i, raw := range p.Expand {
			e, err := parseExpand(i, raw)
			if err != nil {
				return nil, err
			}
			q.Expand[i] = e
		}
	}
	return q, nil
}

// parseFilter parses the i-th filter term, field[op]value.
func parseFilter(i int, raw string) (Condition, error) {
	if len(raw) > maxFilterLen {
		return Condition{}, invalid(index("filter", i), "filter %s is too long (%d bytes); a value may have at most %d bytes", quote(raw), len(raw), MaxValueLen)
	}
	if bad := badText(raw); bad != "" {
		return Condition{}, invalid(index("filter", i), "filter %s %s", quote(raw), bad)
	}
	field, rest, ok := strings.Cut(raw, "[")
	if !ok {
		return Condition{}, invalid(index("filter", i), "filter %s has no operator; write field[op]value, e.g. name[eq]bob", quote(raw))
	}
	if !validName(field) {
		return Condition{}, invalid(index("filter", i), "invalid field name %s in filter %s; a field name is letters, digits and _ joined by dots, e.g. account.name", quote(field), quote(raw))
	}
	opText, value, ok := strings.Cut(rest, "]")
	if !ok {
		return Condition{}, invalid(index("filter", i), "filter %s has no \"]\" after its operator; write field[op]value, e.g. name[eq]bob", quote(raw))
	}
	op, ok := parseOp(opText)
	if !ok {
		return Condition{}, invalid(index("filter", i), "unknown operator %s in filter %s; use one of %s", quote(opText), quote(raw), opList)
	}
	if len(value) > MaxValueLen {
		return Condition{}, invalid(index("filter", i), "the value of filter %s is too long (%d bytes); at most %d bytes are allowed", quote(raw), len(value), MaxValueLen)
	}
	c := Condition{Field: field, Op: op, Value: value}
	if op == In || op == NotIn {
		vals, err := splitSet(i, raw, value)
		if err != nil {
			return Condition{}, err
		}
		c.Values = vals
	}
	return c, nil
}

// splitSet splits the value of an in or not in filter at its commas.
func splitSet(i int, raw, value string) ([]string, error) {
	if value == "" {
		return nil, invalid(index("filter", i), "filter %s has an empty set; list one or more values separated by commas, e.g. status[in]open,closed", quote(raw))
	}
	if n := strings.Count(value, ",") + 1; n > MaxInValues {
		return nil, invalid(index("filter", i), "filter %s has too many values (%d); at most %d are allowed", quote(raw), n, MaxInValues)
	}
	return strings.Split(value, ","), nil
}

// parseOp returns the operator spelled s, in any ASCII letter case.
func parseOp(s string) (Op, bool) {
	var buf [len("not like")]byte
	if len(s) > len(buf) {
		return "", false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(s)]) {
	case "eq":
		return Eq, true
	case "ne", "neq":
		return Ne, true
	case "gt":
		return Gt, true
	case "lt":
		return Lt, true
	case "gte":
		return Gte, true
	case "lte":
		return Lte, true
	case "in":
		return In, true
	case "like":
		return Like, true
	case "not in", "not_in":
		return NotIn, true
	case "not like", "not_like":
		return NotLike, true
	}
	return "", false
}

// parseOrder parses the i-th order term: field, field[asc] or field[desc].
func parseOrder(i int, raw string) (OrderTerm, error) {
	if len(raw) > maxOrderLen {
		return OrderTerm{}, invalid(index("order", i), "order %s is too long (%d bytes); a field name has at most %d bytes", quote(raw), len(raw), maxNameLen)
	}
	if bad := badText(raw); bad != "" {
		return OrderTerm{}, invalid(index("order", i), "order %s %s", quote(raw), bad)
	}
	field, rest, hasDir := strings.Cut(raw, "[")
	if !validName(field) {
		return OrderTerm{}, invalid(index("order", i), "invalid field name %s in order %s; write field, field[asc] or field[desc], e.g. created_at[desc]", quote(field), quote(raw))
	}
	t := OrderTerm{Field: field, Dir: Asc}
	if !hasDir {
		return t, nil
	}
	dir, after, ok := strings.Cut(rest, "]")
	if !ok {
		return OrderTerm{}, invalid(index("order", i), "order %s has no \"]\" after its direction; write field[asc] or field[desc]", quote(raw))
	}
	if after != "" {
		return OrderTerm{}, invalid(index("order", i), "order %s has text after \"]\"; write field, field[asc] or field[desc]", quote(raw))
	}
	switch strings.ToLower(dir) {
	case "asc":
		t.Dir = Asc
	case "desc", "dsc":
		t.Dir = Desc
	default:
		return OrderTerm{}, invalid(index("order", i), "unknown direction %s in order %s; use asc or desc", quote(dir), quote(raw))
	}
	return t, nil
}

// parseExpand checks the i-th expand entry and returns it trimmed.
func parseExpand(i int, raw string) (string, error) {
	e := strings.TrimSpace(raw)
	switch {
	case e == "":
		return "", invalid(index("expand", i), "expand %s is empty; name a relation, e.g. account, or all", quote(raw))
	case len(e) > maxNameLen:
		return "", invalid(index("expand", i), "expand %s is too long (%d bytes); at most %d bytes are allowed", quote(e), len(e), maxNameLen)
	case badText(e) != "":
		return "", invalid(index("expand", i), "expand %s %s", quote(e), badText(e))
	case !validName(e):
		return "", invalid(index("expand", i), "invalid expand %s; name a relation (letters, digits and _), e.g. account, or all", quote(e))
	}
	return e, nil
}

// checkStartAfter checks the size and encoding of a start_after.
func checkStartAfter(s string) error {
	if len(s) > maxStartAfterLen {
		return invalid("start_after", "start_after %s is too long (%d bytes); at most %d bytes are allowed", quote(s), len(s), maxStartAfterLen)
	}
	if bad := badText(s); bad != "" {
		return invalid("start_after", "start_after %s %s", quote(s), bad)
	}
	return nil
}

// badText says what is wrong with s as query text, or "" if nothing is:
// query text is valid UTF-8 without NUL bytes.
func badText(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "contains a NUL byte, which no value may hold"
	}
	return ""
}

// validName reports whether s is a field name: identifiers joined by dots.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen {
		return false
	}
	start := true
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
			continue
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
		start = false
	}
	return !start
}

// index names the i-th entry of a query part, e.g. "filter[2]".
func index(part string, i int) string {
	return part + "[" + strconv.Itoa(i) + "]"
}

// String returns the term in the form Parse accepts: field[op]value. For In
// and NotIn it joins Values with commas when Values is set.
func (c Condition) String() string {
	v := c.Value
	if (c.Op == In || c.Op == NotIn) && len(c.Values) > 0 {
		v = strings.Join(c.Values, ",")
	}
	return c.Field + "[" + string(c.Op) + "]" + v
}

// String returns the term in the form Parse accepts: field[asc] or
// field[desc] (just field when Dir is empty).
func (t OrderTerm) String() string {
	if t.Dir == "" {
		return t.Field
	}
	return t.Field + "[" + string(t.Dir) + "]"
}

// Params returns the raw parameters that parse back to q. Parse(q.Params())
// equals q for every q that Parse returned.
func (q *Query) Params() Params {
	if q == nil {
		return Params{}
	}
	p := Params{Limit: q.Limit, StartAfter: q.StartAfter, Expand: slices.Clone(q.Expand)}
	for _, c := range q.Filters {
		p.Filter = append(p.Filter, c.String())
	}
	for _, t := range q.Order {
		p.Order = append(p.Order, t.String())
	}
	return p
}
