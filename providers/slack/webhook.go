package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// hookDriver is the notifications_slack_webhook driver: a
// notifications.Driver over one Slack incoming webhook. A webhook can only
// post, so the driver keeps each notification it sent in the
// integration's State. It is safe for concurrent use. Webhook.Open builds
// it.
type hookDriver struct {
	notifications.Unimplemented // never reached: every operation is implemented

	http  *httpx.Client
	path  string // the webhook URL's path, secret
	state providers.State
}

var _ notifications.Driver = (*hookDriver)(nil)

// hookAuth sends nothing (the URL is the credential) and makes the client
// redact the URL: whole, its path, and its secret segment, in every form
// the plumbing redacts, from every error and log line.
type hookAuth struct{ secrets []string }

func (hookAuth) Authorize(context.Context, *http.Request) error { return nil }
func (a hookAuth) Secrets() []string                            { return a.secrets }

// openWebhook is Webhook.Open.
func openWebhook(_ context.Context, req providers.OpenRequest) (notifications.Driver, error) {
	if _, err := providers.ConfigAs[*WebhookConfig](req); err != nil {
		return nil, err
	}
	sc, ok := req.Credential("webhook_url").(*credential.SecretCredential)
	if !ok || sc == nil {
		return nil, errs.Invalid("webhook_url", "slack: webhook_url must be a secret credential holding the incoming webhook's URL")
	}
	raw := sc.Secret.Reveal()
	wu, err := parseWebhookURL(raw)
	if err != nil {
		return nil, err
	}
	rel := strings.TrimPrefix(wu.path, "/")
	auth := hookAuth{secrets: []string{raw, wu.path, rel, strings.TrimPrefix(rel, "services/"), wu.secret}}
	opts := httpx.OptionsFor(req, "slack")
	opts.ErrorDetail = hookErrorDetail
	c, err := httpx.New(wu.origin, auth, opts)
	if err != nil {
		return nil, err
	}
	state := req.State
	if state == nil {
		state = providers.NewMemoryState()
	}
	return &hookDriver{http: c, path: wu.path, state: state}, nil
}

// Close implements notifications.Driver; the State stays as it is.
func (d *hookDriver) Close() error {
	d.http.Close()
	return nil
}

// Notification ids: "WH-" and 32 hex digits, random (so that clients
// sharing an integration's State never pick the same one).
const hookIDPrefix = "WH-"

func newHookID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hookIDPrefix + hex.EncodeToString(b[:])
}

func validHookID(id string) bool {
	h, ok := strings.CutPrefix(id, hookIDPrefix)
	if !ok || len(h) != 32 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// stateKey keys a notification in the State: notification/<id> → the
// notification's JSON.
func stateKey(id string) string { return "notification/" + id }

// hookArgs is a webhook post: the fallback text and the blocks.
type hookArgs struct {
	Text   string  `json:"text"`
	Blocks []block `json:"blocks"`
}

var acceptText = http.Header{"Accept": {"text/plain, */*"}}

// post sends a message through the webhook, which answers 200 "ok"; errors
// come with Slack's plain-text code, which codes them (invalid_token is a
// refused URL, channel_not_found a channel gone, ...). A post is never
// retried after a 5xx or a lost answer.
func (d *hookDriver) post(ctx context.Context, text string, blocks []block) error {
	body, err := encodeJSON(&hookArgs{Text: text, Blocks: blocks})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "slack: encoding the message")
	}
	resp, err := d.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.path, Body: body, ContentType: jsonUTF8, Header: acceptText})
	if err != nil {
		return recode(err)
	}
	if strings.TrimSpace(string(resp.Body)) != "ok" {
		return resp.Malformed(`is not the "ok" of an incoming webhook`)
	}
	return nil
}

// CreateMessage implements notifications.Driver: the rendered message is
// posted through the webhook, then kept, OPEN, under a fresh id in the
// State.
func (d *hookDriver) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	if strings.TrimSpace(req.Summary) == "" {
		return nil, errs.Invalid("summary", "summary is required")
	}
	n := req.Notification()
	n.NotificationStatus = notifications.StatusOpen
	n.ID = newHookID()
	if err := d.post(ctx, fallbackText(n), openBlocks(n)); err != nil {
		return nil, err
	}
	if err := d.put(ctx, nil, n); err != nil {
		return nil, errs.Wrap(codeOr(err, errs.Internal), err, "slack: the message was posted, but keeping its record failed")
	}
	return n, nil
}

func codeOr(err error, c errs.Code) errs.Code {
	if code := errs.CodeOf(err); code != "" {
		return code
	}
	return c
}

// put stores n, in tx if not nil.
func (d *hookDriver) put(ctx context.Context, tx providers.StateTx, n *notifications.Notification) error {
	b, err := json.Marshal(n)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "slack: encoding the notification")
	}
	if tx != nil {
		return tx.Put(ctx, stateKey(n.ID), b)
	}
	return d.state.Put(ctx, stateKey(n.ID), b)
}

// get reads the notification with the id from r (the State or a
// transaction).
func (d *hookDriver) get(ctx context.Context, r providers.StateReader, id string) (*notifications.Notification, error) {
	if !validHookID(id) {
		return nil, notFound(id)
	}
	b, err := r.Get(ctx, stateKey(id))
	if errors.Is(err, errs.ErrNotFound) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	var n notifications.Notification
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "slack: the record of notification %s is not valid", id)
	}
	return &n, nil
}

// GetMessage implements notifications.Driver: the notification as the
// State keeps it (a webhook cannot read messages back).
func (d *hookDriver) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	return d.get(ctx, d.state, id)
}

// ClearMessage implements notifications.Driver: a webhook cannot change
// the message it posted, so a follow-up "✅ Cleared: <summary>" is posted,
// then the notification is marked CLOSED in the State (one State.Update).
// A cleared notification is left as it is. Two clients clearing the same
// notification at once may both post the follow-up.
func (d *hookDriver) ClearMessage(ctx context.Context, id string) error {
	n, err := d.get(ctx, d.state, id)
	if err != nil {
		return err
	}
	if n.NotificationStatus == notifications.StatusClosed {
		return nil
	}
	closed := *n
	closed.NotificationStatus = notifications.StatusClosed
	if err := d.post(ctx, clearedText(&closed), clearedBlocks(&closed)); err != nil {
		return err
	}
	return d.state.Update(ctx, func(tx providers.StateTx) error {
		n, err := d.get(ctx, tx, id)
		if err != nil || n.NotificationStatus == notifications.StatusClosed {
			return err
		}
		n.NotificationStatus = notifications.StatusClosed
		return d.put(ctx, tx, n)
	})
}
