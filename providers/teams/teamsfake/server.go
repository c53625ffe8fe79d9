package teamsfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The fake's tenant, bot, team, channels and webhook. Every credential the
// fake accepts is one of these constants.
const (
	// TenantID is the Microsoft Entra tenant of the team and of the bot's
	// app registration.
	TenantID = "5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
	// ClientID and ClientSecret are the bot's app registration (the Azure
	// Bot's Microsoft App ID and a client secret of it), accepted by the
	// token endpoint with the client_credentials grant.
	ClientID     = "b07a5e1e-7eab-4f00-9b07-5e1e7eab4f00"
	ClientSecret = "teamsfake~Bot.S3cret-0123456789abcdefXYZ"
	// Scope is the scope the Bot Connector's tokens are issued for.
	Scope = "https://api.botframework.com/.default"
	// TeamID is the team the bot is installed in. As in Teams, it is also
	// the id of the team's General channel.
	TeamID = "19:teamsfake0general0channel0000000a@thread.tacv2"
	// ChannelID is a standard channel of the team, named ChannelName.
	ChannelID   = "19:teamsfake0alerts0channel00000000b@thread.tacv2"
	ChannelName = "Security Alerts"
	// WorkflowID and WebhookSig make the Workflows webhook that posts to
	// ChannelID (see WebhookURL); WebhookSig is its shared access
	// signature, the secret of the URL.
	WorkflowID = "7c1e2d3f4a5b46c7a8b9c0d1e2f3a4b5"
	WebhookSig = "tfSig-Q2FyZHMgZm9yIHRoZSBmYWtlIHdlYmhvb2s_0123"
	// BotDirectory is the tenant name of multi-tenant bots' token authority.
	BotDirectory = "botframework.com"
)

// DefaultTokenLifetime is the lifetime of the access tokens the fake
// issues (expires_in 3599, as the identity platform announces an hour).
const DefaultTokenLifetime = 3599 * time.Second

// Limits the fake enforces, as Microsoft documents them.
const (
	// MaxBotMessageBytes bounds a bot's activity, counted as UTF-16 (the
	// Bot Connector answers 413 MessageSizeTooBig beyond; Microsoft's
	// documentation has said 40 KB, later about 100 KB with 80 KB advised:
	// the fake keeps the stricter).
	MaxBotMessageBytes = 40 << 10
	// MaxWorkflowCardBytes bounds a card a Workflows flow can post (the
	// Teams connector's "about 28 KB" message limit); a larger card makes
	// the flow run fail after the webhook answered 202.
	MaxWorkflowCardBytes = 28 << 10
)

// Server is a fake of the Microsoft endpoints a Teams integration calls,
// served by one httptest.Server: the identity platform's token endpoint,
// the Bot Connector service, and a Workflows webhook. Its zero value is not
// usable; call New.
type Server struct {
	// Kit injects faults and logs requests, as in every fake of this
	// module. A Fault with Path "" also hits the token endpoint: aim at
	// "/teams/v3/" (the Bot Connector) or "/workflows/" (the webhook) to
	// leave token requests alone.
	*fakekit.Kit

	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	srv *httptest.Server

	mu           sync.Mutex
	tokens       map[string]issued
	tokenLife    time.Duration
	singleTenant bool
	tenants      []string // the authority of each token request
	seq          int64
	messages     []*Message
	failed       []FailedRun
	now          func() time.Time
}

// issued is an access token the fake handed out.
type issued struct {
	expires time.Time
	scope   string
}

// Message is a message in a channel, posted by the bot or by the webhook's
// flow.
type Message struct {
	// ChannelID is the channel the message is in.
	ChannelID string
	// Via is "bot" or "webhook".
	Via string
	// ConversationID and ActivityID identify a bot's message (the
	// conversation is the thread the message starts); empty for a
	// webhook's.
	ConversationID, ActivityID string
	// TenantID is the tenant the bot named when it posted ("" if none).
	TenantID string
	// Card is the Adaptive Card the message shows (its latest version).
	Card map[string]any
	// Versions counts the card's versions: 1, plus one per update.
	Versions int
}

// FailedRun is a webhook request the fake's flow accepted (202) and then
// failed to post, as a Workflows run fails after its trigger answered.
type FailedRun struct {
	// Reason says why, in the words of the flow's error.
	Reason string
}

// New starts a fake. Close it when done.
func New() *Server {
	s := &Server{tokens: map[string]issued{}, tokenLife: DefaultTokenLifetime, now: time.Now}
	s.Kit = fakekit.New(fakekit.Vendor{
		Name:       "teams",
		WriteError: s.writeFault,
		// The Bot Connector names its answers with MS-CV; the identity
		// platform's and the webhook's answers carry the same id as
		// x-ms-request-id instead (see requestIDFor).
		RequestIDHeader: "MS-CV",
		Authenticate:    s.authorized,
	})
	s.srv = httptest.NewServer(s.Kit.Handler(http.HandlerFunc(s.route)))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down, closing client connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// ServiceURL is the Bot Connector's service URL, as Teams names it
// (https://smba.trafficmanager.net/teams/ in Microsoft's cloud): the
// driver's endpoint.
func (s *Server) ServiceURL() string { return s.URL + "/teams/" }

// TokenURL is the identity platform's token endpoint of a tenant (a tenant
// id, or BotDirectory for a multi-tenant bot).
func (s *Server) TokenURL(tenant string) string {
	return s.URL + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
}

// WebhookURL is the Workflows webhook posting to ChannelID: a manual
// trigger's URL whose sig parameter is WebhookSig.
func (s *Server) WebhookURL() string { return s.WebhookURLWithSig(WebhookSig) }

// WebhookURLWithSig is WebhookURL with another signature (one the fake
// refuses, unless it is WebhookSig).
func (s *Server) WebhookURLWithSig(sig string) string { return s.URL + WebhookTarget(sig) }

// WebhookTarget is the part of the webhook's URL with the signature sig
// that follows the host: the path and the query, the same for every
// Server.
func WebhookTarget(sig string) string {
	return webhookPath + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + url.QueryEscape(sig)
}

// webhookPath is the path of the fake's Workflows trigger.
const webhookPath = "/workflows/" + WorkflowID + "/triggers/manual/paths/invoke"

// RequireSingleTenant makes the bot a single-tenant one (what Azure creates
// since multi-tenant bots were retired): the BotDirectory authority then
// refuses its client, and tokens come only from TenantID's.
func (s *Server) RequireSingleTenant(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.singleTenant = on
}

// SetTokenLifetime sets the lifetime of the tokens issued from now on.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenLife = d
}

// ExpireTokens makes every token issued so far invalid.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// Tokens returns the access tokens issued and still valid (for tests that
// check no token shows in errors or logs).
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for t := range s.tokens {
		out = append(out, t)
	}
	return out
}

// TokenRequests returns how many requests reached the token endpoint since
// New or the last ResetRequests (faulted ones included).
func (s *Server) TokenRequests() int {
	n := 0
	for _, r := range s.Requests() {
		if isTokenPath(r.Path) {
			n++
		}
	}
	return n
}

// TokenTenants returns the authority (tenant) of every token request
// served, oldest first.
func (s *Server) TokenTenants() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tenants...)
}

// Messages returns the messages in a channel, oldest first (copies).
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ChannelID == channelID {
			c := *m
			c.Card = cloneJSON(m.Card)
			out = append(out, c)
		}
	}
	return out
}

// FailedRuns returns the webhook requests whose flow run failed.
func (s *Server) FailedRuns() []FailedRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]FailedRun(nil), s.failed...)
}

// Texts returns the text of the card's TextBlocks, in order.
func (m Message) Texts() []string {
	var out []string
	walkCard(m.Card["body"], func(el map[string]any) {
		if el["type"] == "TextBlock" {
			if t, ok := el["text"].(string); ok {
				out = append(out, t)
			}
		}
	})
	return out
}

// Facts returns the card's facts (of every FactSet), title to value.
func (m Message) Facts() map[string]string {
	out := map[string]string{}
	walkCard(m.Card["body"], func(el map[string]any) {
		if el["type"] != "FactSet" {
			return
		}
		facts, _ := el["facts"].([]any)
		for _, f := range facts {
			if fm, ok := f.(map[string]any); ok {
				t, _ := fm["title"].(string)
				v, _ := fm["value"].(string)
				out[t] = v
			}
		}
	})
	return out
}

// walkCard calls fn on every element of a card's body, containers' items
// included.
func walkCard(body any, fn func(map[string]any)) {
	items, _ := body.([]any)
	for _, it := range items {
		el, ok := it.(map[string]any)
		if !ok {
			continue
		}
		fn(el)
		walkCard(el["items"], fn)
	}
}

func cloneJSON(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// route is the API behind the kit (which logs, injects faults and
// authenticates).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, botPrefix):
		s.botConnector(w, r, strings.TrimPrefix(p, botPrefix))
	case isTokenPath(p):
		requestIDFor(w, r)
		s.token(w, r)
	case p == webhookPath:
		requestIDFor(w, r)
		s.webhook(w, r)
	default:
		requestIDFor(w, r)
		http.Error(w, "404 page not found", http.StatusNotFound)
	}
}

// botPrefix is the Bot Connector's API under the service URL.
const botPrefix = "/teams/v3/"

// isTokenPath reports whether p is /{tenant}/oauth2/v2.0/token.
func isTokenPath(p string) bool {
	tenant, ok := strings.CutSuffix(p, "/oauth2/v2.0/token")
	return ok && strings.Count(tenant, "/") == 1 && len(tenant) > 1
}

// requestIDFor gives the answer to r the request id header of the endpoint
// it reached: the identity platform and Logic Apps (Workflows) send
// x-ms-request-id, the Bot Connector MS-CV (which the kit set).
func requestIDFor(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, botPrefix) {
		return
	}
	h := w.Header()
	if id := h.Get("MS-CV"); id != "" {
		h.Del("MS-CV")
		h.Set("X-Ms-Request-Id", id)
	}
}

// authorized is the kit's Vendor.Authenticate: the Bot Connector needs a
// valid bearer token for the Bot Framework scope, the webhook its
// signature; the token endpoint checks the client itself.
func (s *Server) authorized(r *http.Request) bool {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, botPrefix):
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			return false
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t, ok := s.tokens[tok]
		return ok && t.scope == Scope && s.now().Before(t.expires)
	case p == webhookPath:
		return r.URL.Query().Get("sig") == WebhookSig
	}
	return true
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
