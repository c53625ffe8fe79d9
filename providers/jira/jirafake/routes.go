package jirafake

import "net/http"

// routes registers the API's paths.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("POST /rest/api/3/issue", s.createIssue)
	m.HandleFunc("GET /rest/api/3/issue/{key}", s.getIssue)
	m.HandleFunc("PUT /rest/api/3/issue/{key}", s.editIssue)
	m.HandleFunc("DELETE /rest/api/3/issue/{key}", s.deleteIssue)
	m.HandleFunc("GET /rest/api/3/issue/{key}/transitions", s.getTransitions)
	m.HandleFunc("POST /rest/api/3/issue/{key}/transitions", s.doTransition)
	m.HandleFunc("GET /rest/api/3/issue/{key}/comment", s.listComments)
	m.HandleFunc("POST /rest/api/3/issue/{key}/comment", s.addComment)
	m.HandleFunc("GET /rest/api/3/issue/{key}/comment/{id}", s.getComment)
	m.HandleFunc("DELETE /rest/api/3/issue/{key}/comment/{id}", s.deleteComment)
	m.HandleFunc("POST /rest/api/3/issue/{key}/attachments", s.addAttachment)
	m.HandleFunc("GET /rest/api/3/attachment/{id}", s.getAttachment)
	m.HandleFunc("DELETE /rest/api/3/attachment/{id}", s.deleteAttachment)
	m.HandleFunc("GET /rest/api/3/attachment/content/{id}", s.attachmentContent)
	m.HandleFunc("GET /secure/attachment/{id}/{name}", s.attachmentDownload)
	m.HandleFunc("GET /rest/api/3/search/jql", s.search)
	m.HandleFunc("POST /rest/api/3/search/jql", s.search)
	m.HandleFunc("GET /rest/api/3/project/search", s.searchProjects)
	m.HandleFunc("GET /rest/api/3/project/{key}", s.getProject)
	m.HandleFunc("GET /rest/api/3/issuetype", s.listIssueTypes)
	m.HandleFunc("GET /rest/api/3/issuetype/project", s.projectIssueTypes)
	m.HandleFunc("GET /rest/api/3/field", s.listFields)
	m.HandleFunc("GET /rest/api/3/status", s.listStatuses)
	m.HandleFunc("GET /rest/api/3/priority", s.listPriorities)
	m.HandleFunc("GET /rest/api/3/myself", s.myself)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, []string{"No resource found for " + r.Method + " " + r.URL.Path}, nil)
	})
}
