package synqly_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/store/postgres/pgtest"
	"github.com/seed-e6251c81/synqly/webhook"
)

// benchSyncTickets is the size of the sync benchmarks' integration:
// $SYNQLY_BENCH_SYNC_TICKETS, default 10000 (the figure is 100000).
func benchSyncTickets() int {
	if n, err := strconv.Atoi(os.Getenv("SYNQLY_BENCH_SYNC_TICKETS")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// benchSync is a client with a mock integration of n tickets and its
// sync.complete subscription.
type benchSync struct {
	*syncFixture
	ev *events
}

func newBenchSync(b *testing.B, n int) *benchSync {
	ctx := context.Background()
	c, where := newClient(b, fastWorkers)
	f := &syncFixture{c: c, where: where, acct: mustAccount(b, c, "Bench Sync")}
	res, err := c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{Name: "tickets", ProviderConfig: mockConfig()})
	require.NoError(b, err)
	f.in = res.Integration
	f.tk, err = ticketing.Open(ctx, c.Account(f.acct.ID), f.in.ID)
	require.NoError(b, err)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range 4 {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				tk, err := f.tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("ticket %06d", i),
					Project: "SEC", Description: "A finding to triage, with a body of some length to be realistic.", Assignee: "sec-oncall"})
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				f.ids = append(f.ids, tk.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return &benchSync{syncFixture: f, ev: subscribe(c, synqly.EventSyncComplete)}
}

// run triggers the sync and waits for its run.
func (s *benchSync) run(b *testing.B, sid string, full bool) *synqly.SyncRun {
	ctx := context.Background()
	_, err := s.c.Syncs.Trigger(ctx, sid, full)
	require.NoError(b, err)
	deadline := time.After(10 * time.Minute)
	for {
		select {
		case ev := <-s.ev.ch:
			if ev.SyncID != sid {
				continue
			}
			require.Equal(b, "SUCCESS", ev.Result, ev.ErrorMessage)
			r, err := s.c.SyncRuns.Get(ctx, ev.RunID)
			require.NoError(b, err)
			return r
		case <-deadline:
			b.Fatal("the run did not finish")
		}
	}
}

// destinations of the benchmarks: a SQLite file, and a PostgreSQL schema
// when $SYNQLY_POSTGRES_DSN is set.
func benchDestinations(b *testing.B, c *synqly.Client) map[string]*synqly.Destination {
	ctx := context.Background()
	out := map[string]*synqly.Destination{}
	d, err := c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Name: "bench-sqlite", Type: synqly.DestinationSQLite,
		Config: synqly.DestinationConfig{Path: b.TempDir() + "/app.db"}})
	require.NoError(b, err)
	out["sqlite"] = d
	if dsn := os.Getenv(pgtest.DSNEnv); dsn != "" {
		cc, err := pgx.ParseConfig(dsn)
		require.NoError(b, err)
		var r [6]byte
		_, _ = rand.Read(r[:])
		schema := "bench_dest_" + hex.EncodeToString(r[:])
		b.Cleanup(func() { _, _ = pgtest.AdminDB(b).Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE") })
		d, err := c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Name: "bench-postgres", Type: synqly.DestinationPostgres,
			Config: synqly.DestinationConfig{Host: cc.Host, Port: int(cc.Port), Database: cc.Database, User: cc.User,
				Schema: schema, SSLMode: "disable"}, Password: "x"})
		require.NoError(b, err)
		out["postgres"] = d
	}
	return out
}

// rawInsert is the baseline: read the same tickets through the connector
// and write them with a hand-written batched multi-row INSERT (500 rows a
// statement, one transaction a batch) into a plain table of the same
// columns.
func rawInsert(b *testing.B, s *benchSync, db *sql.DB, pg bool, table string) {
	ctx := context.Background()
	conn, _ := providers.Default.Connector(providers.Ticketing)
	obj, _ := conn.Object("tickets")
	_, _ = db.Exec("DROP TABLE IF EXISTS " + table)
	var cols []string
	for _, c := range obj.Columns {
		cols = append(cols, c.Name+" TEXT")
	}
	_, err := db.Exec("CREATE TABLE " + table + " (integration_id TEXT, id TEXT, " + strings.Join(cols, ", ") + ", raw TEXT, PRIMARY KEY (integration_id, id))")
	require.NoError(b, err)
	err = obj.Fetch(ctx, s.c, s.in.ID, time.Time{}, func(rows []destination.Row) error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		per := 3 + len(obj.Columns)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " VALUES ")
		args := make([]any, 0, len(rows)*per)
		p := 0
		for i, r := range rows {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('(')
			for j := range per {
				if j > 0 {
					q.WriteByte(',')
				}
				p++
				if pg {
					q.WriteString("$" + strconv.Itoa(p))
				} else {
					q.WriteByte('?')
				}
			}
			q.WriteByte(')')
			args = append(args, s.in.ID, r.ID)
			for _, v := range r.Values {
				switch v := v.(type) {
				case nil:
					args = append(args, nil)
				case time.Time:
					args = append(args, v.UTC().Format(time.RFC3339Nano))
				default:
					args = append(args, fmt.Sprint(v))
				}
			}
			args = append(args, string(r.Raw))
		}
		if _, err := tx.Exec(q.String(), args...); err != nil {
			return err
		}
		return tx.Commit()
	})
	require.NoError(b, err)
}

// BenchmarkSyncFull: a full sync run of the mock integration into each
// destination, against the raw baseline (same tickets read through the
// connector, written by a hand-written batched INSERT) in the same run.
// Ratio: raw ns/op over sync ns/op (≥ 0.8 is the target).
func BenchmarkSyncFull(b *testing.B) {
	ctx := context.Background()
	n := benchSyncTickets()
	s := newBenchSync(b, n)
	require.NoError(b, s.c.StartWorkers(ctx))
	for engine, d := range benchDestinations(b, s.c) {
		cfg, err := s.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{Name: "bench-" + engine, DestinationID: d.ID,
			ProviderType: mock.TicketingID, Config: synqly.SyncConfigData{
				DefaultConfig: synqly.SyncStrategy{PeriodMS: 3600_000, Strategy: synqly.StrategyFullThenIncremental, AutoStartOnConnection: new(bool)},
				CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}})
		require.NoError(b, err)
		sid := syncOf(b, s.c, cfg.ID, s.in.ID, "tickets")
		var raw, full time.Duration
		b.Run(engine+"/raw", func(b *testing.B) {
			var db *sql.DB
			var pg bool
			if engine == "sqlite" {
				db, err = sql.Open("sqlite3", d.Config.Path+"?_journal_mode=WAL&_synchronous=NORMAL")
			} else {
				pg = true
				db, err = sql.Open("pgx", pgtest.WithSearchPath(os.Getenv(pgtest.DSNEnv), d.Config.Schema))
				_, _ = db.Exec("CREATE SCHEMA IF NOT EXISTS " + d.Config.Schema)
			}
			require.NoError(b, err)
			defer db.Close()
			start := time.Now()
			for b.Loop() {
				rawInsert(b, s, db, pg, "raw_tickets")
			}
			raw = time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(n)/raw.Seconds(), "rows/s")
		})
		b.Run(engine+"/sync", func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				r := s.run(b, sid, true)
				require.EqualValues(b, n, r.NumRecordsSynced)
			}
			full = time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(n)/full.Seconds(), "rows/s")
			if raw > 0 {
				b.ReportMetric(raw.Seconds()/full.Seconds(), "x-raw")
			}
		})
		b.Run(engine+"/incremental-1pct", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				for _, id := range s.ids[:max(n/100, 1)] {
					_, err := s.tk.PatchTicket(ctx, id, []patch.Operation{{Op: "replace", Path: "/status", Value: "In Progress " + strconv.Itoa(b.N)}})
					require.NoError(b, err)
				}
				b.StartTimer()
				start := time.Now()
				r := s.run(b, sid, false)
				d := time.Since(start)
				require.Equal(b, "incremental", r.Strategy)
				if full > 0 {
					b.ReportMetric(d.Seconds()/full.Seconds(), "x-full")
				}
			}
		})
	}
}

// BenchmarkSyncTriggerLatency: from Trigger's return to the run's start,
// on an idle worker (PollInterval 20ms).
func BenchmarkSyncTriggerLatency(b *testing.B) {
	ctx := context.Background()
	s := newBenchSync(b, 1)
	var got atomic.Int64
	require.NoError(b, s.c.RegisterDestinationCallback("nop", func(context.Context, destination.Batch) error { got.Add(1); return nil }))
	d, err := s.c.Destinations.Create(ctx, synqly.CreateDestinationRequest{Type: synqly.DestinationCallback, Config: synqly.DestinationConfig{Callback: "nop"}})
	require.NoError(b, err)
	cfg, err := s.c.SyncConfigs.Create(ctx, synqly.CreateSyncConfigRequest{DestinationID: d.ID, ProviderType: mock.TicketingID,
		Config: synqly.SyncConfigData{DefaultConfig: synqly.SyncStrategy{PeriodMS: 3600_000, Strategy: synqly.StrategyFullOnly, AutoStartOnConnection: new(bool)},
			CommonObjects: []synqly.SyncObjectConfig{{Object: "tickets"}}}})
	require.NoError(b, err)
	require.NoError(b, s.c.StartWorkers(ctx))
	sid := syncOf(b, s.c, cfg.ID, s.in.ID, "tickets")
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		r := s.run(b, sid, false)
		total += r.StartTimestamp.Sub(t0)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-start")
}

// BenchmarkWebhookDelivery: events per second delivered to a local
// receiver through the outbox and River, against raw signed POSTs of the
// same payloads in the same run.
func BenchmarkWebhookDelivery(b *testing.B) {
	ctx := context.Background()
	const events = 200
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, _ := newClient(b, fastWorkers)
	_, err := c.Webhooks.Create(ctx, synqly.CreateWebhookRequest{URL: srv.URL, Secret: hookSecret, Filters: []string{"account.updated"}})
	require.NoError(b, err)
	acct := mustAccount(b, c, "Bench Hooks")
	require.NoError(b, c.StartWorkers(ctx))
	var ours, raw time.Duration
	b.Run("raw", func(b *testing.B) {
		body := []byte(`{"id":"ev","event":"account.updated","account_id":"` + acct.ID + `","created_at":"2026-01-01T00:00:00Z","nonce":"n"}`)
		hc := &http.Client{}
		start := time.Now()
		for b.Loop() {
			for range events {
				req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
				req.Header.Set(webhook.SignatureHeader, webhook.Sign([]byte(hookSecret), body))
				resp, err := hc.Do(req)
				require.NoError(b, err)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		raw = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(events/raw.Seconds(), "events/s")
	})
	b.Run("outbox", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			want := received.Load() + events
			for i := range events {
				a, err := c.Accounts.Get(ctx, acct.ID)
				require.NoError(b, err)
				a.Fullname = "Bench Hooks " + strconv.Itoa(i)
				_, err = c.Accounts.Update(ctx, acct.ID, *a)
				require.NoError(b, err)
			}
			for received.Load() < want {
				time.Sleep(time.Millisecond)
			}
		}
		ours = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(events/ours.Seconds(), "events/s")
		if raw > 0 {
			b.ReportMetric(raw.Seconds()/ours.Seconds(), "x-raw")
		}
	})
}
