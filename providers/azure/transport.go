package azure

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// transport is the azcore policy.Transporter under every request the SDK
// sends. Below it, rt (httpx.Transport) retries as every provider of the
// library does; transport adds what the SDK's own pipeline would otherwise
// decide, the library's way:
//
//   - a call whose context has no deadline is bounded by Timeout (the
//     time to an answer, retries included, then to each read of a
//     download's body), failing as the vendor's slowness, not the caller's
//     deadline;
//   - an answer's body is read whole, within MaxResponseBytes, and one
//     that stops short, is too long, or (a 2xx answer) is not XML is an
//     error that says so (answerError); a download's body (a blob's
//     content) streams, uncapped;
//   - a debug line per request: method, path, status, duration — never the
//     query, where a SAS travels;
//   - what the driver's error mapping needs of the call (see call).
type transport struct {
	rt      http.RoundTripper
	timeout time.Duration
	maxBody int64
	logger  *slog.Logger
	red     *redactor
}

// Do implements policy.Transporter.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	start := time.Now()
	caller := req.Context()
	ctx := caller
	var (
		timer *time.Timer
		fired atomic.Bool
		stop  = func() {}
	)
	if _, ok := caller.Deadline(); !ok && t.timeout > 0 {
		c, cancel := context.WithCancel(caller)
		ctx = c
		timer = time.AfterFunc(t.timeout, func() { fired.Store(true); cancel() })
		stop = func() { timer.Stop(); cancel() }
	}
	path := t.red.redact(req.URL.Path)
	resp, err := t.rt.RoundTrip(req.WithContext(ctx))
	if err != nil {
		stop()
		err = t.noAnswer(caller, &fired, err)
		t.log(caller, req.Method, path, 0, start, err)
		record(caller, nil, err)
		return nil, err
	}
	if isDownload(req, resp) {
		resp.Body = &idleBody{rc: resp.Body, timer: timer, timeout: t.timeout, fired: &fired, stop: stop, t: t, ctx: caller,
			method: req.Method, path: path, status: resp.StatusCode, requestID: resp.Header.Get(requestIDHeader)}
		t.log(caller, req.Method, path, resp.StatusCode, start, nil)
		record(caller, resp, nil)
		return resp, nil
	}
	data, err := readAtMost(resp.Body, t.maxBody)
	resp.Body.Close()
	stop()
	ae := &answerError{method: req.Method, path: path, status: resp.StatusCode, requestID: t.red.redact(resp.Header.Get(requestIDHeader))}
	switch {
	case err != nil && (fired.Load() || caller.Err() != nil):
		err = t.noAnswer(caller, &fired, err)
	case err != nil:
		ae.what, ae.cause = fmt.Sprintf("was cut short after %d bytes", len(data)), t.red.redact(err.Error())
		err = ae
	case int64(len(data)) > t.maxBody:
		ae.what = fmt.Sprintf("exceeds the %d-byte limit", t.maxBody)
		err = ae
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && len(bytes.TrimSpace(data)) > 0 && !wellFormedXML(data):
		ae.what = "is not XML"
		err = ae
	}
	if err != nil {
		t.log(caller, req.Method, path, resp.StatusCode, start, err)
		record(caller, resp, err)
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	t.log(caller, req.Method, path, resp.StatusCode, start, nil)
	record(caller, resp, nil)
	return resp, nil
}

// requestIDHeader names Azure Storage's request id.
const requestIDHeader = "x-ms-request-id"

// noAnswer is the error of a request that got no answer: the caller's
// own cancellation or deadline as it is (the driver's error mapping keeps
// their codes), the driver's timeout, or the transport's failure without
// the URL (whose query holds the SAS).
func (t *transport) noAnswer(caller context.Context, fired *atomic.Bool, err error) error {
	if caller.Err() != nil {
		return caller.Err()
	}
	if fired.Load() {
		return &noAnswerError{msg: fmt.Sprintf("no answer within the %v timeout", t.timeout)}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &noAnswerError{msg: t.red.redact(err.Error()), err: err}
}

func (t *transport) log(ctx context.Context, method, path string, status int, start time.Time, err error) {
	if t.logger == nil || !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("vendor", vendorName), slog.String("method", method), slog.String("path", path),
		slog.Int("status", status), slog.Duration("duration", time.Since(start))}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.red.redact(err.Error())))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "provider call", attrs...)
}

// isDownload reports whether resp carries a blob's content (Get Blob): a
// successful GET of a blob, not of a listing or a property (which name
// their operation in comp or restype).
func isDownload(req *http.Request, resp *http.Response) bool {
	if req.Method != http.MethodGet || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return false
	}
	q := req.URL.Query()
	return !q.Has("comp") && !q.Has("restype")
}

// readAtMost reads r to its end or to one byte past max.
func readAtMost(r io.Reader, max int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, max+1))
}

// wellFormedXML reports whether b is an XML document, as every answer of
// the Blob service with a body is (a listing, a block list, an error):
// an element first (after a BOM, a declaration and whitespace), balanced.
func wellFormedXML(b []byte) bool {
	b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf"))
	if len(b) == 0 || b[0] != '<' {
		return false
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	elements := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return elements > 0
		}
		if err != nil {
			return false
		}
		if _, ok := tok.(xml.StartElement); ok {
			elements++
		}
	}
}

// idleBody is a download's body: each read must make progress within the
// timeout (when the call has one), and a body that stops short is an
// answerError.
type idleBody struct {
	rc      io.ReadCloser
	timer   *time.Timer
	timeout time.Duration
	fired   *atomic.Bool
	stop    func()
	t       *transport
	ctx     context.Context

	method, path, requestID string
	status                  int
	n                       int64
	once                    sync.Once
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.timer != nil && !b.fired.Load() {
		b.timer.Reset(b.timeout)
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if err == nil || err == io.EOF {
		return n, err
	}
	switch {
	case b.fired.Load() && b.ctx.Err() == nil:
		err = &noAnswerError{msg: fmt.Sprintf("no data within the %v timeout", b.timeout)}
	case b.ctx.Err() != nil:
		err = b.ctx.Err()
	default:
		err = &answerError{method: b.method, path: b.path, status: b.status, requestID: b.t.red.redact(b.requestID),
			what: fmt.Sprintf("was cut short after %d bytes", b.n), cause: b.t.red.redact(err.Error())}
	}
	record(b.ctx, nil, err)
	return n, err
}

func (b *idleBody) Close() error {
	err := b.rc.Close()
	b.once.Do(b.stop)
	return err
}

// answerError is an answer the driver cannot use: its body stops short,
// is too long, or is not the XML the Blob service answers with. Its text
// never quotes the body.
type answerError struct {
	method, path, requestID string
	status                  int
	// what completes "the response ...".
	what  string
	cause string // the read's error, redacted
}

func (e *answerError) Error() string {
	s := e.method + " " + e.path + ": HTTP " + strconv.Itoa(e.status) + ": the response " + e.what
	if e.cause != "" {
		s += " (" + e.cause + ")"
	}
	return s
}

// noAnswerError is a request that got no answer: the driver's timeout
// ran out, or the connection failed. Its text is redacted.
type noAnswerError struct {
	msg string
	err error
}

func (e *noAnswerError) Error() string { return e.msg }

// Unwrap returns the transport's error (never a context's: a timeout of
// the driver's own is the vendor's slowness, not the caller's deadline).
func (e *noAnswerError) Unwrap() error { return e.err }

// call is what the transport learns of the requests of one driver call,
// for the error mapping: the Retry-After of the last 429 or 503 answer,
// and the last request that got no usable answer.
type call struct {
	mu         sync.Mutex
	retryAfter time.Duration
	hasWait    bool
	failure    error
}

type callKey struct{}

// withCall returns ctx carrying a fresh call.
func withCall(ctx context.Context) (context.Context, *call) {
	c := &call{}
	return context.WithValue(ctx, callKey{}, c), c
}

// record notes resp (or err) in the call of ctx.
func record(ctx context.Context, resp *http.Response, err error) {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.failure = err
		return
	}
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		c.retryAfter, c.hasWait = retryAfter(resp.Header.Get("Retry-After"))
	}
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}
