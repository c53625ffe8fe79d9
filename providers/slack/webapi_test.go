package slack_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/slack/slackfake"
)

func connector(d notifications.Driver, r notifications.Registration) *notifications.Connector {
	return notifications.NewConnector(r, d)
}

// nextTS returns the ts 1µs after ts.
func nextTS(t *testing.T, ts string) string {
	t.Helper()
	sec, frac, _ := strings.Cut(ts, ".")
	s, err1 := strconv.ParseInt(sec, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	require.NoError(t, errors.Join(err1, err2))
	f++
	if f == 1_000_000 {
		s, f = s+1, 0
	}
	return fmt.Sprintf("%d.%06d", s, f)
}

// sentBlocks decodes a message's blocks.
func sentBlocks(t *testing.T, m slackfake.Message) []map[string]any {
	t.Helper()
	var bs []map[string]any
	require.NoError(t, json.Unmarshal(m.Blocks, &bs))
	return bs
}

func textOf(b map[string]any) string {
	t, _ := b["text"].(map[string]any)
	s, _ := t["text"].(string)
	return s
}

// TestPostMessage: what CreateMessage sends, as the fake keeps it, and the
// id it returns.
func TestPostMessage(t *testing.T) {
	srv := fake(t)
	c := connector(openWeb(t, srv, "#security"), slack.Notifications)
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{
		Summary: "CVE-2026-1234 on web-01", Priority: ticketing.PriorityCritical, Project: "SEC",
		Description: "Patch *openssl* <!channel> & see [the advisory](https://example.com/a?b=1&c=2)\n- today", Tags: []string{"cve"},
	})
	require.NoError(t, err)
	ch, ts, ok := strings.Cut(n.ID, ":")
	require.True(t, ok, n.ID)
	assert.Equal(t, slackfake.ChannelSecurity, ch, "the id carries the channel id Slack answered with")
	assert.Regexp(t, `^\d{10}\.\d{6}$`, ts)
	assert.Equal(t, notifications.StatusOpen, n.NotificationStatus)

	m, ok := srv.Message(ch, ts)
	require.True(t, ok)
	assert.Equal(t, "🔴 [CRITICAL] CVE-2026-1234 on web-01", m.Text)
	bs := sentBlocks(t, m)
	require.Len(t, bs, 3)
	assert.Equal(t, "header", bs[0]["type"])
	assert.Equal(t, "CVE-2026-1234 on web-01", textOf(bs[0]))
	assert.Equal(t, "Patch *openssl* &lt;!channel&gt; &amp; see <https://example.com/a?b=1&amp;c=2|the advisory>\n• today", textOf(bs[1]))
	assert.Equal(t, "context", bs[2]["type"])
	require.NotNil(t, m.Metadata)
	assert.Equal(t, "synqly_notification", m.Metadata.EventType)
	var p map[string]any
	require.NoError(t, json.Unmarshal(m.Metadata.EventPayload, &p))
	assert.Equal(t, "CVE-2026-1234 on web-01", p["summary"])
	assert.Equal(t, "OPEN", p["notification_status"])

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, "POST /api/chat.postMessage", r.Method+" "+r.Path)
	assert.Equal(t, "Bearer "+slackfake.BotToken, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &body))
	assert.Equal(t, "#security", body["channel"])
	assert.Equal(t, false, body["unfurl_links"])
	assert.Equal(t, false, body["unfurl_media"])
	assert.NotContains(t, string(r.Body), `\u003c`, "the body is JSON without HTML escapes")
}

// TestReadAndClear: GetMessage reads the one message by its ts with its
// metadata; ClearMessage updates it once.
func TestReadAndClear(t *testing.T) {
	srv := fake(t)
	c := connector(openWeb(t, srv, ""), slack.Notifications)
	ctx := t.Context()
	req := notifications.CreateMessageRequest{Summary: "Disk full on db-02", Priority: ticketing.PriorityLow, Name: "disk",
		Project: "OPS", Status: "new", Description: "Free *space*", IssueType: "alert", Creator: "monitor", Assignee: "bob",
		Contact: "ops@example.com", Tags: []string{"disk", "db"}}
	n, err := c.CreateMessage(ctx, req)
	require.NoError(t, err)
	// Others post to the channel after it.
	_, err = c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "later"})
	require.NoError(t, err)
	srv.ResetRequests()

	got, err := c.GetMessage(ctx, n.ID)
	require.NoError(t, err)
	want := req.Notification()
	want.ID, want.NotificationStatus = n.ID, notifications.StatusOpen
	assert.Equal(t, want, got, "the notification comes back whole")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "GET /api/conversations.history", reqs[0].Method+" "+reqs[0].Path)
	_, ts, _ := strings.Cut(n.ID, ":")
	q := reqs[0].Query
	assert.Equal(t, slackfake.ChannelSecurity, q.Get("channel"))
	assert.Equal(t, ts, q.Get("latest"))
	assert.Equal(t, "true", q.Get("inclusive"))
	assert.Equal(t, "1", q.Get("limit"))
	assert.Equal(t, "true", q.Get("include_all_metadata"))
	assert.Empty(t, q.Get("token"), "the token goes in the Authorization header")

	srv.ResetRequests()
	require.NoError(t, c.ClearMessage(ctx, n.ID))
	require.NoError(t, c.ClearMessage(ctx, n.ID))
	assert.Equal(t, 1, srv.Count(http.MethodPost, "/api/chat.update"), "a cleared message is not updated again")
	m, _ := srv.Message(slackfake.ChannelSecurity, ts)
	assert.NotEmpty(t, m.Edited)
	assert.Equal(t, "✅ Cleared: Disk full on db-02", m.Text)
	bs := sentBlocks(t, m)
	require.Len(t, bs, 2)
	assert.Equal(t, "✅ *Cleared* ~Disk full on db-02~", textOf(bs[0]))
	got, err = c.GetMessage(ctx, n.ID)
	require.NoError(t, err)
	want.NotificationStatus = notifications.StatusClosed
	assert.Equal(t, want, got)
}

// TestClearRetried: chat.update sets the same content again, so it is
// retried after a 5xx like a read.
func TestClearRetried(t *testing.T) {
	srv := fake(t)
	c := connector(openWeb(t, srv, ""), slack.Notifications)
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.NoError(t, err)
	srv.Inject(fakekit.Fault{Method: http.MethodPost, Path: "/api/chat.update", Status: http.StatusInternalServerError})
	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	assert.Equal(t, 2, srv.Count(http.MethodPost, "/api/chat.update"))
}

// wantSlackError checks err's code and the vendor's answer behind it.
func wantSlackError(t *testing.T, err error, code errs.Code, slackCode, method, path string) *errs.ProviderError {
	t.Helper()
	require.Error(t, err)
	assert.True(t, errors.Is(err, code), "want %s, got %v", code, err)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe), "no ProviderError behind %v", err)
	assert.Equal(t, slackCode, pe.Code)
	assert.Equal(t, http.StatusOK, pe.Status, "Slack answers its errors with HTTP 200")
	assert.Equal(t, method+" "+path, pe.Method+" "+pe.Path)
	assert.Regexp(t, `^slack-req-\d+$`, pe.RequestID)
	return pe
}

// TestWebAPIErrors: Slack's "ok": false answers, coded.
func TestWebAPIErrors(t *testing.T) {
	srv := fake(t)
	ctx := t.Context()
	create := notifications.CreateMessageRequest{Summary: "x"}
	for _, tc := range []struct {
		channel, slackCode string
		code               errs.Code
	}{
		{"#nowhere", "channel_not_found", errs.NotFound},
		{"C0NOWHERE1", "channel_not_found", errs.NotFound},
		{"#outside", "not_in_channel", errs.NotFound},
		{slackfake.ChannelArchived, "is_archived", errs.Forbidden},
	} {
		_, err := connector(openWeb(t, srv, tc.channel), slack.Notifications).CreateMessage(ctx, create)
		wantSlackError(t, err, tc.code, tc.slackCode, http.MethodPost, "/api/chat.postMessage")
	}

	wrong := open(t, slack.Notifications, webRequest(t, srv, "", wrongToken, providers.OpenRequest{}))
	_, err := connector(wrong, slack.Notifications).CreateMessage(ctx, create)
	wantSlackError(t, err, errs.Unauthorized, "invalid_auth", http.MethodPost, "/api/chat.postMessage")
	assert.NotContains(t, err.Error(), wrongToken)

	c := connector(openWeb(t, srv, ""), slack.Notifications)
	srv.Inject(fakekit.Fault{Path: "/api/chat.postMessage", Status: http.StatusForbidden})
	_, err = c.CreateMessage(ctx, create)
	pe := wantSlackError(t, err, errs.Forbidden, "missing_scope", http.MethodPost, "/api/chat.postMessage")
	assert.Contains(t, pe.Message, "needs the scope chat:write")

	srv.Inject(fakekit.Fault{Path: "/api/chat.postMessage", Status: http.StatusBadRequest, Message: "missing required field: channel"})
	_, err = c.CreateMessage(ctx, create)
	pe = wantSlackError(t, err, errs.InvalidInput, "invalid_arguments", http.MethodPost, "/api/chat.postMessage")
	assert.Equal(t, "[ERROR] missing required field: channel", pe.Message)

	srv.Inject(fakekit.Fault{Path: "/api/chat.postMessage", Status: http.StatusTooManyRequests, RetryAfter: time.Minute})
	_, err = c.CreateMessage(ctx, create)
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, errs.RateLimited, e.Code)
	assert.Equal(t, time.Minute, e.RetryAfter)

	// A message of the channel that is not a notification, and a ts
	// without a message.
	n, err := c.CreateMessage(ctx, create)
	require.NoError(t, err)
	hook := connector(openHook(t, srv, nil), slack.Webhook)
	_, err = hook.CreateMessage(ctx, create)
	require.NoError(t, err)
	msgs := srv.Messages(slackfake.ChannelSecurity)
	last := msgs[len(msgs)-1]
	require.True(t, last.Webhook)
	_, err = c.GetMessage(ctx, slackfake.ChannelSecurity+":"+last.TS)
	assert.True(t, errors.Is(err, errs.ErrNotFound), "a message without notification metadata: %v", err)
	_, ts, _ := strings.Cut(n.ID, ":")
	// History answers the message before the ts: not the one asked for.
	absent := slackfake.ChannelSecurity + ":" + nextTS(t, last.TS)
	_, err = c.GetMessage(ctx, absent)
	assert.True(t, errors.Is(err, errs.ErrNotFound), "no message at that ts: %v", err)
	err = c.ClearMessage(ctx, absent)
	assert.True(t, errors.Is(err, errs.ErrNotFound), "%v", err)
	_, err = c.GetMessage(ctx, slackfake.ChannelOutside+":"+ts)
	wantSlackError(t, err, errs.NotFound, "not_in_channel", http.MethodGet, "/api/conversations.history")
}
