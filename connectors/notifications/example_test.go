package notifications_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// ExampleOpen sends a notification through an integration of the
// management plane, reads it back and clears it. The mock provider keeps
// its messages in the store.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "synqly-example")
	defer os.RemoveAll(dir)
	c, err := synqly.Open(ctx, synqly.WithDatabasePath(filepath.Join(dir, "synqly.db")),
		synqly.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	acct, _ := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme"})
	tenant := c.Account(acct.ID)
	res, err := tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "alerts",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.NotificationsID, Config: &mock.NotificationsConfig{Channel: "#security"}}})
	if err != nil {
		log.Fatal(err)
	}

	nc, err := notifications.Open(ctx, tenant, res.Integration.ID)
	if err != nil {
		log.Fatal(err)
	}
	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{
		Summary: "CVE-2026-1234 on web-01", Priority: ticketing.PriorityHigh, Description: "Patch *openssl* before Friday."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.ID, n.NotificationStatus, n.Project)
	if err := nc.ClearMessage(ctx, n.ID); err != nil {
		log.Fatal(err)
	}
	n, _ = nc.GetMessage(ctx, n.ID)
	fmt.Println(n.ID, n.NotificationStatus)
	// Output:
	// MSG-00000001 OPEN #security
	// MSG-00000001 CLOSED
}

// ExampleNewConnector builds a driver directly, without the management
// plane: the registration is the provider's constructor.
func ExampleNewConnector() {
	ctx := context.Background()
	d, err := mock.Notifications.Open(ctx, providers.OpenRequest{}) // messages in memory
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	nc := notifications.NewConnector(mock.Notifications, d)
	_, err = nc.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: " "})
	fmt.Println(err)
	// Output:
	// invalid_input: summary is required
}
