package jirafake

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Issue seeds an issue with AddIssue. Empty fields take defaults: project
// SEC, issue type Task, status "To Do", the default priority (Medium), the
// API user as reporter, now as creation time.
type Issue struct {
	// Project is a project key or id.
	Project string
	// IssueType is an issue type name or id.
	IssueType string
	// Summary is the issue's summary (one line).
	Summary string
	// Description is plain text (paragraphs split at blank lines), stored as
	// an ADF document.
	Description string
	// Status and Priority are names (or ids) the site has.
	Status, Priority string
	// Labels are the issue's labels.
	Labels []string
	// Assignee and Reporter are account ids.
	Assignee, Reporter string
	// DueDate is yyyy-mm-dd.
	DueDate string
	// Created and Updated are the issue's timestamps.
	Created, Updated time.Time
	// Custom holds custom field values by field id, as Jira returns them.
	Custom map[string]any
}

// AddIssue adds an issue directly (no HTTP) and returns its key.
func (s *Server) AddIssue(in Issue) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addIssue(in)
}

// AddIssues adds n issues, gen(i) describing the i-th; it is the fast way to
// seed large sites.
func (s *Server) AddIssues(n int, gen func(i int) Issue) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range n {
		if _, err := s.st.addIssue(gen(i)); err != nil {
			return fmt.Errorf("issue %d: %w", i, err)
		}
	}
	return nil
}

func (st *state) addIssue(in Issue) (string, error) {
	p := st.project(cmp.Or(in.Project, "SEC"))
	it := st.issueType(cmp.Or(in.IssueType, "Task"))
	stt := st.status(cmp.Or(in.Status, "To Do"))
	pr := st.defPrio
	if in.Priority != "" {
		pr = st.priority(in.Priority)
	}
	switch {
	case p == nil:
		return "", fmt.Errorf("no project %q", in.Project)
	case it == nil:
		return "", fmt.Errorf("no issue type %q", in.IssueType)
	case stt == nil:
		return "", fmt.Errorf("no status %q", in.Status)
	case pr == nil:
		return "", fmt.Errorf("no priority %q", in.Priority)
	case in.DueDate != "" && !isDate(in.DueDate):
		return "", fmt.Errorf("due date %q is not yyyy-mm-dd", in.DueDate)
	}
	is := st.newIssue(p)
	is.issueType, is.status, is.priority = it, stt, pr
	is.summary = in.Summary
	is.description = textADF(in.Description)
	is.labels = append([]string(nil), in.Labels...)
	is.due = in.DueDate
	is.created = in.Created
	if is.created.IsZero() {
		is.created = st.now()
	}
	is.updated = in.Updated
	if is.updated.IsZero() {
		is.updated = is.created
	}
	if stt.category == "done" {
		t := is.updated
		is.resolved = &t
	}
	is.assignee = in.Assignee
	is.reporter = cmp.Or(in.Reporter, st.me)
	is.creator = st.me
	if len(in.Custom) > 0 {
		is.custom = map[string]any{}
		for k, v := range in.Custom {
			is.custom[k] = v
		}
	}
	return is.key, nil
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func isDate(s string) bool {
	if !dateRE.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// IssueCount returns how many issues the site holds.
func (s *Server) IssueCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.issues)
}

// IssueFields returns the fields of an issue as GET issue returns them
// (every field), decoded from JSON.
func (s *Server) IssueFields(key string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.st.issue(key)
	if is == nil {
		return nil, false
	}
	return roundTrip(s.st.renderFields(is, allFields())), true
}

// AddUser adds a user the site knows (for assignees and reporters).
func (s *Server) AddUser(accountID, displayName, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.users[accountID] = &userRec{accountID: accountID, name: displayName, email: email}
}

// AddProject adds a project with every issue type and returns its id.
func (s *Server) AddProject(key, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !projectKeyRE.MatchString(key) {
		return "", errors.New("a project key is an upper-case letter then upper-case letters, digits or underscores")
	}
	if s.st.project(key) != nil {
		return "", fmt.Errorf("project %q exists", key)
	}
	id := 10000 + len(s.st.projects)
	for s.st.project(strconv.Itoa(id)) != nil {
		id++
	}
	s.st.projects = append(s.st.projects, &projectRec{id: id, key: key, name: name, typeKey: "software"})
	s.st.changed()
	return strconv.Itoa(id), nil
}

var projectKeyRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,9}$`)

// AddStatus adds a status in category "new", "indeterminate" or "done";
// every issue can move to it.
func (s *Server) AddStatus(name, category string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	switch {
	case category != "new" && category != "indeterminate" && category != "done":
		return fmt.Errorf("status category %q is not new, indeterminate or done", category)
	case strings.TrimSpace(name) == "" || st.status(name) != nil:
		return fmt.Errorf("status %q is empty or exists", name)
	}
	st.statuses = append(st.statuses, &statusRec{id: 20000 + len(st.statuses), name: name, category: category, rank: len(st.statuses) + 1})
	st.changed()
	return nil
}

// AddPriority adds a priority, ranked below the others.
func (s *Server) AddPriority(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if strings.TrimSpace(name) == "" || st.priority(name) != nil {
		return fmt.Errorf("priority %q is empty or exists", name)
	}
	st.priorities = append(st.priorities, &priorityRec{id: len(st.priorities) + 1, name: name, rank: len(st.priorities) + 1})
	st.changed()
	return nil
}

var customIDRE = regexp.MustCompile(`^customfield_[1-9][0-9]{0,9}$`)

// AddCustomField adds a custom field of type "string", "number" or
// "option"; id is "customfield_" and digits.
func (s *Server) AddCustomField(id, name, typ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !customIDRE.MatchString(id) || s.st.field(id) != nil:
		return fmt.Errorf("custom field id %q is not customfield_<digits> or exists", id)
	case typ != "string" && typ != "number" && typ != "option":
		return fmt.Errorf("custom field type %q is not string, number or option", typ)
	}
	s.st.custom = append(s.st.custom, &fieldRec{id: id, name: name, typ: typ})
	s.st.changed()
	return nil
}

// SetTimeZone sets the API user's time zone: Jira renders timestamps and
// reads JQL date literals in it. The default is UTC.
func (s *Server) SetTimeZone(loc *time.Location) {
	if loc == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.loc = loc
	s.st.changed()
}

// SetMaxResults sets the largest page a search returns (default 100).
func (s *Server) SetMaxResults(n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.maxPage = n
}

// SetClock sets the clock the site stamps creations and updates with.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.now = now
}
