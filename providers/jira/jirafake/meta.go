package jirafake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// searchProjects is GET /rest/api/3/project/search (PageBeanProject).
func (s *Server) searchProjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, ok1 := intParam(q.Get("startAt"), 0)
	maxResults, ok2 := intParam(q.Get("maxResults"), 50)
	if !ok1 || !ok2 || start < 0 || maxResults < 0 {
		writeError(w, http.StatusBadRequest, []string{"startAt and maxResults must be non-negative integers."}, nil)
		return
	}
	if maxResults > 100 {
		maxResults = 100
	}
	order := q.Get("orderBy")
	desc := strings.HasPrefix(order, "-")
	order = strings.TrimLeft(order, "+-")
	switch order {
	case "", "key", "name", "category", "issueCount", "lastIssueUpdatedDate", "owner", "archivedDate", "deletedDate":
	default:
		writeError(w, http.StatusBadRequest, []string{"Invalid orderBy value: " + q.Get("orderBy")}, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	ps := slices.Clone(st.projects)
	if text := strings.ToLower(q.Get("query")); text != "" {
		ps = slices.DeleteFunc(ps, func(p *projectRec) bool {
			return !strings.Contains(strings.ToLower(p.key), text) && !strings.Contains(strings.ToLower(p.name), text)
		})
	}
	if keys := q["keys"]; len(keys) > 0 {
		ps = slices.DeleteFunc(ps, func(p *projectRec) bool { return !slices.Contains(keys, p.key) })
	}
	slices.SortFunc(ps, func(a, b *projectRec) int {
		c := strings.Compare(a.key, b.key)
		if order == "name" {
			c = strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
		}
		if desc {
			c = -c
		}
		return c
	})
	values := []any{}
	for i := start; i < len(ps) && len(values) < maxResults; i++ {
		values = append(values, st.renderProject(ps[i], false))
	}
	last := start+len(values) >= len(ps)
	self := st.base + r.URL.RequestURI()
	out := map[string]any{"self": self, "maxResults": maxResults, "startAt": start, "total": len(ps), "isLast": last, "values": values}
	if !last {
		next := url.Values{"startAt": {strconv.Itoa(start + len(values))}, "maxResults": {strconv.Itoa(maxResults)}}
		out["nextPage"] = st.base + "/rest/api/3/project/search?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// getProject is GET /rest/api/3/project/{key}: the project with its issue
// types.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("key")
	p := s.st.project(key)
	if p == nil || (!isNumeric(key) && p.key != key) {
		writeError(w, http.StatusNotFound, []string{"No project could be found with key '" + key + "'."}, nil)
		return
	}
	writeJSON(w, http.StatusOK, s.st.renderProject(p, true))
}

func isNumeric(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// listIssueTypes is GET /rest/api/3/issuetype.
func (s *Server) listIssueTypes(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, t := range s.st.issueTypes {
		out = append(out, s.st.renderIssueType(t, nil))
	}
	writeJSON(w, http.StatusOK, out)
}

// projectIssueTypes is GET /rest/api/3/issuetype/project?projectId=.
func (s *Server) projectIssueTypes(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("projectId")
	if !isNumeric(id) {
		writeError(w, http.StatusBadRequest, []string{"The projectId parameter must be a project id (a number)."}, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.project(id)
	if p == nil {
		writeError(w, http.StatusNotFound, []string{"No project could be found with id '" + id + "'."}, nil)
		return
	}
	out := []any{}
	for _, t := range s.st.issueTypes {
		out = append(out, s.st.renderIssueType(t, p))
	}
	writeJSON(w, http.StatusOK, out)
}

// systemFieldSchemas describes the system fields /field lists.
var systemFieldSchemas = []struct {
	id, name, typ, items string
	orderable            bool
}{
	{"summary", "Summary", "string", "", true},
	{"description", "Description", "string", "", true},
	{"status", "Status", "status", "", false},
	{"priority", "Priority", "priority", "", true},
	{"issuetype", "Issue Type", "issuetype", "", true},
	{"project", "Project", "project", "", false},
	{"labels", "Labels", "array", "string", true},
	{"duedate", "Due date", "date", "", true},
	{"created", "Created", "datetime", "", false},
	{"updated", "Updated", "datetime", "", false},
	{"resolutiondate", "Resolved", "datetime", "", false},
	{"resolution", "Resolution", "resolution", "", true},
	{"assignee", "Assignee", "user", "", true},
	{"reporter", "Reporter", "user", "", true},
	{"creator", "Creator", "user", "", false},
	{"attachment", "Attachment", "array", "attachment", true},
	{"comment", "Comment", "comments-page", "", true},
}

// listFields is GET /rest/api/3/field.
func (s *Server) listFields(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{map[string]any{"id": "issuekey", "key": "issuekey", "name": "Key", "custom": false, "orderable": false,
		"navigable": true, "searchable": false, "clauseNames": []string{"id", "issue", "issuekey", "key"}}}
	for _, f := range systemFieldSchemas {
		schema := map[string]any{"type": f.typ, "system": f.id}
		if f.items != "" {
			schema["items"] = f.items
		}
		out = append(out, map[string]any{"id": f.id, "key": f.id, "name": f.name, "custom": false, "orderable": f.orderable,
			"navigable": f.id != "comment", "searchable": true, "clauseNames": []string{f.id}, "schema": schema})
	}
	for _, f := range s.st.custom {
		num := strings.TrimPrefix(f.id, "customfield_")
		id, _ := strconv.Atoi(num)
		custom := map[string]string{
			"string": "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
			"number": "com.atlassian.jira.plugin.system.customfieldtypes:float",
			"option": "com.atlassian.jira.plugin.system.customfieldtypes:select",
		}[f.typ]
		out = append(out, map[string]any{"id": f.id, "key": f.id, "name": f.name, "custom": true, "orderable": true,
			"navigable": true, "searchable": true, "clauseNames": []string{"cf[" + num + "]", f.name},
			"schema": map[string]any{"type": f.typ, "custom": custom, "customId": id}})
	}
	writeJSON(w, http.StatusOK, out)
}

// listStatuses is GET /rest/api/3/status.
func (s *Server) listStatuses(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, st := range s.st.statuses {
		out = append(out, s.st.renderStatus(st))
	}
	writeJSON(w, http.StatusOK, out)
}

// listPriorities is GET /rest/api/3/priority.
func (s *Server) listPriorities(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, p := range s.st.priorities {
		m := s.st.renderPriority(p)
		m["isDefault"] = p == s.st.defPrio
		m["statusColor"] = "#cfcfcf"
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, out)
}

// myself is GET /rest/api/3/myself.
func (s *Server) myself(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.st.renderUser(s.st.me))
}
