package jirafake

import (
	"net/http"
	"time"
)

// writeFault is the kit's Vendor.WriteError: Jira's error collection,
// {"errorMessages":[message],"errors":{}}, for an injected status or a
// refused credential; an empty message is Jira's own for the status. A 401
// carries the headers Jira Cloud sends with it: WWW-Authenticate, and
// X-Seraph-LoginReason when the request had credentials.
func writeFault(w http.ResponseWriter, r *http.Request, status int, message string) {
	if status == http.StatusUnauthorized {
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
	}
	if message == "" {
		message = statusMessage(status)
	}
	writeError(w, status, []string{message}, nil)
}

// statusMessage is the error message the fake gives a status.
func statusMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Client must be authenticated to access this resource."
	case http.StatusTooManyRequests:
		return "Rate limit exceeded."
	case http.StatusServiceUnavailable:
		return "Service unavailable. Please try again later."
	}
	return http.StatusText(status)
}

// The rate-limit headers of the fake's 429s.
const (
	// rateLimitLimit is the X-RateLimit-Limit the fake announces.
	rateLimitLimit = "350"
	// rateLimitReason is the RateLimit-Reason the fake announces: the
	// per-second burst limit, the one API token traffic is subject to.
	rateLimitReason = "jira-burst-based"
	// rateLimitResetLayout is X-RateLimit-Reset's ISO 8601 format,
	// yyyy-MM-ddTHH:mmZ.
	rateLimitResetLayout = "2006-01-02T15:04Z"
)

// rateLimitHeaders is the kit's Vendor.RateLimitHeaders: the headers Jira
// Cloud documents for a 429 besides Retry-After (which the kit sets):
// X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (when the
// limit resets: the site's clock plus the wait, in UTC, to the minute) and
// RateLimit-Reason.
func (s *Server) rateLimitHeaders(h http.Header, wait time.Duration) {
	s.mu.Lock()
	now := s.st.now()
	s.mu.Unlock()
	h.Set("X-RateLimit-Limit", rateLimitLimit)
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", now.Add(wait).UTC().Format(rateLimitResetLayout))
	h.Set("RateLimit-Reason", rateLimitReason)
}
