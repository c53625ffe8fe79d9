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
// after a 5xx or a dropped connection. It is for the vendors' own SDKs
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

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	idem := false
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		idem = true
	}
	ctx := context.WithValue(r.Context(), callKey{}, &call{idempotent: idem})
	return t.rt.RoundTrip(r.WithContext(ctx))
}
