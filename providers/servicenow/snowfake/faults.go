package snowfake

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// BodyFault corrupts an otherwise normal response.
type BodyFault int

// Body faults.
const (
	// BodyIntact leaves the body alone.
	BodyIntact BodyFault = iota
	// BodyMalformed replaces the body with text that is not JSON, with the
	// normal status and a correct Content-Length.
	BodyMalformed
	// BodyTruncated announces the full Content-Length, sends half the body
	// and closes the connection.
	BodyTruncated
	// BodyOversized answers 200 with a valid JSON body of Fault.Size bytes.
	BodyOversized
)

// Fault changes how the fake answers the next Count requests that match
// Method and Path. Faults are used in the order injected; a request takes
// at most one.
type Fault struct {
	// Count is how many requests the fault applies to (at least 1).
	Count int
	// Method limits the fault to one method ("" for any).
	Method string
	// Path limits the fault to paths with this prefix ("" for every path
	// under /api/).
	Path string
	// Delay is waited before answering (the wait ends if the client goes
	// away).
	Delay time.Duration
	// Status, when not 0, is answered with a ServiceNow error body instead
	// of handling the request (e.g. 429, 500, 503).
	Status int
	// RetryAfter is sent as the Retry-After header with Status.
	RetryAfter string
	// Detail, when not "", is the detail of the error body sent with
	// Status (e.g. text echoing a secret, to test redaction).
	Detail string
	// Body corrupts the normal response.
	Body BodyFault
	// Size is the size of a BodyOversized body, in bytes.
	Size int
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	if f.Count < 1 {
		f.Count = 1
	}
	if f.Path == "" {
		f.Path = "/api/"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// RateLimit answers the next k API requests with 429 Too Many Requests and
// the given Retry-After header ("" for none).
func (s *Server) RateLimit(k int, retryAfter string) {
	s.Inject(Fault{Count: k, Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// FailNext answers the next k API requests with the given status (a burst
// of 500s or 503s).
func (s *Server) FailNext(k, status int) { s.Inject(Fault{Count: k, Status: status}) }

// SetDelay makes every request wait d before being answered (0 to stop).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// ClearFaults removes every pending fault and the delay.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.delay = nil, 0
}

// takeFault returns the delay to apply and the fault the request takes, if
// any.
func (s *Server) takeFault(r *http.Request) (time.Duration, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path) {
			f.Count--
			if f.Count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			c := *f
			return s.delay, &c
		}
	}
	return s.delay, nil
}

// applyFaults applies the delay and the request's fault; it reports
// whether the response has been written.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request) bool {
	delay, f := s.takeFault(r)
	if f != nil {
		delay += f.Delay
	}
	if delay > 0 {
		// Read the body first: the server notices a client that went
		// away only once the body is consumed.
		data, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		r.Body = io.NopCloser(bytes.NewReader(data))
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if f == nil {
		return false
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		msg := http.StatusText(f.Status)
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded"
		}
		writeError(w, f.Status, msg, cmpOr(f.Detail, "fault injected by snowfake"))
		return true
	}
	if f.Body == BodyIntact {
		return false
	}
	if f.Body == BodyOversized {
		body := `{"result":{"pad":"` + strings.Repeat("x", max(f.Size-len(`{"result":{"pad":""}}`), 0)) + `"}}`
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(body))
		return true
	}
	rec := httptest.NewRecorder()
	s.route(rec, r)
	body := rec.Body.Bytes()
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	switch f.Body {
	case BodyMalformed:
		body = []byte(`{"result":[{"sys_id":"` + "\x00<html><body>Glide error</body></html>")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	case BodyTruncated:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		if conn, _, err := rc.Hijack(); err == nil {
			_ = conn.Close() // the client sees the body end early
		}
	}
	return true
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
