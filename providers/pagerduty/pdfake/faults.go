package pdfake

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BodyFault damages the body of a response.
type BodyFault int

// The body faults.
const (
	// BodyIntact leaves the body alone.
	BodyIntact BodyFault = iota
	// BodyMalformed answers 200 with a body that is not valid JSON.
	BodyMalformed
	// BodyTruncated serves the request, then sends only half of the
	// response body while announcing its full length, and drops the
	// connection.
	BodyTruncated
	// BodyOversized answers 200 with a valid JSON body of Fault.Size bytes.
	BodyOversized
	// BodyDropped serves the request (a create creates, an update
	// updates), then closes the connection without sending any answer:
	// the write happened, the client never learns it.
	BodyDropped
)

// DefaultOversize is the size of a BodyOversized body when Fault.Size is 0:
// just over the 32 MiB the shared HTTP client accepts by default.
const DefaultOversize = 32<<20 + 1024

// Fault is a misbehaviour injected into the server's answers.
type Fault struct {
	// Method and PathPrefix select the requests the fault applies to; empty
	// matches any.
	Method, PathPrefix string
	// Status, when not 0, answers with this status and PagerDuty's error
	// body instead of serving the request: 429 (rate limited), 500, 502,
	// 503, ...
	Status int
	// RetryAfter, on a 429 or 503, is announced in PagerDuty's
	// ratelimit-reset header and in Retry-After (whole seconds, rounded
	// up).
	RetryAfter time.Duration
	// OmitRetryAfter leaves Retry-After out, as the real API does: only
	// ratelimit-reset says how long to wait.
	OmitRetryAfter bool
	// Delay holds the answer back this long, or until the client gives
	// up.
	Delay time.Duration
	// Message replaces the message of a Status fault's error body (e.g. to
	// make the vendor echo something back).
	Message string
	// Body damages the body (when Status is 0).
	Body BodyFault
	// Size is the length of a BodyOversized body (default DefaultOversize).
	Size int64
}

type faultRule struct {
	f    Fault
	left int
}

type faultState struct {
	mu    sync.Mutex
	rules []*faultRule
	delay time.Duration
}

// Inject applies f to the next n requests it matches. Faults injected
// earlier are applied first.
func (s *Server) Inject(n int, f Fault) {
	if n <= 0 {
		return
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rules = append(s.faults.rules, &faultRule{f: f, left: n})
}

// SetDelay holds every answer back by d (0 for none), or until the client
// gives up.
func (s *Server) SetDelay(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.delay = d
}

// ClearFaults removes pending faults and the delay.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rules, s.faults.delay = nil, 0
}

// take returns the fault for r, if any, and the delay to apply.
func (fs *faultState) take(r *http.Request) (*Fault, time.Duration) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, rule := range fs.rules {
		if (rule.f.Method == "" || rule.f.Method == r.Method) && strings.HasPrefix(r.URL.Path, rule.f.PathPrefix) {
			rule.left--
			if rule.left <= 0 {
				fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			}
			f := rule.f
			return &f, fs.delay + f.Delay
		}
	}
	return nil, fs.delay
}

// apply applies the fault for r, serving the request with api where the
// fault needs a real answer; it reports whether it answered.
func (fs *faultState) apply(w http.ResponseWriter, r *http.Request, api http.Handler) bool {
	f, delay := fs.take(r)
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	if f == nil {
		return false
	}
	switch {
	case f.Status != 0:
		writeStatusFault(w, f)
	case f.Body == BodyMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"incident": {"id": "Q0000000000001", "title": "half a`))
	case f.Body == BodyOversized:
		writeOversized(w, f.Size)
	case f.Body == BodyDropped:
		api.ServeHTTP(httptest.NewRecorder(), r)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	case f.Body == BodyTruncated:
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		body := rec.Body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
	default:
		return false
	}
	return true
}

func writeStatusFault(w http.ResponseWriter, f *Fault) {
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		secs := strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10)
		w.Header().Set("ratelimit-limit", "960")
		w.Header().Set("ratelimit-remaining", "0")
		w.Header().Set("ratelimit-reset", secs)
		if !f.OmitRetryAfter {
			w.Header().Set("Retry-After", secs)
		}
	}
	code, msg := codeInvalidInput, http.StatusText(f.Status)
	switch {
	case f.Status == http.StatusTooManyRequests:
		code, msg = codeRateLimited, "Rate Limit Exceeded"
	case f.Status >= 500:
		code, msg = codeInternal, "Internal Server Error"
	}
	if f.Message != "" {
		msg = f.Message
	}
	writeError(w, f.Status, code, msg)
}

// writeOversized streams a valid JSON body of about size bytes.
func writeOversized(w http.ResponseWriter, size int64) {
	if size <= 0 {
		size = DefaultOversize
	}
	head, tail := []byte(`{"incidents":[],"limit":25,"offset":0,"more":false,"padding":"`), []byte(`"}`)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for left := size - int64(len(head)+len(tail)); left > 0; left -= int64(len(chunk)) {
		if _, err := w.Write(chunk[:min(int64(len(chunk)), left)]); err != nil {
			return
		}
	}
	_, _ = w.Write(tail)
}
