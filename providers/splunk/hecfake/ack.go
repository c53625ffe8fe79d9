package hecfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// postAck is POST /services/collector/ack: {"acks":[<ackId>, ...]} on a
// data channel, answered {"acks":{"<ackId>":true|false, ...}}. An id is
// true once its events are indexed (at its first poll, after the polls
// AckAfter says, or never while HoldAcks); HEC forgets an id once it has answered true for
// it, so a second poll of it answers false, as does an id the channel
// never issued.
func (s *Server) postAck(w http.ResponseWriter, r *http.Request) {
	if !s.authenticate(w, r) {
		return
	}
	s.mu.Lock()
	ack := s.ack
	s.mu.Unlock()
	if !ack {
		reply(w, http.StatusBadRequest, answer{Text: "ACK is disabled", Code: codeAckDisabled})
		return
	}
	ch, ok := channelOf(w, r)
	if !ok {
		return
	}
	if ch == "" {
		reply(w, http.StatusBadRequest, answer{Text: "Data channel is missing", Code: codeChannelMissing})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var q struct {
		Acks []int64 `json:"acks"`
	}
	if err := json.Unmarshal(body, &q); err != nil || q.Acks == nil {
		reply(w, http.StatusBadRequest, answer{Text: "Invalid data format", Code: codeInvalidDataFormat})
		return
	}
	out := make(map[string]bool, len(q.Acks))
	s.mu.Lock()
	c := s.channels[ch]
	for _, id := range q.Acks {
		key := strconv.FormatInt(id, 10)
		polls, pending := 0, false
		if c != nil {
			polls, pending = c.pending[id]
		}
		if !pending {
			out[key] = false
			continue
		}
		polls++
		c.pending[id] = polls
		if s.holdAcks || polls <= s.ackAfter {
			out[key] = false
			continue
		}
		out[key] = true
		delete(c.pending, id)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"acks": out})
}
