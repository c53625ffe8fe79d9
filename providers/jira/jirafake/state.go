package jirafake

import (
	"strconv"
	"strings"
	"time"
)

// state is the site's data. Every access holds Server.mu.
type state struct {
	base    string
	loc     *time.Location
	now     func() time.Time
	version int64
	maxPage int

	me         string
	users      map[string]*userRec
	projects   []*projectRec
	issueTypes []*issueTypeRec
	statuses   []*statusRec
	priorities []*priorityRec
	defPrio    *priorityRec
	custom     []*fieldRec

	issues      map[string]*issueRec // by key
	byID        map[int]*issueRec
	order       []*issueRec // in creation order
	nextIssueID int
	nextComment int
	nextAttach  int
	attachments map[int]*attachmentRec

	searches map[string]*searchResult
}

type userRec struct{ accountID, name, email string }

type projectRec struct {
	id       int
	key      string
	name     string
	lastNum  int
	typeKey  string
	private  bool
	category string
}

type issueTypeRec struct {
	id          int
	name        string
	description string
	level       int
}

type statusRec struct {
	id       int
	name     string
	category string // new, indeterminate, done
	rank     int
}

type priorityRec struct {
	id   int
	name string
	rank int // 1 is the highest
}

type fieldRec struct {
	id   string // customfield_NNNNN
	name string
	typ  string // string, number, option
}

type issueRec struct {
	id          int
	key         string
	num         int
	project     *projectRec
	issueType   *issueTypeRec
	status      *statusRec
	priority    *priorityRec
	summary     string
	description any // ADF document as decoded JSON, or nil
	labels      []string
	due         string // yyyy-mm-dd or ""
	created     time.Time
	updated     time.Time
	resolved    *time.Time
	assignee    string
	reporter    string
	creator     string
	custom      map[string]any
	comments    []*commentRec
	attachments []*attachmentRec
}

type commentRec struct {
	id      int
	author  string
	body    any
	created time.Time
	updated time.Time
}

type attachmentRec struct {
	id       int
	issue    *issueRec
	filename string
	mimeType string
	content  []byte
	author   string
	created  time.Time
}

// newState seeds a site.
func newState(me, email string) *state {
	st := &state{
		loc: time.UTC, now: time.Now, maxPage: 100, me: me,
		users: map[string]*userRec{}, issues: map[string]*issueRec{}, byID: map[int]*issueRec{},
		attachments: map[int]*attachmentRec{}, searches: map[string]*searchResult{},
		nextIssueID: 10000, nextComment: 10000, nextAttach: 10000,
	}
	st.users[me] = &userRec{accountID: me, name: "Synqly Bot", email: email}
	st.users["557058:alice"] = &userRec{accountID: "557058:alice", name: "Alice Example", email: "alice@example.com"}
	st.users["557058:bob"] = &userRec{accountID: "557058:bob", name: "Bob Example", email: "bob@example.com"}
	st.projects = []*projectRec{
		{id: 10000, key: "SEC", name: "Security", typeKey: "software"},
		{id: 10001, key: "OPS", name: "Operations", typeKey: "service_desk"},
	}
	st.issueTypes = []*issueTypeRec{
		{id: 10001, name: "Task", description: "A small, distinct piece of work."},
		{id: 10002, name: "Bug", description: "A problem or error."},
		{id: 10003, name: "Story", description: "A functionality or feature expressed as a user goal."},
		{id: 10004, name: "Epic", description: "A collection of related bugs, stories, and tasks.", level: 1},
	}
	st.statuses = []*statusRec{
		{id: 10000, name: "To Do", category: "new", rank: 1},
		{id: 3, name: "In Progress", category: "indeterminate", rank: 2},
		{id: 10001, name: "Done", category: "done", rank: 3},
	}
	for i, n := range []string{"Highest", "High", "Medium", "Low", "Lowest"} {
		st.priorities = append(st.priorities, &priorityRec{id: i + 1, name: n, rank: i + 1})
	}
	st.defPrio = st.priorities[2]
	st.custom = []*fieldRec{
		{id: "customfield_10010", name: "Severity", typ: "string"},
		{id: "customfield_10020", name: "Team", typ: "option"},
		{id: "customfield_10030", name: "Story points", typ: "number"},
	}
	return st
}

// changed invalidates cached searches after a write.
func (st *state) changed() {
	st.version++
	clear(st.searches)
}

func (st *state) project(ref string) *projectRec {
	for _, p := range st.projects {
		if strings.EqualFold(p.key, ref) || strconv.Itoa(p.id) == ref {
			return p
		}
	}
	return nil
}

func (st *state) projectByName(v string) *projectRec {
	if p := st.project(v); p != nil {
		return p
	}
	for _, p := range st.projects {
		if strings.EqualFold(p.name, v) {
			return p
		}
	}
	return nil
}

func (st *state) issueType(ref string) *issueTypeRec {
	for _, t := range st.issueTypes {
		if strings.EqualFold(t.name, ref) || strconv.Itoa(t.id) == ref {
			return t
		}
	}
	return nil
}

func (st *state) status(ref string) *statusRec {
	for _, s := range st.statuses {
		if strings.EqualFold(s.name, ref) || strconv.Itoa(s.id) == ref {
			return s
		}
	}
	return nil
}

func (st *state) priority(ref string) *priorityRec {
	for _, p := range st.priorities {
		if strings.EqualFold(p.name, ref) || strconv.Itoa(p.id) == ref {
			return p
		}
	}
	return nil
}

func (st *state) field(id string) *fieldRec {
	for _, f := range st.custom {
		if f.id == id {
			return f
		}
	}
	return nil
}

// issue finds an issue by key (case-insensitively) or numeric id.
func (st *state) issue(ref string) *issueRec {
	if is, ok := st.issues[strings.ToUpper(ref)]; ok {
		return is
	}
	if id, err := strconv.Atoi(ref); err == nil {
		return st.byID[id]
	}
	return nil
}

// newIssue allocates an issue in project p.
func (st *state) newIssue(p *projectRec) *issueRec {
	st.nextIssueID++
	p.lastNum++
	is := &issueRec{id: st.nextIssueID, num: p.lastNum, project: p, key: p.key + "-" + strconv.Itoa(p.lastNum)}
	st.issues[is.key] = is
	st.byID[is.id] = is
	st.order = append(st.order, is)
	st.changed()
	return is
}
