package jirafake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// Server is an in-memory Jira Cloud site behind an httptest.Server. Its
// methods are safe for concurrent use, with each other and with the
// requests it serves.
type Server struct {
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, ClearFaults, Requests, Count, ResetRequests, ...), the way
	// every fake of this module does; the requests it logs include the
	// Authorization header. Injected faults that answer for Jira are
	// applied before authentication.
	*fakekit.Kit

	// URL is the site's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Email and Token are the basic-auth credentials the site accepts: an
	// account e-mail and its API token (random; a test may set Token, and
	// BearerToken, before the site serves its first request, to tokens it
	// must know in advance).
	Email, Token string
	// BearerToken is the bearer token the site accepts (random).
	BearerToken string
	// AccountID is the account id of the API user: the reporter and creator
	// of the issues it creates, the author of its comments.
	AccountID string

	srv *httptest.Server
	mux *http.ServeMux

	mu sync.Mutex
	st *state
}

// New starts a fake Jira site seeded with two projects (SEC "Security" and
// OPS "Operations"), the issue types Task, Bug, Story and Epic, the
// statuses "To Do", "In Progress" and "Done" (any status can move to any
// other), the default priorities Highest to Lowest, three custom fields
// (customfield_10010 "Severity", a text field; customfield_10020 "Team", a
// select list; customfield_10030 "Story points", a number) and the users
// of AccountID, "alice" and "bob". Its credentials are random.
//
// Pass a testing.TB to have the server closed when the test ends;
// otherwise call Close.
func New(tb ...testing.TB) *Server {
	s := &Server{
		Email:       "synqly-bot@example.com",
		Token:       "ATATT3x" + randomHex(24),
		BearerToken: "eyJfake." + randomHex(24),
		AccountID:   "712020:" + randomHex(16),
	}
	s.st = newState(s.AccountID, s.Email)
	s.mux = http.NewServeMux()
	s.routes()
	s.Kit = fakekit.New(fakekit.Vendor{Name: "jira", WriteError: writeFault, RateLimitHeaders: s.rateLimitHeaders,
		RequestIDHeader: "X-AREQUESTID", Authenticate: s.authenticated, MaxBody: maxBody})
	s.srv = httptest.NewServer(s.Kit.Handler(s.mux))
	s.URL = s.srv.URL
	s.st.base = s.URL
	for _, t := range tb {
		if t != nil {
			t.Helper()
			t.Cleanup(s.Close)
		}
	}
	return s
}

func randomHex(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Close shuts the server down, closing its client connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns an *http.Client for the server (a plain one: the server
// is plain HTTP on loopback).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// BasicAuthorization returns the Authorization header value of the basic
// credentials the site accepts.
func (s *Server) BasicAuthorization() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(s.Email+":"+s.Token))
}

// JQLs returns the JQL of every search received so far, in order.
func (s *Server) JQLs() []string {
	var out []string
	for _, r := range s.Requests() {
		if q := searchJQL(r); q != "" {
			out = append(out, q)
		}
	}
	return out
}

// searchJQL returns the JQL of a logged search request ("" for other
// requests).
func searchJQL(r fakekit.Request) string {
	if !strings.HasSuffix(r.Path, "/search/jql") {
		return ""
	}
	if r.Method == http.MethodGet {
		return r.Query.Get("jql")
	}
	var b struct {
		JQL string `json:"jql"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.JQL
}

// maxBody bounds request bodies (attachments included); a larger one is
// answered 413.
const maxBody = 64 << 20

// authenticated is the kit's Vendor.Authenticate: basic auth with Email
// and Token, or a bearer BearerToken. Jira answers 401 otherwise (see
// writeFault).
func (s *Server) authenticated(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(h, "Basic "):
		user, pass, has := r.BasicAuth()
		return has && subtle.ConstantTimeCompare([]byte(user), []byte(s.Email)) == 1 &&
			subtle.ConstantTimeCompare([]byte(pass), []byte(s.Token)) == 1
	case strings.HasPrefix(h, "Bearer "):
		return subtle.ConstantTimeCompare([]byte(strings.TrimPrefix(h, "Bearer ")), []byte(s.BearerToken)) == 1
	}
	return false
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, []string{"encoding the response failed"}, nil)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes Jira's error collection.
func writeError(w http.ResponseWriter, status int, messages []string, fields map[string]string) {
	if messages == nil {
		messages = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	writeJSON(w, status, map[string]any{"errorMessages": messages, "errors": fields})
}

// Jira's messages for missing objects.
const (
	msgNoIssue = "Issue does not exist or you do not have permission to see it."
)

// notFound writes Jira's 404 for a missing issue.
func notFoundIssue(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, []string{msgNoIssue}, nil)
}

// decodeJSON reads a JSON request body into v. Jira answers 415 to a body
// that is not declared JSON and 400 to one that does not parse.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, strict bool) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, []string{"Unsupported Media Type: the request body must be application/json."}, nil)
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, []string{"Invalid request payload. Refer to the REST API documentation and try again."}, nil)
		return false
	}
	return true
}
