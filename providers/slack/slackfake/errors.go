package slackfake

import (
	"encoding/json"
	"net/http"
	"strings"
)

type obj = map[string]any

// writeJSON writes v as the JSON body with the status.
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

// reply writes a successful Web API answer: {"ok": true} and v's members.
func reply(w http.ResponseWriter, v obj, warnings ...string) {
	v["ok"] = true
	if len(warnings) > 0 {
		v["warning"] = strings.Join(warnings, ",")
		meta, _ := v["response_metadata"].(obj)
		if meta == nil {
			meta = obj{}
		}
		meta["warnings"] = warnings
		v["response_metadata"] = meta
	}
	writeJSON(w, http.StatusOK, v)
}

// fail writes a Web API error: HTTP 200, {"ok": false, "error": code} and
// Slack's "[ERROR] ..." explanations in response_metadata.messages.
func fail(w http.ResponseWriter, code string, messages ...string) {
	failWith(w, http.StatusOK, code, nil, messages...)
}

// failWith writes a Web API error with the HTTP status (200 but for rate
// limits and server errors), extra members and explanations.
func failWith(w http.ResponseWriter, status int, code string, extra obj, messages ...string) {
	v := obj{"ok": false, "error": code}
	for k, x := range extra {
		v[k] = x
	}
	if len(messages) > 0 {
		lines := make([]string, len(messages))
		for i, m := range messages {
			lines[i] = "[ERROR] " + m
		}
		v["response_metadata"] = obj{"messages": lines}
	}
	writeJSON(w, status, v)
}

// webhookError writes an incoming webhook's error: the status and the
// code as a plain-text body (then, for an injected fault, its message on
// the next line).
func webhookError(w http.ResponseWriter, status int, code, message string) {
	body := code
	if message != "" {
		body += "\n" + message
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// writeFault is the kit's Vendor.WriteError: Slack's answer for an
// injected status or a refused credential. Rate limits and server errors
// keep their HTTP status; the Web API answers the others with HTTP 200 and
// "ok": false, the webhook with its own status and plain-text code.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, status int, message string) {
	if strings.HasPrefix(r.URL.Path, "/services/") {
		s.webhookFault(w, r, status, message)
		return
	}
	var msgs []string
	if message != "" {
		msgs = []string{message}
	}
	switch {
	case status == http.StatusTooManyRequests:
		failWith(w, status, "ratelimited", nil, msgs...)
	case status == http.StatusServiceUnavailable:
		failWith(w, status, "service_unavailable", nil, msgs...)
	case status >= 500:
		failWith(w, status, "internal_error", nil, msgs...)
	case status == http.StatusRequestEntityTooLarge:
		failWith(w, status, "request_too_large", nil, msgs...)
	case status == http.StatusUnauthorized:
		code := "invalid_auth"
		if tokenOf(r) == "" {
			code = "not_authed"
		}
		fail(w, code, msgs...)
	case status == http.StatusForbidden:
		failWith(w, http.StatusOK, "missing_scope", obj{"needed": "chat:write", "provided": "channels:read"}, msgs...)
	case status == http.StatusNotFound && strings.HasSuffix(r.URL.Path, "/chat.update"):
		fail(w, "message_not_found", msgs...)
	case status == http.StatusNotFound:
		fail(w, "channel_not_found", msgs...)
	case status == http.StatusConflict:
		fail(w, "already_reacted", msgs...)
	default:
		fail(w, "invalid_arguments", msgs...)
	}
}

// webhookFault answers an incoming webhook's request for an injected
// status or a refused URL, the way Slack's webhooks answer.
func (s *Server) webhookFault(w http.ResponseWriter, r *http.Request, status int, message string) {
	switch {
	case status == http.StatusUnauthorized:
		// The kit's authentication refused the URL: a disabled webhook is
		// no_service, any other URL carries an invalid token.
		if h, ok := s.hookFor(r.URL.Path); ok && h.disabled {
			webhookError(w, http.StatusNotFound, "no_service", message)
			return
		}
		webhookError(w, http.StatusForbidden, "invalid_token", message)
	case status == http.StatusTooManyRequests:
		webhookError(w, status, "rate_limited", message)
	case status >= 500:
		webhookError(w, status, "rollup_error", message)
	case status == http.StatusForbidden:
		webhookError(w, status, "action_prohibited", message)
	case status == http.StatusNotFound:
		webhookError(w, status, "channel_not_found", message)
	case status == http.StatusConflict, status == http.StatusGone:
		// A state the post cannot be made in: the channel was archived.
		webhookError(w, http.StatusGone, "channel_is_archived", message)
	case status == http.StatusRequestEntityTooLarge:
		webhookError(w, status, "request_too_large", message)
	default:
		webhookError(w, http.StatusBadRequest, "invalid_payload", message)
	}
}
