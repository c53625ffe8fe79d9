package pagerduty

import (
	"net/http"
	"strconv"
	"strings"
)

// rateLimitTransport adapts PagerDuty's rate-limit answer to the shared
// HTTP client: PagerDuty says how long to wait in its ratelimit-reset
// header (seconds), while the client honours Retry-After. On a 429 without
// Retry-After, the transport copies ratelimit-reset into it.
type rateLimitTransport struct {
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t rateLimitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" {
		return resp, err
	}
	if reset := strings.TrimSpace(resp.Header.Get("ratelimit-reset")); reset != "" {
		if n, perr := strconv.Atoi(reset); perr == nil && n >= 0 {
			resp.Header.Set("Retry-After", strconv.Itoa(n))
		}
	}
	return resp, nil
}
