package jirafake

import (
	"fmt"
	"net/http"
	"strconv"
)

// listComments is GET /rest/api/3/issue/{key}/comment (PageOfComments).
func (s *Server) listComments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, okStart := intParam(q.Get("startAt"), 0)
	maxResults, okMax := intParam(q.Get("maxResults"), 100)
	if !okStart || !okMax || start < 0 || maxResults < 0 {
		writeError(w, http.StatusBadRequest, []string{"startAt and maxResults must be non-negative integers."}, nil)
		return
	}
	order := q.Get("orderBy")
	switch order {
	case "", "created", "+created", "-created":
	default:
		writeError(w, http.StatusBadRequest, []string{"Invalid orderBy: only created, -created and +created are supported."}, nil)
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
	all := is.comments
	if order == "-created" {
		all = make([]*commentRec, len(is.comments))
		for i, c := range is.comments {
			all[len(all)-1-i] = c
		}
	}
	maxResults = min(maxResults, 5000)
	out := []any{}
	for i := start; i < len(all) && len(out) < maxResults; i++ {
		out = append(out, st.renderComment(is, all[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"comments": out, "maxResults": maxResults, "startAt": start, "total": len(all)})
}

func intParam(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// addComment is POST /rest/api/3/issue/{key}/comment.
func (s *Server) addComment(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Body       any            `json:"body"`
		Visibility map[string]any `json:"visibility"`
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
	if body.Body == nil {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"comment": "Comment body can not be empty!"})
		return
	}
	if !isADFDoc(body.Body) {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"comment": "Comment body must be an Atlassian Document (see the Atlassian Document Format)"})
		return
	}
	st.nextComment++
	now := st.now()
	c := &commentRec{id: st.nextComment, author: st.me, body: body.Body, created: now, updated: now}
	is.comments = append(is.comments, c)
	is.updated = now
	st.changed()
	writeJSON(w, http.StatusCreated, st.renderComment(is, c))
}

// findComment returns the issue's comment with the id in the path.
func (st *state) findComment(is *issueRec, id string) (int, *commentRec) {
	for i, c := range is.comments {
		if strconv.Itoa(c.id) == id {
			return i, c
		}
	}
	return -1, nil
}

// getComment is GET /rest/api/3/issue/{key}/comment/{id}.
func (s *Server) getComment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	_, c := st.findComment(is, r.PathValue("id"))
	if c == nil {
		writeError(w, http.StatusNotFound, []string{fmt.Sprintf("Can not find a comment for the id: %s.", r.PathValue("id"))}, nil)
		return
	}
	writeJSON(w, http.StatusOK, st.renderComment(is, c))
}

// deleteComment is DELETE /rest/api/3/issue/{key}/comment/{id}.
func (s *Server) deleteComment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	i, c := st.findComment(is, r.PathValue("id"))
	if c == nil {
		writeError(w, http.StatusNotFound, []string{fmt.Sprintf("Can not find a comment for the id: %s.", r.PathValue("id"))}, nil)
		return
	}
	is.comments = append(is.comments[:i], is.comments[i+1:]...)
	is.updated = st.now()
	st.changed()
	w.WriteHeader(http.StatusNoContent)
}
