package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// defaultTimeout bounds an attempt whose Request has no Timeout.
	defaultTimeout = 10 * time.Second
	// maxRetryAfter caps Result.RetryAfter.
	maxRetryAfter = time.Hour
	// maxResponse is how much of a response's body Result.Response keeps.
	maxResponse = 512
	// maxDrain is how much more of a response's body is read and
	// discarded, so that the connection can be reused.
	maxDrain = 64 << 10
	// userAgent is the User-Agent of every attempt.
	userAgent = "synqly-webhook/1"
)

// Request is one delivery attempt, for [Post].
type Request struct {
	// URL is the receiver's endpoint, http or https; the library
	// validated it when the webhook was configured.
	URL string
	// Event is the event type, such as "sync.complete", sent in the
	// Synqly-Event header.
	Event string
	// DeliveryID identifies the delivery, the same on every attempt; it
	// is sent in the Synqly-Delivery header.
	DeliveryID string
	// Body is the JSON payload, already holding its "nonce" and
	// "created_at" members. It is sent as it is, and signed.
	Body []byte
	// Secrets sign the body: the first one, and during a secret rotation
	// all of them, their signatures comma-separated in the
	// Synqly-Signature header. There must be at least one, and none
	// empty.
	Secrets [][]byte
	// Timeout bounds the attempt, from connecting to reading the
	// response; 0 (or less) is 10 seconds.
	Timeout time.Duration
}

// Result is what one attempt got, for the delivery's log and its next
// attempt.
type Result struct {
	// StatusCode is the response's status, 0 when there was no response.
	StatusCode int
	// Duration is how long the attempt took, response body included.
	Duration time.Duration
	// Retry says whether another attempt may succeed: true for network
	// errors, timeouts, cancellations and the statuses 408, 425, 429 and
	// 5xx; false for 2xx (there is nothing to retry), for the other 3xx
	// and 4xx, and for a Request that cannot be sent.
	Retry bool
	// RetryAfter is how long the receiver asked to wait, with a
	// Retry-After header (in seconds or as an HTTP date) on a 429 or 503
	// response, capped at 1 hour; 0 otherwise.
	RetryAfter time.Duration
	// Response is the first 512 bytes of the response's body as valid
	// UTF-8 (invalid bytes replaced with U+FFFD), for the delivery's log.
	Response string
}

// Post makes one delivery attempt: it signs req.Body with req.Secrets (see
// the package documentation for the scheme) and POSTs it to req.URL with
// the Synqly headers, through hc.
//
// A nil hc is a client with the default transport. Post never follows a
// redirect, whatever hc's CheckRedirect (it uses a copy of hc without it):
// a redirect is a failed attempt, not to be retried, since following it
// could send the payload elsewhere. req.Timeout bounds the attempt, on top
// of ctx and of any Timeout of hc.
//
// Post always returns a Result, never nil, and an error for any outcome
// but a 2xx response. The error names the URL's scheme and host only (not
// its user, path or query, which may hold tokens) and the status or the
// network failure; it never holds a secret, the body or the response.
func Post(ctx context.Context, hc *http.Client, req Request) (*Result, error) {
	res := &Result{}
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return res, &postError{msg: "webhook: POST: the webhook URL is not an absolute http or https URL"}
	}
	where := u.Scheme + "://" + u.Host
	fail := func(cause error, format string, args ...any) error {
		return &postError{msg: "webhook: POST " + where + ": " + fmt.Sprintf(format, args...), err: cause}
	}
	if len(req.Secrets) == 0 {
		return res, fail(nil, "no secret to sign with")
	}
	sigs := make([]string, len(req.Secrets))
	for i, s := range req.Secrets {
		if len(s) == 0 {
			return res, fail(nil, "secret %d of %d is empty", i+1, len(req.Secrets))
		}
		sigs[i] = Sign(s, req.Body)
	}
	if !validHeaderValue(req.Event) || !validHeaderValue(req.DeliveryID) {
		return res, fail(nil, "the event type or the delivery id holds a control character")
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(req.Body))
	if err != nil {
		return res, fail(nil, "the request cannot be made")
	}
	h := hreq.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent)
	h.Set(SignatureHeader, strings.Join(sigs, ","))
	h.Set(EventHeader, req.Event)
	h.Set(DeliveryHeader, req.DeliveryID)
	h.Set(TimestampHeader, strconv.FormatInt(time.Now().Unix(), 10))

	client := &http.Client{Timeout: timeout}
	if hc != nil {
		c := *hc
		client = &c
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	start := time.Now()
	resp, err := client.Do(hreq)
	if err != nil {
		res.Duration = time.Since(start)
		res.Retry = true
		return res, fail(cause(err), "%s", networkReason(ctx, err, timeout, req.URL, u))
	}
	res.StatusCode = resp.StatusCode
	res.Response = readResponse(resp.Body)
	res.Duration = time.Since(start)

	code := resp.StatusCode
	status := strconv.Itoa(code)
	if t := http.StatusText(code); t != "" {
		status += " " + t
	}
	switch {
	case code >= 200 && code < 300:
		return res, nil
	case code >= 300 && code < 400:
		return res, fail(nil, "status %s: a redirect, not followed", status)
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		res.Retry = true
		res.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if res.RetryAfter > 0 {
			return res, fail(nil, "status %s, retry after %s", status, res.RetryAfter)
		}
		return res, fail(nil, "status %s", status)
	case code == http.StatusRequestTimeout || code == http.StatusTooEarly || (code >= 500 && code < 600):
		res.Retry = true
		return res, fail(nil, "status %s", status)
	default:
		return res, fail(nil, "status %s", status)
	}
}

// postError is an error of Post: a message free of secrets, body, path and
// query, and the cause it wraps, if any.
type postError struct {
	msg string
	err error
}

func (e *postError) Error() string { return e.msg }
func (e *postError) Unwrap() error { return e.err }

// cause returns the error under the *url.Error of http.Client.Do, whose
// text holds the whole URL.
func cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// networkReason describes the failure of an attempt that got no response,
// without the URL's user, path or query.
func networkReason(ctx context.Context, err error, timeout time.Duration, rawURL string, u *url.URL) string {
	var ue *url.Error
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ue) && ue.Timeout():
		return "timed out after " + timeout.String()
	}
	msg := cause(err).Error()
	// The transport's own errors name the host and the address only;
	// scrub the URL's sensitive parts anyway, should one show up.
	for _, s := range []string{rawURL, u.String(), u.RawQuery, u.EscapedPath(), u.Path} {
		if len(s) > 1 {
			msg = strings.ReplaceAll(msg, s, "…")
		}
	}
	if u.User != nil {
		msg = strings.ReplaceAll(msg, u.User.String(), "…")
	}
	return msg
}

// readResponse reads the start of a response's body for Result.Response,
// drains a bounded rest so that the connection can be reused, and closes
// the body.
func readResponse(body io.ReadCloser) string {
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, maxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrain))
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// parseRetryAfter returns the wait a Retry-After value asks for, in
// seconds or as an HTTP date, capped at maxRetryAfter; 0 when v is empty,
// malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if strings.Trim(v, "0123456789") == "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(maxRetryAfter/time.Second) {
			// Only too many digits fail to parse here.
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return min(max(t.Sub(now), 0), maxRetryAfter)
}

// validHeaderValue reports whether s can be sent as a header value as it
// is: it holds no control character but tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
