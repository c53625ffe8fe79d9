package jirafake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// issueEdit is a validated set of field values for a create or an edit.
type issueEdit struct {
	set         map[string]bool
	project     *projectRec
	issueType   *issueTypeRec
	summary     string
	description any
	priority    *priorityRec
	labels      []string
	due         string
	assignee    string
	reporter    string
	custom      map[string]any
}

func cannotSet(f string) string {
	return fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", f)
}

// ref reads an object reference such as {"id":"10000"} or {"key":"SEC"}.
func ref(v any, keys ...string) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	for _, k := range keys {
		switch x := m[k].(type) {
		case string:
			return x, x != ""
		case json.Number:
			return x.String(), true
		}
	}
	return "", false
}

func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// parseEdit validates fields (and the "update" operations) against the
// site. It returns Jira's per-field errors.
func (st *state) parseEdit(fields map[string]any, update map[string]any, creating bool, cur *issueRec) (*issueEdit, map[string]string) {
	e := &issueEdit{set: map[string]bool{}}
	bad := map[string]string{}
	for op, v := range update {
		ops, ok := v.([]any)
		if !ok {
			bad[op] = "Operation value must be a list of operations."
			continue
		}
		for _, o := range ops {
			om, _ := o.(map[string]any)
			switch {
			case hasKey(om, "set"):
				if fields == nil {
					fields = map[string]any{}
				}
				fields[op] = om["set"]
			case op == "labels" && (om["add"] != nil || om["remove"] != nil):
				labels := append([]string(nil), fields2labels(fields, cur)...)
				if a, ok := om["add"].(string); ok {
					labels = append(labels, a)
				}
				if r, ok := om["remove"].(string); ok {
					out := labels[:0]
					for _, l := range labels {
						if l != r {
							out = append(out, l)
						}
					}
					labels = out
				}
				if fields == nil {
					fields = map[string]any{}
				}
				anyLabels := make([]any, len(labels))
				for i, l := range labels {
					anyLabels[i] = l
				}
				fields["labels"] = anyLabels
			default:
				bad[op] = "The fake supports the set operation, and add and remove on labels."
			}
		}
	}
	for f, v := range fields {
		e.set[f] = true
		switch f {
		case "project":
			if !creating {
				bad[f] = cannotSet(f)
				continue
			}
			id, _ := ref(v, "id", "key")
			if e.project = st.project(id); e.project == nil {
				bad[f] = "Specify a valid project ID or key"
			}
		case "issuetype":
			id, _ := ref(v, "id", "name")
			if e.issueType = st.issueType(id); e.issueType == nil {
				bad[f] = "Specify an issue type"
			}
		case "summary":
			s, ok := v.(string)
			switch {
			case !ok || strings.TrimSpace(s) == "":
				bad[f] = "You must specify a summary of the issue."
			case utf8.RuneCountInString(s) > 255:
				bad[f] = "Summary must be less than 255 characters."
			case strings.ContainsAny(s, "\r\n"):
				bad[f] = "The summary is invalid because it contains newline characters."
			default:
				e.summary = s
			}
		case "description":
			if v != nil && !isADFDoc(v) {
				bad[f] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
				continue
			}
			e.description = v
		case "priority":
			if v == nil {
				continue
			}
			id, _ := ref(v, "id", "name")
			if e.priority = st.priority(id); e.priority == nil {
				bad[f] = "The priority selected is invalid."
			}
		case "labels":
			if v == nil {
				continue
			}
			list, ok := v.([]any)
			if !ok {
				bad[f] = "Operation value must be a list of strings."
				continue
			}
			for _, l := range list {
				s, ok := l.(string)
				switch {
				case !ok || s == "":
					bad[f] = "Labels must be non-empty strings."
				case strings.ContainsAny(s, " \t\n\r"):
					bad[f] = fmt.Sprintf("The label '%s' contains spaces which is invalid.", s)
				case utf8.RuneCountInString(s) > 255:
					bad[f] = "The label is too long: the maximum length is 255 characters."
				default:
					e.labels = append(e.labels, s)
				}
			}
		case "duedate":
			if v == nil {
				continue
			}
			s, _ := v.(string)
			if !isDate(s) {
				bad[f] = fmt.Sprintf("Error parsing date string: %v", v)
				continue
			}
			e.due = s
		case "assignee", "reporter":
			if v == nil {
				if f == "reporter" {
					bad[f] = "Reporter is required."
				}
				continue
			}
			id, _ := ref(v, "accountId", "id")
			if st.users[id] == nil {
				bad[f] = "Specified user does not exist or you do not have required permissions"
				continue
			}
			if f == "assignee" {
				e.assignee = id
			} else {
				e.reporter = id
			}
		default:
			cf := st.field(f)
			if cf == nil {
				bad[f] = cannotSet(f)
				continue
			}
			val, msg := cf.value(v)
			if msg != "" {
				bad[f] = msg
				continue
			}
			if e.custom == nil {
				e.custom = map[string]any{}
			}
			e.custom[f] = val
		}
	}
	if creating {
		if !e.set["project"] {
			bad["project"] = "Specify a valid project ID or key"
		}
		if !e.set["issuetype"] {
			bad["issuetype"] = "Specify an issue type"
		}
		if !e.set["summary"] {
			bad["summary"] = "You must specify a summary of the issue."
		}
	}
	return e, bad
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// fields2labels returns the labels an update starts from.
func fields2labels(fields map[string]any, cur *issueRec) []string {
	if list, ok := fields["labels"].([]any); ok {
		var out []string
		for _, l := range list {
			if s, ok := l.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if cur != nil {
		return cur.labels
	}
	return nil
}

// value validates a custom field value and returns it as Jira stores it.
func (cf *fieldRec) value(v any) (any, string) {
	if v == nil {
		return nil, ""
	}
	switch cf.typ {
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, "Operation value must be a string"
		}
		if utf8.RuneCountInString(s) > 255 {
			return nil, "Text fields hold at most 255 characters."
		}
		return s, ""
	case "number":
		f, ok := numberOf(v)
		if !ok {
			return nil, "Operation value must be a number"
		}
		return f, ""
	case "option":
		name, ok := ref(v, "value", "id")
		if !ok {
			return nil, "Specify a valid 'id' or 'name' for " + cf.name
		}
		return map[string]any{"self": "", "value": name, "id": strconv.Itoa(10100 + len(name))}, ""
	}
	return v, ""
}

// apply writes the edit into the issue.
func (e *issueEdit) apply(st *state, is *issueRec) {
	if e.issueType != nil {
		is.issueType = e.issueType
	}
	if e.set["summary"] {
		is.summary = e.summary
	}
	if e.set["description"] {
		is.description = e.description
	}
	if e.set["priority"] {
		is.priority = e.priority
	}
	if e.set["labels"] {
		is.labels = e.labels
	}
	if e.set["duedate"] {
		is.due = e.due
	}
	if e.set["assignee"] {
		is.assignee = e.assignee
	}
	if e.set["reporter"] {
		is.reporter = e.reporter
	}
	for k, v := range e.custom {
		if is.custom == nil {
			is.custom = map[string]any{}
		}
		if v == nil {
			delete(is.custom, k)
		} else {
			is.custom[k] = v
		}
	}
	is.updated = st.now()
	st.changed()
}
