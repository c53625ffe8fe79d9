package snowfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
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
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, ClearFaults, Requests, Count, ResetRequests, ...), the way
	// every fake of this module does; the requests it logs include the
	// Authorization header. A Fault with Path "" hits every path, the
	// OAuth token endpoint /oauth_token.do included: aim at "/api/" to
	// leave token requests alone.
	*fakekit.Kit

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
	scopes    []string
	now       func() time.Time
}

// tokenPath is the OAuth token endpoint.
const tokenPath = "/oauth_token.do"

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
	s.Kit = fakekit.New(fakekit.Vendor{
		Name:             "servicenow",
		WriteError:       s.writeFault,
		RateLimitHeaders: s.rateLimitHeaders,
		RequestIDHeader:  "X-Transaction-ID",
		Authenticate:     s.authorized,
		// The API's own limits answer a body of maxBody+1 bytes as before
		// (the Attachment API's 413); the kit answers anything larger.
		MaxBody: maxBody + 1,
	})
	s.srv = httptest.NewServer(s.Kit.Handler(http.HandlerFunc(s.route)))
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

// TokenRequests returns how many requests /oauth_token.do received since
// New or the last ResetRequests (faulted ones included).
func (s *Server) TokenRequests() int { return s.Count("", tokenPath) }

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

// Queries returns the sysparm_query parameter of every Table API and
// Attachment API list request received so far (since New or the last
// ResetRequests), oldest first.
func (s *Server) Queries() []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet && r.Query.Has("sysparm_query") {
			out = append(out, r.Query.Get("sysparm_query"))
		}
	}
	return out
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

// route is the API behind the kit (which logs, injects faults and
// authenticates): the OAuth token endpoint, then the REST APIs.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == tokenPath {
		s.token(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/now/") {
		writeError(w, http.StatusBadRequest, "Requested URI does not represent any resource", r.URL.Path)
		return
	}
	user, _ := s.authenticate(r) // the kit let r in (authorized)
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

// authorized is the kit's Vendor.Authenticate: the REST APIs under
// /api/now/ need credentials (refused with ServiceNow's 401, "User Not
// Authenticated"); the OAuth token endpoint checks the client's own, and
// other paths are answered 400 by route whatever the credentials.
func (s *Server) authorized(r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/api/now/") {
		return true
	}
	_, ok := s.authenticate(r)
	return ok
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
