package jirafake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// Fault is a failure to inject into the next matching requests. Faults are
// applied before authentication, in the order they were injected; a
// request hits at most one fault.
type Fault struct {
	// Method and PathPrefix select the requests the fault hits ("" for
	// any).
	Method, PathPrefix string
	// Times is how many matching requests the fault hits (0 means 1).
	Times int

	// Delay holds the request this long before it is answered (by the
	// fault, or normally when the fault sets nothing else). A client that
	// gives up ends the wait.
	Delay time.Duration
	// Status answers with this status and Jira's error body for it, e.g.
	// 429, 500, 503.
	Status int
	// RetryAfter sets the Retry-After header (with Status 429 or 503).
	RetryAfter string
	// Body answers 200 (or Status) with this raw body, e.g. malformed JSON.
	Body string
	// Truncate answers normally but cuts the body in half after declaring
	// its full length, then drops the connection.
	Truncate bool
	// Oversize answers 200 with a well-formed JSON body of this many bytes.
	Oversize int64
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = append(s.fault, &f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = nil
}

// RateLimit answers the next n requests with 429 Too Many Requests and a
// Retry-After of the given seconds, as Jira Cloud does when an app exceeds
// its rate limits.
func (s *Server) RateLimit(n, retryAfterSeconds int) {
	s.Inject(Fault{Times: n, Status: http.StatusTooManyRequests, RetryAfter: strconv.Itoa(retryAfterSeconds)})
}

// FailNext answers the next n requests with the given status (a 5xx
// burst, for example).
func (s *Server) FailNext(n, status int) { s.Inject(Fault{Times: n, Status: status}) }

// takeFault returns the fault the request hits, if any.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.fault {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			f.Times--
			if f.Times <= 0 {
				s.fault = append(s.fault[:i], s.fault[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

// apply answers the request as the fault says; it reports false when the
// request is to be handled normally (after a delay).
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, s *Server) bool {
	switch {
	case f.Truncate:
		rec := httptest.NewRecorder()
		if s.authenticated(rec, r) {
			s.mux.ServeHTTP(rec, r)
		}
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+16))
		w.WriteHeader(rec.Code)
		// Writing less than the declared length makes the server drop the
		// connection after the partial body.
		_, _ = w.Write(body[:len(body)/2])
		return true
	case f.Oversize > 0:
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Content-Length", strconv.FormatInt(f.Oversize, 10))
		w.WriteHeader(http.StatusOK)
		pad := f.Oversize - int64(len(`{"pad":""}`))
		_, _ = w.Write([]byte(`{"pad":"`))
		chunk := []byte(strings.Repeat("x", 32<<10))
		for pad > 0 {
			n := min(pad, int64(len(chunk)))
			if _, err := w.Write(chunk[:n]); err != nil {
				return true
			}
			pad -= n
		}
		_, _ = w.Write([]byte(`"}`))
		return true
	case f.Body != "":
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return true
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, []string{statusMessage(f.Status)}, nil)
		return true
	}
	return false
}

// statusMessage is the error message the fake gives an injected status.
func statusMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Rate limit exceeded."
	case http.StatusServiceUnavailable:
		return "Service unavailable. Please try again later."
	}
	return http.StatusText(status)
}
