// Command sync copies a mock ticketing integration's tickets into a SQLite
// database of the application's, on the embedded default store, with the
// sync plane: a destination, a sync config, River workers in this process,
// a full run, some ticket changes, an incremental run, and the signed
// sync.complete webhooks a local receiver gets and verifies.
//
//	go run ./examples/sync            # on $SYNQLY_DB or the default database
//	go run ./examples/sync -n 5000    # more tickets
//
// Running it again reuses what the first run made.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/examples/internal/setup"
	"github.com/seed-e6251c81/synqly/patch"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/webhook"
)

func main() {
	db := flag.String("db", "", "the store's SQLite file (default $SYNQLY_DB or the default path)")
	n := flag.Int("n", 300, "tickets in the mock integration")
	flag.Parse()
	if err := run(context.Background(), *db, *n); err != nil {
		fmt.Fprintln(os.Stderr, "sync:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, db string, n int) error {
	c, ctx, err := setup.Open(ctx, db, "example-sync")
	if err != nil {
		return err
	}
	defer c.Close()
	tenant, integrationID, err := setup.Integration(ctx, c, "sync-example", "tickets",
		&synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}})
	if err != nil {
		return err
	}
	tk, err := ticketing.Open(ctx, tenant, integrationID)
	if err != nil {
		return err
	}
	if err := ensureTickets(ctx, tk, n); err != nil {
		return err
	}

	// The application's own database, beside the store.
	storePath := db
	if storePath == "" {
		storePath = synqly.DefaultDatabasePath()
	}
	appDB := filepath.Join(filepath.Dir(storePath), "sync-example-app.db")
	dest, err := ensureDestination(ctx, c, appDB)
	if err != nil {
		return err
	}
	cfg, err := ensureConfig(ctx, c, dest.ID)
	if err != nil {
		return err
	}

	// A local receiver for the organization webhook; each run uses a new
	// port and a new secret.
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	secret = []byte(hex.EncodeToString(secret))
	rcv, err := listen(secret)
	if err != nil {
		return err
	}
	defer rcv.srv.Close()
	if err := ensureWebhook(ctx, c, "http://"+rcv.addr+"/synqly", secret); err != nil {
		return err
	}

	done := make(chan *synqly.Event, 16)
	c.Subscribe(func(_ context.Context, ev *synqly.Event) error {
		if ev.IntegrationID == integrationID && ev.Object == "tickets" {
			done <- ev
		}
		return nil
	}, synqly.EventSyncComplete)
	if err := c.StartWorkers(ctx); err != nil {
		return err
	}
	defer c.StopWorkers(context.Background())

	sy, err := c.Syncs.ForIntegration(ctx, cfg.ID, integrationID, "tickets")
	if err != nil {
		return err
	}
	syncID := sy.ID
	fmt.Println("== full run")
	if _, err := c.Syncs.Trigger(ctx, syncID, true); err != nil {
		return err
	}
	full, err := wait(ctx, c, done)
	if err != nil {
		return err
	}

	fmt.Println("== 5 tickets change")
	for i, t := range firstTickets(ctx, tk, 5) {
		if _, err := tk.PatchTicket(ctx, t, []patch.Operation{{Op: "replace", Path: "/status", Value: "In Progress"},
			{Op: "replace", Path: "/summary", Value: fmt.Sprintf("changed at %s (%d)", time.Now().Format(time.TimeOnly), i)}}); err != nil {
			return err
		}
	}
	fmt.Println("== incremental run")
	if _, err := c.Syncs.Trigger(ctx, syncID, false); err != nil {
		return err
	}
	inc, err := wait(ctx, c, done)
	if err != nil {
		return err
	}
	fmt.Printf("the incremental run copied %d records, the full one %d (%.1f%%)\n",
		*inc.NumRecordsSynced, *full.NumRecordsSynced, 100*float64(*inc.NumRecordsSynced)/float64(max(*full.NumRecordsSynced, 1)))

	if err := printRows(appDB, integrationID); err != nil {
		return err
	}
	fmt.Println("== runs")
	runs, err := c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"sync_id[eq]" + syncID},
		Order: []string{"start_timestamp[desc]"}, Limit: 4})
	if err != nil {
		return err
	}
	for _, r := range runs.Result {
		fmt.Printf("%s  %-11s %-8s %6d records  %s\n", r.StartTimestamp.Format(time.RFC3339), r.Strategy, r.Status,
			r.NumRecordsSynced, r.ID)
	}

	fmt.Println("== webhooks received (signature verified)")
	deadline := time.Now().Add(30 * time.Second)
	for len(rcv.got()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := rcv.got()
	if len(got) < 2 {
		return errors.New("the receiver did not get both sync.complete webhooks")
	}
	for _, b := range got {
		fmt.Println(b)
	}
	return nil
}

func ensureTickets(ctx context.Context, tk *ticketing.Connector, n int) error {
	have := 0
	for _, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: ticketing.MaxTicketLimit}) {
		if err != nil {
			return err
		}
		have++
	}
	for i := have; i < n; i++ {
		if _, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("Finding %04d", i), Project: "SEC",
			Priority: ticketing.Priorities[i%len(ticketing.Priorities)]}); err != nil {
			return err
		}
	}
	if have < n {
		fmt.Printf("created %d mock tickets\n", n-have)
	}
	return nil
}

func firstTickets(ctx context.Context, tk *ticketing.Connector, n int) []string {
	var ids []string
	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: n}) {
		if err != nil || len(ids) == n {
			break
		}
		ids = append(ids, t.ID)
	}
	return ids
}

func ensureDestination(ctx context.Context, c *synqly.Client, path string) (*synqly.Destination, error) {
	p, err := c.Destinations.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]example-app-db"}})
	if err != nil {
		return nil, err
	}
	if len(p.Result) > 0 {
		return p.Result[0], nil
	}
	return c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Name: "example-app-db", Type: synqly.DestinationSQLite,
		Config: synqly.DestinationConfig{Path: path}})
}

func ensureConfig(ctx context.Context, c *synqly.Client, destID string) (*synqly.SyncConfig, error) {
	p, err := c.SyncConfigs.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]example-tickets"}})
	if err != nil {
		return nil, err
	}
	if len(p.Result) > 0 {
		return p.Result[0], nil
	}
	off := false // this program triggers its runs itself
	return c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{Name: "example-tickets", DestinationID: destID,
		ProviderType: mock.TicketingID, Config: synqly.SyncConfigData{
			DefaultConfig: synqly.SyncStrategy{PeriodMS: 3600_000, Strategy: synqly.StrategyFullThenIncremental, AutoStartOnConnection: &off},
			CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}, {Object: "projects"}}}})
}

func ensureWebhook(ctx context.Context, c *synqly.Client, url string, secret []byte) error {
	p, err := c.Webhooks.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]example-receiver"}})
	if err != nil {
		return err
	}
	if len(p.Result) == 0 {
		_, err = c.Webhooks.Create(ctx, synqly.CreateWebhookRequest{Name: "example-receiver", URL: url,
			Filters: []string{string(synqly.EventSyncComplete)}, Secret: credential.Secret(secret)})
		return err
	}
	w := *p.Result[0]
	w.URL = url
	_, err = c.Webhooks.Update(ctx, w.ID, w, credential.Secret(secret))
	return err
}

// wait prints the run's progress until its sync.complete event arrives.
func wait(ctx context.Context, c *synqly.Client, done <-chan *synqly.Event) (*synqly.Event, error) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(5 * time.Minute)
	for {
		select {
		case ev := <-done:
			if ev.Result != "SUCCESS" {
				return nil, errors.New("the run failed: " + ev.ErrorMessage)
			}
			fmt.Printf("run %s: done, %d records\n", ev.RunID, *ev.NumRecordsSynced)
			return ev, nil
		case <-tick.C:
			p, err := c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"status[eq]IN_PROGRESS"}, Limit: 1})
			if err == nil && len(p.Result) > 0 {
				fmt.Printf("run %s: %d records so far\n", p.Result[0].ID, p.Result[0].NumRecordsSynced)
			}
		case <-timeout:
			return nil, errors.New("the run did not finish in 5 minutes")
		}
	}
}

func printRows(path, integrationID string) error {
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		return err
	}
	defer db.Close()
	var total, deleted int
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(_synqly_is_deleted), 0) FROM synqly_ticketing_tickets WHERE _synqly_integration_id = ?`,
		integrationID).Scan(&total, &deleted); err != nil {
		return err
	}
	fmt.Printf("== %s: synqly_ticketing_tickets has %d rows (%d deleted); the latest changed:\n", path, total, deleted)
	rows, err := db.Query(`SELECT id, status, summary, _synqly_last_modified_at FROM synqly_ticketing_tickets
		WHERE _synqly_integration_id = ? ORDER BY _synqly_last_modified_at DESC LIMIT 5`, integrationID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, status, summary, mod sql.NullString
		if err := rows.Scan(&id, &status, &summary, &mod); err != nil {
			return err
		}
		fmt.Printf("  %-10s %-12s %-40s %s\n", id.String, status.String, summary.String, mod.String)
	}
	return rows.Err()
}

// receiver is the application's webhook endpoint.
type receiver struct {
	srv  *http.Server
	addr string
	mu   sync.Mutex
	msgs []string
}

func (r *receiver) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func listen(secret []byte) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{addr: ln.Addr().String()}
	h := webhook.Handler([][]byte{secret}, webhook.NewMemoryNonces(), func(_ context.Context, event string, body []byte) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.msgs = append(r.msgs, event+" "+strings.TrimSpace(string(body)))
		return nil
	})
	r.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}
