package teamsfake

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// writeFault is the kit's Vendor.WriteError: the error answer of the
// endpoint r reached, for a status the kit answers with (an injected fault,
// a refused credential). message, when set, replaces the vendor's message
// (a test making the vendor echo something back).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, status int, message string) {
	requestIDFor(w, r)
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, botPrefix):
		if status == http.StatusUnauthorized {
			// The Bot Connector's own refusal of a token, an ASP.NET
			// Web API message rather than its error object.
			writeJSON(w, status, map[string]string{"message": cmp.Or(message, "Authorization has been denied for this request.")})
			return
		}
		code, msg := botError(status)
		writeBotError(w, status, code, cmp.Or(message, msg))
	case isTokenPath(p):
		e, code, msg := identityError(status)
		s.writeIdentityError(w, status, e, code, cmp.Or(message, msg))
	case p == webhookPath:
		code, msg := workflowError(status)
		writeAzureError(w, status, code, cmp.Or(message, msg))
	default:
		http.Error(w, cmp.Or(message, http.StatusText(status)), status)
	}
}

// writeBotError answers with the Bot Connector's ErrorResponse:
// {"error": {"code": ..., "message": ...}}.
func writeBotError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// botError is the Bot Connector's code and message for a status.
func botError(status int) (code, message string) {
	switch status {
	case http.StatusBadRequest:
		return "BadSyntax", "Incorrect conversation creation parameters"
	case http.StatusForbidden:
		return "BotNotInConversationRoster", "The bot is not part of the conversation roster."
	case http.StatusNotFound:
		return "ConversationNotFound", "Conversation not found."
	case http.StatusRequestEntityTooLarge:
		return "MessageSizeTooBig", "Message size too big"
	case http.StatusTooManyRequests:
		return "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After."
	}
	if status >= 500 {
		return "ServiceError", "An error occurred while processing the request."
	}
	return "Error", http.StatusText(status)
}

// writeAzureError answers as Logic Apps (which runs Workflows) does:
// {"error": {"code": ..., "message": ...}}.
func writeAzureError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// workflowError is Logic Apps' code and message for a status of a manual
// trigger's endpoint.
func workflowError(status int) (code, message string) {
	switch status {
	case http.StatusUnauthorized:
		return "DirectApiInvalidAuthorizationSignature", "The provided authorization signature is not valid."
	case http.StatusNotFound:
		return "WorkflowNotFound", "The workflow was not found."
	case http.StatusTooManyRequests:
		return "WorkflowRequestsThrottled", "Number of requests exceeded the limit."
	case http.StatusBadRequest:
		return "InvalidRequestContent", "The request content is not valid and could not be deserialized."
	}
	if status >= 500 {
		return "ServiceProviderError", "The service encountered an internal error."
	}
	return "Error", http.StatusText(status)
}

// identityError is the identity platform's error, AADSTS code and message
// for a status of the token endpoint.
func identityError(status int) (err string, code int, message string) {
	switch status {
	case http.StatusUnauthorized:
		return "invalid_client", 7000215, "Invalid client secret provided."
	case http.StatusBadRequest:
		return "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."
	case http.StatusTooManyRequests:
		return "temporarily_unavailable", 0, "The server is temporarily too busy to handle the request."
	}
	if status >= 500 {
		return "server_error", 0, "The server encountered an unexpected error."
	}
	return "invalid_request", 0, http.StatusText(status)
}

// writeIdentityError answers with the identity platform's error body:
// error, error_description ("AADSTSnnn: message" and the trace, correlation
// and time lines), error_codes, timestamp, trace_id, correlation_id,
// error_uri.
func (s *Server) writeIdentityError(w http.ResponseWriter, status int, errName string, code int, message string) {
	trace, corr := guid(), guid()
	stamp := s.now().UTC().Format("2006-01-02 15:04:05Z")
	desc := message
	body := map[string]any{"error": errName, "timestamp": stamp, "trace_id": trace, "correlation_id": corr}
	if code != 0 {
		desc = fmt.Sprintf("AADSTS%d: %s", code, message)
		body["error_codes"] = []int{code}
		body["error_uri"] = fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", code)
	}
	body["error_description"] = desc + "\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + corr + "\r\nTimestamp: " + stamp
	writeJSON(w, status, body)
}

// guid returns a random GUID.
func guid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
