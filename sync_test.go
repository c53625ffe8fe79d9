package synqly_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// fastWorkers makes the tests' workers poll and tick often.
var fastWorkers = synqly.WithWorkerOptions(synqly.WorkerOptions{
	PollInterval: 20 * time.Millisecond, TickInterval: 200 * time.Millisecond,
	JobTimeout: time.Minute, RescueAfter: 2 * time.Minute,
})

// syncFixture is an account with a mock ticketing integration holding n
// tickets.
type syncFixture struct {
	c     *synqly.Client
	where string
	acct  *synqly.Account
	in    *synqly.Integration
	tk    *ticketing.Connector
	ids   []string
}

func newSyncFixture(t *testing.T, n int, opts ...synqly.Option) *syncFixture {
	t.Helper()
	ctx := context.Background()
	c, where := newClient(t, append([]synqly.Option{fastWorkers, synqly.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))}, opts...)...)
	f := &syncFixture{c: c, where: where, acct: mustAccount(t, c, "Sync Acme")}
	res, err := c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{Name: "tickets", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	f.in = res.Integration
	f.tk, err = ticketing.Open(ctx, c.Account(f.acct.ID), f.in.ID)
	require.NoError(t, err)
	for i := range n {
		tk, err := f.tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("ticket %03d", i), Project: "SEC"})
		require.NoError(t, err)
		f.ids = append(f.ids, tk.ID)
	}
	return f
}

// events collects the events a client's subscribers receive.
type events struct {
	mu      sync.Mutex
	got     []*synqly.Event
	pending []*synqly.Event // received, not yet waited for
	ch      chan *synqly.Event
}

func subscribe(c *synqly.Client, types ...synqly.EventType) *events {
	e := &events{ch: make(chan *synqly.Event, 1000)}
	c.Subscribe(func(_ context.Context, ev *synqly.Event) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, g := range e.got {
			if g.ID == ev.ID {
				return nil // at least once: a redelivery
			}
		}
		e.got = append(e.got, ev)
		e.ch <- ev
		return nil
	}, types...)
	return e
}

func (e *events) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.got)
}

// wait returns the first event not yet waited for that matches ok (events
// of different jobs may arrive in any order), or fails after a while.
func (e *events) wait(t *testing.T, ok func(*synqly.Event) bool) *synqly.Event {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		e.mu.Lock()
		for i, ev := range e.pending {
			if ok(ev) {
				e.pending = append(e.pending[:i:i], e.pending[i+1:]...)
				e.mu.Unlock()
				return ev
			}
		}
		e.mu.Unlock()
		select {
		case ev := <-e.ch:
			e.mu.Lock()
			e.pending = append(e.pending, ev)
			e.mu.Unlock()
		case <-deadline:
			t.Fatal("timed out waiting for an event")
			return nil
		}
	}
}

func completeOf(object string) func(*synqly.Event) bool {
	return func(ev *synqly.Event) bool { return ev.Type == synqly.EventSyncComplete && ev.Object == object }
}

func sqliteDestination(t *testing.T, c *synqly.Client) (*synqly.Destination, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.db")
	d, err := c.Destinations.Create(context.Background(), synqly.CreateDestinationRequest{Name: "app-db",
		Type: synqly.DestinationSQLite, Config: synqly.DestinationConfig{Path: path}})
	require.NoError(t, err)
	return d, path
}

func strategy(s string) synqly.SyncStrategy {
	return synqly.SyncStrategy{PeriodMS: 60000, Strategy: s}
}

func syncOf(t testing.TB, c *synqly.Client, cfg, in, object string) string {
	t.Helper()
	sy, err := c.Syncs.ForIntegration(context.Background(), cfg, in, object)
	require.NoError(t, err)
	return sy.ID
}

func countRows(t *testing.T, db *sql.DB, table, where string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM "`+table+`" WHERE `+where, args...).Scan(&n))
	return n
}

func TestSyncFullThenIncrementalIntoSQLite(t *testing.T) {
	ctx := context.Background()
	f := newSyncFixture(t, 40)
	ev := subscribe(f.c, synqly.EventSyncComplete)
	d, path := sqliteDestination(t, f.c)
	cfg, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{Name: "tickets-to-app", DestinationID: d.ID,
		ProviderType: mock.TicketingID, Config: synqly.SyncConfigData{DefaultConfig: strategy(synqly.StrategyFullThenIncremental),
			CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}, {Object: "projects"}}}})
	require.NoError(t, err)
	syncs, err := f.c.Syncs.List(ctx, synqly.ListOptions{Filter: []string{"integration_id[eq]" + f.in.ID}})
	require.NoError(t, err)
	require.Len(t, syncs.Result, 2, "one sync per object")

	require.NoError(t, f.c.StartWorkers(ctx))
	full := ev.wait(t, completeOf("tickets"))
	require.Equal(t, "SUCCESS", full.Result, full.ErrorMessage)
	require.EqualValues(t, 40, *full.NumRecordsSynced)
	ev.wait(t, completeOf("projects"))

	db, err := sql.Open("sqlite3", path)
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, 40, countRows(t, db, "synqly_ticketing_tickets", "_synqly_integration_id = ? AND NOT _synqly_is_deleted", f.in.ID))
	var summary, raw string
	require.NoError(t, db.QueryRow(`SELECT summary, _synqly_raw_data FROM synqly_ticketing_tickets WHERE id = ?`, f.ids[7]).Scan(&summary, &raw))
	require.Equal(t, "ticket 007", summary)
	require.Contains(t, raw, `"summary":"ticket 007"`)

	// A row the integration no longer has: the next full run marks it deleted.
	_, err = db.Exec(`INSERT INTO synqly_ticketing_tickets (_synqly_integration_id, id, _synqly_emitted_at, _synqly_run_id)
		VALUES (?, 'GONE-1', '2026-01-01T00:00:00.000000000Z', 'run-old')`, f.in.ID)
	require.NoError(t, err)

	// Change three tickets; the incremental run copies those (and those at
	// the checkpoint's instant), not all.
	time.Sleep(5 * time.Millisecond)
	for _, id := range f.ids[:3] {
		_, err := f.tk.PatchTicket(ctx, id, []patch.Operation{{Op: "replace", Path: "/summary", Value: "changed " + id}})
		require.NoError(t, err)
	}
	sid := syncOf(t, f.c, cfg.ID, f.in.ID, "tickets")
	_, err = f.c.Syncs.Trigger(ctx, sid, false)
	require.NoError(t, err)
	inc := ev.wait(t, completeOf("tickets"))
	require.Equal(t, "SUCCESS", inc.Result, inc.ErrorMessage)
	run, err := f.c.SyncRuns.Get(ctx, inc.RunID)
	require.NoError(t, err)
	require.Equal(t, "incremental", run.Strategy)
	require.GreaterOrEqual(t, run.NumRecordsSynced, int64(3))
	require.Less(t, run.NumRecordsSynced, int64(40))
	require.NoError(t, db.QueryRow(`SELECT summary FROM synqly_ticketing_tickets WHERE id = ?`, f.ids[1]).Scan(&summary))
	require.Equal(t, "changed "+f.ids[1], summary)
	require.Equal(t, 0, countRows(t, db, "synqly_ticketing_tickets", "id = 'GONE-1' AND _synqly_is_deleted"), "incremental runs delete nothing")

	// A forced full run soft-deletes what it did not see.
	_, err = f.c.Syncs.Trigger(ctx, sid, true)
	require.NoError(t, err)
	fr := ev.wait(t, completeOf("tickets"))
	run, err = f.c.SyncRuns.Get(ctx, fr.RunID)
	require.NoError(t, err)
	require.Equal(t, "full", run.Strategy)
	require.EqualValues(t, 1, run.Deleted)
	require.Equal(t, 1, countRows(t, db, "synqly_ticketing_tickets", "id = 'GONE-1' AND _synqly_is_deleted"))
	require.Equal(t, 40, countRows(t, db, "synqly_ticketing_tickets", "NOT _synqly_is_deleted"))

	// Runs are listable with the query language.
	runs, err := f.c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"sync_id[eq]" + sid, "status[eq]SUCCESS"},
		Order: []string{"start_timestamp[desc]"}})
	require.NoError(t, err)
	require.Len(t, runs.Result, 3)
	require.Equal(t, "full", runs.Result[0].Strategy)
	_, err = f.c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"status[eq]DONE"}})
	requireCode(t, err, errs.InvalidQuery)

	sy, err := f.c.Syncs.Get(ctx, sid)
	require.NoError(t, err)
	require.NotNil(t, sy.Checkpoint)
	require.NotNil(t, sy.NextRunAt)
	require.Equal(t, 0, sy.IncrementalsSinceFull)
}

func TestSyncConfigValidation(t *testing.T) {
	ctx := context.Background()
	f := newSyncFixture(t, 0)
	d, _ := sqliteDestination(t, f.c)
	good := synqly.SyncConfigData{DefaultConfig: strategy(synqly.StrategyFullOnly), CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}
	for name, tc := range map[string]struct {
		req   synqly.CreateSyncConfigRequest
		field string
	}{
		"short period": {synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
			Config: synqly.SyncConfigData{DefaultConfig: synqly.SyncStrategy{PeriodMS: 59999, Strategy: synqly.StrategyFullOnly},
				CommonObjects: good.CommonObjects}}, "config.default_config.period_ms"},
		"bad strategy": {synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
			Config: synqly.SyncConfigData{DefaultConfig: synqly.SyncStrategy{PeriodMS: 60000, Strategy: "sometimes"},
				CommonObjects: good.CommonObjects}}, "config.default_config.strategy"},
		"unknown object": {synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
			Config: synqly.SyncConfigData{DefaultConfig: good.DefaultConfig, CommonObjects: []synqly.SyncObjectConfig{{Object: "widgets"}}}},
			"config.common_objects[0].object"},
		"no objects": {synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
			Config: synqly.SyncConfigData{DefaultConfig: good.DefaultConfig}}, "config.common_objects"},
		"no destination": {synqly.CreateSyncConfigRequest{DestinationID: "nope", ProviderType: mock.TicketingID, Config: good}, "destination_id"},
		"no match":       {synqly.CreateSyncConfigRequest{DestinationID: d.ID, Config: good}, "integration_point_id"},
		"bad provider":   {synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: "ticketing_nope", Config: good}, "provider_type"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.c.SyncConfigs.Create(ctx, tc.req)
			e := requireCode(t, err, errs.InvalidInput)
			require.Equal(t, tc.field, e.Field)
		})
	}
	_, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.SinkID, Config: good})
	requireCode(t, err, errs.Unsupported)
	all, err := f.c.SyncConfigs.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, all.Result, "nothing is half-written")
	syncs, err := f.c.Syncs.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, syncs.Result)
}

func TestSyncOverridesAndAutoStart(t *testing.T) {
	ctx := context.Background()
	f := newSyncFixture(t, 0)
	d, _ := sqliteDestination(t, f.c)
	no := false
	cfg, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
		Config: synqly.SyncConfigData{DefaultConfig: synqly.SyncStrategy{PeriodMS: 60000, Strategy: synqly.StrategyFullOnly, AutoStartOnConnection: &no},
			CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}, {Object: "comments"}}}})
	require.NoError(t, err)
	sy, err := f.c.Syncs.ForIntegration(ctx, cfg.ID, f.in.ID, "tickets")
	require.NoError(t, err)
	require.True(t, sy.Paused, "auto_start_on_connection false creates the syncs paused")

	// A second integration gets its syncs when it is created.
	res, err := f.c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{Name: "more", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	list, err := f.c.Syncs.List(ctx, synqly.ListOptions{Filter: []string{"integration_id[eq]" + res.Integration.ID}})
	require.NoError(t, err)
	require.Len(t, list.Result, 2)

	// The connection override narrows the objects of one integration.
	_, err = f.c.SyncConfigs.UpsertConnection(ctx, cfg.ID, res.Integration.ID, synqly.ConnectionSyncConfig{
		CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}})
	require.NoError(t, err)
	list, err = f.c.Syncs.List(ctx, synqly.ListOptions{Filter: []string{"integration_id[eq]" + res.Integration.ID}})
	require.NoError(t, err)
	require.Len(t, list.Result, 1)
	require.Equal(t, "tickets", list.Result[0].Object)
	o, err := f.c.SyncConfigs.GetConnection(ctx, cfg.ID, res.Integration.ID)
	require.NoError(t, err)
	require.Len(t, o.CommonObjects, 1)
	_, err = f.c.SyncConfigs.DeleteConnection(ctx, cfg.ID, res.Integration.ID)
	require.NoError(t, err)
	list, err = f.c.Syncs.List(ctx, synqly.ListOptions{Filter: []string{"integration_id[eq]" + res.Integration.ID}})
	require.NoError(t, err)
	require.Len(t, list.Result, 2)

	// Pause and resume.
	sy, err = f.c.Syncs.Resume(ctx, sy.ID)
	require.NoError(t, err)
	require.False(t, sy.Paused)
	sy, err = f.c.Syncs.Pause(ctx, sy.ID)
	require.NoError(t, err)
	require.True(t, sy.Paused)

	// Removing an integration removes its syncs; a deleted destination a
	// config uses is refused.
	require.NoError(t, f.c.Integrations.Delete(ctx, f.acct.ID, res.Integration.ID))
	list, err = f.c.Syncs.List(ctx, synqly.ListOptions{Filter: []string{"integration_id[eq]" + res.Integration.ID}})
	require.NoError(t, err)
	require.Empty(t, list.Result)
	requireCode(t, f.c.Destinations.Delete(ctx, d.ID), errs.Conflict)
	require.NoError(t, f.c.SyncConfigs.Delete(ctx, cfg.ID))
	require.NoError(t, f.c.Destinations.Delete(ctx, d.ID))
}

func TestSyncPausesWhenTheDestinationRefusesCredentials(t *testing.T) {
	ctx := context.Background()
	f := newSyncFixture(t, 3)
	ev := subscribe(f.c, synqly.EventSyncComplete, synqly.EventSyncPaused)
	require.NoError(t, f.c.RegisterDestinationCallback("refuses", func(context.Context, destination.Batch) error {
		return errs.New(errs.Unauthorized, "the password was refused")
	}))
	d, err := f.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Type: synqly.DestinationCallback,
		Config: synqly.DestinationConfig{Callback: "refuses"}})
	require.NoError(t, err)
	cfg, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
		Config: synqly.SyncConfigData{DefaultConfig: strategy(synqly.StrategyFullThenIncremental), CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}})
	require.NoError(t, err)
	require.NoError(t, f.c.StartWorkers(ctx))
	done := ev.wait(t, completeOf("tickets"))
	require.Equal(t, "ERROR", done.Result)
	paused := ev.wait(t, func(e *synqly.Event) bool { return e.Type == synqly.EventSyncPaused })
	require.Contains(t, paused.PauseReason, "refused")
	sy, err := f.c.Syncs.ForIntegration(ctx, cfg.ID, f.in.ID, "tickets")
	require.NoError(t, err)
	require.True(t, sy.Paused)
	run, err := f.c.SyncRuns.Get(ctx, done.RunID)
	require.NoError(t, err)
	require.Equal(t, synqly.RunFailure, run.Status)
}

// TestSyncTwoClientsNeverRunOneSyncAtOnce: two clients on one database run
// workers; however often the sync is triggered from both, no two runs of it
// overlap.
func TestSyncTwoClientsNeverRunOneSyncAtOnce(t *testing.T) {
	ctx := context.Background()
	f := newSyncFixture(t, 5)
	c2 := reopen(t, f.where, fastWorkers)
	var mu sync.Mutex
	inFlight, maxInFlight, batches := 0, 0, 0
	cb := func(ctx context.Context, b destination.Batch) error {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		batches++
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		return nil
	}
	for _, c := range []*synqly.Client{f.c, c2} {
		require.NoError(t, c.RegisterDestinationCallback("count", cb))
	}
	d, err := f.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Type: synqly.DestinationCallback,
		Config: synqly.DestinationConfig{Callback: "count"}})
	require.NoError(t, err)
	cfg, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
		Config: synqly.SyncConfigData{DefaultConfig: strategy(synqly.StrategyFullOnly), CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}})
	require.NoError(t, err)
	ev1, ev2 := subscribe(f.c, synqly.EventSyncComplete), subscribe(c2, synqly.EventSyncComplete)
	require.NoError(t, f.c.StartWorkers(ctx))
	require.NoError(t, c2.StartWorkers(ctx))
	sid := syncOf(t, f.c, cfg.ID, f.in.ID, "tickets")
	for i := range 20 {
		c := []*synqly.Client{f.c, c2}[i%2]
		_, err := c.Syncs.Trigger(ctx, sid, false)
		require.NoError(t, err)
		time.Sleep(10 * time.Millisecond)
	}
	// Wait until the runs settle: no job of the sync queued or running.
	require.Eventually(t, func() bool {
		runs, err := f.c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"sync_id[eq]" + sid, "status[eq]IN_PROGRESS"}})
		return err == nil && len(runs.Result) == 0 && ev1.count()+ev2.count() > 0
	}, 60*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 1, maxInFlight, "two runs of one sync overlapped")
	require.Positive(t, batches)
}

func TestDestinationSecretsNeverLeak(t *testing.T) {
	ctx := context.Background()
	f := newSyncFixture(t, 0)
	const password = "s3cret-destination-password"
	d, err := f.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Name: "warehouse", Type: synqly.DestinationPostgres,
		Config: synqly.DestinationConfig{Host: "127.0.0.1", Port: 1, Database: "app", User: "sync"}, Password: password})
	require.NoError(t, err)
	got, err := f.c.Destinations.Get(ctx, d.ID)
	require.NoError(t, err)
	b, _ := json.Marshal(got)
	require.NotContains(t, string(b), password)
	ev := subscribe(f.c, synqly.EventSyncComplete)
	cfg, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
		Config: synqly.SyncConfigData{DefaultConfig: strategy(synqly.StrategyFullOnly), CommonObjects: []synqly.SyncObjectConfig{{Object: "projects"}}}})
	require.NoError(t, err)
	require.NoError(t, f.c.StartWorkers(ctx))
	// The destination is unreachable: the run fails (and is retried), and
	// neither the run nor anything stored holds the password.
	require.Eventually(t, func() bool {
		runs, err := f.c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"sync_config_id[eq]" + cfg.ID, "status[eq]FAILURE"}})
		return err == nil && len(runs.Result) > 0
	}, 60*time.Second, 50*time.Millisecond)
	runs, err := f.c.SyncRuns.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	b, _ = json.Marshal(runs)
	require.NotContains(t, string(b), password)
	require.NoError(t, f.c.StopWorkers(ctx))
	for _, blob := range rawStore(t, f.where) {
		require.NotContains(t, blob, password)
	}
	_ = ev
	_, err = f.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Type: "sink"})
	requireCode(t, err, errs.Unsupported)
	_, err = f.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Type: synqly.DestinationSQLite, Config: synqly.DestinationConfig{Path: "relative.db"}})
	require.Equal(t, "config.path", requireCode(t, err, errs.InvalidInput).Field)
	require.False(t, strings.Contains(fmt.Sprint(err), password))
}
