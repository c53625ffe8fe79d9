package slackfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// postWebhook is an incoming webhook: a JSON body (or a form "payload"
// holding one) with text and/or blocks, posted to the webhook's channel and
// answered 200 "ok"; errors are plain-text codes with their statuses.
func (s *Server) postWebhook(w http.ResponseWriter, r *http.Request) {
	h, found := s.hookFor(r.URL.Path)
	if !found || h.disabled {
		webhookError(w, http.StatusNotFound, "no_service", "")
		return
	}
	body, err := readBody(r)
	if err != nil {
		webhookError(w, http.StatusBadRequest, "invalid_payload", "")
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			webhookError(w, http.StatusBadRequest, "invalid_payload", "")
			return
		}
		body = []byte(form.Get("payload"))
	}
	var p map[string]json.RawMessage
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &p) != nil {
		webhookError(w, http.StatusBadRequest, "invalid_payload", "")
		return
	}
	c, code, _ := readContent(&args{json: p})
	switch {
	case code == "invalid_metadata_format":
		webhookError(w, http.StatusBadRequest, "invalid_payload", "")
		return
	case code != "":
		webhookError(w, http.StatusBadRequest, code, "")
		return
	case c.text == "" && len(c.blocks) == 0 && p["attachments"] == nil:
		webhookError(w, http.StatusBadRequest, "missing_text_or_fallback_or_attachments", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelFor(h.channel, false)
	switch {
	case ch == nil:
		webhookError(w, http.StatusNotFound, "channel_not_found", "")
		return
	case ch.Archived:
		webhookError(w, http.StatusGone, "channel_is_archived", "")
		return
	}
	m := &Message{Channel: ch.ID, TS: s.nextTS(), Text: c.text, Blocks: c.blocks, BotID: h.bot, Webhook: true}
	s.messages[ch.ID] = append(s.messages[ch.ID], m)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok"))
}
