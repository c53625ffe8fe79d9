package pdfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// PagerDuty's error codes used by the server.
const (
	codeInvalidInput     = 2001
	codeArgumentsError   = 2002
	codeInvalidDateRange = 2004
	codeUnauthorized     = 2006
	codeRateLimited      = 2020
	codeFromRequired     = 2016
	codeRequesterUnknown = 1008
	codeNotFound         = 2100
	codeInternal         = 2000
)

// writeJSON writes v as the JSON response body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes PagerDuty's error body:
// {"error":{"message","code","errors":[...]}}.
func writeError(w http.ResponseWriter, status, code int, message string, details ...string) {
	e := obj{"message": message, "code": code}
	if len(details) > 0 {
		e["errors"] = details
	}
	writeJSON(w, status, obj{"error": e})
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, codeNotFound, "Not Found")
}

// duplicateKey is PagerDuty's answer to a create whose incident_key is the
// key of an open incident of the service: 400, code 2002.
func duplicateKey(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, codeArgumentsError, "Arguments Caused Error",
		"Open incident with matching dedup key already exists on this service")
}

func invalid(w http.ResponseWriter, details ...string) {
	writeError(w, http.StatusBadRequest, codeInvalidInput, "Invalid Input Provided", details...)
}

// writeFault is the kit's Vendor.WriteError: PagerDuty's error body for an
// injected status (or a refused credential), with its code.
func writeFault(w http.ResponseWriter, _ *http.Request, status int, message string) {
	code, msg := codeInvalidInput, http.StatusText(status)
	switch {
	case status == http.StatusUnauthorized:
		code, msg = codeUnauthorized, "Unauthorized"
	case status == http.StatusNotFound:
		code, msg = codeNotFound, "Not Found"
	case status == http.StatusTooManyRequests:
		code, msg = codeRateLimited, "Rate Limit Exceeded"
	case status >= 500:
		code, msg = codeInternal, "Internal Server Error"
	}
	if message != "" {
		msg = message
	}
	writeError(w, status, code, msg)
}

// rateLimitHeaders are the headers PagerDuty sends with a 429: the limit,
// what is left of it, and the seconds until it resets.
func rateLimitHeaders(h http.Header, wait time.Duration) {
	h.Set("ratelimit-limit", "960")
	h.Set("ratelimit-remaining", "0")
	h.Set("ratelimit-reset", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
}
