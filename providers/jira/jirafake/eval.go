package jirafake

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// fieldKind is how the fake evaluates a JQL field.
type fieldKind int

const (
	kProject fieldKind = iota
	kStatus
	kPriority
	kIssueType
	kUser
	kLabels
	kText
	kDate
	kKey
	kCustomText
	kCustomNumber
	kCustomOption
)

// jqlField is a resolved JQL field.
type jqlField struct {
	name string // canonical, as Jira names it in messages
	kind fieldKind
}

// fieldAliases maps lower-cased JQL field names to canonical ones.
var fieldAliases = map[string]jqlField{
	"project":        {"project", kProject},
	"status":         {"status", kStatus},
	"priority":       {"priority", kPriority},
	"issuetype":      {"issuetype", kIssueType},
	"type":           {"issuetype", kIssueType},
	"assignee":       {"assignee", kUser},
	"reporter":       {"reporter", kUser},
	"creator":        {"creator", kUser},
	"labels":         {"labels", kLabels},
	"label":          {"labels", kLabels},
	"summary":        {"summary", kText},
	"description":    {"description", kText},
	"created":        {"created", kDate},
	"createddate":    {"created", kDate},
	"updated":        {"updated", kDate},
	"updateddate":    {"updated", kDate},
	"duedate":        {"duedate", kDate},
	"due":            {"duedate", kDate},
	"resolutiondate": {"resolutiondate", kDate},
	"resolved":       {"resolutiondate", kDate},
	"key":            {"key", kKey},
	"issuekey":       {"key", kKey},
	"id":             {"key", kKey},
	"issue":          {"key", kKey},
}

var cfRE = regexp.MustCompile(`^(?i)(?:customfield_|cf\[)(\d+)\]?$`)

// resolveField finds a JQL field.
func (st *state) resolveField(name string) (jqlField, error) {
	if f, ok := fieldAliases[strings.ToLower(name)]; ok {
		return f, nil
	}
	if m := cfRE.FindStringSubmatch(name); m != nil {
		if cf := st.field("customfield_" + m[1]); cf != nil {
			kind := map[string]fieldKind{"string": kCustomText, "number": kCustomNumber, "option": kCustomOption}[cf.typ]
			return jqlField{cf.id, kind}, nil
		}
	}
	for _, cf := range st.custom {
		if strings.EqualFold(cf.name, name) {
			kind := map[string]fieldKind{"string": kCustomText, "number": kCustomNumber, "option": kCustomOption}[cf.typ]
			return jqlField{cf.id, kind}, nil
		}
	}
	return jqlField{}, &jqlError{fmt.Sprintf("Field '%s' does not exist or you do not have permission to view it.", name)}
}

// operators lists the operators each field kind supports.
var operators = map[fieldKind][]string{
	kProject:      {"=", "!=", "in", "not in", "is", "is not"},
	kStatus:       {"=", "!=", "in", "not in", "is", "is not"},
	kPriority:     {"=", "!=", "in", "not in", "is", "is not"},
	kIssueType:    {"=", "!=", "in", "not in", "is", "is not"},
	kUser:         {"=", "!=", "in", "not in", "is", "is not"},
	kLabels:       {"=", "!=", "in", "not in", "is", "is not"},
	kText:         {"~", "!~", "is", "is not"},
	kDate:         {"=", "!=", ">", ">=", "<", "<=", "in", "not in", "is", "is not"},
	kKey:          {"=", "!=", ">", ">=", "<", "<=", "in", "not in"},
	kCustomText:   {"~", "!~", "is", "is not"},
	kCustomNumber: {"=", "!=", ">", ">=", "<", "<=", "in", "not in", "is", "is not"},
	kCustomOption: {"=", "!=", "in", "not in", "is", "is not"},
}

// pred is a compiled JQL condition.
type pred func(is *issueRec) bool

// compile checks a query against the site and compiles its condition.
// Every error is collected, as Jira reports them all.
func (st *state) compile(n node) (pred, []string) {
	var msgs []string
	var walk func(n node) pred
	walk = func(n node) pred {
		switch n := n.(type) {
		case andNode:
			l, r := walk(n.l), walk(n.r)
			return func(is *issueRec) bool { return l(is) && r(is) }
		case orNode:
			l, r := walk(n.l), walk(n.r)
			return func(is *issueRec) bool { return l(is) || r(is) }
		case notNode:
			e := walk(n.e)
			return func(is *issueRec) bool { return !e(is) }
		case *clause:
			p, err := st.compileClause(n)
			if err != nil {
				msgs = append(msgs, err.Error())
				return func(*issueRec) bool { return false }
			}
			return p
		}
		return func(*issueRec) bool { return false }
	}
	p := walk(n)
	return p, msgs
}

func notExist(v, field string) error {
	return &jqlError{fmt.Sprintf("The value '%s' does not exist for the field '%s'.", v, field)}
}

// compileClause compiles one clause.
func (st *state) compileClause(c *clause) (pred, error) {
	f, err := st.resolveField(c.field)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(operators[f.kind], c.op) {
		return nil, &jqlError{fmt.Sprintf("The operator '%s' is not supported by the '%s' field.", strings.ToUpper(c.op), f.name)}
	}
	if c.op == "is" || c.op == "is not" {
		want := c.op == "is"
		return func(is *issueRec) bool { return st.empty(f, is) == want }, nil
	}
	negated := c.op == "!=" || c.op == "not in" || c.op == "!~"
	var match func(is *issueRec) bool
	switch f.kind {
	case kProject, kStatus, kPriority, kIssueType, kUser, kCustomOption:
		set, err := st.resolveNames(f, c.vals)
		if err != nil {
			return nil, err
		}
		match = func(is *issueRec) bool { return set[st.nameOf(f, is)] }
	case kLabels:
		match = func(is *issueRec) bool {
			for _, l := range is.labels {
				for _, v := range c.vals {
					if strings.EqualFold(l, v) {
						return true
					}
				}
			}
			return false
		}
	case kText, kCustomText:
		terms, prefix, err := textTerms(f.name, c.vals[0])
		if err != nil {
			return nil, err
		}
		match = func(is *issueRec) bool { return textMatch(st.textOf(f, is), terms, prefix) }
	case kDate:
		if c.op == "in" || c.op == "not in" || c.op == "=" || c.op == "!=" {
			var ts []time.Time
			for _, v := range c.vals {
				t, err := st.parseDate(f.name, v)
				if err != nil {
					return nil, err
				}
				ts = append(ts, t)
			}
			match = func(is *issueRec) bool {
				t, ok := st.timeOf(f, is)
				return ok && slices.ContainsFunc(ts, t.Equal)
			}
			break
		}
		lit, err := st.parseDate(f.name, c.vals[0])
		if err != nil {
			return nil, err
		}
		op := c.op
		return func(is *issueRec) bool {
			t, ok := st.timeOf(f, is)
			return ok && compareOp(t.Compare(lit), op)
		}, nil
	case kKey:
		var keys []*issueRec
		for _, v := range c.vals {
			if !keyRE.MatchString(v) {
				return nil, &jqlError{fmt.Sprintf("The issue key '%s' for field 'key' is invalid.", v)}
			}
			k := st.issue(v)
			if k == nil {
				return nil, &jqlError{fmt.Sprintf("An issue with key '%s' does not exist for field 'key'.", v)}
			}
			keys = append(keys, k)
		}
		if op := c.op; op != "=" && op != "!=" && op != "in" && op != "not in" {
			k := keys[0]
			return func(is *issueRec) bool { return compareOp(compareKeys(is, k), op) }, nil
		}
		match = func(is *issueRec) bool { return slices.Contains(keys, is) }
	case kCustomNumber:
		var nums []float64
		for _, v := range c.vals {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, &jqlError{fmt.Sprintf("The value '%s' is not a valid number for the field '%s'.", v, f.name)}
			}
			nums = append(nums, n)
		}
		if op := c.op; op != "=" && op != "!=" && op != "in" && op != "not in" {
			lit := nums[0]
			return func(is *issueRec) bool {
				n, ok := numberOf(is.custom[f.name])
				return ok && compareOp(cmp.Compare(n, lit), op)
			}, nil
		}
		match = func(is *issueRec) bool {
			n, ok := numberOf(is.custom[f.name])
			return ok && slices.Contains(nums, n)
		}
	}
	if negated {
		// Jira's negative operators never match an empty field.
		return func(is *issueRec) bool { return !st.empty(f, is) && !match(is) }, nil
	}
	return match, nil
}

var keyRE = regexp.MustCompile(`^(?i)[A-Z][A-Z0-9_]*-\d+$`)

func compareOp(c int, op string) bool {
	switch op {
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case "=":
		return c == 0
	case "!=":
		return c != 0
	}
	return false
}

func compareKeys(a, b *issueRec) int {
	if c := strings.Compare(a.project.key, b.project.key); c != 0 {
		return c
	}
	return cmp.Compare(a.num, b.num)
}

// resolveNames resolves name values (project, status, priority, issue
// type, user, option) to the canonical names an issue is compared with; a
// value that names nothing is Jira's "does not exist" error.
func (st *state) resolveNames(f jqlField, vals []string) (map[string]bool, error) {
	set := map[string]bool{}
	for _, v := range vals {
		var name string
		switch f.kind {
		case kProject:
			if p := st.projectByName(v); p != nil {
				name = p.key
			}
		case kStatus:
			if s := st.status(v); s != nil {
				name = s.name
			}
		case kPriority:
			if p := st.priority(v); p != nil {
				name = p.name
			}
		case kIssueType:
			if t := st.issueType(v); t != nil {
				name = t.name
			}
		case kUser:
			if u := st.users[v]; u != nil {
				name = u.accountID
			}
		case kCustomOption:
			name = strings.ToLower(v)
		}
		if name == "" {
			return nil, notExist(v, f.name)
		}
		set[name] = true
	}
	return set, nil
}

// nameOf returns the canonical name an issue has in a name field, "" when
// empty.
func (st *state) nameOf(f jqlField, is *issueRec) string {
	switch f.kind {
	case kProject:
		return is.project.key
	case kStatus:
		return is.status.name
	case kPriority:
		if is.priority == nil {
			return ""
		}
		return is.priority.name
	case kIssueType:
		return is.issueType.name
	case kUser:
		switch f.name {
		case "assignee":
			return is.assignee
		case "reporter":
			return is.reporter
		}
		return is.creator
	case kCustomOption:
		if m, ok := is.custom[f.name].(map[string]any); ok {
			s, _ := m["value"].(string)
			return strings.ToLower(s)
		}
	}
	return ""
}

// empty reports whether an issue's field is empty.
func (st *state) empty(f jqlField, is *issueRec) bool {
	switch f.kind {
	case kLabels:
		return len(is.labels) == 0
	case kText, kCustomText:
		return strings.TrimSpace(st.textOf(f, is)) == ""
	case kDate:
		_, ok := st.timeOf(f, is)
		return !ok
	case kKey:
		return false
	case kCustomNumber:
		_, ok := numberOf(is.custom[f.name])
		return !ok
	}
	return st.nameOf(f, is) == ""
}

func (st *state) textOf(f jqlField, is *issueRec) string {
	switch f.name {
	case "summary":
		return is.summary
	case "description":
		return adfText(is.description)
	}
	s, _ := is.custom[f.name].(string)
	return s
}

func (st *state) timeOf(f jqlField, is *issueRec) (time.Time, bool) {
	switch f.name {
	case "created":
		return is.created, true
	case "updated":
		return is.updated, true
	case "resolutiondate":
		if is.resolved == nil {
			return time.Time{}, false
		}
		return *is.resolved, true
	case "duedate":
		if is.due == "" {
			return time.Time{}, false
		}
		t, err := time.ParseInLocation(time.DateOnly, is.due, st.loc)
		return t, err == nil
	}
	return time.Time{}, false
}

// JQL date literal formats, read in the user's time zone.
var dateLayouts = []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"}

func (st *state) parseDate(field, v string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, v, st.loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &jqlError{fmt.Sprintf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", v, field)}
}

// tokens splits text into lower-case words of letters and digits.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// textTerms reads a ~ query: its words, and whether the last is a prefix
// (a trailing '*'). Leading wildcards are refused, as Jira does.
func textTerms(field, q string) ([]string, bool, error) {
	t := strings.TrimSpace(q)
	if t == "" || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "?") {
		return nil, false, &jqlError{fmt.Sprintf("The text query '%s' for field '%s' is not valid: probably your use of wildcard characters is incorrect.", q, field)}
	}
	prefix := strings.HasSuffix(t, "*")
	terms := tokens(strings.TrimSuffix(t, "*"))
	if len(terms) == 0 {
		return nil, false, &jqlError{fmt.Sprintf("The text query '%s' for field '%s' is not valid.", q, field)}
	}
	return terms, prefix, nil
}

// textMatch reports whether text holds every term as a word (the last as
// a word prefix when prefix is set).
func textMatch(text string, terms []string, prefix bool) bool {
	words := tokens(text)
	for i, term := range terms {
		found := false
		for _, w := range words {
			if w == term || (prefix && i == len(terms)-1 && strings.HasPrefix(w, term)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
