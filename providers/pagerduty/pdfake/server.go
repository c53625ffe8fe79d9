package pdfake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// Server is a fake PagerDuty REST API account served over HTTP on the
// loopback interface. Create it with New and Close it when done.
type Server struct {
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, Requests, Count, ...), the way every fake of this module
	// does; the requests it logs include the Authorization header.
	*fakekit.Kit

	// URL is the API's base URL (like https://api.pagerduty.com), e.g.
	// http://127.0.0.1:34567.
	URL string

	ts  *httptest.Server
	now func() time.Time

	mu            sync.Mutex
	users         []*user
	services      []*service
	priorities    []*priority
	schedules     []*schedule
	policies      []*policy
	incidentTypes []*incidentType
	incidents     []*incident // in creation order
	nextID        int
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now instead of time.Now;
// PagerDuty keeps times to the second.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a server with a seeded account (see the exported constants).
func New(opts ...Option) *Server {
	s := &Server{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.seed()
	s.Kit = fakekit.New(fakekit.Vendor{Name: "pagerduty", WriteError: writeFault, RateLimitHeaders: rateLimitHeaders,
		RequestIDHeader: "X-Request-Id", Authenticate: s.authorized})
	s.ts = httptest.NewServer(s.Kit.Handler(s.handler()))
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Client returns an *http.Client for the server, with its own connection
// pool.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// CloseClientConnections closes the server's open client connections.
func (s *Server) CloseClientConnections() { s.ts.CloseClientConnections() }

// handler is the API behind the kit (which logs, injects faults and
// authenticates): the Accept header, then the routes.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /incidents", s.listIncidents)
	mux.HandleFunc("POST /incidents", s.createIncident)
	mux.HandleFunc("GET /incidents/types", s.listIncidentTypes)
	mux.HandleFunc("GET /incidents/{id}", s.getIncident)
	mux.HandleFunc("PUT /incidents/{id}", s.updateIncident)
	mux.HandleFunc("GET /incidents/{id}/notes", s.listNotes)
	mux.HandleFunc("POST /incidents/{id}/notes", s.createNote)
	mux.HandleFunc("PUT /incidents/{id}/notes/{note_id}", s.updateNote)
	mux.HandleFunc("DELETE /incidents/{id}/notes/{note_id}", s.deleteNote)
	mux.HandleFunc("GET /services", s.listServices)
	mux.HandleFunc("GET /services/{id}", s.getService)
	mux.HandleFunc("GET /priorities", s.listPriorities)
	mux.HandleFunc("GET /users", s.listUsers)
	mux.HandleFunc("GET /users/{id}", s.getUser)
	mux.HandleFunc("GET /escalation_policies", s.listPolicies)
	mux.HandleFunc("GET /escalation_policies/{id}", s.getPolicy)
	mux.HandleFunc("GET /oncalls", s.listOnCalls)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptsV2(r.Header.Get("Accept")) {
			invalid(w, "The Accept header must be application/vnd.pagerduty+json;version=2")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// authorized checks "Authorization: Token token=<Token>".
func (s *Server) authorized(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Token token="+Token
}

// acceptsV2 reports whether an Accept header asks for version 2 of the
// API.
func acceptsV2(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		if strings.ReplaceAll(strings.TrimSpace(part), " ", "") == "application/vnd.pagerduty+json;version=2" {
			return true
		}
	}
	return false
}

// newID returns a fresh PagerDuty-style id with the given first letter;
// ids grow with creation order.
func (s *Server) newID(prefix string) string {
	s.nextID++
	id := strings.ToUpper(strconv.FormatInt(int64(s.nextID), 36))
	return prefix + strings.Repeat("0", max(0, 13-len(id))) + id
}

// clock returns the current time as PagerDuty keeps it: UTC, to the
// second.
func (s *Server) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func itoa(n int) string { return strconv.Itoa(n) }

// lookups, under the lock.

func (s *Server) userByID(id string) *user {
	for _, u := range s.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (s *Server) userByEmail(email string) *user {
	for _, u := range s.users {
		if strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

func (s *Server) serviceByID(id string) *service {
	for _, v := range s.services {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (s *Server) policyByID(id string) *policy {
	for _, p := range s.policies {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (s *Server) priorityByID(id string) *priority {
	for _, p := range s.priorities {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (s *Server) scheduleByID(id string) *schedule {
	for _, sc := range s.schedules {
		if sc.ID == id {
			return sc
		}
	}
	return nil
}

func (s *Server) incidentTypeByName(name string) *incidentType {
	for _, t := range s.incidentTypes {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// incidentByID finds an incident by id or by incident number, as
// GET /incidents/{id} accepts either.
func (s *Server) incidentByID(id string) *incident {
	n, numErr := strconv.Atoi(id)
	for _, in := range s.incidents {
		if in.ID == id || (numErr == nil && in.Number == n) {
			return in
		}
	}
	return nil
}

// SetPriorities replaces the account's priorities with ones of the given
// names, most severe first; none turns priorities off (GET /priorities
// answers an empty list). The first five get the ids PriorityP1 to
// PriorityP5.
func (s *Server) SetPriorities(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := []string{PriorityP1, PriorityP2, PriorityP3, PriorityP4, PriorityP5}
	s.priorities = nil
	for i, n := range names {
		id := "PPRIO" + strconv.Itoa(i+1)
		if i < len(ids) {
			id = ids[i]
		}
		s.priorities = append(s.priorities, &priority{ID: id, Name: n, Description: "Priority " + n})
	}
}

// AddService adds a service using PolicyWeb, for paging tests.
func (s *Server) AddService(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.services = append(s.services, &service{ID: id, Name: name, PolicyID: PolicyWeb, CreatedAt: s.clock()})
}
