package jira

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/filter"
)

// Filter pushdown. QueryTickets translates the conditions of the bound
// query that JQL can evaluate into a JQL query; the Connector applies every
// condition again in memory. A pushed-down clause must therefore select a
// superset of the tickets the condition matches, never fewer:
//
//   - eq/in on status, issue_type, project, assignee, creator (reporter),
//     tags (labels) and id/name (key) become "field in (...)": JQL compares
//     names case-insensitively, which only widens the result;
//   - ne/not in become "field not in (...)", with "OR field is EMPTY" on
//     fields that can be empty, but only for values that are exactly a
//     name Jira has (status and issue type names from the site's lists,
//     canonical project and issue keys, lower-case account ids): a value
//     spelled differently excludes nothing in the model, while JQL would
//     exclude its case variants. Tags are never pushed down negated, since
//     Jira matches labels case-insensitively;
//   - priority conditions become the site's Jira priorities that read back
//     as the requested model priorities (see priority.go);
//   - created_at, updated_at, completion_date (resolutiondate) and due_date
//     comparisons become JQL date comparisons widened by 14 hours and a
//     minute (a day for due dates): JQL dates have minute precision and are
//     read in the API user's time zone, which the driver does not know;
//   - like on summary and description becomes "field ~ word" for each whole
//     word of the pattern: Jira's text search matches whole (stemmed) words,
//     so only words the pattern fully contains are safe to require;
//   - everything else (not like, contact, comparisons of names) is left to
//     the in-memory filter.
//
// An eq/in condition whose values can match no ticket (an issue key that is
// not one, a priority no Jira priority maps to) makes the page empty
// without a call. Every value is written as a quoted, escaped JQL string,
// and field names and operators come from the tables below, so no user
// value can change the structure of the query.

// pushKind says how conditions on a field push down.
type pushKind int

const (
	kindName     pushKind = iota // status, issue type: names from a site list
	kindProject                  // project keys
	kindUser                     // account ids
	kindPriority                 // model priorities
	kindLabel                    // labels
	kindKey                      // issue keys
	kindTime                     // timestamps
	kindDate                     // dates
	kindText                     // text searched with ~
)

// pushField maps a ticket field to its JQL field.
type pushField struct {
	jql      string
	kind     pushKind
	nullable bool
	list     string // the catalog list of kindName fields
}

var pushable = map[string]pushField{
	"status":          {jql: fStatus, kind: kindName, list: pathStatuses},
	"issue_type":      {jql: fIssueType, kind: kindName, list: pathIssueTypes},
	"project":         {jql: fProject, kind: kindProject},
	"assignee":        {jql: fAssignee, kind: kindUser, nullable: true},
	"creator":         {jql: fReporter, kind: kindUser, nullable: true},
	"priority":        {jql: fPriority, kind: kindPriority, nullable: true},
	"tags":            {jql: fLabels, kind: kindLabel, nullable: true},
	"id":              {jql: "key", kind: kindKey},
	"name":            {jql: "key", kind: kindKey},
	"created_at":      {jql: fCreated, kind: kindTime},
	"updated_at":      {jql: fUpdated, kind: kindTime},
	"completion_date": {jql: fResolved, kind: kindTime, nullable: true},
	"due_date":        {jql: fDueDate, kind: kindDate, nullable: true},
	"summary":         {jql: fSummary, kind: kindText},
	"description":     {jql: fDescription, kind: kindText, nullable: true},
}

// orderFields maps orderable ticket fields to JQL ORDER BY fields.
var orderFields = map[string]string{
	"created_at": fCreated, "updated_at": fUpdated, "due_date": fDueDate, "completion_date": fResolved,
	"priority": fPriority, "status": fStatus, "project": fProject, "issue_type": fIssueType,
	"summary": fSummary, "id": "key", "name": "key",
}

// orderFieldNames lists the ticket fields QueryTickets can order by.
func orderFieldNames() []string {
	out := make([]string, 0, len(orderFields))
	for f := range orderFields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// maxOrderFields is the most fields JQL's ORDER BY accepts.
const maxOrderFields = 7

// timeSlack widens pushed-down time comparisons: JQL reads date literals
// in the API user's time zone (UTC-12 to UTC+14) at minute precision.
const timeSlack = 14*time.Hour + time.Minute

// jqlTimeLayout is the JQL date-time literal format.
const jqlTimeLayout = "2006-01-02 15:04"

// bounded is the restriction added to a query with no other: Jira Cloud
// refuses unbounded JQL ("Unbounded JQL queries are not allowed here").
const bounded = `created >= "1970-01-01"`

// jqlQuote writes s as a JQL string literal: double-quoted, with quotes,
// backslashes and control characters escaped.
func jqlQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			b.WriteString(`\u`)
			const hex = "0123456789abcdef"
			b.WriteByte(hex[r>>12&0xf])
			b.WriteByte(hex[r>>8&0xf])
			b.WriteByte(hex[r>>4&0xf])
			b.WriteByte(hex[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jqlList writes values as a parenthesized list of JQL strings.
func jqlList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = jqlQuote(v)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// Shapes of canonical Jira identifiers.
var (
	projectKeyRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,254}$`)
	issueKeyRE   = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$`)
)

// query is a built JQL query.
type query struct {
	jql string
	// empty reports a filter no ticket can match: no call is needed.
	empty bool
}

// buildJQL translates the pushable conditions of q, except those on the
// fields in exclude, and q's order, into JQL.
func (d *driver) buildJQL(ctx context.Context, q *filter.Bound, exclude []string) query {
	var clauses []string
	empty := false
	for _, c := range q.Filters() {
		f, ok := pushable[c.Field]
		if !ok || slices.Contains(exclude, c.Field) {
			continue
		}
		vals := c.Values
		if c.Op != filter.In && c.Op != filter.NotIn {
			vals = []string{c.Value}
		}
		switch c.Op {
		case filter.Eq, filter.In:
			vs, ok := d.positive(ctx, f, vals)
			switch {
			case !ok:
			case len(vs) == 0:
				empty = true
			case len(vs) == 1:
				clauses = append(clauses, f.jql+" = "+jqlQuote(vs[0]))
			default:
				clauses = append(clauses, f.jql+" in "+jqlList(vs))
			}
			switch {
			case f.kind == kindTime || f.kind == kindDate:
				clauses = append(clauses, timeClauses(f, c)...)
			case f.kind == kindText && c.Op == filter.Eq:
				// An equal text holds every whole word of the value.
				for _, w := range likeWords(c.Value) {
					clauses = append(clauses, f.jql+" ~ "+jqlQuote(w))
				}
			}
		case filter.Ne, filter.NotIn:
			if vs := d.negative(ctx, f, vals); len(vs) > 0 {
				cl := f.jql + " not in " + jqlList(vs)
				if f.nullable {
					cl = "(" + cl + " OR " + f.jql + " is EMPTY)"
				}
				clauses = append(clauses, cl)
			}
		case filter.Gt, filter.Gte, filter.Lt, filter.Lte:
			clauses = append(clauses, timeClauses(f, c)...)
		case filter.Like:
			if f.kind == kindText {
				for _, w := range likeWords(c.Value) {
					clauses = append(clauses, f.jql+" ~ "+jqlQuote(w))
				}
			}
		}
	}
	if empty {
		return query{empty: true}
	}
	if len(clauses) == 0 {
		clauses = append(clauses, bounded)
	}
	return query{jql: strings.Join(clauses, " AND ") + orderBy(q.Order())}
}

// positive returns the JQL values an eq/in condition on f pushes down; ok
// is false when the condition is not pushed down at all, and an empty list
// means no ticket can match.
func (d *driver) positive(ctx context.Context, f pushField, vals []string) ([]string, bool) {
	var out []string
	switch f.kind {
	case kindName, kindProject, kindUser:
		for _, v := range vals {
			if v != "" {
				out = append(out, v)
			}
		}
	case kindLabel:
		for _, v := range vals {
			if v != "" && !strings.ContainsAny(v, " \t\n") {
				out = append(out, v)
			}
		}
	case kindKey:
		for _, v := range vals {
			if issueKeyRE.MatchString(v) {
				out = append(out, v)
			}
		}
	case kindPriority:
		site, err := d.names(ctx, pathPriorities)
		if err != nil {
			return nil, false
		}
		return jiraNamesFor(site, vals...), true
	default:
		return nil, false
	}
	return dedupe(out), true
}

// negative returns the JQL values a ne/not in condition on f can push
// down: only values spelled exactly as Jira spells them.
func (d *driver) negative(ctx context.Context, f pushField, vals []string) []string {
	var out []string
	switch f.kind {
	case kindName:
		site, err := d.names(ctx, f.list)
		if err != nil {
			return nil
		}
		for _, v := range vals {
			if slices.Contains(site, v) {
				out = append(out, v)
			}
		}
	case kindProject:
		for _, v := range vals {
			if projectKeyRE.MatchString(v) {
				out = append(out, v)
			}
		}
	case kindKey:
		for _, v := range vals {
			if issueKeyRE.MatchString(v) {
				out = append(out, v)
			}
		}
	case kindUser:
		for _, v := range vals {
			if v != "" && v == strings.ToLower(v) {
				out = append(out, v)
			}
		}
	case kindPriority:
		site, err := d.names(ctx, pathPriorities)
		if err != nil {
			return nil
		}
		out = jiraNamesFor(site, vals...)
	}
	return dedupe(out)
}

func dedupe(vs []string) []string {
	out := vs[:0]
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// timeClauses returns the widened JQL comparisons of a time condition.
func timeClauses(f pushField, c filter.Condition) []string {
	if f.kind != kindTime && f.kind != kindDate {
		return nil
	}
	t, ok := filter.PushableTime(c)
	if !ok {
		return nil // JQL cannot write it: matched in memory
	}
	lower := func() string {
		if f.kind == kindDate {
			return jqlQuote(t.AddDate(0, 0, -1).Format(time.DateOnly))
		}
		return jqlQuote(t.Add(-timeSlack).Truncate(time.Minute).Format(jqlTimeLayout))
	}
	upper := func() string {
		if f.kind == kindDate {
			return jqlQuote(t.AddDate(0, 0, 1).Format(time.DateOnly))
		}
		return jqlQuote(t.Add(timeSlack + time.Minute - 1).Truncate(time.Minute).Format(jqlTimeLayout))
	}
	switch c.Op {
	case filter.Gt, filter.Gte:
		return []string{f.jql + " >= " + lower()}
	case filter.Lt, filter.Lte:
		return []string{f.jql + " <= " + upper()}
	case filter.Eq:
		return []string{f.jql + " >= " + lower(), f.jql + " <= " + upper()}
	}
	return nil
}

// wordBreaks are characters that always separate words in Jira's text
// index. Others (. , : ; ' _ - @) may join the characters around them into
// one token ("1,000", "foo.bar", "web-01"), so words next to them are not
// known to be whole.
const wordBreaks = " \t\n()[]{}\"!?"

// stopWords are ignored by Jira's text search; requiring one would match
// nothing.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "but": true, "by": true,
	"for": true, "if": true, "in": true, "into": true, "is": true, "it": true, "no": true, "not": true, "of": true,
	"on": true, "or": true, "such": true, "that": true, "the": true, "their": true, "then": true, "there": true,
	"these": true, "they": true, "this": true, "to": true, "was": true, "will": true, "with": true,
}

// maxTextWords bounds the ~ clauses one like condition adds.
const maxTextWords = 5

// likeWords returns the whole ASCII words of a like pattern: runs of
// letters and digits that the pattern bounds on both sides by a word break
// or by its own start or end (not by a wildcard, which may extend them).
func likeWords(pattern string) []string {
	var out []string
	frags := strings.FieldsFunc(pattern, func(r rune) bool { return r == '*' || r == '%' })
	pos := 0
	for _, frag := range frags {
		at := strings.Index(pattern[pos:], frag) + pos
		pos = at + len(frag)
		startOK := at == 0
		endOK := pos == len(pattern)
		words := strings.FieldsFunc(frag, func(r rune) bool { return strings.ContainsRune(wordBreaks, r) })
		wpos := 0
		for _, w := range words {
			wat := strings.Index(frag[wpos:], w) + wpos
			wpos = wat + len(w)
			whole := (wat > 0 || startOK) && (wpos < len(frag) || endOK)
			lw := strings.ToLower(w)
			if whole && len(w) >= 2 && isASCIIAlnum(w) && !stopWords[lw] && !slices.Contains(out, lw) {
				out = append(out, lw)
				if len(out) == maxTextWords {
					return out
				}
			}
		}
	}
	return out
}

func isASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return utf8.ValidString(s)
}

// orderBy translates the query's order into a JQL ORDER BY clause. The
// terms after the issue key are dropped (the key is unique), and at most
// seven fields are kept, the key last.
func orderBy(terms []filter.OrderTerm) string {
	var parts, seen []string
	for _, t := range terms {
		f, ok := orderFields[t.Field]
		if !ok || slices.Contains(seen, f) {
			continue
		}
		if len(parts) == maxOrderFields-1 && f != "key" {
			continue
		}
		seen = append(seen, f)
		dir := "ASC"
		if t.Dir == filter.Desc {
			dir = "DESC"
		}
		parts = append(parts, f+" "+dir)
		if f == "key" {
			break
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}
