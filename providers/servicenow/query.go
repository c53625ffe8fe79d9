package servicenow

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
)

// pushKind says how a ticket field's conditions translate.
type pushKind int

const (
	kindText     pushKind = iota // text compared without regard to case by ServiceNow
	kindSysID                    // 32 lowercase hex digits: case-exact
	kindNumber                   // incident numbers: upper case, case-exact
	kindPriority                 // Priority names ↔ priority codes
	kindState                    // status labels ↔ state codes
	kindTime                     // date-times
)

// pushColumn is the incident column of a ticket field.
type pushColumn struct {
	col  string
	kind pushKind
	// nullable columns may be empty, which ne, not in and not like match
	// in memory; their negative conditions add ^OR<col>ISEMPTY.
	nullable bool
}

// pushColumns are the ticket fields that can be pushed down. tags is
// absent: sys_tags is not a column ServiceNow filters on.
var pushColumns = map[string]pushColumn{
	"id":              {"sys_id", kindSysID, false},
	"name":            {"number", kindNumber, false},
	"summary":         {"short_description", kindText, false},
	"description":     {"description", kindText, true},
	"creator":         {"opened_by.user_name", kindText, true},
	"assignee":        {"assigned_to.user_name", kindText, true},
	"contact":         {"caller_id.user_name", kindText, true},
	"priority":        {"priority", kindPriority, true},
	"status":          {"state", kindState, true},
	"project":         {"assignment_group", kindSysID, true},
	"issue_type":      {"category", kindText, true},
	"due_date":        {"due_date", kindTime, true},
	"completion_date": {"resolved_at", kindTime, true},
	"created_at":      {"sys_created_on", kindTime, false},
	"updated_at":      {"sys_updated_on", kindTime, false},
}

// orderColumns are the columns of the orderable fields.
var orderColumns = map[string]string{
	"id": "sys_id", "name": "number", "created_at": "sys_created_on", "updated_at": "sys_updated_on",
	"due_date": "due_date", "completion_date": "resolved_at",
}

// encodeQuery translates a bound query into an encoded query
// (sysparm_query). Every condition it emits selects a superset of what the
// condition selects in memory, so the Connector's in-memory filter gives
// the exact result; conditions it cannot translate that way are left out.
// The order is emitted in full (ORDERBY/ORDERBYDESC), tiebreak included;
// an order on a field ServiceNow cannot order the same way is an
// errs.Unsupported error.
func encodeQuery(b *filter.Bound) (string, error) {
	var parts []string
	order := []filter.OrderTerm{{Field: "created_at", Dir: filter.Asc}, {Field: "id", Dir: filter.Asc}}
	if b != nil {
		size := 0
		for _, c := range b.Filters() {
			// Conditions past the size budget are left to the in-memory
			// filter: each selects a superset, so dropping one is safe.
			if p, ok := pushdown(c); ok && size+len(p) <= maxQueryBytes {
				parts = append(parts, p)
				size += len(p) + 1
			}
		}
		order = b.Order()
	}
	for _, t := range order {
		col, ok := orderColumns[t.Field]
		if !ok {
			return "", errs.New(errs.Unsupported, "servicenow cannot order tickets by %s", t.Field)
		}
		if t.Dir == filter.Desc {
			parts = append(parts, "ORDERBYDESC"+col)
		} else {
			parts = append(parts, "ORDERBY"+col)
		}
	}
	return strings.Join(parts, "^"), nil
}

// maxQueryBytes bounds the conditions of an encoded query, so the request
// URL stays within what instances and proxies accept.
const maxQueryBytes = 6000

// pushdown translates one condition, if it can be.
func pushdown(c filter.Condition) (string, bool) {
	pc, ok := pushColumns[c.Field]
	if !ok {
		return "", false
	}
	switch pc.kind {
	case kindTime:
		return timeCondition(pc.col, c)
	case kindPriority:
		return codeCondition(pc, c, func(v string) (string, bool) { return priorityCode(ticketing.Priority(v)) },
			func(code string) string { return string(priorityOf(code)) })
	case kindState:
		return codeCondition(pc, c, stateCode, stateLabel)
	}
	return textCondition(pc, c)
}

// values returns the condition's values: its set for in and not in.
func values(c filter.Condition) []string {
	if c.Op == filter.In || c.Op == filter.NotIn {
		if len(c.Values) > 0 {
			return c.Values
		}
		return strings.Split(c.Value, ",")
	}
	return []string{c.Value}
}

// textCondition translates a condition on a text column. ServiceNow
// compares text without regard to case, so = and IN select a superset of
// eq and in; != and NOT IN would select a subset, so they are emitted only
// for case-exact columns given values in their canonical case.
func textCondition(pc pushColumn, c filter.Condition) (string, bool) {
	vals := values(c)
	for _, v := range vals {
		if !safeValue(v) || ((c.Op == filter.In || c.Op == filter.NotIn) && strings.Contains(v, ",")) {
			return "", false
		}
	}
	switch c.Op {
	case filter.Eq:
		return pc.col + "=" + vals[0], true
	case filter.In:
		return pc.col + "IN" + strings.Join(vals, ","), true
	case filter.Ne, filter.NotIn:
		for _, v := range vals {
			if !canonical(pc.kind, v) {
				return "", false
			}
		}
		return negative(pc, c.Op, vals), true
	case filter.Like:
		return likeCondition(pc.col, c.Value)
	}
	return "", false
}

// canonical reports whether v is written the way the column's values are,
// so ServiceNow's case-insensitive comparison equals the exact one.
func canonical(k pushKind, v string) bool {
	switch k {
	case kindSysID:
		return isSysID(v)
	case kindNumber:
		return v == strings.ToUpper(v) && !hasNonASCII(v)
	}
	return false
}

// hasNonASCII reports whether s has a non-ASCII rune.
func hasNonASCII(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// negative emits != or NOT IN, with ^OR<col>ISEMPTY for a nullable column
// (an empty value satisfies ne and not in in memory).
func negative(pc pushColumn, op filter.Op, vals []string) string {
	s := pc.col + "!=" + vals[0]
	if op == filter.NotIn {
		s = pc.col + "NOT IN" + strings.Join(vals, ",")
	}
	if pc.nullable {
		s += "^OR" + pc.col + "ISEMPTY"
	}
	return s
}

// codeCondition translates a condition on a coded column (priority,
// state): names become codes. eq and in may name several codes' worth;
// ne and not in only exclude the codes whose name is read back exactly as
// given (a name that is never read back excludes nothing).
func codeCondition(pc pushColumn, c filter.Condition, code func(string) (string, bool), name func(string) string) (string, bool) {
	var codes []string
	for _, v := range values(c) {
		k, ok := code(v)
		switch {
		case (c.Op == filter.Eq || c.Op == filter.In) && !ok:
			continue // matches nothing in memory either way; select less
		case c.Op == filter.Ne || c.Op == filter.NotIn:
			if !ok || name(k) != v {
				if c.Op == filter.Ne {
					return "", false
				}
				continue
			}
		case c.Op != filter.Eq && c.Op != filter.In:
			return "", false
		}
		if !slices.Contains(codes, k) {
			codes = append(codes, k)
		}
	}
	if len(codes) == 0 {
		return "", false
	}
	switch c.Op {
	case filter.Eq, filter.In:
		if len(codes) == 1 {
			return pc.col + "=" + codes[0], true
		}
		return pc.col + "IN" + strings.Join(codes, ","), true
	}
	op := filter.NotIn
	if len(codes) == 1 {
		op = filter.Ne
	}
	return negative(pc, op, codes), true
}

// likeCondition translates a like pattern ('*' any run, '%' one
// character; whole value, ASCII case folded): *x* is LIKE x (contains),
// x* STARTSWITH x, *x ENDSWITH x, x is = x; any other pattern selects by
// its literal prefix (STARTSWITH) or, without one, by its longest literal
// part (LIKE), and the Connector filters the rest. Spaces at the ends of a
// contains, starts-with or ends-with literal are dropped where that only
// widens the selection (ServiceNow may trim them).
func likeCondition(col, p string) (string, bool) {
	core := strings.TrimLeft(p, "*")
	lead := len(core) < len(p)
	trimmed := strings.TrimRight(core, "*")
	trail := len(trimmed) < len(core)
	core = trimmed
	if core == "" {
		return "", false
	}
	emit := func(op, lit string) (string, bool) {
		if !safeValue(lit) {
			return "", false
		}
		return col + op + lit, true
	}
	if !strings.ContainsAny(core, "*%") {
		switch {
		case lead && trail:
			return emit("LIKE", strings.TrimSpace(core))
		case trail:
			return emit("STARTSWITH", strings.TrimRight(core, " "))
		case lead:
			return emit("ENDSWITH", strings.TrimLeft(core, " "))
		default:
			return emit("=", core)
		}
	}
	if prefix := strings.TrimRight(p[:strings.IndexAny(p, "*%")], " "); !lead && safeValue(prefix) {
		return col + "STARTSWITH" + prefix, true
	}
	longest := ""
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '*' || r == '%' }) {
		if seg = strings.TrimSpace(seg); len(seg) > len(longest) && safeValue(seg) {
			longest = seg
		}
	}
	if longest == "" {
		return "", false
	}
	return col + "LIKE" + longest, true
}

// timeCondition translates a time comparison. ServiceNow date-times have
// whole seconds: gt and gte compare with the second at or before the
// value, lt and lte with the second at or after it, eq only a whole
// second.
func timeCondition(col string, c filter.Condition) (string, bool) {
	t, ok := filter.PushableTime(c)
	if !ok {
		return "", false // the encoded query cannot write it: matched in memory
	}
	floor := t.Truncate(time.Second)
	ceil := floor
	if !floor.Equal(t) {
		ceil = floor.Add(time.Second)
	}
	switch c.Op {
	case filter.Eq:
		if !floor.Equal(t) {
			return "", false
		}
		return col + "=" + formatTime(t), true
	case filter.Gt:
		return col + ">" + formatTime(floor), true
	case filter.Gte:
		return col + ">=" + formatTime(floor), true
	case filter.Lt:
		return col + "<" + formatTime(ceil), true
	case filter.Lte:
		return col + "<=" + formatTime(ceil), true
	}
	return "", false
}

// safeValue reports whether v can be put in an encoded query unchanged.
// Encoded queries have no escape character: ^ separates conditions (^OR,
// ^NQ, ^ORDERBY...), line breaks and other control characters end or
// corrupt them, ServiceNow may trim surrounding spaces, and a javascript:
// value is run as a script on the instance. Such values are never sent.
func safeValue(v string) bool {
	if v == "" || len(v) > 1000 || !utf8.ValidString(v) || v != strings.TrimSpace(v) {
		return false
	}
	for _, r := range v {
		if r == '^' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return !strings.Contains(strings.ToLower(v), "javascript:")
}

// parseCursor reads a QueryTickets or list cursor: the next offset.
func parseCursor(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxOffset || strconv.Itoa(n) != s {
		return 0, errs.New(errs.InvalidQuery, "servicenow: cursor %q is not a cursor of this provider", clip(s))
	}
	return n, nil
}

// maxOffset bounds offsets (ServiceNow pages are offsets into a result).
const maxOffset = 1 << 30

// nextCursor returns the cursor after a page of n records at offset, of a
// result of total records (-1 if unknown).
func nextCursor(offset, n, limit, total int) string {
	next := offset + n
	if n == 0 || n < limit || (total >= 0 && next >= total) || next > maxOffset {
		return ""
	}
	return strconv.Itoa(next)
}
