package synqly_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// crashWorkers rescue a job whose process died within seconds (River's
// rescuer looks every 30s).
var crashWorkers = synqly.WithWorkerOptions(synqly.WorkerOptions{
	PollInterval: 20 * time.Millisecond, TickInterval: 200 * time.Millisecond,
	JobTimeout: 5 * time.Second, RescueAfter: 6 * time.Second,
})

// slowWriter is the callback of the crash test: it writes every batch to
// a real SQLite database, after a pause in the process that is killed.
func slowWriter(path string, pause time.Duration) synqly.DestinationFunc {
	return func(ctx context.Context, b destination.Batch) error {
		w, err := destination.OpenSQLite(ctx, path)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Prepare(ctx, b.Object); err != nil {
			return err
		}
		time.Sleep(pause)
		return w.Write(ctx, b)
	}
}

// TestSyncCrashHelper is the process the crash test kills.
func TestSyncCrashHelper(t *testing.T) {
	where, path := os.Getenv("SYNQLY_CRASH_STORE"), os.Getenv("SYNQLY_CRASH_DEST")
	if where == "" {
		t.Skip("run by TestSyncSurvivesSIGKILL")
	}
	c := reopen(t, where, crashWorkers)
	require.NoError(t, c.RegisterDestinationCallback("app", slowWriter(path, 300*time.Millisecond)))
	require.NoError(t, c.StartWorkers(context.Background()))
	time.Sleep(time.Minute) // killed long before
}

// TestSyncSurvivesSIGKILL kills the process running a full sync with
// SIGKILL after it wrote part of the rows. Another client on the database
// takes the run up (River rescues the job), finishes it: every row once,
// one run, and the checkpoint set only when everything was written.
func TestSyncSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("the rescue takes about 40s")
	}
	ctx := context.Background()
	f := newSyncFixture(t, 1600, crashWorkers) // 4 batches of 500 (the last 100)
	path := filepath.Join(t.TempDir(), "app.db")
	require.NoError(t, f.c.RegisterDestinationCallback("app", slowWriter(path, 0)))
	d, err := f.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Type: synqly.DestinationCallback,
		Config: synqly.DestinationConfig{Callback: "app"}})
	require.NoError(t, err)
	cfg, err := f.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
		Config: synqly.SyncConfigData{DefaultConfig: strategy(synqly.StrategyFullThenIncremental), CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}})
	require.NoError(t, err)
	sid := syncOf(t, f.c, cfg.ID, f.in.ID, "tickets")

	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncCrashHelper$", "-test.count=1", "-test.timeout=120s")
	cmd.Env = append(os.Environ(), "SYNQLY_CRASH_STORE="+f.where, "SYNQLY_CRASH_DEST="+path)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	// Kill the child once it wrote at least one batch and before the last.
	var db *sql.DB
	require.Eventually(t, func() bool {
		if db == nil {
			if _, err := os.Stat(path); err != nil {
				return false
			}
			db, _ = sql.Open("sqlite3", path)
		}
		var n int
		if db.QueryRow(`SELECT COUNT(*) FROM synqly_ticketing_tickets`).Scan(&n) != nil {
			return false
		}
		return n >= 500
	}, 60*time.Second, 10*time.Millisecond)
	require.NoError(t, cmd.Process.Kill()) // SIGKILL
	_ = cmd.Wait()
	defer db.Close()
	var written int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM synqly_ticketing_tickets`).Scan(&written))
	require.Less(t, written, 1600, "killed mid-run")
	sy, err := f.c.Syncs.Get(ctx, sid)
	require.NoError(t, err)
	require.Nil(t, sy.Checkpoint, "the checkpoint passed records that were not written")

	ev := subscribe(f.c, synqly.EventSyncComplete)
	require.NoError(t, f.c.StartWorkers(ctx))
	done := ev.wait(t, completeOf("tickets"))
	require.Equal(t, "SUCCESS", done.Result, done.ErrorMessage)
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM synqly_ticketing_tickets`).Scan(&written))
	require.Equal(t, 1600, written)
	var distinct int
	require.NoError(t, db.QueryRow(`SELECT COUNT(DISTINCT id) FROM synqly_ticketing_tickets`).Scan(&distinct))
	require.Equal(t, 1600, distinct)
	runs, err := f.c.SyncRuns.List(ctx, synqly.ListOptions{Filter: []string{"sync_id[eq]" + sid}})
	require.NoError(t, err)
	require.Len(t, runs.Result, 1, "the rescued job continues the same run")
	require.Equal(t, synqly.RunSuccess, runs.Result[0].Status)
	require.GreaterOrEqual(t, runs.Result[0].Attempt, 2)
	sy, err = f.c.Syncs.Get(ctx, sid)
	require.NoError(t, err)
	require.NotNil(t, sy.Checkpoint)
}
