package elastic

import (
	"context"
	"crypto/tls"
	"fmt"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"io"
	"net/http"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/seed-e6251c81/synqly/errs"
)

// observed is what the driver's transport saw of one bulk call, for the
// driver's errors and logs: the request as it went out (method and path)
// and the status of the answer. It travels in the request's context.
type observed struct {
	method, path string
	status       int
	header       http.Header
}

type observedKey struct{}

func withObserved(ctx context.Context, o *observed) context.Context {
	return context.WithValue(ctx, observedKey{}, o)
}

// roundTripper is the transport the SDKs are given, in front of the shared
// plumbing (httpx.Transport, which retries with backoff and Retry-After and
// resends a POST only when its context says it is safe). It
//
//   - marks a bulk request of the driver as safe to resend
//     (httpx.WithIdempotent), so that the shared plumbing retries it after
//     a 5xx or a lost answer: every action of it is a create of a document
//     whose _id is derived from the event, so sending it again writes
//     nothing twice (an existing id is answered 409, which the driver
//     counts as written);
//   - gives the request its length and a body the retries can rewind;
//   - caps the answer's body at the MaxResponseBytes of the integration;
//   - records what it saw in the context's observed.
type roundTripper struct {
	next        http.RoundTripper
	maxResponse int64
}

// RoundTrip implements http.RoundTripper.
func (t *roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if b, ok := r.Body.(*bulkBody); ok {
		c := *r // shallow: the length and body are this attempt's own
		c.ContentLength = int64(len(b.buf.data))
		c.GetBody = func() (io.ReadCloser, error) { return newBulkBody(b.buf), nil }
		r = c.WithContext(httpx.WithIdempotent(context.WithValue(c.Context(), bodyKey{}, b.buf)))
	}
	o, _ := r.Context().Value(observedKey{}).(*observed)
	if o != nil {
		o.method, o.path = r.Method, r.URL.Path
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if o != nil {
		o.status, o.header = resp.StatusCode, resp.Header
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.maxResponse, limit: t.maxResponse}
	return resp, nil
}

// tooLargeError is the error of reading an answer past MaxResponseBytes.
type tooLargeError struct{ limit int64 }

// Error implements error.
func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the response exceeds the %d-byte limit", e.limit)
}

// limitedBody reads at most limit bytes of an answer, and fails with a
// *tooLargeError when there are more.
type limitedBody struct {
	rc          io.ReadCloser
	left, limit int64
}

// Read implements io.Reader.
func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &tooLargeError{l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - 1, &tooLargeError{l.limit}
	}
	return n, err
}

// Close implements io.Closer.
func (l *limitedBody) Close() error { return l.rc.Close() }

// baseClient returns the *http.Client under the shared plumbing: the
// application's, or a pooled one of the driver's own (owned), with TLS
// verification off when skip is set — on a clone of the application's
// transport, which must then be an *http.Transport — and its transport
// wrapped in a bodyTransport. closeIdle closes the idle connections of the
// driver's own transport, nil when the transport is the application's.
func baseClient(app *http.Client, skip bool) (c *http.Client, closeIdle func(), err error) {
	var rt http.RoundTripper
	switch {
	case app == nil:
		t := cleanhttp.DefaultPooledTransport()
		if skip {
			t.TLSClientConfig = insecureTLS(t.TLSClientConfig)
		}
		c, rt, closeIdle = &http.Client{}, t, t.CloseIdleConnections
	case !skip:
		c, rt = new(http.Client), app.Transport
		*c = *app
		if rt == nil {
			rt = http.DefaultTransport
		}
	default:
		rt = app.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		t, ok := rt.(*http.Transport)
		if !ok {
			return nil, nil, errs.Invalid("skip_tls_verify", "skip_tls_verify needs the application's HTTP client to have an *http.Transport, not a %T; "+
				"configure TLS on that client instead", rt)
		}
		t = t.Clone()
		t.TLSClientConfig = insecureTLS(t.TLSClientConfig)
		c, rt, closeIdle = new(http.Client), t, t.CloseIdleConnections
		*c = *app
	}
	c.Transport = &bodyTransport{next: rt}
	return c, closeIdle, nil
}

func insecureTLS(c *tls.Config) *tls.Config {
	if c == nil {
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		c = c.Clone()
	}
	c.InsecureSkipVerify = true // #nosec G402 -- the integration asked for it (skip_tls_verify), documented as unsafe
	return c
}
