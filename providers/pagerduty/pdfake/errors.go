package pdfake

import (
	"encoding/json"
	"net/http"
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
