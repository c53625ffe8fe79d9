package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// webhookMessage is what a webhook receives: a message whose attachment is
// the card, the form Workflows' "Send webhook alerts to a channel"
// template and Office 365 connectors' incoming webhooks both take.
type webhookMessage struct {
	Type        string           `json:"type"`
	Attachments []cardAttachment `json:"attachments"`
}

// createWebhook posts the card of n to the webhook; n gets a fresh id.
func (d *notifier) createWebhook(ctx context.Context, n *notifications.Notification, rec *record) error {
	card, err := renderCard(n, cardOpen, cardTimes{sent: rec.SentAt})
	if err != nil {
		return err
	}
	if err := d.postWebhook(ctx, card); err != nil {
		return err
	}
	n.ID = newWebhookID()
	return nil
}

// clearWebhook posts the follow-up card that says the notification was
// cleared: a webhook cannot change what it posted.
func (d *notifier) clearWebhook(ctx context.Context, rec *record, now time.Time) error {
	card, err := renderCard(&rec.Notification, cardFollowUp, cardTimes{sent: rec.SentAt, cleared: now})
	if err != nil {
		return err
	}
	return d.postWebhook(ctx, card)
}

// postWebhook posts a card. Any 2xx is success: Workflows answers 202
// Accepted with no body (the flow posts later), Office 365 connectors 200
// with "1" — except that connectors answer a throttled request with HTTP
// 200 too, and a body saying "Microsoft Teams endpoint returned HTTP error
// 429", which is a rate limit.
func (d *notifier) postWebhook(ctx context.Context, card json.RawMessage) error {
	body, err := marshal(webhookMessage{Type: "message", Attachments: attachments(card)})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding the message")
	}
	resp, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.hookPath, Body: body, ContentType: "application/json"})
	if err != nil {
		switch errs.CodeOf(err) {
		case errs.Unauthorized, errs.Forbidden, errs.NotFound:
			err = hint(err, "Teams refused the webhook URL: check that the workflow exists and is turned on, and that its trigger lets anyone trigger the flow")
		}
		return err
	}
	if status, ok := connectorError(resp.Body); ok {
		return d.connectorFailure(resp, status)
	}
	return nil
}

// connectorErrorText is how an Office 365 connector reports, with HTTP
// 200, an error of Teams behind it.
var connectorErrorText = regexp.MustCompile(`Microsoft Teams endpoint returned HTTP error (\d{3})`)

// connectorError returns the status a connector's 200 answer reports.
func connectorError(body []byte) (int, bool) {
	if len(body) == 0 || bytes.Equal(bytes.TrimSpace(body), []byte("1")) {
		return 0, false
	}
	m := connectorErrorText.FindSubmatch(body)
	if m == nil {
		return 0, false
	}
	status, err := strconv.Atoi(string(m[1]))
	if err != nil || status < 400 {
		return 0, false
	}
	return status, true
}

// connectorFailure is the error of a connector's 200 answer reporting the
// status: a rate limit for 429, a provider error otherwise.
func (d *notifier) connectorFailure(resp *httpx.Response, status int) error {
	pe := d.hc.VendorError(http.MethodPost, d.hookPath, resp.Status, resp.Header, resp.Body)
	code := errs.Provider
	msg := "the Teams connector reports HTTP " + strconv.Itoa(status) + " in its answer"
	if status == http.StatusTooManyRequests {
		code = errs.RateLimited
		msg = "the Teams connector throttled the webhook (it reports HTTP 429 in a 200 answer): retry later"
	}
	return &errs.Error{Code: code, Status: status, Message: vendor + ": POST " + pe.Path + ": " + msg, Cause: pe}
}
