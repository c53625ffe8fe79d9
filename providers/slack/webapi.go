package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// webDriver is the notifications_slack driver: a notifications.Driver over
// the Slack Web API for one integration, posting as a bot to one channel.
// It is safe for concurrent use. Notifications.Open builds it.
type webDriver struct {
	notifications.Unimplemented // never reached: every operation is implemented

	http    *httpx.Client
	channel string // as chat.postMessage takes it
	// The methods' paths: the base URL's path ("/api") and the method.
	postPath, updatePath, historyPath string
}

var _ notifications.Driver = (*webDriver)(nil)

// jsonUTF8 is the content type of the JSON bodies sent: Slack warns
// ("missing_charset") about a JSON body without a charset.
const jsonUTF8 = "application/json; charset=utf-8"

// openWebAPI is Notifications.Open.
func openWebAPI(_ context.Context, req providers.OpenRequest) (notifications.Driver, error) {
	cfg, err := providers.ConfigAs[*NotificationsConfig](req)
	if err != nil {
		return nil, err
	}
	tok, ok := req.Credential("credential").(*credential.TokenCredential)
	if !ok || tok == nil {
		return nil, errs.Invalid("credential", "slack: the credential must be a token credential holding a bot token (xoxb-...)")
	}
	token := tok.Secret.Reveal()
	if !validToken(token) {
		return nil, errs.Invalid("credential", "slack: the token must be a Slack token (xoxb-...): letters, digits, '.', '-' and '_'")
	}
	u, err := url.Parse(cmp.Or(cfg.URL, DefaultURL))
	if err != nil {
		return nil, errs.Invalid("url", "the url must be an absolute http(s) URL such as https://slack.com/api")
	}
	opts := httpx.OptionsFor(req, "slack")
	opts.ErrorDetail = apiErrorDetail
	c, err := httpx.New(u.Scheme+"://"+u.Host, httpx.Bearer(token), opts)
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimRight(u.EscapedPath(), "/")
	return &webDriver{http: c, channel: channelArg(cfg.Channel),
		postPath: prefix + "/chat.postMessage", updatePath: prefix + "/chat.update", historyPath: prefix + "/conversations.history"}, nil
}

// validToken reports whether s looks like a Slack token: "xox" and then
// letters, digits, '.', '-' and '_' (xoxb-..., xoxp-..., xoxe.xoxp-...).
func validToken(s string) bool {
	if !strings.HasPrefix(s, "xox") || len(s) < 8 || len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Close implements notifications.Driver: it closes the idle connections of
// the driver's own connection pool (never those of an application's
// client).
func (d *webDriver) Close() error {
	d.http.Close()
	return nil
}

// Message ids: "<channel id>:<ts>", the channel chat.postMessage answered
// with and the message's timestamp (defs_channel and defs_ts of the Web
// API description), e.g. "C0123ABCD:1700000000.000100".
var tsPattern = regexp.MustCompile(`^\d{10}\.\d{6}$`)

// messageID returns the id of a message.
func messageID(channel, ts string) string { return channel + ":" + ts }

// parseMessageID splits an id into its channel and ts; ok is false for an
// id this provider never made.
func parseMessageID(id string) (channel, ts string, ok bool) {
	channel, ts, ok = strings.Cut(id, ":")
	return channel, ts, ok && channelID.MatchString(channel) && tsPattern.MatchString(ts)
}

func notFound(id string) error {
	return errs.New(errs.NotFound, "slack: no notification %q", textcheck.Clip(id))
}

// envelope is what every Web API answer holds.
type envelope struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

func (e *envelope) env() *envelope { return e }

type answer interface{ env() *envelope }

// call sends r and decodes the answer into out: a Web API answer with "ok":
// false is an error coded from Slack's error code (apiError).
func (d *webDriver) call(ctx context.Context, r *httpx.Request, out answer) (*httpx.Response, error) {
	resp, err := d.http.Do(ctx, *r)
	if err != nil {
		return nil, err
	}
	if err := resp.Decode(out); err != nil {
		return nil, err
	}
	switch env := out.env(); {
	case !env.OK && env.Error != "":
		return nil, d.apiError(r, resp, env.Error)
	case !env.OK:
		return nil, resp.Malformed(`has neither "ok": true nor an error`)
	}
	return resp, nil
}

// postArgs are chat.postMessage's arguments.
type postArgs struct {
	Channel     string   `json:"channel"`
	Text        string   `json:"text"`
	Blocks      []block  `json:"blocks"`
	Metadata    metadata `json:"metadata"`
	UnfurlLinks bool     `json:"unfurl_links"`
	UnfurlMedia bool     `json:"unfurl_media"`
}

// updateArgs are chat.update's.
type updateArgs struct {
	Channel  string   `json:"channel"`
	TS       string   `json:"ts"`
	Text     string   `json:"text"`
	Blocks   []block  `json:"blocks"`
	Metadata metadata `json:"metadata"`
}

type postAnswer struct {
	envelope
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// CreateMessage implements notifications.Driver: chat.postMessage to the
// channel, with the rendered blocks, a fallback text and the notification
// in the message's metadata. It is not retried after a 5xx or a lost
// answer: Slack does not deduplicate posts.
func (d *webDriver) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	if strings.TrimSpace(req.Summary) == "" {
		return nil, errs.Invalid("summary", "summary is required")
	}
	n := req.Notification()
	n.NotificationStatus = notifications.StatusOpen
	body, err := encodeJSON(&postArgs{Channel: d.channel, Text: fallbackText(n), Blocks: openBlocks(n),
		Metadata: metadata{EventType: eventType, EventPayload: payloadOf(n)}})
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "slack: encoding the message")
	}
	var out postAnswer
	resp, err := d.call(ctx, &httpx.Request{Method: http.MethodPost, Path: d.postPath, Body: body, ContentType: jsonUTF8}, &out)
	if err != nil {
		return nil, err
	}
	if !channelID.MatchString(out.Channel) || !tsPattern.MatchString(out.TS) {
		return nil, resp.Malformed("has no channel id and message ts")
	}
	n.ID = messageID(out.Channel, out.TS)
	return n, nil
}

// apiMessage is what the driver reads of a message.
type apiMessage struct {
	TS       string `json:"ts"`
	Metadata *struct {
		EventType    string          `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	} `json:"metadata"`
}

type historyAnswer struct {
	envelope
	Messages []apiMessage `json:"messages"`
}

// read returns the payload of the notification in the channel at ts:
// conversations.history of the one message at ts (latest=ts, inclusive,
// limit 1) with its metadata (include_all_metadata). A message that is not
// there, or carries no notification, is errs.NotFound.
func (d *webDriver) read(ctx context.Context, id, channel, ts string) (*payload, error) {
	q := url.Values{"channel": {channel}, "latest": {ts}, "inclusive": {"true"}, "limit": {"1"}, "include_all_metadata": {"true"}}
	var out historyAnswer
	resp, err := d.call(ctx, &httpx.Request{Method: http.MethodGet, Path: d.historyPath, Query: q}, &out)
	if err != nil {
		return nil, err
	}
	if len(out.Messages) == 0 || out.Messages[0].TS != ts {
		return nil, notFound(id)
	}
	m := out.Messages[0]
	if m.Metadata == nil || m.Metadata.EventType != eventType {
		return nil, errs.New(errs.NotFound, "slack: the message %q is not a notification (it has no %s metadata)", textcheck.Clip(id), eventType)
	}
	var p payload
	if err := json.Unmarshal(m.Metadata.EventPayload, &p); err != nil || strings.TrimSpace(p.Summary) == "" {
		return nil, resp.Malformed("has notification metadata without a summary")
	}
	return &p, nil
}

// GetMessage implements notifications.Driver: the notification as its
// message's metadata carries it, OPEN or CLOSED.
func (d *webDriver) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	channel, ts, ok := parseMessageID(id)
	if !ok {
		return nil, notFound(id)
	}
	p, err := d.read(ctx, id, channel, ts)
	if err != nil {
		return nil, err
	}
	return p.notification(id), nil
}

// ClearMessage implements notifications.Driver: chat.update of the message
// to show it cleared (see clearedBlocks), its metadata's status CLOSED. A
// cleared message is left as it is. chat.update is retried like a read:
// updating twice to the same content is harmless.
func (d *webDriver) ClearMessage(ctx context.Context, id string) error {
	channel, ts, ok := parseMessageID(id)
	if !ok {
		return notFound(id)
	}
	p, err := d.read(ctx, id, channel, ts)
	if err != nil {
		return err
	}
	if p.NotificationStatus == notifications.StatusClosed {
		return nil
	}
	p.NotificationStatus = notifications.StatusClosed
	n := p.notification(id)
	body, err := encodeJSON(&updateArgs{Channel: channel, TS: ts, Text: clearedText(n), Blocks: clearedBlocks(n),
		Metadata: metadata{EventType: eventType, EventPayload: *p}})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "slack: encoding the message")
	}
	var out postAnswer
	_, err = d.call(ctx, &httpx.Request{Method: http.MethodPost, Path: d.updatePath, Body: body, ContentType: jsonUTF8, Idempotent: true}, &out)
	return err
}
