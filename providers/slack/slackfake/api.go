package slackfake

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tsPattern is Slack's message timestamp (defs_ts of the Web API
// description).
var tsPattern = regexp.MustCompile(`^\d{10}\.\d{6}$`)

// content is what a post or an update says: text, blocks, metadata.
type content struct {
	text      string
	hasText   bool
	blocks    json.RawMessage
	hasBlocks bool
	metadata  *Metadata
	warnings  []string
	messages  []string
}

// readContent reads and checks the text, blocks and metadata arguments;
// code is the Web API error of bad ones.
func readContent(a *args) (c content, code string, msgs []string) {
	c.text, c.hasText = a.str("text"), a.has("text")
	if raw, ok := a.raw("blocks"); ok {
		if code, msgs := checkBlocks(raw); code != "" {
			return c, code, msgs
		}
		var compact []json.RawMessage
		_ = json.Unmarshal(raw, &compact)
		if len(compact) > 0 {
			c.blocks, _ = json.Marshal(compact)
		}
		c.hasBlocks = true
	}
	if raw, ok := a.raw("metadata"); ok {
		m, ok := checkMetadata(raw)
		if !ok {
			return c, "invalid_metadata_format", []string{"metadata must be an object with an event_type string and an event_payload object"}
		}
		c.metadata = m
	}
	if utf8.RuneCountInString(c.text) > maxMessageText {
		c.text = string([]rune(c.text)[:maxMessageText])
		c.warnings = append(c.warnings, "message_truncated")
		c.messages = append(c.messages, "[WARN] Your message was truncated but still posted. The `text` field accepts up to 40,000 characters.")
	}
	return c, "", nil
}

// postMessage is chat.postMessage.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	a, code := readArgs(r, true)
	if code != "" {
		fail(w, code)
		return
	}
	c, code, msgs := readContent(a)
	if code != "" {
		fail(w, code, msgs...)
		return
	}
	if c.text == "" && len(c.blocks) == 0 && !a.has("attachments") {
		fail(w, "no_text")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelFor(a.str("channel"), true)
	switch {
	case ch == nil:
		fail(w, "channel_not_found")
		return
	case ch.Archived:
		fail(w, "is_archived")
		return
	case !ch.Member:
		fail(w, "not_in_channel")
		return
	}
	m := &Message{Channel: ch.ID, TS: s.nextTS(), Text: c.text, Blocks: c.blocks, Metadata: c.metadata, BotID: BotID, User: BotUserID}
	s.messages[ch.ID] = append(s.messages[ch.ID], m)
	out := obj{"channel": ch.ID, "ts": m.TS, "message": messageJSON(m, true)}
	if len(c.messages) > 0 {
		out["response_metadata"] = obj{"messages": c.messages}
	}
	reply(w, out, append(a.warnings, c.warnings...)...)
}

// update is chat.update: the channel must be an id.
func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	a, code := readArgs(r, true)
	if code != "" {
		fail(w, code)
		return
	}
	c, code, msgs := readContent(a)
	if code != "" {
		fail(w, code, msgs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelFor(a.str("channel"), false)
	if ch == nil {
		fail(w, "channel_not_found")
		return
	}
	ts := a.str("ts")
	var m *Message
	for _, x := range s.messages[ch.ID] {
		if x.TS == ts {
			m = x
		}
	}
	switch {
	case m == nil:
		fail(w, "message_not_found")
		return
	case m.Webhook || m.BotID != BotID:
		fail(w, "cant_update_message")
		return
	case ch.Archived:
		fail(w, "is_archived")
		return
	case !c.hasText && !c.hasBlocks && c.metadata == nil && !a.has("attachments"):
		fail(w, "no_text")
		return
	}
	// Blocks are kept unless new ones, or only a new text, are given.
	switch {
	case c.hasBlocks:
		m.Blocks = c.blocks
	case c.hasText:
		m.Blocks = nil
	}
	if c.hasText {
		m.Text = c.text
	}
	if c.metadata != nil {
		m.Metadata = c.metadata
	}
	m.Edited = s.nextTS()
	msg := messageJSON(m, true)
	delete(msg, "ts")
	reply(w, obj{"channel": ch.ID, "ts": m.TS, "text": m.Text, "message": msg}, append(a.warnings, c.warnings...)...)
}

// micros parses a ts argument ("1700000000.000100", "1700000000") into
// microseconds; ok is false for anything else.
func micros(s string) (int64, bool) {
	sec, frac, _ := strings.Cut(s, ".")
	if sec == "" || len(sec) > 12 || len(frac) > 6 || strings.Trim(sec, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	f, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return n*1_000_000 + f, true
}

// history is conversations.history: the channel's messages newest first,
// within latest and oldest (exclusive unless inclusive), limit at a time
// (default 100, at most 999); metadata only with include_all_metadata.
func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	a, code := readArgs(r, false)
	if code != "" {
		fail(w, code)
		return
	}
	latest, oldest := int64(1<<62), int64(0)
	if v := a.str("latest"); v != "" {
		var ok bool
		if latest, ok = micros(v); !ok {
			fail(w, "invalid_ts_latest")
			return
		}
	}
	if v := a.str("oldest"); v != "" {
		var ok bool
		if oldest, ok = micros(v); !ok {
			fail(w, "invalid_ts_oldest")
			return
		}
	}
	limit := 100
	if v := a.str("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail(w, "invalid_limit")
			return
		}
		limit = min(n, 999)
	}
	inclusive, withMeta := a.boolean("inclusive"), a.boolean("include_all_metadata")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelFor(a.str("channel"), false)
	switch {
	case ch == nil:
		fail(w, "channel_not_found")
		return
	case !ch.Member:
		fail(w, "not_in_channel")
		return
	}
	msgs := []obj{}
	more := false
	list := s.messages[ch.ID]
	for i := len(list) - 1; i >= 0; i-- {
		t, _ := micros(list[i].TS)
		if t > latest || (t == latest && !inclusive) || t < oldest || (t == oldest && !inclusive) {
			continue
		}
		if len(msgs) == limit {
			more = true
			break
		}
		msgs = append(msgs, messageJSON(list[i], withMeta))
	}
	reply(w, obj{"messages": msgs, "has_more": more, "pin_count": 0, "channel_actions_ts": nil, "channel_actions_count": 0})
}

// info is conversations.info.
func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	a, code := readArgs(r, false)
	if code != "" {
		fail(w, code)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelFor(a.str("channel"), false)
	if ch == nil {
		fail(w, "channel_not_found")
		return
	}
	c := obj{"id": ch.ID, "name": ch.Name, "name_normalized": ch.Name, "is_channel": true, "is_group": false, "is_im": false,
		"is_mpim": false, "is_private": false, "is_archived": ch.Archived, "is_general": ch.IsGeneral, "is_member": ch.Member,
		"is_shared": false, "is_ext_shared": false, "is_org_shared": false, "created": ch.Created, "creator": BotUserID,
		"topic": obj{"value": "", "creator": "", "last_set": 0}, "purpose": obj{"value": ch.Purpose, "creator": "", "last_set": 0}}
	if a.boolean("include_num_members") {
		c["num_members"] = ch.NumMembers
	}
	reply(w, obj{"channel": c})
}

// messageJSON is a message as the Web API returns it.
func messageJSON(m *Message, withMetadata bool) obj {
	out := obj{"type": "message", "text": m.Text, "ts": m.TS, "team": TeamID, "bot_id": m.BotID}
	if m.Webhook {
		out["subtype"] = "bot_message"
	} else {
		out["user"] = m.User
		out["app_id"] = "A0FAKEAPP1"
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = json.RawMessage(m.Blocks)
	}
	if m.Edited != "" {
		out["edited"] = obj{"user": m.User, "ts": m.Edited}
	}
	if withMetadata && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	return out
}
