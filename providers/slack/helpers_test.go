package slack_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/slack/slackfake"
)

// fake starts a fake Slack closed with the test.
func fake(t testing.TB) *slackfake.Server {
	t.Helper()
	srv := slackfake.New()
	t.Cleanup(srv.Close)
	return srv
}

// fastRetries keep fault tests quick.
var fastRetries = providers.HTTPOptions{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// webRequest returns the OpenRequest of a notifications_slack integration
// of srv: the channel (#security unless set), the bot token, the fake's
// API URL and HTTP client (its idle connections closed with the test) and
// fastRetries unless req sets retry waits.
func webRequest(t testing.TB, srv *slackfake.Server, channel, token string, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	if channel == "" {
		channel = slackfake.ChannelSecurity
	}
	if token == "" {
		token = slackfake.BotToken
	}
	tok := &credential.TokenCredential{Secret: credential.Secret(token)}
	req.Config = &slack.NotificationsConfig{Channel: channel, Credential: credential.Inline(tok), URL: srv.APIURL}
	req.Credentials = map[string]credential.Config{"credential": tok}
	if req.HTTPClient == nil {
		req.HTTPClient = srv.Client()
		t.Cleanup(req.HTTPClient.CloseIdleConnections)
	}
	if req.RetryWaitMin == 0 && req.RetryWaitMax == 0 {
		req.HTTPOptions = fastRetries
	}
	return req
}

// openWeb builds a notifications_slack driver for srv, closed with the
// test.
func openWeb(t testing.TB, srv *slackfake.Server, channel string) notifications.Driver {
	t.Helper()
	return open(t, slack.Notifications, webRequest(t, srv, channel, "", providers.OpenRequest{}))
}

// hookRequest returns the OpenRequest of a notifications_slack_webhook
// integration posting to url (srv's webhook unless set).
func hookRequest(t testing.TB, srv *slackfake.Server, url string, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	if url == "" {
		url = srv.WebhookURL
	}
	sec := &credential.SecretCredential{Secret: credential.Secret(url)}
	req.Config = &slack.WebhookConfig{WebhookURL: credential.Inline(sec)}
	req.Credentials = map[string]credential.Config{"webhook_url": sec}
	if req.HTTPClient == nil {
		req.HTTPClient = srv.Client()
		t.Cleanup(req.HTTPClient.CloseIdleConnections)
	}
	if req.RetryWaitMin == 0 && req.RetryWaitMax == 0 {
		req.HTTPOptions = fastRetries
	}
	return req
}

// openHook builds a notifications_slack_webhook driver for srv's webhook
// over state (a fresh one if nil), closed with the test.
func openHook(t testing.TB, srv *slackfake.Server, state providers.State) notifications.Driver {
	t.Helper()
	return open(t, slack.Webhook, hookRequest(t, srv, "", providers.OpenRequest{State: state}))
}

func open(t testing.TB, r notifications.Registration, req providers.OpenRequest) notifications.Driver {
	t.Helper()
	d, err := r.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("%s.Open: %v", r.ID, err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// logBuffer captures logs (fakekit.Logs).
type logBuffer = fakekit.Logs

// debugLogger returns a logger writing every level to b.
func debugLogger(b *logBuffer) *slog.Logger { return b.Logger() }
