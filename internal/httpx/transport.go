package httpx

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Transport returns an http.RoundTripper that retries as Client.Do does:
// bounded, with exponential backoff and jitter, Retry-After honoured on 429
// and 503 (a wait beyond RetryWaitMax is not waited: the 429 is returned),
// and a request whose method is not idempotent (POST, PATCH) never resent
// after a 5xx or a dropped connection, unless its context says the vendor
// deduplicates it (WithIdempotent). It is for the vendors' own SDKs
// (AWS, Azure, Google), whose own retries the drivers turn off, so that
// every provider follows one retry policy and one set of HTTPOptions.
// Request bodies are held in memory for a retry; the SDKs send large
// content in parts.
func Transport(opts Options) http.RoundTripper {
	if opts.HTTPClient == nil {
		opts.HTTPClient = cleanhttp.DefaultPooledClient()
	}
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = 3
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	if opts.RetryWaitMin <= 0 {
		opts.RetryWaitMin = 250 * time.Millisecond
	}
	if opts.RetryWaitMax <= 0 {
		opts.RetryWaitMax = 10 * time.Second
	}
	c := &Client{opts: opts}
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
	return &transport{rt: &retryablehttp.RoundTripper{Client: c.rc}}
}

type transport struct{ rt http.RoundTripper }

type idempotentKey struct{}

// WithIdempotent marks the requests a vendor's SDK makes with ctx as safe
// to send again after a 5xx or a lost answer although their method is
// POST or PATCH: the vendor deduplicates them (Client.Do's
// Request.Idempotent, for Transport).
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	idem, _ := r.Context().Value(idempotentKey{}).(bool)
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		idem = true
	}
	ctx := context.WithValue(r.Context(), callKey{}, &call{idempotent: idem})
	return t.rt.RoundTrip(r.WithContext(ctx))
}
