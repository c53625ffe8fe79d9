package teams_test

import (
	"context"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/teams"
	"github.com/seed-e6251c81/synqly/providers/teams/teamsfake"
)

// A Workflows webhook posts a card to its channel; clearing the
// notification posts a follow-up, and the integration's State remembers
// it cleared.
func Example() {
	ctx := context.Background()
	fake := teamsfake.New() // stands in for Microsoft
	defer fake.Close()

	d, err := teams.Notifications.Open(ctx, providers.OpenRequest{
		Config:     &teams.NotificationsConfig{Credential: teams.WebhookCredential(fake.WebhookURL())},
		HTTPClient: fake.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	nc := notifications.NewConnector(teams.Notifications, d)

	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{
		Summary:     "CVE-2026-1234 on web-01",
		Priority:    ticketing.PriorityHigh,
		Description: "Patch *openssl* on `web-01`:\n- before Friday\n- see [the advisory](https://example.com/advisory)",
		Assignee:    "secops@example.com",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := nc.ClearMessage(ctx, n.ID); err != nil {
		fmt.Println(err)
		return
	}
	got, _ := nc.GetMessage(ctx, n.ID)
	fmt.Println(got.Summary, got.NotificationStatus)

	for _, m := range fake.Messages(teamsfake.ChannelID) {
		fmt.Printf("%q %v\n", m.Texts()[:2], m.Facts())
	}
	fmt.Printf("%q\n", fake.Messages(teamsfake.ChannelID)[0].Texts()[2])
	// Output:
	// CVE-2026-1234 on web-01 CLOSED
	// ["🟠 Priority: HIGH" "CVE-2026-1234 on web-01"] map[Assignee:secops@example.com]
	// ["✅ Cleared" "CVE-2026-1234 on web-01"] map[Assignee:secops@example.com]
	// "Patch **openssl** on `web-01`:\n\n- before Friday\r- see [the advisory](https://example.com/advisory)"
}

// A bot (an Azure Bot's app id and secret) starts a thread in the channel
// and, when the notification is cleared, updates its card in place.
func Example_botFramework() {
	ctx := context.Background()
	fake := teamsfake.New()
	defer fake.Close()

	d, err := teams.Notifications.Open(ctx, providers.OpenRequest{
		Config: &teams.NotificationsConfig{
			Credential: credential.Inline(&credential.OAuthClientCredential{
				ClientID:     teamsfake.ClientID,
				ClientSecret: teamsfake.ClientSecret,
				// Microsoft's is https://login.microsoftonline.com/<tenant_id>/oauth2/v2.0/token.
				TokenURL: fake.TokenURL(teamsfake.TenantID),
			}),
			TeamID:    teamsfake.TeamID,
			ChannelID: teamsfake.ChannelID,
			TenantID:  teamsfake.TenantID,
			Endpoint:  fake.ServiceURL(), // Microsoft's is https://smba.trafficmanager.net/teams/
		},
		HTTPClient: fake.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	nc := notifications.NewConnector(teams.Notifications, d)

	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "Disk full on db-02", Priority: ticketing.PriorityCritical})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := nc.ClearMessage(ctx, n.ID); err != nil {
		fmt.Println(err)
		return
	}
	m := fake.Messages(teamsfake.ChannelID)[0]
	fmt.Println(m.Via, m.Versions, m.Texts()[:2])
	// Output:
	// bot 2 [✅ Cleared Disk full on db-02]
}
