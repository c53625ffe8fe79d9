package pdfake

import (
	"net/http"
	"sync"
)

// Request is one request the server received, faults included.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. /incidents/Q0000000000001.
	Path string
	// Query is the raw query string.
	Query string
	// Header holds the request's headers without Authorization.
	Header http.Header
	// Status is the status the server answered with (0 while it has not,
	// if the client gave up first, or if the answer was dropped).
	Status int
}

type requestLog struct {
	mu   sync.Mutex
	reqs []*Request
}

// add records a request as it arrives.
func (l *requestLog) add(r *http.Request) *Request {
	h := r.Header.Clone()
	h.Del("Authorization")
	rq := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: h}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, rq)
	return rq
}

// done records the status the server answered rq with.
func (l *requestLog) done(rq *Request, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rq.Status = status
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.requests.mu.Lock()
	defer s.requests.mu.Unlock()
	out := make([]Request, len(s.requests.reqs))
	for i, r := range s.requests.reqs {
		out[i] = *r
		out[i].Header = r.Header.Clone()
	}
	return out
}

// Count returns how many requests had the given method and path; an empty
// method or path matches any.
func (s *Server) Count(method, path string) int {
	s.requests.mu.Lock()
	defer s.requests.mu.Unlock()
	n := 0
	for _, r := range s.requests.reqs {
		if (method == "" || r.Method == method) && (path == "" || r.Path == path) {
			n++
		}
	}
	return n
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.requests.mu.Lock()
	s.requests.reqs = nil
	s.requests.mu.Unlock()
}
