package teamsfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
)

// adaptiveCardType is the content type of an Adaptive Card attachment.
const adaptiveCardType = "application/vnd.microsoft.card.adaptive"

// firstMessageID is the first message id the fake hands out; Teams' are
// milliseconds since the epoch.
const firstMessageID = 1776390257000

// activity is the part of a Bot Framework activity the fake reads.
type activity struct {
	Type        string       `json:"type"`
	ID          string       `json:"id,omitempty"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	ContentType string         `json:"contentType"`
	Content     map[string]any `json:"content"`
}

// conversationParameters is the body of POST /v3/conversations.
type conversationParameters struct {
	IsGroup     bool      `json:"isGroup"`
	Activity    *activity `json:"activity"`
	TenantID    string    `json:"tenantId"`
	ChannelData *struct {
		Channel *struct {
			ID string `json:"id"`
		} `json:"channel"`
		Tenant *struct {
			ID string `json:"id"`
		} `json:"tenant"`
	} `json:"channelData"`
}

// botConnector serves the Bot Connector operations the Teams driver uses,
// under the service URL's /v3/:
//
//	POST /v3/conversations                                  create a conversation (a channel thread) with its first activity
//	PUT  /v3/conversations/{conversationId}/activities/{id} update an activity
//	GET  /v3/teams/{teamId}/conversations                   list the team's channels
func (s *Server) botConnector(w http.ResponseWriter, r *http.Request, rest string) {
	switch {
	case rest == "conversations" && r.Method == http.MethodPost:
		s.createConversation(w, r)
	case strings.HasPrefix(rest, "conversations/") && strings.Contains(rest, "/activities/") && r.Method == http.MethodPut:
		conv, act, _ := strings.Cut(strings.TrimPrefix(rest, "conversations/"), "/activities/")
		s.updateActivity(w, r, conv, act)
	case strings.HasPrefix(rest, "teams/") && strings.HasSuffix(rest, "/conversations") && r.Method == http.MethodGet:
		s.listChannels(w, strings.TrimSuffix(strings.TrimPrefix(rest, "teams/"), "/conversations"))
	default:
		writeBotError(w, http.StatusNotFound, "NotFound", "The requested resource was not found.")
	}
}

// checkActivity checks that an activity (raw is its JSON) is a message
// with an Adaptive Card, within the size limit; otherwise it answers the
// Bot Connector's error and returns false.
func checkActivity(w http.ResponseWriter, raw []byte, a *activity) bool {
	if a == nil || a.Type != "message" {
		writeBotError(w, http.StatusBadRequest, "BadSyntax", "Incorrect conversation creation parameters")
		return false
	}
	if len(a.Attachments) == 0 || a.Attachments[0].ContentType != adaptiveCardType || a.Attachments[0].Content["type"] != "AdaptiveCard" {
		writeBotError(w, http.StatusBadRequest, "BadArgument", "Unknown attachment type")
		return false
	}
	if utf16Bytes(raw) > MaxBotMessageBytes {
		writeBotError(w, http.StatusRequestEntityTooLarge, "MessageSizeTooBig", "Message size too big")
		return false
	}
	return true
}

// utf16Bytes is the size of b (UTF-8 text) encoded as UTF-16.
func utf16Bytes(b []byte) int {
	return 2 * len(utf16.Encode(bytes.Runes(b)))
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	return dec.Decode(v)
}

func (s *Server) createConversation(w http.ResponseWriter, r *http.Request) {
	body, _ := readAll(r)
	var p conversationParameters
	if err := decodeJSON(body, &p); err != nil {
		writeBotError(w, http.StatusBadRequest, "BadSyntax", "Invalid JSON in the request body")
		return
	}
	if !p.IsGroup || p.ChannelData == nil || p.ChannelData.Channel == nil || p.ChannelData.Channel.ID == "" {
		// Only channel threads are created here: a 1:1 chat needs
		// members, which the driver never sends.
		writeBotError(w, http.StatusBadRequest, "BadSyntax", "Incorrect conversation creation parameters")
		return
	}
	tenant := p.TenantID
	if p.ChannelData.Tenant != nil && p.ChannelData.Tenant.ID != "" {
		if tenant != "" && tenant != p.ChannelData.Tenant.ID {
			writeBotError(w, http.StatusBadRequest, "BadSyntax", "Incorrect conversation creation parameters")
			return
		}
		tenant = p.ChannelData.Tenant.ID
	}
	if tenant != "" && tenant != TenantID {
		writeBotError(w, http.StatusForbidden, "Forbidden", "The bot is not allowed to create a conversation in this tenant.")
		return
	}
	channel := p.ChannelData.Channel.ID
	if channel != TeamID && channel != ChannelID {
		writeBotError(w, http.StatusNotFound, "ConversationNotFound", "Conversation not found.")
		return
	}
	raw, _ := json.Marshal(p.Activity)
	if !checkActivity(w, raw, p.Activity) {
		return
	}
	s.mu.Lock()
	s.seq++
	msgID := strconv.FormatInt(firstMessageID+s.seq, 10)
	m := &Message{ChannelID: channel, Via: "bot", ConversationID: channel + ";messageid=" + msgID, ActivityID: msgID,
		TenantID: tenant, Card: p.Activity.Attachments[0].Content, Versions: 1}
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]string{"id": m.ConversationID, "activityId": m.ActivityID})
}

func (s *Server) updateActivity(w http.ResponseWriter, r *http.Request, conv, act string) {
	body, _ := readAll(r)
	var a activity
	if err := decodeJSON(body, &a); err != nil {
		writeBotError(w, http.StatusBadRequest, "BadSyntax", "Invalid JSON in the request body")
		return
	}
	s.mu.Lock()
	var m *Message
	convKnown := false
	for _, c := range s.messages {
		if c.Via == "bot" && c.ConversationID == conv {
			convKnown = true
			if c.ActivityID == act {
				m = c
			}
		}
	}
	s.mu.Unlock()
	switch {
	case !convKnown:
		writeBotError(w, http.StatusNotFound, "ConversationNotFound", "Conversation not found.")
		return
	case m == nil:
		writeBotError(w, http.StatusNotFound, "ActivityNotFoundInConversation", "The activity was not found in the conversation.")
		return
	case a.ID != "" && a.ID != act:
		writeBotError(w, http.StatusBadRequest, "BadArgument", "The activity id does not match the id in the path.")
		return
	}
	if !checkActivity(w, body, &a) {
		return
	}
	s.mu.Lock()
	m.Card = a.Attachments[0].Content
	m.Versions++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"id": act})
}

// listChannels answers the team's channels, as the Bot Connector's Teams
// API lists them for a bot installed in the team: the General channel,
// whose id is the team's and whose name is null, and the others.
func (s *Server) listChannels(w http.ResponseWriter, team string) {
	if team != TeamID {
		writeBotError(w, http.StatusForbidden, "BotNotInConversationRoster", "The bot is not part of the conversation roster.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversations": []map[string]any{
		{"id": TeamID, "name": nil},
		{"id": ChannelID, "name": ChannelName},
	}})
}

// readAll reads a request body the kit already buffered.
func readAll(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}
