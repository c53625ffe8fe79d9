package teamsfake

import (
	"encoding/json"
	"net/http"
)

// webhook serves the Workflows trigger: POST with a valid sig (checked by
// authorized) is answered 202 Accepted with no body, the way a Logic Apps
// manual trigger without a Response action answers; the flow then runs —
// here at once — and posts each Adaptive Card attachment of a
// {"type": "message", "attachments": [...]} body to ChannelID, as the
// "Send webhook alerts to a channel" template does. What the flow cannot
// post is recorded as a failed run (FailedRuns), not answered: the caller
// got its 202 already.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeAzureError(w, http.StatusMethodNotAllowed, "TriggerRequestMethodNotValid", "The HTTP method for this request is not valid: expected 'Post' and actual '"+r.Method+"'.")
		return
	}
	body, _ := readAll(r)
	var msg struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		writeAzureError(w, http.StatusBadRequest, "InvalidRequestContent", "The request content is not valid and could not be deserialized.")
		return
	}
	s.mu.Lock()
	s.seq++
	runID := "08584" + guid()
	switch {
	case msg.Type != "message" || len(msg.Attachments) == 0:
		s.failed = append(s.failed, FailedRun{Reason: "the request has no attachments to post"})
	default:
		for _, a := range msg.Attachments {
			var card map[string]any
			switch {
			case a.ContentType != adaptiveCardType:
				s.failed = append(s.failed, FailedRun{Reason: "the attachment is not an Adaptive Card"})
			case len(a.Content) > MaxWorkflowCardBytes:
				s.failed = append(s.failed, FailedRun{Reason: "Request Entity too large"})
			case json.Unmarshal(a.Content, &card) != nil || card["type"] != "AdaptiveCard":
				s.failed = append(s.failed, FailedRun{Reason: "the card is not a valid Adaptive Card"})
			default:
				s.messages = append(s.messages, &Message{ChannelID: ChannelID, Via: "webhook", Card: card, Versions: 1})
			}
		}
	}
	s.mu.Unlock()
	w.Header().Set("X-Ms-Workflow-Run-Id", runID)
	w.WriteHeader(http.StatusAccepted)
}
