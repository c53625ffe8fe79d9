package teams

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// Bot Connector wire types.
type (
	// activity is a Bot Framework message activity carrying a card.
	activity struct {
		Type        string           `json:"type"`
		ID          string           `json:"id,omitempty"`
		Summary     string           `json:"summary,omitempty"`
		Attachments []cardAttachment `json:"attachments"`
	}
	// conversationParameters create a conversation: in Teams, a new
	// thread in a channel, started by its activity.
	conversationParameters struct {
		IsGroup     bool        `json:"isGroup"`
		ChannelData channelData `json:"channelData"`
		Activity    *activity   `json:"activity"`
		TenantID    string      `json:"tenantId,omitempty"`
	}
	channelData struct {
		Channel idRef  `json:"channel"`
		Tenant  *idRef `json:"tenant,omitempty"`
	}
	idRef struct {
		ID string `json:"id"`
	}
	// conversationResource is the answer to creating a conversation.
	conversationResource struct {
		ID         string `json:"id"`
		ActivityID string `json:"activityId"`
	}
	// channelList is the answer of the Teams API's channel list.
	channelList struct {
		Conversations []channelEntry `json:"conversations"`
	}
	// channelEntry is a channel of the list; the General channel's name
	// is null.
	channelEntry struct {
		ID   string  `json:"id"`
		Name *string `json:"name"`
	}
)

// createBot starts a thread in the channel with the card of n: POST
// /v3/conversations (isGroup, channelData.channel.id, the tenant when
// known, the activity). n's id names the conversation and the activity
// Teams answers with.
func (d *notifier) createBot(ctx context.Context, n *notifications.Notification, rec *record) error {
	card, err := renderCard(n, cardOpen, cardTimes{sent: rec.SentAt})
	if err != nil {
		return err
	}
	p := conversationParameters{IsGroup: true, ChannelData: channelData{Channel: idRef{ID: d.channelID}},
		Activity: &activity{Type: "message", Summary: clipText(plainNeutral(n.Summary), maxSummary), Attachments: attachments(card)},
		TenantID: d.tenantID}
	if d.tenantID != "" {
		p.ChannelData.Tenant = &idRef{ID: d.tenantID}
	}
	body, err := marshal(p)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding the conversation")
	}
	resp, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.botBase + "/v3/conversations", Body: body, ContentType: "application/json"})
	if err != nil {
		return d.explain(ctx, err)
	}
	var out conversationResource
	if err := resp.Decode(&out); err != nil {
		return err
	}
	if out.ID == "" || out.ActivityID == "" {
		return resp.Malformed("has no conversation id or activity id")
	}
	if len(out.ID) > 4096 || len(out.ActivityID) > 1024 || strings.Contains(out.ActivityID, "\n") {
		return resp.Malformed("has a conversation id or an activity id longer than Teams makes them")
	}
	n.ID = botID(out.ID, out.ActivityID)
	rec.ConversationID, rec.ActivityID, rec.ChannelID = out.ID, out.ActivityID, d.channelID
	return nil
}

// clearBot replaces the message's card with its cleared version: PUT
// /v3/conversations/{conversationId}/activities/{activityId}.
func (d *notifier) clearBot(ctx context.Context, rec *record, now time.Time) error {
	card, err := renderCard(&rec.Notification, cardCleared, cardTimes{sent: rec.SentAt, cleared: now})
	if err != nil {
		return err
	}
	conv, ok1 := pathSegment(rec.ConversationID)
	act, ok2 := pathSegment(rec.ActivityID)
	if !ok1 || !ok2 {
		return errs.New(errs.Internal, "the conversation or activity id of notification %q cannot be put in a URL path", clip(rec.Notification.ID))
	}
	body, err := marshal(activity{Type: "message", ID: rec.ActivityID, Summary: clipText("Cleared: "+plainNeutral(rec.Notification.Summary), maxSummary),
		Attachments: attachments(card)})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding the activity")
	}
	_, err = d.hc.Do(ctx, httpx.Request{Method: http.MethodPut, Path: d.botBase + "/v3/conversations/" + conv + "/activities/" + act,
		Body: body, ContentType: "application/json"})
	if err != nil {
		return d.hintBot(err)
	}
	return nil
}

// pathSegment returns an id escaped as one path segment, the way
// Microsoft's SDKs send a conversation id ("19:...@thread.tacv2;messageid=1"
// goes as "19:...@thread.tacv2%3Bmessageid=1"); an empty id, or "." or
// "..", is refused.
func pathSegment(id string) (string, bool) {
	if id == "" || id == "." || id == ".." || strings.ContainsRune(id, 0) {
		return "", false
	}
	return url.PathEscape(id), true
}

// explain adds to the error of a refused conversation what the Bot
// Connector's channel list of the team tells: whether the bot is in the
// team, and whether channel_id is one of its channels. Other errors get
// hintBot's hints.
func (d *notifier) explain(ctx context.Context, err error) error {
	switch errs.CodeOf(err) {
	case errs.InvalidInput, errs.Forbidden, errs.NotFound:
	default:
		return d.hintBot(err)
	}
	team, ok := pathSegment(d.teamID)
	if !ok || ctx.Err() != nil {
		return d.hintBot(err)
	}
	var list channelList
	_, lerr := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: d.botBase + "/v3/teams/" + team + "/conversations"}, &list)
	switch code := errs.CodeOf(lerr); {
	case lerr == nil:
		if !slices.ContainsFunc(list.Conversations, func(c channelEntry) bool { return c.ID == d.channelID }) {
			return hint(err, "channel_id is not one of the "+strconv.Itoa(len(list.Conversations))+
				" channels of team_id's team the Bot Connector lists to the bot; private and shared channels are not listed")
		}
	case code == errs.Forbidden || code == errs.NotFound:
		return hint(err, "the Bot Connector does not list the channels of team_id's team to the bot: check team_id, and that the bot's app is installed in the team")
	}
	return d.hintBot(err)
}

// hintBot says what a refusal of the Bot Connector usually means.
func (d *notifier) hintBot(err error) error {
	switch errs.CodeOf(err) {
	case errs.Unauthorized:
		return hint(err, "the Bot Connector or the identity platform refused the bot: check the app id and secret, tenant_id for a single-tenant bot, and that the Azure Bot has the Microsoft Teams channel")
	case errs.Forbidden:
		return hint(err, "the bot may not post there: check that its app is installed in the team")
	}
	return err
}
