package slack_test

import (
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/notifications/notificationstest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/slack/slackfake"
)

// wrongToken is a well-formed bot token the fake refuses (invalid_auth).
const wrongToken = "xoxb-slackfake-wrong-token-0123456789"

// TestFaults runs the shared fault and secret-leak suite over the Web API
// provider: GetMessage (conversations.history) is its read, CreateMessage
// (chat.postMessage) its write, which Slack does not deduplicate; Slack
// sends Retry-After with every 429.
func TestFaults(t *testing.T) {
	open := func(token string) func(*testing.T, providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
			srv := fake(t)
			return open(t, slack.Notifications, webRequest(t, srv, "", token, req)), srv.Kit
		}
	}
	notificationstest.RunFaults(t, notificationstest.FaultHarness{
		Registration:        slack.Notifications,
		Open:                open(slackfake.BotToken),
		OpenUnauthorized:    open(wrongToken),
		Secrets:             []string{slackfake.BotToken},
		UnauthorizedSecrets: []string{wrongToken},
	})
}

// wrongHookSecret makes a webhook URL the fake does not know
// (invalid_token).
const wrongHookSecret = "slackfakeWrongSecret0123"

func webhookFaultHarness() notificationstest.FaultHarness {
	open := func(secret string) func(*testing.T, providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
			srv := fake(t)
			url := strings.Replace(srv.WebhookURL, slackfake.WebhookSecret, secret, 1)
			req.State = providers.NewMemoryState()
			return open(t, slack.Webhook, hookRequest(t, srv, url, req)), srv.Kit
		}
	}
	secrets := func(secret string) []string {
		path := strings.Replace(slackfake.WebhookPath, slackfake.WebhookSecret, secret, 1)
		// The URL itself holds the fake's port: its path and secret are
		// what every URL of it shares.
		return []string{path, strings.TrimPrefix(path, "/"), secret}
	}
	return notificationstest.FaultHarness{
		Registration:        slack.Webhook,
		Open:                open(slackfake.WebhookSecret),
		OpenUnauthorized:    open(wrongHookSecret),
		Secrets:             secrets(slackfake.WebhookSecret),
		UnauthorizedSecrets: secrets(wrongHookSecret),
		// GetMessage reads the State; CreateMessage reads the "ok".
		NoVendorRead:       true,
		WriteAnswerIgnored: false,
		SecretPath:         true,
	}
}

// TestWebhookFaults runs the shared fault and secret-leak suite over the
// webhook provider, whose URL path is its secret.
func TestWebhookFaults(t *testing.T) { notificationstest.RunFaults(t, webhookFaultHarness()) }
