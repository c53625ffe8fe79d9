package pdfake

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
)

// maxRequestBody bounds the JSON bodies the server reads.
const maxRequestBody = 4 << 20

// decodeBody decodes the JSON request body into v; on failure it writes
// PagerDuty's 400 and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, codeInvalidInput, "Invalid Input Provided",
			"Content-Type must be application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, codeInvalidInput, "Request Entity Too Large")
			return false
		}
		invalid(w, "The request body is not valid JSON")
		return false
	}
	return true
}

// requester returns the user named by the From header; when there is none
// or it names no user of the account it writes PagerDuty's 400 and returns
// nil. Call it under the lock.
func (s *Server) requester(w http.ResponseWriter, r *http.Request) *user {
	from := strings.TrimSpace(r.Header.Get("From"))
	if from == "" {
		writeError(w, http.StatusBadRequest, codeFromRequired,
			`You must specify a user's email address in the "From" header to perform this action`)
		return nil
	}
	u := s.userByEmail(from)
	if u == nil {
		writeError(w, http.StatusBadRequest, codeRequesterUnknown, "Requester User Not Found")
		return nil
	}
	return u
}

// refIn is a reference in a request body: {"id","type"} (or a name).
type refIn struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// assignmentIn is one entry of "assignments" in a request body.
type assignmentIn struct {
	Assignee *refIn `json:"assignee"`
}

// assignees resolves assignments to user ids; ok is false (and a 400
// written) when one names no user.
func (s *Server) assignees(w http.ResponseWriter, in []assignmentIn) ([]string, bool) {
	var ids []string
	for _, a := range in {
		if a.Assignee == nil || (a.Assignee.Type != "user_reference" && a.Assignee.Type != "user") || s.userByID(a.Assignee.ID) == nil {
			invalid(w, "Assignee must be a user_reference to an existing user")
			return nil, false
		}
		ids = append(ids, a.Assignee.ID)
	}
	return ids, true
}
