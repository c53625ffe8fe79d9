package snowfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// errorBody is ServiceNow's error envelope.
type errorBody struct {
	Error struct {
		Message string  `json:"message"`
		Detail  *string `json:"detail"`
	} `json:"error"`
	Status string `json:"status"`
}

// writeError answers with ServiceNow's error body. An empty detail is sent
// as null, as ServiceNow does.
func writeError(w http.ResponseWriter, status int, message, detail string) {
	var b errorBody
	b.Error.Message = message
	if detail != "" {
		b.Error.Detail = &detail
	}
	b.Status = "failure"
	writeJSON(w, status, b)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeResult answers with the {"result": v} envelope.
func writeResult(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, map[string]any{"result": v})
}

// writeFault is the kit's Vendor.WriteError: ServiceNow's error body for a
// status the kit answers with (an injected fault, a refused credential, a
// request body over the limit). The message is ServiceNow's for the status;
// a fault's Message, when set, is the detail (where ServiceNow says what
// went wrong, e.g. echoing the query it refused).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, status int, message string) {
	msg, detail := http.StatusText(status), "fault injected by snowfake"
	switch status {
	case http.StatusUnauthorized:
		msg, detail = "User Not Authenticated", "Required to provide Auth information"
	case http.StatusNotFound:
		msg, detail = "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
	case http.StatusTooManyRequests:
		// ServiceNow's answer to a request over an inbound REST API rate
		// limit rule.
		msg, detail = "Rate limit exceeded", fmt.Sprintf("Rate limit of %d requests per hour for %s exceeded", rateLimitPerHour, apiName(r))
	}
	if message != "" {
		detail = message
	}
	writeError(w, status, msg, detail)
}

// apiName names the REST API of a request, as ServiceNow's rate limit
// messages do.
func apiName(r *http.Request) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/now/"), "v1/")
	if strings.HasPrefix(rest, "attachment") {
		return "Attachment API"
	}
	return "Table API"
}

// rateLimitPerHour is the limit of the fake's inbound REST API rate limit
// rule, and rateLimitRule its sys_id.
const (
	rateLimitPerHour = 5000
	rateLimitRule    = "5e00000000000001a1b2c3d4e5f60718"
)

// rateLimitHeaders are the headers ServiceNow sends with a request that
// matches an inbound REST API rate limit rule (the kit adds Retry-After):
// X-RateLimit-Limit, the requests allowed per hour; X-RateLimit-Reset, the
// Unix time of the next reset; X-RateLimit-Rule, the rule's sys_id.
func (s *Server) rateLimitHeaders(h http.Header, wait time.Duration) {
	reset := s.now().Add(wait + time.Second - 1).Unix()
	h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimitPerHour))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	h.Set("X-RateLimit-Rule", rateLimitRule)
}
