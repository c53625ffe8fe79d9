package slack_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

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

// TestWebhookPost: what the webhook driver posts, what it keeps, and how
// it clears.
func TestWebhookPost(t *testing.T) {
	srv := fake(t)
	state := providers.NewMemoryState()
	c := connector(openHook(t, srv, state), slack.Webhook)
	ctx := t.Context()
	req := notifications.CreateMessageRequest{Summary: "Login from a new country", Priority: ticketing.PriorityMedium,
		Description: "User _alice_ from `203.0.113.9`", Assignee: "secops", Tags: []string{"auth"}}
	n, err := c.CreateMessage(ctx, req)
	require.NoError(t, err)
	assert.Regexp(t, `^WH-[0-9a-f]{32}$`, n.ID)

	msgs := srv.Messages(slackfake.ChannelSecurity)
	require.Len(t, msgs, 1)
	assert.True(t, msgs[0].Webhook)
	assert.Equal(t, "🟡 [MEDIUM] Login from a new country", msgs[0].Text)
	bs := sentBlocks(t, msgs[0])
	require.Len(t, bs, 3)
	assert.Equal(t, "User _alice_ from `203.0.113.9`", textOf(bs[1]))
	r := srv.Requests()[0]
	assert.Equal(t, "POST "+slackfake.WebhookPath, r.Method+" "+r.Path)
	assert.Empty(t, r.Header.Get("Authorization"), "the URL is the credential")
	var body map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(r.Body, &body))
	assert.ElementsMatch(t, []string{"text", "blocks"}, keys(body))

	// The record, in the State: a second driver over it (a restart) reads it.
	raw, err := state.Get(ctx, "notification/"+n.ID)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "Login from a new country")
	again := connector(openHook(t, srv, state), slack.Webhook)
	got, err := again.GetMessage(ctx, n.ID)
	require.NoError(t, err)
	want := req.Notification()
	want.ID, want.NotificationStatus = n.ID, notifications.StatusOpen
	assert.Equal(t, want, got)

	srv.ResetRequests()
	require.NoError(t, again.ClearMessage(ctx, n.ID))
	require.NoError(t, c.ClearMessage(ctx, n.ID))
	assert.Equal(t, 1, srv.Count(http.MethodPost, slackfake.WebhookPath), "one follow-up, however often it is cleared")
	msgs = srv.Messages(slackfake.ChannelSecurity)
	require.Len(t, msgs, 2)
	assert.Equal(t, "✅ Cleared: Login from a new country", msgs[1].Text)
	got, err = c.GetMessage(ctx, n.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusClosed, got.NotificationStatus)

	// A failed follow-up leaves the notification open.
	n2, err := c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "second"})
	require.NoError(t, err)
	srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Status: http.StatusInternalServerError})
	require.Error(t, c.ClearMessage(ctx, n2.ID))
	got, err = c.GetMessage(ctx, n2.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusOpen, got.NotificationStatus)
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestWebhookStateDefault: without a State, the driver keeps its own.
func TestWebhookStateDefault(t *testing.T) {
	srv := fake(t)
	c := connector(openHook(t, srv, nil), slack.Webhook)
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.NoError(t, err)
	_, err = c.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
}

// TestWebhookSecretRedacted: the webhook URL's path is its secret; errors
// and log lines show it redacted.
func TestWebhookSecretRedacted(t *testing.T) {
	srv := fake(t)
	var logs logBuffer
	d := open(t, slack.Webhook, hookRequest(t, srv, "", providers.OpenRequest{Logger: debugLogger(&logs)}))
	c := connector(d, slack.Webhook)
	ctx := t.Context()
	secrets := []string{slackfake.WebhookPath, slackfake.WebhookSecret, srv.WebhookURL, strings.TrimPrefix(slackfake.WebhookPath, "/")}
	check := func(what, text string) {
		t.Helper()
		for _, s := range secrets {
			assert.NotContains(t, text, s, "the %s show the webhook URL", what)
		}
	}

	srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Status: http.StatusBadRequest})
	_, err := c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "x"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.ErrInvalidInput), "%v", err)
	assert.Contains(t, err.Error(), "slack: POST [REDACTED]: HTTP 400: invalid_payload")
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "[REDACTED]", pe.Path)
	assert.Equal(t, "invalid_payload", pe.Code)
	check("error", fmt.Sprintf("%v %+v %#v %+v", err, err, err, *pe))

	// The vendor echoing the URL back.
	srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Status: http.StatusNotFound, Message: "no channel for " + srv.WebhookURL})
	_, err = c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "x"})
	assert.True(t, errors.Is(err, errs.ErrNotFound), "%v", err)
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "channel_not_found", pe.Code)
	assert.Equal(t, "no channel for [REDACTED]", pe.Message)
	check("error", fmt.Sprintf("%v %+v", err, *pe))

	// A transport failure and a malformed answer.
	srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Body: fakekit.BodyLost})
	_, err = c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "slack: POST [REDACTED]")
	check("error", fmt.Sprintf("%v %+v", err, err))
	srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Body: fakekit.BodyMalformed})
	_, err = c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "x"})
	assert.True(t, errors.Is(err, errs.ErrProvider), "%v", err)
	assert.Contains(t, err.Error(), `slack: POST [REDACTED]: HTTP 200: the response is not the "ok" of an incoming webhook`)

	require.Contains(t, logs.String(), `"path":"[REDACTED]"`)
	check("logs", logs.String())
}

// TestWebhookErrors: the webhook's plain-text codes, coded.
func TestWebhookErrors(t *testing.T) {
	srv := fake(t)
	ctx := t.Context()
	create := notifications.CreateMessageRequest{Summary: "x"}
	c := connector(openHook(t, srv, nil), slack.Webhook)
	for _, tc := range []struct {
		status    int
		code      errs.Code
		slackCode string
		httpCode  int
	}{
		{http.StatusUnauthorized, errs.Unauthorized, "invalid_token", http.StatusForbidden},
		{http.StatusForbidden, errs.Forbidden, "action_prohibited", http.StatusForbidden},
		{http.StatusNotFound, errs.NotFound, "channel_not_found", http.StatusNotFound},
		{http.StatusGone, errs.Forbidden, "channel_is_archived", http.StatusGone},
		{http.StatusBadRequest, errs.InvalidInput, "invalid_payload", http.StatusBadRequest},
		{http.StatusInternalServerError, errs.Provider, "rollup_error", http.StatusInternalServerError},
	} {
		srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Status: tc.status})
		_, err := c.CreateMessage(ctx, create)
		assert.True(t, errors.Is(err, tc.code), "%d: want %s, got %v", tc.status, tc.code, err)
		var pe *errs.ProviderError
		require.True(t, errors.As(err, &pe), "%v", err)
		assert.Equal(t, tc.slackCode, pe.Code)
		assert.Equal(t, tc.httpCode, pe.Status)
	}

	// An unknown URL, and a webhook turned off.
	url := strings.Replace(srv.WebhookURL, slackfake.WebhookSecret, wrongHookSecret, 1)
	wrong := connector(open(t, slack.Webhook, hookRequest(t, srv, url, providers.OpenRequest{})), slack.Webhook)
	_, err := wrong.CreateMessage(ctx, create)
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.NotContains(t, err.Error(), wrongHookSecret)
	srv.DisableWebhook()
	_, err = c.CreateMessage(ctx, create)
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "no_service", pe.Code)
	assert.Equal(t, http.StatusNotFound, pe.Status)
}
