package snowfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Credentials the fake accepts. Every one authenticates as the user
// BasicUsername.
const (
	// BasicUsername and BasicPassword are the HTTP basic credentials.
	BasicUsername = "synqly.integration"
	BasicPassword = "snowfake-basic-Pa55word"
	// BearerToken is a static bearer token (ServiceNow API key style).
	BearerToken = "snowfake-static-bearer-token-0001"
	// ClientID and ClientSecret are the OAuth client accepted at
	// /oauth_token.do with the client_credentials grant.
	ClientID     = "snowfake-oauth-client-id"
	ClientSecret = "snowfake-oauth-client-S3cret"
)

// DefaultTokenLifetime is the lifetime of the OAuth access tokens the fake
// issues, as ServiceNow's default (1800 s, announced as expires_in 1799).
const DefaultTokenLifetime = 1799 * time.Second

// Server is a fake ServiceNow instance served by an httptest.Server. Its
// zero value is not usable; call New.
type Server struct {
	// URL is the instance's base URL, e.g. http://127.0.0.1:41234.
	URL string

	srv *httptest.Server

	mu        sync.Mutex
	tables    map[string]*table
	files     map[string][]byte // attachment content by sys_id
	tokens    map[string]time.Time
	tokenLife time.Duration
	seq       uint64 // orders sys_ids and timestamps of new records
	number    int    // last incident number
	faults    []*Fault
	delay     time.Duration
	log       []Request
	tokenReqs int
	scopes    []string
	now       func() time.Time
}

// Request is one request the fake received, for assertions.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. /api/now/table/incident.
	Path string
	// Query is the decoded query string.
	Query url.Values
	// Status is the status the fake answered (0 if the client went away
	// before the answer).
	Status int
}

// maxLog bounds the request log.
const maxLog = 10000

// New starts a fake instance seeded with users, groups, choices and
// dictionary entries (see the package documentation). Close it when done.
func New() *Server {
	s := &Server{
		tables:    map[string]*table{},
		files:     map[string][]byte{},
		tokens:    map[string]time.Time{},
		tokenLife: DefaultTokenLifetime,
		number:    10000,
		now:       time.Now,
	}
	s.seed()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down, closing client connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns an *http.Client for the server (no retries, no proxy).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// SetTokenLifetime sets the lifetime of the OAuth tokens issued from now on.
// expires_in announces it in whole seconds.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenLife = d
}

// TokenRequests returns how many requests /oauth_token.do received.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// TokenScopes returns the scope parameter of the last token request, split
// on spaces.
func (s *Server) TokenScopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.scopes...)
}

// Tokens returns the OAuth access tokens issued since New or the last
// ExpireTokens (for tests that check no token leaks into logs or errors).
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for t := range s.tokens {
		out = append(out, t)
	}
	return out
}

// ExpireTokens makes every OAuth token issued so far invalid, as if they
// had expired on the instance.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// Requests returns the requests received so far, oldest first (at most the
// last 10000).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// Queries returns the sysparm_query parameter of every Table API and
// Attachment API list request received so far, oldest first.
func (s *Server) Queries() []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet && r.Query.Has("sysparm_query") {
			out = append(out, r.Query.Get("sysparm_query"))
		}
	}
	return out
}

// ResetLog forgets the requests received so far and the token request
// count.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.tokenReqs = 0
}

// newID returns a new sys_id: 32 lowercase hex digits. The first half
// grows with every record so records created in the same second sort in
// creation order by sys_id; the rest is random. Call with s.mu held.
func (s *Server) newID() string {
	s.seq++
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%016x", uint64(0x5e0000000000)+s.seq) + hex.EncodeToString(b[:])
}

// stamp is the current time in ServiceNow's internal date-time format.
func (s *Server) stamp() string { return s.now().UTC().Format(timeLayout) }

// timeLayout is ServiceNow's internal date-time format (UTC).
const timeLayout = "2006-01-02 15:04:05"

// serve is the root handler: log, faults, authentication, routing.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	idx := s.logRequest(r)
	defer func() { s.setStatus(idx, rec.status) }()
	if s.applyFaults(rec, r) {
		return
	}
	s.route(rec, r)
}

// route authenticates and dispatches a request.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth_token.do" {
		s.token(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/now/") {
		writeError(w, http.StatusBadRequest, "Requested URI does not represent any resource", r.URL.Path)
		return
	}
	user, ok := s.authenticate(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "User Not Authenticated", "Required to provide Auth information")
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/api/now/")
	rest = strings.TrimPrefix(rest, "v1/")
	switch {
	case strings.HasPrefix(rest, "table/"):
		s.tableAPI(w, r, user, strings.TrimPrefix(rest, "table/"))
	case rest == "attachment" || strings.HasPrefix(rest, "attachment/"):
		s.attachmentAPI(w, r, user, strings.TrimPrefix(strings.TrimPrefix(rest, "attachment"), "/"))
	default:
		writeError(w, http.StatusBadRequest, "Requested URI does not represent any resource", r.URL.Path)
	}
}

func (s *Server) logRequest(r *http.Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= maxLog {
		s.log = append(s.log[:0], s.log[len(s.log)-maxLog/2:]...)
	}
	s.log = append(s.log, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	return len(s.log) - 1
}

func (s *Server) setStatus(idx, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx < len(s.log) {
		s.log[idx].Status = status
	}
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// authenticate checks the Authorization header and returns the user name.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	if u, p, ok := r.BasicAuth(); ok {
		return BasicUsername, u == BasicUsername && p == BasicPassword
	}
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return "", false
	}
	if tok == BearerToken {
		return BasicUsername, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return BasicUsername, ok && s.now().Before(exp)
}
