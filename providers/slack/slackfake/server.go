package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The seeded workspace. The token and the webhook secret are fakes shaped
// so that no secret scanner mistakes them for real ones.
const (
	// BotToken is the bot token the fake accepts.
	BotToken = "xoxb-slackfake-bot-token-not-a-real-one"
	// BotUserID and BotID name the bot the token belongs to.
	BotUserID = "U0FAKEBOT1"
	BotID     = "B0FAKEBOT1"
	// TeamID is the workspace.
	TeamID = "T0FAKETEAM"

	// ChannelSecurity (#security) and ChannelGeneral (#general) are channels
	// the bot is a member of.
	ChannelSecurity = "C0FAKESEC1"
	ChannelGeneral  = "C0FAKEGEN1"
	// ChannelOutside (#outside) is a channel the bot is not in: posting is
	// not_in_channel.
	ChannelOutside = "C0FAKEOUT1"
	// ChannelArchived (#archived) is archived: posting is is_archived.
	ChannelArchived = "C0FAKEARC1"

	// WebhookBotID and WebhookSecret are the parts of the seeded incoming
	// webhook's URL, which posts to #security.
	WebhookBotID  = "B0FAKEHOOK"
	WebhookSecret = "slackfakeWebhookSecret01"
	// WebhookPath is the seeded webhook's path: the whole of it is secret.
	WebhookPath = "/services/" + TeamID + "/" + WebhookBotID + "/" + WebhookSecret
)

// Server is a fake Slack workspace served over HTTP on the loopback
// interface. Create it with New and Close it when done.
type Server struct {
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, Requests, Count, ...), the way every fake of this module
	// does; the requests it logs include the Authorization header.
	*fakekit.Kit

	// URL is the server's root, e.g. http://127.0.0.1:34567 (like
	// https://slack.com and https://hooks.slack.com at once).
	URL string
	// APIURL is the Web API's base, URL + "/api" (like
	// https://slack.com/api).
	APIURL string
	// WebhookURL is the seeded incoming webhook's URL, URL + WebhookPath.
	WebhookURL string

	ts  *httptest.Server
	now func() time.Time

	mu       sync.Mutex
	channels []*channel
	hooks    []*webhook
	messages map[string][]*Message // by channel id, in ts order
	lastTS   int64                 // the last ts handed out, in microseconds
}

type channel struct {
	ID, Name         string
	Member, Archived bool
	IsGeneral        bool
	Created          int64
	Purpose          string
	NumMembers       int
}

type webhook struct {
	team, bot, secret string
	channel           string
	disabled          bool
}

// Message is a message as the fake keeps it.
type Message struct {
	// Channel is the id of the channel it was posted to; TS its Slack id.
	Channel, TS string
	// Text is its top-level text; Blocks its Block Kit blocks (JSON), nil
	// if it has none.
	Text   string
	Blocks json.RawMessage
	// Metadata is its message metadata, nil if it has none.
	Metadata *Metadata
	// BotID and User name who posted it; Webhook says it came through an
	// incoming webhook.
	BotID, User string
	Webhook     bool
	// Edited is the ts of its last chat.update, "" if never updated.
	Edited string
}

// Metadata is a message's metadata: an event type and a free-form
// payload.
type Metadata struct {
	EventType    string          `json:"event_type"`
	EventPayload json.RawMessage `json:"event_payload"`
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server take message timestamps from now instead of
// time.Now (timestamps stay unique and increasing).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a server with the seeded workspace (see the exported
// constants).
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, messages: map[string][]*Message{}}
	for _, o := range opts {
		o(s)
	}
	s.seed()
	s.Kit = fakekit.New(fakekit.Vendor{Name: "slack", WriteError: s.writeFault, RequestIDHeader: "X-Slack-Req-Id",
		Authenticate: s.authenticate})
	s.ts = httptest.NewServer(s.Kit.Handler(s.handler()))
	s.URL = s.ts.URL
	s.APIURL = s.URL + "/api"
	s.WebhookURL = s.URL + WebhookPath
	return s
}

func (s *Server) seed() {
	created := s.now().Add(-24 * time.Hour).Unix()
	s.channels = []*channel{
		{ID: ChannelSecurity, Name: "security", Member: true, Created: created, Purpose: "Security alerts", NumMembers: 12},
		{ID: ChannelGeneral, Name: "general", Member: true, Created: created, IsGeneral: true, NumMembers: 40},
		{ID: ChannelOutside, Name: "outside", Created: created, NumMembers: 3},
		{ID: ChannelArchived, Name: "archived", Member: true, Archived: true, Created: created, NumMembers: 2},
	}
	s.hooks = []*webhook{{team: TeamID, bot: WebhookBotID, secret: WebhookSecret, channel: ChannelSecurity}}
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Client returns an *http.Client for the server, with its own connection
// pool.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// handler is the API behind the kit (which logs, injects faults and
// authenticates).
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", s.postMessage)
	mux.HandleFunc("POST /api/chat.update", s.update)
	mux.HandleFunc("GET /api/conversations.history", s.history)
	mux.HandleFunc("POST /api/conversations.history", s.history)
	mux.HandleFunc("GET /api/conversations.info", s.info)
	mux.HandleFunc("POST /api/conversations.info", s.info)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { fail(w, "unknown_method") })
	mux.HandleFunc("POST /services/{team}/{bot}/{secret}", s.postWebhook)
	mux.HandleFunc("/services/", func(w http.ResponseWriter, r *http.Request) { webhookError(w, http.StatusNotFound, "no_service", "") })
	return mux
}

// authenticate is the kit's Vendor.Authenticate: a known bearer token (or
// token parameter) for the Web API, an enabled webhook for /services/.
func (s *Server) authenticate(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/services/") {
		h, ok := s.hookFor(r.URL.Path)
		return ok && !h.disabled
	}
	return tokenOf(r) == BotToken
}

// tokenOf returns the request's token: the bearer token, or the token
// parameter of a form body or of the query.
func tokenOf(r *http.Request) string {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(tok)
	}
	if isForm(r) {
		if err := r.ParseForm(); err == nil {
			return r.PostForm.Get("token")
		}
	}
	return r.URL.Query().Get("token")
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded")
}

// hookFor returns (a copy of) the webhook of a
// /services/<team>/<bot>/<secret> path.
func (s *Server) hookFor(path string) (webhook, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/services/"), "/")
	if len(parts) != 3 {
		return webhook{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		if h.team == parts[0] && h.bot == parts[1] && h.secret == parts[2] {
			return *h, true
		}
	}
	return webhook{}, false
}

// channelFor finds a channel by id or by name ("security" or
// "#security"), under the lock.
func (s *Server) channelFor(idOrName string, byName bool) *channel {
	name, hashed := strings.CutPrefix(idOrName, "#")
	for _, c := range s.channels {
		if c.ID == idOrName && !hashed {
			return c
		}
		if byName && c.Name == name {
			return c
		}
	}
	return nil
}

// nextTS returns a fresh message ts: the clock's time in microseconds,
// made larger than every ts before it. Under the lock.
func (s *Server) nextTS() string {
	us := s.now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
}

// ChannelID returns the id of the channel with the name ("security" or
// "#security"), "" if there is none.
func (s *Server) ChannelID(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channelFor("#"+strings.TrimPrefix(name, "#"), true); c != nil {
		return c.ID
	}
	return ""
}

// AddChannel adds a channel; member says whether the bot is in it.
func (s *Server) AddChannel(id, name string, member bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels = append(s.channels, &channel{ID: id, Name: name, Member: member, Created: s.now().Unix()})
}

// DisableWebhook turns the seeded webhook off, as disabling or removing it
// in Slack does: posts to it are then answered 404 no_service.
func (s *Server) DisableWebhook() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		h.disabled = true
	}
}

// Messages returns copies of the messages of a channel (by id or name),
// oldest first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channelFor(channel, true)
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(s.messages[c.ID]))
	for _, m := range s.messages[c.ID] {
		cp := *m
		cp.Blocks = slices.Clone(m.Blocks)
		if m.Metadata != nil {
			md := *m.Metadata
			md.EventPayload = slices.Clone(md.EventPayload)
			cp.Metadata = &md
		}
		out = append(out, cp)
	}
	return out
}

// Message returns a copy of the message of the channel (by id) with the
// ts, and whether there is one.
func (s *Server) Message(channelID, ts string) (Message, bool) {
	for _, m := range s.Messages(channelID) {
		if m.TS == ts {
			return m, true
		}
	}
	return Message{}, false
}
