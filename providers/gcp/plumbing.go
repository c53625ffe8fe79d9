package gcp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"gocloud.dev/gcerrors"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// The HTTP stack under the vendor SDKs. The SDK's *http.Client sends
// every request through, outermost first:
//
//	probe  — the driver's Timeout (until the answer's headers), the
//	         response size cap, a debug log line, and a record of the
//	         exchange for the driver's errors
//	auth   — a Bearer token (JSON API); SigV4 is signed by the S3 SDK itself
//	httpx  — the library's retries (httpx.Transport), over the
//	         application's *http.Client or a pooled one
//
// The SDKs' own retries are off (storage.RetryNever, aws.NopRetryer), so
// every provider of the library follows one retry policy.

// defaultTimeout bounds a call whose context has no deadline, as
// httpx.Client does by default.
const defaultTimeout = 60 * time.Second

// defaultMaxResponse caps the documents the SDKs parse (listings, object
// metadata, error bodies), as httpx.Client does by default. Downloads are
// not capped: their body is the file.
const defaultMaxResponse = 32 << 20

// plumbing is the HTTP stack of one driver, and what its errors need.
type plumbing struct {
	vendor  string // "gcs"
	xmlDocs bool   // the API answers with XML documents (the XML API)
	timeout time.Duration
	maxBody int64
	logger  *slog.Logger

	// base is the client under httpx's retries; owned says it was made
	// here, and its idle connections are closed with the driver.
	base  *http.Client
	owned bool
	// retry is httpx's retrying transport over base.
	retry http.RoundTripper

	// secrets returns what to redact: the credential's secrets and the
	// tokens fetched at run time.
	secrets func() []string
	red     *httpx.Client // used for its redaction only; it sends nothing
}

// newPlumbing builds the stack of a driver opened with req.
// The caller sets p.secrets before the first request.
func newPlumbing(req providers.OpenRequest, vendor string) (*plumbing, error) {
	p := &plumbing{vendor: vendor, timeout: req.Timeout, maxBody: req.MaxResponseBytes, base: req.HTTPClient}
	if p.timeout <= 0 {
		p.timeout = defaultTimeout
	}
	if p.maxBody <= 0 {
		p.maxBody = defaultMaxResponse
	}
	p.logger = req.Logger
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}
	if p.base == nil {
		p.base, p.owned = cleanhttp.DefaultPooledClient(), true
	}
	opts := httpx.OptionsFor(req, vendor)
	opts.HTTPClient = p.base
	p.retry = httpx.Transport(opts)
	red, err := httpx.New("https://storage.googleapis.com", secretList(p.currentSecrets), httpx.Options{Vendor: vendor})
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "%s: building the redactor", vendor)
	}
	p.red = red
	return p, nil
}

// client returns the SDK's *http.Client: the probe over auth (nil for
// none) over the retries.
func (p *plumbing) client(auth func(http.RoundTripper) http.RoundTripper) *http.Client {
	var rt http.RoundTripper = p.retry
	if auth != nil {
		rt = auth(rt)
	}
	return &http.Client{Transport: &probe{p: p, next: rt}}
}

// close releases the connections the stack owns.
func (p *plumbing) close() {
	if p.owned {
		p.base.CloseIdleConnections()
	}
	p.red.Close()
}

func (p *plumbing) currentSecrets() []string {
	if p.secrets == nil {
		return nil
	}
	return p.secrets()
}

// redact returns s without any form of the driver's secrets, made one
// printable line of at most 300 bytes.
func (p *plumbing) redact(s string) string { return p.red.Snippet([]byte(s)) }

// secretList is an httpx.Auth that authorizes nothing and names the
// driver's secrets: the redactor of an httpx.Client built on it finds
// them in every encoding a vendor could echo them in.
type secretList func() []string

func (secretList) Authorize(context.Context, *http.Request) error { return nil }
func (s secretList) Secrets() []string                            { return s() }

// An exchange records the HTTP exchanges of one driver call, for the
// call's error: each request line, its answer's status and headers, and a
// failure of the plumbing (a timeout, an oversized, truncated or
// malformed answer, a refused token, a lost connection). A call may send
// several requests, some at once (the parts of a multipart upload), and
// some after a failure (the abort of that upload): the error tells of the
// first that failed, or else of the last.
type exchange struct {
	// stream says the call downloads a file: its body is not capped.
	stream bool

	mu   sync.Mutex
	last *record // the last request sent
	bad  *record // the first that failed
}

// A record is one request of an exchange.
type record struct {
	x       *exchange
	method  string
	path    string
	status  int
	header  http.Header
	failure error
}

type (
	exchangeKey struct{}
	recordKey   struct{}
)

// begin returns ctx carrying a fresh exchange for one driver call.
func begin(ctx context.Context, stream bool) (context.Context, *exchange) {
	x := &exchange{stream: stream}
	return context.WithValue(ctx, exchangeKey{}, x), x
}

func exchangeOf(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

// recordOf returns the record of the request ctx is the context of.
func recordOf(ctx context.Context) *record {
	rec, _ := ctx.Value(recordKey{}).(*record)
	return rec
}

// start records a request about to be sent.
func (x *exchange) start(r *http.Request) *record {
	if x == nil {
		return nil
	}
	rec := &record{x: x, method: r.Method, path: r.URL.Path}
	x.mu.Lock()
	x.last = rec
	x.mu.Unlock()
	return rec
}

// answer records the answer's status; an error answer is a failure.
func (rec *record) answer(resp *http.Response) {
	if rec == nil {
		return
	}
	rec.x.mu.Lock()
	rec.status, rec.header = resp.StatusCode, resp.Header
	if resp.StatusCode >= 400 && rec.x.bad == nil {
		rec.x.bad = rec
	}
	rec.x.mu.Unlock()
}

// fail records the plumbing's failure of the request; its first stays.
func (rec *record) fail(err error) {
	if rec == nil {
		return
	}
	rec.x.mu.Lock()
	if rec.failure == nil {
		rec.failure = err
	}
	if rec.x.bad == nil {
		rec.x.bad = rec
	}
	rec.x.mu.Unlock()
}

// snapshot is what an exchange tells of: its first failed request, or
// else its last.
type snapshot struct {
	method, path string
	status       int
	header       http.Header
	failure      error
}

func (x *exchange) snapshot() snapshot {
	if x == nil {
		return snapshot{}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	rec := x.bad
	if rec == nil {
		rec = x.last
	}
	if rec == nil {
		return snapshot{}
	}
	return snapshot{rec.method, rec.path, rec.status, rec.header, rec.failure}
}

// The plumbing's own failures, as the SDKs receive them (and wrap).
type (
	// timeoutError: no answer within the driver's Timeout.
	timeoutError struct{ after time.Duration }
	// tooLargeError: an answer beyond the response size cap.
	tooLargeError struct{ limit int64 }
	// malformedError: an answer that is not the API's document.
	malformedError struct{}
	// cutShortError: the answer's body ended before its announced end.
	cutShortError struct{ n int64 }
	// noAnswerError: the connection failed before an answer.
	noAnswerError struct{}
	// tokenError: the OAuth token endpoint refused the credential, or
	// could not be reached.
	tokenError struct {
		code   errs.Code
		status int
		msg    string // redacted
	}
)

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer within the %v timeout", e.after)
}
func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the response exceeds the %d-byte limit", e.limit)
}
func (e *malformedError) Error() string {
	return "the response is not what the API documents (malformed)"
}
func (e *cutShortError) Error() string {
	return fmt.Sprintf("the response was cut short after %d bytes", e.n)
}
func (e *tokenError) Error() string    { return e.msg }
func (e *noAnswerError) Error() string { return "no answer (the connection failed)" }

// probe is the outermost transport: see the top of the file.
type probe struct {
	p    *plumbing
	next http.RoundTripper
}

func (t *probe) RoundTrip(r *http.Request) (*http.Response, error) {
	x := exchangeOf(r.Context())
	rec := x.start(r)
	start := time.Now()
	ctx, cancel := r.Context(), context.CancelFunc(func() {})
	var timedOut atomic.Bool
	stop := func() bool { return false }
	if _, ok := ctx.Deadline(); !ok {
		// The Timeout bounds the wait for the answer, retries included;
		// the body (a download) is the caller's to bound.
		ctx, cancel = context.WithCancel(ctx)
		timer := time.AfterFunc(t.p.timeout, func() { timedOut.Store(true); cancel() })
		stop = timer.Stop
	}
	if rec != nil {
		ctx = context.WithValue(ctx, recordKey{}, rec)
	}
	r = r.WithContext(ctx)
	resp, err := t.next.RoundTrip(r)
	stop()
	if err != nil {
		cancel()
		switch {
		case timedOut.Load():
			// The probe's timer ended the wait (a caller's own end is
			// told apart by the blob layer, from the caller's context).
			err = &timeoutError{after: t.p.timeout}
			rec.fail(err)
		case r.Context().Err() == nil:
			rec.fail(&noAnswerError{}) // a token failure, recorded first, stays
		}
		t.log(r, 0, start)
		return nil, err
	}
	rec.answer(resp)
	t.log(r, resp.StatusCode, start)
	limit := t.p.maxBody
	if x != nil && x.stream && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		limit = -1
	}
	if limit >= 0 && resp.ContentLength > limit {
		return t.refuse(resp, cancel, rec, &tooLargeError{limit: limit})
	}
	if t.p.xmlDocs && limit >= 0 && resp.StatusCode >= 200 && resp.StatusCode <= 299 && r.Method != http.MethodHead {
		// The S3 SDK's XML decoder skips what is not its document (a
		// gateway's HTML, JSON) and reports an empty listing: an answer
		// of the XML API that is not XML is malformed.
		br := bufio.NewReaderSize(resp.Body, 512)
		head, _ := br.Peek(64)
		if doc := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(doc) > 0 && (doc[0] != '<' || hasPrefixFold(doc, "<html") || hasPrefixFold(doc, "<!doctype html")) {
			return t.refuse(resp, cancel, rec, &malformedError{})
		}
		resp.Body = readCloser{br, resp.Body}
	}
	resp.Body = &body{rc: resp.Body, cancel: cancel, limit: limit, announced: resp.ContentLength, rec: rec}
	return resp, nil
}

// refuse fails an answer the driver cannot take, whole.
func (t *probe) refuse(resp *http.Response, cancel context.CancelFunc, rec *record, err error) (*http.Response, error) {
	resp.Body.Close()
	cancel()
	rec.fail(err)
	return nil, err
}

type readCloser struct {
	io.Reader
	io.Closer
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

func (t *probe) log(r *http.Request, status int, start time.Time) {
	if !t.p.logger.Enabled(r.Context(), slog.LevelDebug) {
		return
	}
	t.p.logger.LogAttrs(r.Context(), slog.LevelDebug, "provider call", slog.String("vendor", t.p.vendor),
		slog.String("method", r.Method), slog.String("path", t.p.redact(r.URL.Path)), slog.Int("status", status),
		slog.Duration("duration", time.Since(start)))
}

// body caps an answer's body (limit < 0: no cap), tells a body cut short
// from its end, and releases the probe's context when closed.
type body struct {
	rc        io.ReadCloser
	cancel    context.CancelFunc
	limit     int64
	announced int64 // Content-Length, -1 if unknown
	n         int64
	err       error
	rec       *record
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.limit >= 0 {
		if b.announced > b.limit {
			return 0, b.fail(&tooLargeError{limit: b.limit})
		}
		// One byte more than the limit tells a body of exactly limit
		// bytes from a longer one.
		if rest := b.limit - b.n + 1; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if b.limit >= 0 && b.n > b.limit {
		return n - int(b.n-b.limit), b.fail(&tooLargeError{limit: b.limit})
	}
	if err != nil && err != io.EOF && (errors.Is(err, io.ErrUnexpectedEOF) || b.announced > b.n) {
		b.rec.fail(&cutShortError{n: b.n})
	}
	return n, err
}

// fail makes err the body's error from now on, and the exchange's.
func (b *body) fail(err error) error {
	b.err = err
	b.rec.fail(err)
	return err
}

func (b *body) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}

// refine completes an error of the blob layer with what the exchange saw:
// the request line and the request id of the vendor's answer, the wait a
// rate limit asks for, and what went wrong when the vendor's answer was
// not an error answer (a timeout, an oversized, truncated or malformed
// body, a refused token). Errors that are not the vendor's (an invalid
// path, the content's reader failing, the caller's cancellation) are
// returned as they are.
func (p *plumbing) refine(err error, x *exchange) error {
	var e *errs.Error
	if err == nil || !errors.As(err, &e) || !strings.HasPrefix(e.Message, p.vendor+": ") ||
		e.Code == errs.Canceled || e.Code == errs.DeadlineExceeded {
		return err
	}
	out := *e
	snap := x.snapshot()
	pe, _ := out.Cause.(*errs.ProviderError)
	if pe != nil {
		c := *pe
		pe = &c
		out.Cause = pe
	}
	switch f := snap.failure.(type) {
	case *tokenError:
		out.Code, out.Status, out.Cause = f.code, f.status, nil
		out.Message = trimCode(out.Message) + ": " + f.msg
		return &out
	case *noAnswerError:
		out.Code, out.Status, out.Cause = errs.Provider, 0, nil
		out.Message = fmt.Sprintf("%s: %s %s: %s", trimCode(out.Message), snap.method, p.redact(snap.path), f.Error())
		return &out
	case *timeoutError:
		out.Code, out.Status, out.Cause = errs.Provider, 0, nil
		out.Message = fmt.Sprintf("%s: %s %s: %s", trimCode(out.Message), snap.method, p.redact(snap.path), f.Error())
		return &out
	case *tooLargeError, *cutShortError, *malformedError:
		out.Code, out.Status = errs.Provider, snap.status
		out.Message = fmt.Sprintf("%s: %s", trimStatus(out.Message, pe), f.Error())
		out.Cause = &errs.ProviderError{Method: snap.method, Path: p.redact(snap.path), Status: snap.status, RequestID: p.requestID(snap.header)}
		return &out
	}
	switch {
	case pe == nil && snap.status > 0 && snap.status < 400:
		// The vendor said yes, and the SDK could not read what it said.
		out.Code, out.Status = errs.Provider, snap.status
		out.Message = trimCode(out.Message) + ": " + (&malformedError{}).Error()
		out.Cause = &errs.ProviderError{Method: snap.method, Path: p.redact(snap.path), Status: snap.status, RequestID: p.requestID(snap.header)}
		return &out
	case pe == nil && snap.status >= 400:
		// An answer the SDK reports without its body (a download's 404).
		pe = &errs.ProviderError{Status: snap.status}
		out.Cause, out.Status = pe, snap.status
		out.Message = trimCode(out.Message)
		if c := statusCode(snap.status); c != "" {
			out.Code = c
		}
	case pe == nil:
		// No answer at all: the connection failed.
		out.Message = fmt.Sprintf("%s: %s %s: no answer (the connection failed)", trimCode(out.Message), snap.method, p.redact(snap.path))
		return &out
	}
	// The cause says the status and the vendor's code: the message need
	// not say them twice.
	out.Message = trimStatus(out.Message, pe)
	if pe.Status == snap.status && snap.method != "" {
		pe.Method, pe.Path = snap.method, p.redact(snap.path)
	}
	if pe.RequestID == "" {
		pe.RequestID = p.requestID(snap.header)
	}
	if pe.Status == http.StatusForbidden && credentialRefusals[pe.Code] {
		out.Code = errs.Unauthorized
	}
	if out.Code == errs.RateLimited || pe.Status == http.StatusTooManyRequests {
		if ra, ok := retryAfter(snap.header); ok {
			out.RetryAfter = ra
		}
		out.Code = errs.RateLimited
	}
	return &out
}

// statusCode is the code of an HTTP status the SDK reported without the
// vendor's answer; "" keeps the blob layer's.
func statusCode(status int) errs.Code {
	switch status {
	case http.StatusUnauthorized:
		return errs.Unauthorized
	case http.StatusForbidden:
		return errs.Forbidden
	case http.StatusNotFound, http.StatusGone:
		return errs.NotFound
	case http.StatusTooManyRequests:
		return errs.RateLimited
	case http.StatusConflict, http.StatusPreconditionFailed:
		return errs.Conflict
	}
	if status >= 500 {
		return errs.Provider
	}
	return ""
}

// requestIDHeaders are where Cloud Storage names a request: its JSON and
// XML APIs send X-GUploader-UploadID; S3 emulators x-amz-request-id.
var requestIDHeaders = []string{"X-Guploader-Uploadid", "X-Amz-Request-Id", "X-Request-Id"}

func (p *plumbing) requestID(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := h.Get(name); v != "" {
			return p.redact(v)
		}
	}
	return ""
}

// retryAfter reads Retry-After, in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d.Round(time.Second), true
		}
		return 0, true
	}
	return 0, false
}

// gcCodes are the names of gocloud's error codes, which the blob layer
// ends a message with when the vendor gave no answer.
var gcCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range []gcerrors.ErrorCode{gcerrors.OK, gcerrors.Unknown, gcerrors.NotFound, gcerrors.AlreadyExists,
		gcerrors.InvalidArgument, gcerrors.Internal, gcerrors.Unimplemented, gcerrors.FailedPrecondition,
		gcerrors.PermissionDenied, gcerrors.ResourceExhausted, gcerrors.Canceled, gcerrors.DeadlineExceeded} {
		m[c.String()] = true
	}
	return m
}()

// trimStatus removes the ": HTTP <status>[: <code>]" the blob layer ends
// a message with when its cause, the vendor's answer, says the same; and
// the gocloud code of a message without a cause.
func trimStatus(msg string, pe *errs.ProviderError) string {
	if pe == nil {
		return trimCode(msg)
	}
	tail := fmt.Sprintf(": HTTP %d", pe.Status)
	if pe.Code != "" {
		if m, ok := strings.CutSuffix(msg, tail+": "+pe.Code); ok {
			return m
		}
	}
	if m, ok := strings.CutSuffix(msg, tail); ok {
		return m
	}
	return msg
}

// trimCode removes the gocloud code the blob layer ends a message with
// when the vendor gave no answer ("gcs: listing : Unknown").
func trimCode(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && gcCodes[msg[i+2:]] {
		return msg[:i]
	}
	return msg
}
