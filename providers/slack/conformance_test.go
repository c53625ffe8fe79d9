package slack_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/notifications/notificationstest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/slack"
)

func TestConformance(t *testing.T) {
	notificationstest.Run(t, notificationstest.Harness{
		Registration: slack.Notifications,
		Open:         func(t *testing.T) notifications.Driver { return openWeb(t, fake(t), "") },
	})
}

// TestConformanceChannelName: the channel configured by name; the ids
// carry the id Slack answers with.
func TestConformanceChannelName(t *testing.T) {
	notificationstest.Run(t, notificationstest.Harness{
		Registration: slack.Notifications,
		Open:         func(t *testing.T) notifications.Driver { return openWeb(t, fake(t), "#security") },
	})
}

func TestWebhookConformance(t *testing.T) {
	notificationstest.Run(t, notificationstest.Harness{
		Registration: slack.Webhook,
		Open:         func(t *testing.T) notifications.Driver { return openHook(t, fake(t), providers.NewMemoryState()) },
	})
}
