package jirafake

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is an in-memory Jira Cloud site behind an httptest.Server. Its
// methods are safe for concurrent use, with each other and with the
// requests it serves.
type Server struct {
	// URL is the site's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Email and Token are the basic-auth credentials the site accepts: an
	// account e-mail and its API token.
	Email, Token string
	// BearerToken is the bearer token the site accepts.
	BearerToken string
	// AccountID is the account id of the API user: the reporter and creator
	// of the issues it creates, the author of its comments.
	AccountID string

	srv *httptest.Server
	mux *http.ServeMux

	mu    sync.Mutex
	st    *state
	log   []Request
	fault []*Fault
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
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
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

// Request is a request the server received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, RawQuery its query.
	Path, RawQuery string
	// Header holds the request headers, credentials included (the fake is
	// for tests).
	Header http.Header
	// Body is the request body, cut at 64 KiB.
	Body []byte
	// JQL is the JQL of a search request.
	JQL string
}

// maxLog bounds the request log; older requests are dropped.
const maxLog = 10000

// Requests returns the requests received so far (at most the last 10000),
// in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// JQLs returns the JQL of every search received so far, in order.
func (s *Server) JQLs() []string {
	var out []string
	for _, r := range s.Requests() {
		if r.JQL != "" {
			out = append(out, r.JQL)
		}
	}
	return out
}

// CountRequests returns how many received requests have the method (""
// for any) and a path starting with prefix.
func (s *Server) CountRequests(method, prefix string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// serve logs the request, applies injected faults, authenticates it and
// routes it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body.Close()
	if int64(len(body)) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, []string{"The request is too large."}, nil)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.record(r, body)
	f := s.takeFault(r)
	if f != nil {
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if f.apply(w, r, s) {
			return
		}
	}
	if !s.authenticated(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// maxBody bounds request bodies (attachments included).
const maxBody = 64 << 20

// record appends the request to the log.
func (s *Server) record(r *http.Request, body []byte) {
	rec := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone()}
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	rec.Body = append([]byte(nil), body...)
	if strings.HasSuffix(r.URL.Path, "/search/jql") {
		if r.Method == http.MethodGet {
			rec.JQL = r.URL.Query().Get("jql")
		} else {
			var b struct {
				JQL string `json:"jql"`
			}
			_ = json.Unmarshal(body, &b)
			rec.JQL = b.JQL
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= maxLog {
		s.log = append(s.log[:0], s.log[len(s.log)-maxLog/2:]...)
	}
	s.log = append(s.log, rec)
}

// authenticated checks the request's credentials: basic auth with Email
// and Token, or a bearer BearerToken. Jira answers 401 otherwise.
func (s *Server) authenticated(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	ok := false
	switch {
	case strings.HasPrefix(h, "Basic "):
		user, pass, has := r.BasicAuth()
		ok = has && subtle.ConstantTimeCompare([]byte(user), []byte(s.Email)) == 1 &&
			subtle.ConstantTimeCompare([]byte(pass), []byte(s.Token)) == 1
	case strings.HasPrefix(h, "Bearer "):
		ok = subtle.ConstantTimeCompare([]byte(strings.TrimPrefix(h, "Bearer ")), []byte(s.BearerToken)) == 1
	}
	if ok {
		return true
	}
	if h != "" {
		w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
	writeError(w, http.StatusUnauthorized, []string{"Client must be authenticated to access this resource."}, nil)
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
