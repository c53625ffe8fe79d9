package teams

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/internal/ids"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// mode is how the driver posts: through a webhook or as a bot.
type mode string

const (
	modeWebhook mode = "webhook"
	modeBot     mode = "bot"
)

// Notification ids. A webhook's message has no id Teams gives back, so
// the driver makes one: "wh-" and a random UUID. A bot's message is named
// by its conversation (the thread it starts) and activity: "bf-" and the
// unpadded base64url encoding of "<conversation id>\n<activity id>", or,
// should that exceed the connector's 256 bytes, "bh-" and the SHA-256 of
// it in hex. Every id is made of letters, digits, "-" and "_".
const (
	webhookIDPrefix = "wh-"
	botIDPrefix     = "bf-"
	botHashPrefix   = "bh-"
)

// State keys: notification/<id> → record; an id too long for a key is
// replaced by "h-" and its SHA-256 in hex.
const (
	prefixNotification = "notification/"
	maxKeyLen          = providers.MaxStateKeyLen
)

// record is what the driver keeps of a message in the integration's State:
// Teams gives nothing back to read (a webhook) or no read of a bot's
// activity, so GetMessage reads it here.
type record struct {
	Mode         mode                       `json:"mode"`
	Notification notifications.Notification `json:"notification"`
	// ConversationID and ActivityID name a bot's message.
	ConversationID string `json:"conversation_id,omitempty"`
	ActivityID     string `json:"activity_id,omitempty"`
	// ChannelID is the channel a bot posted in.
	ChannelID string     `json:"channel_id,omitempty"`
	SentAt    time.Time  `json:"sent_at"`
	ClearedAt *time.Time `json:"cleared_at,omitempty"`
}

// notifier is the Teams notifications driver, in one of its modes.
type notifier struct {
	notifications.Unimplemented // never reached: every operation is implemented
	mode                        mode
	hc                          *httpx.Client
	state                       providers.State
	now                         func() time.Time
	closeIdle                   func()

	// hookPath is the webhook URL's path (the base URL holds its scheme,
	// host and query).
	hookPath string

	// The Bot Framework's channel, team and tenant, and the path of the
	// service URL ("/teams"), before every request's.
	channelID, teamID, tenantID string
	botBase                     string
}

var _ notifications.Driver = (*notifier)(nil)

// CreateMessage implements notifications.Driver: the card is posted and
// the notification recorded in the State, OPEN.
func (d *notifier) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	if strings.TrimSpace(req.Summary) == "" {
		return nil, errs.Invalid("summary", "summary is required")
	}
	if err := textcheck.Check("", req); err != nil {
		return nil, err
	}
	n := req.Notification()
	n.NotificationStatus = notifications.StatusOpen
	rec := record{Mode: d.mode, SentAt: d.clock()}
	var err error
	switch d.mode {
	case modeWebhook:
		err = d.createWebhook(ctx, n, &rec)
	default:
		err = d.createBot(ctx, n, &rec)
	}
	if err != nil {
		return nil, err
	}
	rec.Notification = *n
	if err := d.put(ctx, d.state, n.ID, &rec); err != nil {
		return nil, errs.Wrap(errs.CodeOf(err), err, "the message was posted to Teams, but recording it in the integration's state failed")
	}
	return n, nil
}

// GetMessage implements notifications.Driver: the notification as the
// State records it.
func (d *notifier) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	rec, err := d.load(ctx, d.state, id)
	if err != nil {
		return nil, err
	}
	n := rec.Notification
	return &n, nil
}

// ClearMessage implements notifications.Driver: Teams shows the message
// cleared (the bot updates it; a webhook posts a follow-up), then the
// State records it CLOSED, in one transaction. A cleared message stays as
// it is.
func (d *notifier) ClearMessage(ctx context.Context, id string) error {
	rec, err := d.load(ctx, d.state, id)
	if err != nil {
		return err
	}
	if rec.Notification.NotificationStatus == notifications.StatusClosed {
		return nil
	}
	if rec.Mode != d.mode {
		return errs.New(errs.Conflict, "notification %q was sent through a %s, and this integration now posts through a %s: it cannot be cleared in Teams",
			clip(id), rec.Mode, d.mode)
	}
	now := d.clock()
	switch d.mode {
	case modeWebhook:
		err = d.clearWebhook(ctx, rec, now)
	default:
		err = d.clearBot(ctx, rec, now)
	}
	if err != nil {
		return err
	}
	return d.state.Update(ctx, func(tx providers.StateTx) error {
		cur, err := d.load(ctx, tx, id)
		if err != nil || cur.Notification.NotificationStatus == notifications.StatusClosed {
			return err
		}
		cur.Notification.NotificationStatus = notifications.StatusClosed
		cur.ClearedAt = &now
		return d.put(ctx, tx, id, cur)
	})
}

// Close implements notifications.Driver; the State stays as it is.
func (d *notifier) Close() error {
	d.hc.Close()
	d.closeIdle()
	return nil
}

// clock returns the current time in UTC, without a monotonic reading.
func (d *notifier) clock() time.Time { return d.now().UTC().Round(0) }

// putter is what put writes with: the State, or one of its transactions.
type putter interface {
	Put(ctx context.Context, key string, value []byte) error
}

func (d *notifier) put(ctx context.Context, w putter, id string, rec *record) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding the record of notification %q", clip(id))
	}
	return w.Put(ctx, stateKey(id), raw)
}

// load reads the record of id; an id the driver never made, or one the
// State does not hold, is errs.NotFound.
func (d *notifier) load(ctx context.Context, r providers.StateReader, id string) (*record, error) {
	if !validID(id) {
		return nil, notFound(id)
	}
	raw, err := r.Get(ctx, stateKey(id))
	if errs.CodeOf(err) == errs.NotFound {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "the record of notification %q in the integration's state is corrupt", clip(id))
	}
	return &rec, nil
}

func notFound(id string) error {
	return errs.New(errs.NotFound, "notification %q not found", clip(id))
}

func clip(s string) string { return textcheck.Clip(s) }

// stateKey is the State key of a notification.
func stateKey(id string) string {
	if len(prefixNotification)+len(id) <= maxKeyLen {
		return prefixNotification + id
	}
	sum := sha256.Sum256([]byte(id))
	return prefixNotification + "h-" + hex.EncodeToString(sum[:])
}

// validID reports whether id is one the driver makes.
func validID(id string) bool {
	var rest string
	switch {
	case strings.HasPrefix(id, webhookIDPrefix):
		rest = id[len(webhookIDPrefix):]
	case strings.HasPrefix(id, botIDPrefix):
		rest = id[len(botIDPrefix):]
		if _, _, ok := decodeBotID(id); !ok {
			return false
		}
	case strings.HasPrefix(id, botHashPrefix):
		rest = id[len(botHashPrefix):]
	default:
		return false
	}
	if rest == "" || len(id) > notifications.MaxIDLen {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// newWebhookID returns a fresh id of a webhook's message.
func newWebhookID() string { return webhookIDPrefix + ids.New() }

// botID returns the id of a bot's message.
func botID(conversationID, activityID string) string {
	raw := conversationID + "\n" + activityID
	if id := botIDPrefix + base64.RawURLEncoding.EncodeToString([]byte(raw)); len(id) <= notifications.MaxIDLen {
		return id
	}
	sum := sha256.Sum256([]byte(raw))
	return botHashPrefix + hex.EncodeToString(sum[:])
}

// decodeBotID returns the conversation and activity of a "bf-" id.
func decodeBotID(id string) (conversationID, activityID string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(id, botIDPrefix))
	if err != nil {
		return "", "", false
	}
	conv, act, ok := strings.Cut(string(raw), "\n")
	if !ok || conv == "" || act == "" || strings.Contains(act, "\n") {
		return "", "", false
	}
	return conv, act, true
}

// hint returns err with more said about it: an *errs.Error's message gets
// the text in parentheses; other errors are returned as they are.
func hint(err error, text string) error {
	var e *errs.Error
	if !errors.As(err, &e) || e != err {
		return err
	}
	c := *e
	c.Message = strings.TrimSpace(c.Message + " (" + text + ")")
	return &c
}
