// Package httpx is the HTTP plumbing every provider driver shares: bounded
// retries with exponential backoff and jitter (go-retryablehttp), Retry-After
// honoured on 429 and 503, no retry of non-idempotent requests unless the
// caller marks them safe (Request.Idempotent: a create the vendor
// deduplicates), a per-call deadline, a response size cap, an injectable
// *http.Client, and vendor errors mapped to the typed errors of package errs
// with the vendor's status and a redacted snippet of its body.
//
// Everything the Client puts in an error or a log line is redacted first,
// whole, before any cut: the Auth's secrets (OAuth tokens fetched at run
// time included) as they are, JSON-escaped, percent-encoded and in base64,
// and secret-looking JSON members (see redact.go).
//
// Answers are decoded with Response.Decode (Client.JSON uses it), and an
// answer that lacks what the API documents is reported with
// Response.Malformed, so a malformed answer reads the same in every driver:
//
//	servicenow: GET /api/now/table/incident/<sys_id>: HTTP 200: the response is not valid JSON (syntax error at byte 1)
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// HTTPClient is the underlying client: transport, proxy, TLS settings
	// (default: a pooled client with sane timeouts).
	HTTPClient *http.Client
	// MaxRetries bounds the retries of one call (default 3; -1 for none).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 250ms, 10s).
	// A Retry-After longer than RetryWaitMax is not waited for: the call
	// fails with errs.RateLimited and the wait in Error.RetryAfter.
	RetryWaitMin, RetryWaitMax time.Duration
	// Timeout bounds a call whose context has no deadline (default 60s).
	Timeout time.Duration
	// MaxResponseBytes caps a response body (default 32 MiB).
	MaxResponseBytes int64
	// Logger receives a debug line per call: method, path (redacted like
	// errors), status, attempts, duration. Never headers, queries or
	// bodies.
	Logger *slog.Logger
	// UserAgent is sent with every request.
	UserAgent string
	// Vendor names the vendor in error messages (e.g. "jira").
	Vendor string
	// ErrorDetail, when set, reads the vendor's own error code and message
	// from the body of an error answer (for errs.ProviderError); either may
	// be "". The client redacts and shortens what it returns.
	ErrorDetail func(status int, body []byte) (code, message string)
}

// Client calls one vendor's API.
type Client struct {
	owned  bool // the *http.Client was made here: Close closes its idle connections
	base   *url.URL
	auth   Auth
	rc     *retryablehttp.Client
	opts   Options
	logger *slog.Logger
	red    atomic.Pointer[redactor] // the redactor of the Auth's current secrets
}

// New returns a client for the API at baseURL (absolute http or https).
func New(baseURL string, auth Auth, opts Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errs.Invalid("url", "the provider url must be an absolute http(s) URL")
	}
	if auth == nil {
		auth = None
	}
	owned := opts.HTTPClient == nil
	if owned {
		opts.HTTPClient = cleanhttp.DefaultPooledClient()
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 3
	} else if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	if opts.RetryWaitMin <= 0 {
		opts.RetryWaitMin = 250 * time.Millisecond
	}
	if opts.RetryWaitMax <= 0 {
		opts.RetryWaitMax = 10 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 32 << 20
	}
	if opts.Vendor == "" {
		opts.Vendor = u.Host
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "synqly-go"
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{owned: owned, base: u, auth: auth, opts: opts, logger: logger}
	c.rc = &retryablehttp.Client{
		HTTPClient:     opts.HTTPClient,
		RetryWaitMin:   opts.RetryWaitMin,
		RetryWaitMax:   opts.RetryWaitMax,
		RetryMax:       opts.MaxRetries,
		CheckRetry:     c.checkRetry,
		Backoff:        backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: countAttempts,
	}
	return c, nil
}

// Close closes the idle connections of the HTTP client New made when the
// Options gave none; an application's client is the application's to close.
func (c *Client) Close() {
	if c.owned {
		c.opts.HTTPClient.CloseIdleConnections()
	}
}

// BaseURL returns the API's base URL.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Request is one API call.
type Request struct {
	Method string
	// Path is appended to the base URL's path; escape user-supplied
	// segments with url.PathEscape.
	Path  string
	Query url.Values
	// JSON, when not nil, is sent as the JSON body.
	JSON any
	// Body and ContentType send a raw body (e.g. multipart) instead.
	Body        []byte
	ContentType string
	Header      http.Header
	// Idempotent marks a POST or PATCH the vendor makes safe to retry.
	// GET, HEAD, PUT, DELETE and OPTIONS are always retried.
	Idempotent bool
}

// Response is a successful response (2xx), its body read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte

	c            *Client // for the vendor's name and redaction; nil in a Response made by hand
	method, path string  // of the request
}

// Decode decodes the JSON body into out. A body that is not JSON, ends
// before its JSON does, or holds a JSON type where out expects another is
// an errs.Provider error that says so (see Malformed). An empty body (a
// 204's) decodes to nothing and leaves out alone: the caller then finds
// what it lacks and says so with Malformed. Every driver decodes through
// Decode (or Client.JSON), so a malformed answer reads the same whichever
// vendor sent it.
func (r *Response) Decode(out any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Body, out); err != nil {
		return r.Malformed(r.describe(err))
	}
	return nil
}

// Malformed returns the error for a response that is not what the API
// documents: an errs.Provider error with the response's status whose
// message names the vendor, the request's method and path (never its
// query, and redacted) and the status, then says what was wrong:
//
//	jira: GET /rest/api/3/issue/SEC-1: HTTP 200: the response has no issue key
//
// what completes "the response ...". Drivers call it for a body that
// decodes but lacks what the API documents; Decode calls it for one that
// does not decode.
func (r *Response) Malformed(what string) error {
	return &errs.Error{Code: errs.Provider, Status: r.Status,
		Message: fmt.Sprintf("%s: HTTP %d: the response %s", r.c.where(r.method, r.path), r.Status, what)}
}

// describe says what is wrong with a body that json.Unmarshal refused,
// without quoting the body.
func (r *Response) describe(err error) string {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &syn) && (syn.Offset >= int64(len(r.Body)) || strings.Contains(syn.Error(), "unexpected end")):
		return fmt.Sprintf("is truncated: its JSON ends unfinished after %d bytes", len(r.Body))
	case syn != nil:
		return fmt.Sprintf("is not valid JSON (syntax error at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		got, _, _ := strings.Cut(typ.Value, " ")
		what := fmt.Sprintf("has a JSON %s where the API documents %s", got, jsonKind(typ.Type))
		if typ.Field != "" && r.c != nil {
			what += " at " + r.c.redact(clipText(typ.Field, 80))
		}
		return what
	}
	return "is not the JSON the API documents"
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another type"
}

// clipText shortens s to at most n bytes, on a character boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutUTF8(s, n) + "…"
}

// where is the start of every message about a request: the vendor, the
// method and the redacted path, e.g. "jira: GET /rest/api/3/issue/SEC-1".
// c may be nil (a Response made by hand).
func (c *Client) where(method, path string) string {
	if c == nil {
		return method + " " + path
	}
	return fmt.Sprintf("%s: %s %s", c.opts.Vendor, method, c.redactPath(path))
}

// callKey keys the *call of a request in its context, where checkRetry and
// countAttempts find it.
type callKey struct{}

// call is what the retry hooks need to know of one Do.
type call struct {
	idempotent bool
	attempts   int
}

// Do sends r, retrying as the Options say, and returns the response of a
// 2xx status; any other outcome is an *errs.Error.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	caller := ctx // whose end is the caller's, not the vendor's slowness
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	u := *c.base
	u.Path = c.base.Path + r.Path
	u.RawPath = ""
	if strings.Contains(r.Path, "%") {
		// The path is escaped already (url.PathEscape of an id): keep its
		// escapes as they are, with Path its unescaped form, so that
		// url.URL does not escape the escapes again.
		unescaped, err := url.PathUnescape(r.Path)
		if err != nil {
			return nil, errs.New(errs.Internal, "%s: the request path is not validly escaped", c.opts.Vendor)
		}
		u.Path = c.base.Path + unescaped
		u.RawPath = c.base.EscapedPath() + r.Path
	}
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	var body []byte
	ctype := r.ContentType
	if r.JSON != nil {
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, errs.Wrap(errs.Internal, err, "%s: encoding the request", c.opts.Vendor)
		}
		body, ctype = b, "application/json"
	} else if r.Body != nil {
		body = r.Body
	}
	idem := r.Idempotent
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		idem = true
	}
	info := &call{idempotent: idem}
	ctx = context.WithValue(ctx, callKey{}, info)
	var rb any
	if body != nil {
		rb = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), rb)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "%s: building the request", c.opts.Vendor)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if err := c.auth.Authorize(ctx, req.Request); err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := c.rc.Do(req)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		// A token the vendor revoked before its expiry: fetch a new one and
		// try once more.
		if rf, ok := c.auth.(Refresher); ok && rf.Refresh() {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if err := c.auth.Authorize(ctx, req.Request); err != nil {
				return nil, err
			}
			resp, err = c.rc.Do(req)
		}
	}
	if err != nil {
		return nil, c.transportError(caller, ctx, r, err)
	}
	defer resp.Body.Close()
	data, err := readBody(resp, c.opts.MaxResponseBytes)
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "provider call", slog.String("vendor", c.opts.Vendor),
			slog.String("method", r.Method), slog.String("path", c.redactPath(r.Path)), slog.Int("status", resp.StatusCode),
			slog.Int("attempts", info.attempts), slog.Duration("duration", time.Since(start)))
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: data, c: c, method: r.Method, path: r.Path}
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if err != nil {
		if ok && ctx.Err() == nil {
			// The vendor answered, then the body stopped short: the same
			// kind of answer as a truncated JSON body.
			e := out.Malformed(fmt.Sprintf("was cut short after %d bytes", len(data))).(*errs.Error)
			e.Cause = &redactedError{msg: c.redact(err.Error()), err: err}
			return nil, e
		}
		return nil, c.transportError(caller, ctx, r, err)
	}
	if int64(len(data)) > c.opts.MaxResponseBytes {
		return nil, out.Malformed(fmt.Sprintf("exceeds the %d-byte limit", c.opts.MaxResponseBytes))
	}
	if !ok {
		return nil, c.statusError(r, resp, data)
	}
	return out, nil
}

// readBody reads a response body of at most max bytes (one more, to tell
// that it is longer), in one allocation when the vendor announced its
// length.
func readBody(resp *http.Response, max int64) ([]byte, error) {
	r := io.LimitReader(resp.Body, max+1)
	if n := resp.ContentLength; n >= 0 && n <= max {
		buf := bytes.NewBuffer(make([]byte, 0, n+1)) // +1: ReadFrom stops at EOF without growing
		_, err := buf.ReadFrom(r)
		return buf.Bytes(), err
	}
	return io.ReadAll(r)
}

// countAttempts records the attempt number in the request's counter.
func countAttempts(_ retryablehttp.Logger, r *http.Request, n int) {
	if p, ok := r.Context().Value(callKey{}).(*call); ok {
		p.attempts = n + 1
	}
}

// JSON sends r and decodes the JSON response body into out (unless out is
// nil) with Response.Decode.
func (c *Client) JSON(ctx context.Context, r Request, out any) (*Response, error) {
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	if out != nil {
		if err := resp.Decode(out); err != nil {
			return resp, err
		}
	}
	return resp, nil
}

// checkRetry retries transport errors and 429/5xx of idempotent requests,
// 429 of any request (the vendor did not process it), and never past a
// Retry-After longer than RetryWaitMax.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	info, _ := ctx.Value(callKey{}).(*call)
	idem := info != nil && info.idempotent
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && (strings.Contains(ue.Error(), "unsupported protocol scheme") || strings.Contains(ue.Error(), "stopped after")) {
			return false, nil
		}
		return idem, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		if ra, ok := retryAfter(resp); ok && ra > c.opts.RetryWaitMax {
			return false, nil
		}
		return true, nil
	case http.StatusServiceUnavailable:
		if ra, ok := retryAfter(resp); ok && ra > c.opts.RetryWaitMax {
			return false, nil
		}
		return idem, nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idem, nil
	}
	return false, nil
}

// backoff waits Retry-After on 429 and 503 when the vendor sends one, and
// otherwise an exponential wait with full jitter.
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if ra, ok := retryAfter(resp); ok {
			return min(ra, hi)
		}
	}
	ceiling := lo << min(attempt, 30)
	if ceiling <= 0 || ceiling > hi {
		ceiling = hi
	}
	return lo + rand.N(ceiling-lo+1)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date), or, on
// a 429 without one, the seconds of a RateLimit-Reset header (PagerDuty's
// and the IETF draft's way of saying when the limit resets).
func retryAfter(resp *http.Response) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" && resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("RateLimit-Reset"))); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, true
		}
	}
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// transportError reports a failure to get a response at all. When the
// caller's context ended, the error is coded Canceled or DeadlineExceeded
// (the caller's doing); when only the client's own Timeout ran out, it is a
// provider error (the vendor's slowness). The text of the cause is
// redacted too, since errs.Error prints it.
func (c *Client) transportError(caller, ctx context.Context, r Request, err error) error {
	msg := c.where(r.Method, r.Path) + ": "
	var e *errs.Error
	if errors.As(err, &e) {
		return e
	}
	if e := errs.FromContext(caller.Err(), nil, "%sgave up", msg); e != nil {
		return e
	}
	if ctx.Err() != nil {
		return &errs.Error{Code: errs.Provider, Message: fmt.Sprintf("%sno answer within the %v timeout", msg, c.opts.Timeout), Cause: ctx.Err()}
	}
	out := &errs.Error{Code: errs.Provider, Message: msg + c.redact(errMessage(err))}
	if cause := errors.Unwrap(err); cause != nil {
		out.Cause = &redactedError{msg: c.redact(cause.Error()), err: cause}
	}
	return out
}

// errMessage returns a transport error's text without the URL's query.
func errMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// statusError maps a vendor's non-2xx status to a typed error whose cause is
// the vendor's answer (errs.ProviderError).
func (c *Client) statusError(r Request, resp *http.Response, body []byte) error {
	e := &errs.Error{Status: resp.StatusCode}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized:
		e.Code = errs.Unauthorized
	case s == http.StatusForbidden:
		e.Code = errs.Forbidden
	case s == http.StatusNotFound || s == http.StatusGone:
		e.Code = errs.NotFound
	case s == http.StatusConflict || s == http.StatusPreconditionFailed:
		e.Code = errs.Conflict
	case s == http.StatusTooManyRequests:
		e.Code = errs.RateLimited
		if ra, ok := retryAfter(resp); ok {
			e.RetryAfter = ra
		}
	case s == http.StatusBadRequest || s == http.StatusUnprocessableEntity || s == http.StatusRequestEntityTooLarge:
		e.Code = errs.InvalidInput
	case s == http.StatusNotImplemented:
		e.Code = errs.Unsupported
	default:
		e.Code = errs.Provider
	}
	e.Message = c.where(r.Method, r.Path)
	e.Cause = c.VendorError(r.Method, r.Path, resp.StatusCode, resp.Header, body)
	return e
}

// requestIDHeaders are the headers vendors name their request ids in.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Arequestid", "X-Slack-Req-Id",
	"X-Transaction-Id", "X-Ms-Request-Id", "Ms-Cv", "X-Correlating-Operationid", "Client-Request-Id", "X-Amzn-Requestid", "X-Amz-Request-Id"}

// VendorError describes a vendor's answer as an errs.ProviderError: the
// status, the vendor's code and message (Options.ErrorDetail), its request
// id and a snippet of the body, all redacted. Drivers use it for answers
// that report a failure with a success status (Slack's "ok": false).
func (c *Client) VendorError(method, path string, status int, h http.Header, body []byte) *errs.ProviderError {
	pe := &errs.ProviderError{Method: method, Path: c.redactPath(path), Status: status, Body: c.Snippet(body)}
	for _, name := range requestIDHeaders {
		if v := h.Get(name); v != "" {
			pe.RequestID = clipText(c.redact(v), 128)
			break
		}
	}
	if c.opts.ErrorDetail != nil && len(body) > 0 {
		code, msg := c.opts.ErrorDetail(status, body)
		pe.Code, pe.Message = clipText(c.redact(code), 128), c.snippetText(msg)
	}
	return pe
}

// Snippet returns up to 300 bytes of a vendor body for an error message:
// redacted first, over the whole body (every form of the client's secrets
// and secret-looking JSON members; see redact), then made printable, its
// whitespace collapsed, and cut on a character boundary.
func (c *Client) Snippet(body []byte) string { return c.snippetText(string(body)) }

func (c *Client) snippetText(text string) string {
	const max = 300
	s := c.redact(text)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = cutUTF8(s, max) + "…"
	}
	return s
}

// OptionsFor returns the Options of a driver opened with req: its HTTP
// client, logger and HTTPOptions, for the vendor named vendor. Drivers add
// what is theirs (ErrorDetail, UserAgent).
func OptionsFor(req providers.OpenRequest, vendor string) Options {
	return Options{
		HTTPClient:       req.HTTPClient,
		MaxRetries:       req.MaxRetries,
		RetryWaitMin:     req.RetryWaitMin,
		RetryWaitMax:     req.RetryWaitMax,
		Timeout:          req.Timeout,
		MaxResponseBytes: req.MaxResponseBytes,
		Logger:           req.Logger,
		UserAgent:        "synqly-go (" + vendor + ")",
		Vendor:           vendor,
	}
}
