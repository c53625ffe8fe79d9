package slack_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/slack/slackfake"
)

// A Slack notifications driver built directly with the provider's one
// constructor, used through the portable Connector. The example talks to
// the fake Slack of slackfake; against Slack, the url is left out
// (https://slack.com/api) and the token is the bot's xoxb-... token.
func Example() {
	ctx := context.Background()
	srv := slackfake.New()
	defer srv.Close()

	tok := &credential.TokenCredential{Secret: slackfake.BotToken}
	d, err := slack.Notifications.Open(ctx, providers.OpenRequest{
		Config:      &slack.NotificationsConfig{Channel: "#security", Credential: credential.Inline(tok), URL: srv.APIURL},
		Credentials: map[string]credential.Config{"credential": tok},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	nc := notifications.NewConnector(slack.Notifications, d)

	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{
		Summary:     "CVE-2026-1234 on web-01",
		Priority:    ticketing.PriorityHigh,
		Description: "Patch *openssl* before Friday: see [the advisory](https://example.com/cve-2026-1234).",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(n.ID, slackfake.ChannelSecurity+":"), n.NotificationStatus)
	m := srv.Messages("#security")[0]
	fmt.Println(m.Text)

	if err := nc.ClearMessage(ctx, n.ID); err != nil {
		fmt.Println(err)
		return
	}
	n, err = nc.GetMessage(ctx, n.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.NotificationStatus, n.Summary, n.Priority)
	fmt.Println(srv.Messages("#security")[0].Text)

	_, err = nc.GetMessage(ctx, "C0FAKESEC1:1000000000.000000")
	fmt.Println(errors.Is(err, errs.ErrNotFound))
	// Output:
	// true OPEN
	// 🟠 [HIGH] CVE-2026-1234 on web-01
	// CLOSED CVE-2026-1234 on web-01 HIGH
	// ✅ Cleared: CVE-2026-1234 on web-01
	// true
}

// An incoming-webhook driver: the webhook URL is the credential, and the
// notifications are kept in the integration's State (here a MemoryState;
// the management plane passes the integration's own).
func Example_webhook() {
	ctx := context.Background()
	srv := slackfake.New()
	defer srv.Close()

	hook := &credential.SecretCredential{Secret: credential.Secret(srv.WebhookURL)}
	d, err := slack.Webhook.Open(ctx, providers.OpenRequest{
		Config:      &slack.WebhookConfig{WebhookURL: credential.Inline(hook)},
		Credentials: map[string]credential.Config{"webhook_url": hook},
		State:       providers.NewMemoryState(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	nc := notifications.NewConnector(slack.Webhook, d)

	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "Backup failed on db-02", Priority: ticketing.PriorityMedium})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := nc.ClearMessage(ctx, n.ID); err != nil {
		fmt.Println(err)
		return
	}
	n, _ = nc.GetMessage(ctx, n.ID)
	fmt.Println(n.NotificationStatus)
	for _, m := range srv.Messages(slackfake.ChannelSecurity) {
		fmt.Println(m.Text)
	}
	// Output:
	// CLOSED
	// 🟡 [MEDIUM] Backup failed on db-02
	// ✅ Cleared: Backup failed on db-02
}
