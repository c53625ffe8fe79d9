package jirafake

import (
	"fmt"
	"net/http"
	"strconv"
)

// createIssue is POST /rest/api/3/issue.
func (s *Server) createIssue(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Fields map[string]any `json:"fields"`
		Update map[string]any `json:"update"`
	}
	if !decodeJSON(w, r, &body, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if _, ok := body.Fields["status"]; ok {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"status": cannotSet("status")})
		return
	}
	e, bad := st.parseEdit(body.Fields, body.Update, true, nil)
	if len(bad) > 0 {
		writeError(w, http.StatusBadRequest, nil, bad)
		return
	}
	is := st.newIssue(e.project)
	is.issueType, is.status, is.priority = e.issueType, st.statuses[0], st.defPrio
	is.created = st.now()
	is.creator, is.reporter = st.me, st.me
	e.apply(st, is)
	is.updated = is.created
	writeJSON(w, http.StatusCreated, map[string]any{"id": strconv.Itoa(is.id), "key": is.key,
		"self": st.base + "/rest/api/3/issue/" + strconv.Itoa(is.id)})
}

// getIssue is GET /rest/api/3/issue/{key}.
func (s *Server) getIssue(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	writeJSON(w, http.StatusOK, s.st.renderIssue(is, parseFields(r.URL.Query()["fields"], "*all")))
}

// editIssue is PUT /rest/api/3/issue/{key}.
func (s *Server) editIssue(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Fields map[string]any `json:"fields"`
		Update map[string]any `json:"update"`
	}
	if !decodeJSON(w, r, &body, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	if _, ok := body.Fields["status"]; ok {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"status": cannotSet("status")})
		return
	}
	e, bad := st.parseEdit(body.Fields, body.Update, false, is)
	if len(bad) > 0 {
		writeError(w, http.StatusBadRequest, nil, bad)
		return
	}
	e.apply(st, is)
	if r.URL.Query().Get("returnIssue") == "true" {
		writeJSON(w, http.StatusOK, st.renderIssue(is, allFields()))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteIssue is DELETE /rest/api/3/issue/{key}.
func (s *Server) deleteIssue(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	delete(st.issues, is.key)
	delete(st.byID, is.id)
	for _, a := range is.attachments {
		delete(st.attachments, a.id)
	}
	for i, o := range st.order {
		if o == is {
			st.order = append(st.order[:i], st.order[i+1:]...)
			break
		}
	}
	st.changed()
	w.WriteHeader(http.StatusNoContent)
}

// transitionID is the id of the (global) transition to the i-th status.
func transitionID(i int) string { return strconv.Itoa(11 + 10*i) }

// getTransitions is GET /rest/api/3/issue/{key}/transitions: every status
// but the current one is reachable.
func (s *Server) getTransitions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	out := []any{}
	for i, target := range st.statuses {
		if target == is.status {
			continue
		}
		out = append(out, map[string]any{"id": transitionID(i), "name": target.name, "to": st.renderStatus(target),
			"hasScreen": false, "isGlobal": true, "isInitial": false, "isAvailable": true, "isConditional": false, "isLooped": false})
	}
	writeJSON(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": out})
}

// doTransition is POST /rest/api/3/issue/{key}/transitions.
func (s *Server) doTransition(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Transition map[string]any `json:"transition"`
		Fields     map[string]any `json:"fields"`
		Update     map[string]any `json:"update"`
	}
	if !decodeJSON(w, r, &body, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	id, ok := ref(body.Transition, "id")
	if !ok {
		writeError(w, http.StatusBadRequest, []string{"Missing 'transition' identifier"}, nil)
		return
	}
	for i, target := range st.statuses {
		if transitionID(i) != id || target == is.status {
			continue
		}
		is.status = target
		is.updated = st.now()
		if target.category == "done" {
			t := is.updated
			is.resolved = &t
		} else {
			is.resolved = nil
		}
		st.changed()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeError(w, http.StatusBadRequest, []string{fmt.Sprintf("Transition id '%s' is not valid for this issue.", id)}, nil)
}
