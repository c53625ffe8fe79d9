package hecfake

import (
	"cmp"
	"encoding/json"
	"net/http"
)

// HEC's status codes (the "code" of its answers), as Splunk's "Troubleshoot
// HTTP Event Collector" lists them.
const (
	codeSuccess              = 0
	codeTokenDisabled        = 1
	codeTokenRequired        = 2
	codeInvalidAuthorization = 3
	codeInvalidToken         = 4
	codeNoData               = 5
	codeInvalidDataFormat    = 6
	codeIncorrectIndex       = 7
	codeInternalError        = 8
	codeServerBusy           = 9
	codeChannelMissing       = 10
	codeInvalidChannel       = 11
	codeEventRequired        = 12
	codeEventBlank           = 13
	codeAckDisabled          = 14
	codeIndexedFields        = 15
	codeHealthy              = 17
)

// notFoundText is HEC's text for an unknown path (and a wrong method).
const notFoundText = "The requested URL was not found on this server."

// answer is the body of every HEC answer.
type answer struct {
	Text               string `json:"text"`
	Code               int    `json:"code"`
	InvalidEventNumber *int   `json:"invalid-event-number,omitempty"`
	AckID              *int64 `json:"ackId,omitempty"`
}

// reply writes an answer with the status.
func reply(w http.ResponseWriter, status int, a answer) {
	writeJSON(w, status, a)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeFault is the kit's Vendor.WriteError: HEC's answer for an injected
// status (or a body over the max_content_length): the status and HEC's
// text and code for it, the fault's message as the text when it has one.
func writeFault(w http.ResponseWriter, _ *http.Request, status int, message string) {
	text, code := http.StatusText(status), status
	switch status {
	case http.StatusBadRequest:
		text, code = "Invalid data format", codeInvalidDataFormat
	case http.StatusUnauthorized:
		text, code = "Invalid authorization", codeInvalidAuthorization
	case http.StatusForbidden:
		text, code = "Invalid token", codeInvalidToken
	case http.StatusNotFound:
		text = notFoundText
	case http.StatusInternalServerError:
		text, code = "Internal server error", codeInternalError
	case http.StatusServiceUnavailable:
		text, code = "Server is busy", codeServerBusy
	}
	reply(w, status, answer{Text: cmp.Or(message, text), Code: code})
}
