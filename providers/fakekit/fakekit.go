// Package fakekit is what every vendor fake in this module is built on: the
// request pipeline around a fake's API handler — a request log, a request id
// on every answer, an authentication check, and faults injected into the
// next matching requests (a status with Retry-After and the vendor's own
// rate-limit headers, a delay, a malformed, truncated or oversized body, a
// connection dropped before the request is served, an answer lost after
// the write ran).
//
// A fake describes its vendor once, in a Vendor, and embeds the *Kit in its
// server type, so every fake injects faults the same way:
//
//	type Server struct {
//		*fakekit.Kit
//		...
//	}
//
//	s.Kit = fakekit.New(fakekit.Vendor{Name: "acme", WriteError: writeError, Authenticate: s.authenticated})
//	s.srv = httptest.NewServer(s.Kit.Handler(mux))
//
//	srv.Inject(fakekit.Fault{Method: "POST", Path: "/issues", Status: 503, RetryAfter: time.Second})
//	srv.RateLimit(2, 0)
//	srv.Requests() // what the driver sent
//
// The connectors' fault suites (ticketingtest.RunFaults,
// notificationstest.RunFaults) drive a provider through a Kit.
//
// EXPERIMENTAL: the package is for tests of this module's providers and of
// providers written outside it; it may change between minor versions.
package fakekit

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Vendor is how a vendor's API answers, as far as the kit needs to know.
type Vendor struct {
	// Name names the vendor in the fake's own messages.
	Name string
	// WriteError writes the vendor's error answer for an HTTP status and a
	// message (a 429's body, a 500's, a 401's). Slack-like vendors that
	// answer errors with HTTP 200 write what they write. Required.
	WriteError func(w http.ResponseWriter, r *http.Request, status int, message string)
	// RateLimitHeaders, if set, adds the vendor's own rate-limit headers
	// to a 429 fault (e.g. PagerDuty's
	// ratelimit-reset, Jira's X-RateLimit-Reset). Retry-After is the
	// kit's.
	RateLimitHeaders func(h http.Header, wait time.Duration)
	// RequestIDHeader, if set, is the header the vendor names each answer
	// with (Jira's X-AREQUESTID, Slack's X-Slack-Req-Id, Graph's
	// request-id); the kit sets a fresh id on every answer and logs it.
	RequestIDHeader string
	// Authenticate, if set, checks a request's credentials; a request it
	// refuses is answered with WriteError(401) and never reaches the API.
	// Faults that answer for the vendor (a status, a malformed body) are
	// applied before it, the way a gateway answers before the application
	// does.
	Authenticate func(r *http.Request) bool
	// MaxBody bounds the request bodies the kit reads and logs (default
	// 64 MiB); a larger body is answered 413.
	MaxBody int64
}

// BodyFault damages or withholds an answer.
type BodyFault int

// The body faults.
const (
	// BodyIntact leaves the answer alone.
	BodyIntact BodyFault = iota
	// BodyMalformed answers 200 (or Fault.Status) with a body that is not
	// valid JSON, without serving the request.
	BodyMalformed
	// BodyTruncated serves the request, announces the answer's full
	// Content-Length, sends half of it and drops the connection.
	BodyTruncated
	// BodyOversized answers 200 with a well-formed JSON body of Fault.Size
	// bytes (default DefaultOversize), without serving the request.
	BodyOversized
	// BodyDropped closes the connection without an answer and without
	// serving the request: nothing happened, the client cannot know.
	BodyDropped
	// BodyLost serves the request — a create creates — and then closes
	// the connection without an answer: the write happened, the client
	// never learns it.
	BodyLost
)

func (b BodyFault) String() string {
	switch b {
	case BodyIntact:
		return "intact"
	case BodyMalformed:
		return "malformed"
	case BodyTruncated:
		return "truncated"
	case BodyOversized:
		return "oversized"
	case BodyDropped:
		return "dropped"
	case BodyLost:
		return "lost"
	}
	return "BodyFault(" + strconv.Itoa(int(b)) + ")"
}

// DefaultOversize is the size of a BodyOversized body when Fault.Size is 0:
// just over the 32 MiB the shared HTTP client accepts by default.
const DefaultOversize = 32<<20 + 1024

// MalformedBody is the body of a BodyMalformed fault: the start of a JSON
// object cut off by a gateway's HTML.
const MalformedBody = `{"id":"1","name":"half a` + "<html><body>502 Bad Gateway</body></html>"

// Fault is a misbehaviour injected into the next matching requests.
type Fault struct {
	// Method and Path select the requests the fault hits: the method ("" for
	// any) and a path prefix ("" for any).
	Method, Path string
	// Times is how many matching requests the fault hits (0 means 1).
	Times int
	// Delay holds the request this long before it is handled (by the
	// fault, or normally when the fault sets nothing else); a client that
	// gives up ends the wait.
	Delay time.Duration
	// Status answers with the vendor's error for this status (429, 500,
	// 503, 401, ...) instead of serving the request.
	Status int
	// RetryAfter, with Status 429 or 503, is announced in Retry-After
	// (whole seconds, rounded up) and in the vendor's rate-limit headers.
	RetryAfter time.Duration
	// OmitRetryAfter sends only the vendor's rate-limit headers, not
	// Retry-After (PagerDuty's 429s do).
	OmitRetryAfter bool
	// Message replaces the vendor's message in a Status answer (e.g. to
	// make the vendor echo a secret back) or the body of a BodyMalformed
	// answer.
	Message string
	// Body damages or withholds the answer (see BodyFault).
	Body BodyFault
	// Size is the length of a BodyOversized body (default DefaultOversize).
	Size int64
}

// Request is one request the fake received.
type Request struct {
	// Method, Path and Query are the request line's (Query decoded).
	Method, Path string
	Query        url.Values
	// Header holds the request's headers, Authorization included: tests
	// check what the driver sends.
	Header http.Header
	// Body is the request body as sent (its first MiB).
	Body []byte
	// Status is the status the fake answered with; 0 if no answer was sent
	// (dropped, lost, the client gave up).
	Status int
	// RequestID is the id the answer carried (Vendor.RequestIDHeader).
	RequestID string
	// Fault names the fault the request hit, "" for none.
	Fault string
}

// The request log keeps at most maxLog requests (the newest) and the first
// maxLoggedBody bytes of each body.
const (
	maxLog        = 10_000
	maxLoggedBody = 1 << 20
)

// Kit is the pipeline of one fake: its faults, its log, its request ids.
// It is safe for concurrent use.
type Kit struct {
	vendor Vendor

	mu     sync.Mutex
	faults []*Fault
	delay  time.Duration
	log    []*Request
	seq    int64
}

// New returns the kit of a fake of v.
func New(v Vendor) *Kit {
	if v.WriteError == nil {
		panic("fakekit: Vendor.WriteError is required")
	}
	if v.MaxBody <= 0 {
		v.MaxBody = 64 << 20
	}
	return &Kit{vendor: v}
}

// Handler wraps the fake's API: every request is logged, delayed, hit by its
// fault, authenticated and served by api, in that order.
func (k *Kit) Handler(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, k.vendor.MaxBody+1))
		if err != nil {
			return // the client went away mid-body
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec, f, delay := k.arrive(r, body)
		if k.vendor.RequestIDHeader != "" {
			w.Header().Set(k.vendor.RequestIDHeader, rec.RequestID)
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() { k.done(rec, sw.status) }()
		if int64(len(body)) > k.vendor.MaxBody {
			k.vendor.WriteError(sw, r, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f != nil && k.apply(sw, r, f, api) {
			return
		}
		k.serve(sw, r, api)
	})
}

// serve authenticates r and hands it to api.
func (k *Kit) serve(w http.ResponseWriter, r *http.Request, api http.Handler) {
	if k.vendor.Authenticate != nil && !k.vendor.Authenticate(r) {
		k.vendor.WriteError(w, r, http.StatusUnauthorized, "")
		return
	}
	api.ServeHTTP(w, r)
}

// arrive logs r and takes the fault it hits.
func (k *Kit) arrive(r *http.Request, body []byte) (*Request, *Fault, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seq++
	rec := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(),
		Body: body}
	if k.vendor.RequestIDHeader != "" {
		rec.RequestID = fmt.Sprintf("%s-req-%06d", cmp.Or(k.vendor.Name, "fake"), k.seq)
	}
	if len(k.log) >= maxLog {
		// Long benchmarks: keep the newest half.
		k.log = append(k.log[:0], k.log[len(k.log)-maxLog/2:]...)
	}
	if len(rec.Body) > maxLoggedBody {
		rec.Body = rec.Body[:maxLoggedBody]
	}
	k.log = append(k.log, rec)
	delay := k.delay
	for i, f := range k.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path) {
			f.Times--
			if f.Times <= 0 {
				k.faults = append(k.faults[:i], k.faults[i+1:]...)
			}
			c := *f
			rec.Fault = describe(&c)
			return rec, &c, delay + c.Delay
		}
	}
	return rec, nil, delay
}

func (k *Kit) done(rec *Request, status int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	rec.Status = status
}

func describe(f *Fault) string {
	switch {
	case f.Status != 0:
		return "status " + strconv.Itoa(f.Status)
	case f.Body != BodyIntact:
		return f.Body.String()
	}
	return "delay " + f.Delay.String()
}

// apply answers r as f says; it reports false when r is to be served
// normally (after f's delay).
func (k *Kit) apply(w *statusWriter, r *http.Request, f *Fault, api http.Handler) bool {
	switch {
	case f.Status != 0 && f.Body == BodyIntact:
		if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
			secs := strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10)
			if !f.OmitRetryAfter {
				w.Header().Set("Retry-After", secs)
			}
			if k.vendor.RateLimitHeaders != nil && f.Status == http.StatusTooManyRequests {
				k.vendor.RateLimitHeaders(w.Header(), f.RetryAfter)
			}
		}
		k.vendor.WriteError(w, r, f.Status, f.Message)
	case f.Body == BodyMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
		_, _ = io.WriteString(w, cmp.Or(f.Message, MalformedBody))
	case f.Body == BodyOversized:
		writeOversized(w, cmp.Or(f.Size, DefaultOversize))
	case f.Body == BodyDropped:
		hangUp(w)
	case f.Body == BodyLost:
		k.serve(httptest.NewRecorder(), r, api)
		hangUp(w)
	case f.Body == BodyTruncated:
		rec := httptest.NewRecorder()
		k.serve(rec, r, api)
		for name, vs := range rec.Header() {
			w.Header()[name] = vs
		}
		body := rec.Body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w.ResponseWriter).Flush()
		hangUp(w)
	default:
		return false
	}
	return true
}

// hangUp closes the connection under w without (more of) an answer.
func hangUp(w *statusWriter) {
	if conn, _, err := http.NewResponseController(w.ResponseWriter).Hijack(); err == nil {
		_ = conn.Close()
	}
}

// writeOversized streams a valid JSON object of size bytes.
func writeOversized(w http.ResponseWriter, size int64) {
	head, tail := []byte(`{"padding":"`), []byte(`"}`)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.FormatInt(max(size, int64(len(head)+len(tail))), 10))
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

// Inject adds a fault; faults injected earlier are applied first, and a
// request hits at most one.
func (k *Kit) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.faults = append(k.faults, &f)
}

// RateLimit answers the next n requests with the vendor's 429 and a wait of
// retryAfter.
func (k *Kit) RateLimit(n int, retryAfter time.Duration) {
	k.Inject(Fault{Times: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// FailNext answers the next n requests with the vendor's error for status
// (a burst of 500s or 503s).
func (k *Kit) FailNext(n, status int) { k.Inject(Fault{Times: n, Status: status}) }

// SetDelay holds every request d before it is handled (0 for none).
func (k *Kit) SetDelay(d time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.delay = d
}

// ClearFaults removes pending faults and the delay.
func (k *Kit) ClearFaults() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.faults, k.delay = nil, 0
}

// Pending reports how many injected faults have requests left to hit.
func (k *Kit) Pending() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.faults)
}

// Requests returns the requests received so far, oldest first (copies; the
// newest 10,000 at most).
func (k *Kit) Requests() []Request {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]Request, len(k.log))
	for i, r := range k.log {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = bytes.Clone(r.Body)
	}
	return out
}

// Count returns how many requests had the method and the path ("" matches
// any).
func (k *Kit) Count(method, path string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, r := range k.log {
		if (method == "" || r.Method == method) && (path == "" || r.Path == path) {
			n++
		}
	}
	return n
}

// ResetRequests forgets the requests received so far.
func (k *Kit) ResetRequests() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.log = nil
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
