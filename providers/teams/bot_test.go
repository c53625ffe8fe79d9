package teams

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/teams/teamsfake"
)

// TestBotPostsThread: a message starts a thread in the channel (POST
// /v3/conversations with isGroup, the channel and the tenant), with a
// token from the tenant's authority asked for the Bot Framework scope; its
// id names the conversation and the activity.
func TestBotPostsThread(t *testing.T) {
	f := newFake(t)
	f.RequireSingleTenant(true)
	state := providers.NewMemoryState()
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{State: state}))
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "CVE-2026-1234 on web-01",
		Priority: ticketing.PriorityCritical, Description: "Patch *openssl*", Assignee: "ops@example.com"})
	require.NoError(t, err)

	reqs := f.Requests()
	require.Len(t, reqs, 2, "the token, then the conversation")
	tok := reqs[0]
	assert.Equal(t, "/"+teamsfake.TenantID+"/oauth2/v2.0/token", tok.Path)
	form, err := url.ParseQuery(string(tok.Body))
	require.NoError(t, err)
	assert.Equal(t, "client_credentials", form.Get("grant_type"))
	assert.Equal(t, teamsfake.ClientID, form.Get("client_id"))
	assert.Equal(t, BotFrameworkScope, form.Get("scope"))

	post := reqs[1]
	assert.Equal(t, "/teams/v3/conversations", post.Path)
	assert.True(t, strings.HasPrefix(post.Header.Get("Authorization"), "Bearer "))
	var body map[string]any
	require.NoError(t, json.Unmarshal(post.Body, &body))
	assert.Equal(t, true, body["isGroup"])
	assert.Equal(t, teamsfake.TenantID, body["tenantId"])
	assert.Equal(t, map[string]any{"channel": map[string]any{"id": teamsfake.ChannelID}, "tenant": map[string]any{"id": teamsfake.TenantID}}, body["channelData"])
	act := body["activity"].(map[string]any)
	assert.Equal(t, "message", act["type"])
	assert.Equal(t, "CVE-2026-1234 on web-01", act["summary"])

	msgs := f.Messages(teamsfake.ChannelID)
	require.Len(t, msgs, 1)
	m := msgs[0]
	assert.Equal(t, "bot", m.Via)
	assert.Equal(t, teamsfake.TenantID, m.TenantID)
	assert.Equal(t, []string{"🔴 Priority: CRITICAL", "CVE-2026-1234 on web-01", "Patch **openssl**"}, m.Texts())
	conv, actID, ok := decodeBotID(n.ID)
	require.True(t, ok, n.ID)
	assert.Equal(t, m.ConversationID, conv)
	assert.Equal(t, m.ActivityID, actID)
	assert.Equal(t, teamsfake.ChannelID+";messageid="+m.ActivityID, conv)

	raw, err := state.Get(t.Context(), stateKey(n.ID))
	require.NoError(t, err)
	var rec record
	require.NoError(t, json.Unmarshal(raw, &rec))
	assert.Equal(t, record{Mode: modeBot, Notification: *n, ConversationID: conv, ActivityID: actID, ChannelID: teamsfake.ChannelID, SentAt: rec.SentAt}, rec)
}

// TestBotClear: clearing updates the message in place (PUT .../activities/
// {id}, the conversation id's ";" and ":" as they are), once.
func TestBotClear(t *testing.T) {
	f := newFake(t)
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{Clock: func() time.Time { return at }}))
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "to clear", Description: "details"})
	require.NoError(t, err)
	f.ResetRequests()
	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	reqs := f.Requests()
	require.Len(t, reqs, 1, "cleared once")
	m := f.Messages(teamsfake.ChannelID)[0]
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "/teams/v3/conversations/"+m.ConversationID+"/activities/"+m.ActivityID, reqs[0].Path)
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	assert.Equal(t, m.ActivityID, body["id"])
	assert.Equal(t, 2, m.Versions)
	assert.Equal(t, []string{"✅ Cleared", "to clear", "details", "Cleared on {{DATE(2026-05-06T07:08:09Z,SHORT)}} at {{TIME(2026-05-06T07:08:09Z)}}."}, m.Texts())
	got, err := c.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusClosed, got.NotificationStatus)
}

// rewrite sends every request to the fake, whatever its host: for tests of
// the default endpoint and token authority.
type rewrite struct {
	to   *url.URL
	base http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	return r.base.RoundTrip(req)
}

// TestBotDefaults: without an endpoint the service URL is Microsoft's
// (https://smba.trafficmanager.net/teams/); without a token_url the token
// comes from login.microsoftonline.com, of tenant_id, or of
// botframework.com for a multi-tenant bot, which a single-tenant bot's
// authority refuses.
func TestBotDefaults(t *testing.T) {
	f := newFake(t)
	to, _ := url.Parse(f.URL)
	var hosts []string
	client := &http.Client{Transport: rewriteAndRecord{rewrite{to, f.Client().Transport}, &hosts}}
	open := func(tenant string) *notifications.Connector {
		cfg := &NotificationsConfig{Credential: credential.Inline(&credential.OAuthClientCredential{ClientID: teamsfake.ClientID,
			ClientSecret: teamsfake.ClientSecret}), ChannelID: teamsfake.ChannelID, TeamID: teamsfake.TeamID, TenantID: tenant}
		return connector(openMode(t, f, modeBF, providers.OpenRequest{Config: cfg, HTTPClient: client}))
	}
	_, err := open("").CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "multi-tenant"})
	require.NoError(t, err)
	assert.Equal(t, []string{"https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token",
		"https://smba.trafficmanager.net/teams/v3/conversations"}, hosts)
	var body map[string]any
	require.NoError(t, json.Unmarshal(f.Requests()[1].Body, &body))
	assert.NotContains(t, body, "tenantId", "no tenant named, none sent")

	f.RequireSingleTenant(true)
	_, err = open("").CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "refused"})
	require.ErrorIs(t, err, errs.ErrUnauthorized)
	_, err = open(teamsfake.TenantID).CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "single-tenant"})
	require.NoError(t, err)
	assert.Equal(t, []string{teamsfake.BotDirectory, teamsfake.BotDirectory, teamsfake.TenantID}, f.TokenTenants())
}

type rewriteAndRecord struct {
	rewrite
	urls *[]string
}

func (r rewriteAndRecord) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.RawQuery = ""
	*r.urls = append(*r.urls, u.String())
	return r.rewrite.RoundTrip(req)
}

// TestBotTokenCachedAndRefreshed: one token serves many messages; a token
// Teams no longer takes is replaced once.
func TestBotTokenCachedAndRefreshed(t *testing.T) {
	f := newFake(t)
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{}))
	for range 3 {
		_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.TokenRequests())
	f.ExpireTokens()
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "after expiry"})
	require.NoError(t, err)
	assert.Equal(t, 2, f.TokenRequests())

	// A token about to expire is replaced before it is used.
	f.SetTokenLifetime(time.Second)
	f.ExpireTokens()
	for range 2 {
		_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "short-lived"})
		require.NoError(t, err)
	}
	assert.Equal(t, 4, f.TokenRequests(), "a new token after the 401, then another: the first expires within the refresh margin")
}

// TestBotUnknownChannel: a channel Teams does not know is NotFound, and the
// error says it is not one of the team's channels.
func TestBotUnknownChannel(t *testing.T) {
	f := newFake(t)
	cfg := configFor(f, modeBF)
	cfg.ChannelID = "19:not0a0channel0of0the0team@thread.tacv2"
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{Config: cfg}))
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrNotFound)
	assert.Contains(t, err.Error(), "channel_id is not one of the 2 channels")
	var pe *errs.ProviderError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "ConversationNotFound", pe.Code)
	assert.Equal(t, "/teams/v3/conversations", pe.Path)
	assert.Equal(t, 1, f.Count(http.MethodGet, "/teams/v3/teams/"+teamsfake.TeamID+"/conversations"))

	cfg.TeamID = "19:not0our0team@thread.tacv2"
	c = connector(openMode(t, f, modeBF, providers.OpenRequest{Config: cfg}))
	_, err = c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrNotFound)
	assert.Contains(t, err.Error(), "check team_id")

	// A channel the team lists is not blamed.
	f.Inject(fakekit.Fault{Method: http.MethodPost, Path: "/teams/v3/conversations", Status: http.StatusForbidden})
	c = connector(openMode(t, f, modeBF, providers.OpenRequest{}))
	_, err = c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrForbidden)
	assert.NotContains(t, err.Error(), "channel_id is not")
	assert.Contains(t, err.Error(), "installed in the team")
}

// TestBotClearGone: a message Teams no longer has is NotFound on clearing,
// and stays OPEN.
func TestBotClearGone(t *testing.T) {
	f := newFake(t)
	state := providers.NewMemoryState()
	d := openMode(t, f, modeBF, providers.OpenRequest{State: state})
	conv := teamsfake.ChannelID + ";messageid=1"
	id := botID(conv, "1")
	require.NoError(t, d.put(t.Context(), state, id, &record{Mode: modeBot, ConversationID: conv, ActivityID: "1",
		Notification: notifications.Notification{ID: id, Summary: "gone", NotificationStatus: notifications.StatusOpen}}))
	c := connector(d)
	err := c.ClearMessage(t.Context(), id)
	require.ErrorIs(t, err, errs.ErrNotFound)
	var pe *errs.ProviderError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "ConversationNotFound", pe.Code)
	got, err := c.GetMessage(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusOpen, got.NotificationStatus)
}

// TestBotRefused: a wrong secret is Unauthorized, with a hint and without
// the secret; a 401 of the Bot Connector is retried once with a new token.
func TestBotRefused(t *testing.T) {
	f := newFake(t)
	cfg := configFor(f, modeBF)
	cred := botCredential(f, teamsfake.TenantID)
	cred.ClientSecret = "teamsfake~not-the-secret-000"
	cfg.Credential = credential.Inline(cred)
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{Config: cfg}))
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "not-the-secret")

	f.ResetRequests()
	c = connector(openMode(t, f, modeBF, providers.OpenRequest{}))
	f.Inject(fakekit.Fault{Path: "/teams/v3/", Status: http.StatusUnauthorized, Times: 2})
	_, err = c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrUnauthorized)
	assert.Contains(t, err.Error(), "Authorization has been denied for this request.")
	assert.Contains(t, err.Error(), "check the app id and secret")
	assert.Equal(t, 2, f.Count(http.MethodPost, "/teams/v3/conversations"))
	assert.Equal(t, 2, f.TokenRequests(), "a token, and a new one after the 401")
}

// TestBotRequestID: the Bot Connector's MS-CV reaches errs.ProviderError.
func TestBotRequestID(t *testing.T) {
	f := newFake(t)
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{}))
	f.Inject(fakekit.Fault{Method: http.MethodPost, Path: "/teams/v3/conversations", Status: http.StatusInternalServerError})
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrProvider)
	var pe *errs.ProviderError
	require.ErrorAs(t, err, &pe)
	last := f.Requests()[len(f.Requests())-1]
	assert.NotEmpty(t, last.RequestID)
	assert.Equal(t, last.RequestID, pe.RequestID)
	assert.Equal(t, "ServiceError", pe.Code)
	assert.Equal(t, 1, f.Count(http.MethodPost, "/teams/v3/conversations"), "a create is not retried after a 500")
}

// TestBotTokensNeverShown: tokens the identity platform issued never show
// in errors or logs, even when Teams echoes them.
func TestBotTokensNeverShown(t *testing.T) {
	f := newFake(t)
	var logs logBuffer
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{Logger: debugLogger(&logs)}))
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.NoError(t, err)
	toks := f.Tokens()
	require.Len(t, toks, 1)
	f.Inject(fakekit.Fault{Path: "/teams/v3/", Status: http.StatusBadRequest, Message: "bad token " + toks[0] + " for " + teamsfake.ClientSecret})
	_, err = c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.Error(t, err)
	var pe *errs.ProviderError
	require.ErrorAs(t, err, &pe)
	for _, text := range []string{err.Error(), pe.Body, pe.Message, logs.String()} {
		assert.NotContains(t, text, toks[0])
		assert.NotContains(t, text, teamsfake.ClientSecret)
	}
	assert.Contains(t, logs.String(), "/teams/v3/conversations")
}

// TestBotGovernmentScope: the credential's extra scope replaces the Bot
// Framework's (government clouds have their own).
func TestBotGovernmentScope(t *testing.T) {
	f := newFake(t)
	cfg := configFor(f, modeBF)
	cred := botCredential(f, teamsfake.TenantID)
	cred.Extra = map[string]any{"scope": "https://api.botframework.us/.default"}
	cfg.Credential = credential.Inline(cred)
	c := connector(openMode(t, f, modeBF, providers.OpenRequest{Config: cfg}))
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrUnauthorized, "the fake is the public cloud's")
	form, _ := url.ParseQuery(string(f.Requests()[0].Body))
	assert.Equal(t, "https://api.botframework.us/.default", form.Get("scope"))
}
