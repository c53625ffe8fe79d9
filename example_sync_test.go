package synqly_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// A sync config copies the tickets of every mock ticketing integration
// into the application's SQLite database; a triggered run goes through
// River workers in this process, and its sync.complete event reaches the
// subscriber.
func ExampleSyncsService_Trigger() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "synqly-example-sync")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	c, err := synqly.Open(ctx, synqly.WithDatabasePath(filepath.Join(dir, "synqly.db")), synqly.WithLogger(quiet()),
		synqly.WithWorkerOptions(synqly.WorkerOptions{PollInterval: 20 * time.Millisecond}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	acct, _ := c.Accounts.Upsert(ctx, synqly.CreateAccountRequest{Name: "acme"})
	res, _ := c.Account(acct.ID).Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "tickets",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}})
	tk, _ := ticketing.Open(ctx, c.Account(acct.ID), res.Integration.ID)
	for _, s := range []string{"CVE-2026-0001 on web-1", "CVE-2026-0002 on db-3"} {
		_, _ = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: s, Project: "SEC"})
	}

	appDB := filepath.Join(dir, "app.db")
	dest, err := c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Name: "app-db", Type: synqly.DestinationSQLite,
		Config: synqly.DestinationConfig{Path: appDB}})
	if err != nil {
		log.Fatal(err)
	}
	manual := false
	cfg, err := c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{Name: "tickets", DestinationID: dest.ID,
		ProviderType: mock.TicketingID, Config: synqly.SyncConfigData{
			DefaultConfig: synqly.SyncStrategy{PeriodMS: 3600_000, Strategy: synqly.StrategyFullThenIncremental, AutoStartOnConnection: &manual},
			CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}})
	if err != nil {
		log.Fatal(err)
	}

	done := make(chan *synqly.Event, 1)
	c.Subscribe(func(_ context.Context, ev *synqly.Event) error { done <- ev; return nil }, synqly.EventSyncComplete)
	if err := c.StartWorkers(ctx); err != nil {
		log.Fatal(err)
	}
	sy, _ := c.Syncs.ForIntegration(ctx, cfg.ID, res.Integration.ID, "tickets")
	if _, err := c.Syncs.Trigger(ctx, sy.ID, false); err != nil {
		log.Fatal(err)
	}
	ev := <-done
	run, _ := c.SyncRuns.Get(ctx, ev.RunID)
	fmt.Println(ev.Type, ev.Result, run.Strategy, run.NumRecordsSynced)

	db, _ := sql.Open("sqlite3", appDB)
	defer db.Close()
	rows, _ := db.Query(`SELECT summary FROM synqly_ticketing_tickets ORDER BY id`)
	defer rows.Close()
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		fmt.Println(s)
	}
	// Output:
	// sync.complete SUCCESS full 2
	// CVE-2026-0001 on web-1
	// CVE-2026-0002 on db-3
}
