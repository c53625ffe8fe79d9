package synqly

import (
	"context"
	"errors"
	"iter"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// Sync copies one object of one integration into a sync config's
// destination, on the config's schedule (seed 004's sync). It is created
// and removed with its config and its integration.
type Sync struct {
	ID string `json:"id"`
	// Type is "object" and ObjectType "common" (seed 004): the object is
	// one of the connector's models.
	Type          string             `json:"type"`
	ObjectType    string             `json:"object_type"`
	Object        string             `json:"object"`
	Connector     providers.Category `json:"connector"`
	SyncConfigID  string             `json:"sync_config_id"`
	IntegrationID string             `json:"integration_id"`
	AccountID     string             `json:"account_id"`
	ProviderType  string             `json:"provider_type"`
	Paused        bool               `json:"paused"`
	// PauseReason says why a sync was paused: by a call, or by an error
	// that needs a person (the provider refused the credentials).
	PauseReason string `json:"pause_reason,omitempty"`
	// Checkpoint is the modification time the next incremental run reads
	// from: the newest modification among the records the last successful
	// run wrote. It never passes a record that was not written.
	Checkpoint *time.Time `json:"checkpoint,omitempty"`
	// IncrementalsSinceFull counts the incremental runs since the last full
	// one.
	IncrementalsSinceFull int `json:"incrementals_since_full"`
	// ForceFull makes the next run a full one (Trigger with full).
	ForceFull bool       `json:"force_full,omitempty"`
	NextRunAt *time.Time `json:"next_run_at,omitempty"`
	LastRunID string     `json:"last_run_id,omitempty"`
	// RunningJob is the job running the sync, until LeaseUntil: the lease
	// that keeps two workers (of any process) from running one sync at once.
	RunningJob int64      `json:"running_job,omitempty"`
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// The sync run states (seed 004).
const (
	RunSuccess    = "SUCCESS"
	RunInProgress = "IN_PROGRESS"
	RunFailure    = "FAILURE"
)

// SyncRun is one run of a sync (seed 004's sync run).
type SyncRun struct {
	ID            string `json:"id"`
	SyncID        string `json:"sync_id"`
	SyncConfigID  string `json:"sync_config_id"`
	IntegrationID string `json:"integration_id"`
	AccountID     string `json:"account_id"`
	ProviderName  string `json:"provider_name"`
	ObjectType    string `json:"object_type"`
	Object        string `json:"object"`
	// Status is SUCCESS, IN_PROGRESS or FAILURE.
	Status string `json:"status"`
	// Strategy is "full" or "incremental".
	Strategy         string     `json:"strategy"`
	ErrorMessage     string     `json:"error_message,omitempty"`
	StartTimestamp   time.Time  `json:"start_timestamp"`
	EndTimestamp     *time.Time `json:"end_timestamp,omitempty"`
	NumRecordsSynced int64      `json:"num_records_synced"`
	// Deleted counts the rows a full run marked deleted.
	Deleted int64 `json:"num_records_deleted,omitempty"`
	// Attempt is the attempt of the run's job that last worked on it.
	Attempt int `json:"attempt"`
}

// SyncsService lists syncs and pauses, resumes and triggers them.
type SyncsService struct{ c *Client }

// List returns one page of syncs. Fields: id, sync_config_id,
// integration_id, account_id, object, provider_type, paused, next_run_at,
// created_at, updated_at; default order id.
func (s *SyncsService) List(ctx context.Context, opts ListOptions) (*Page[Sync], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Syncs}, opts, decodeDoc[Sync])
}

// All iterates over every sync matching opts.
func (s *SyncsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*Sync, error] {
	return all(ctx, opts, s.List)
}

// Get returns a sync.
func (s *SyncsService) Get(ctx context.Context, id string) (*Sync, error) {
	sy, _, err := get[Sync](ctx, s.c.store, store.Syncs, id)
	return sy, err
}

// ForIntegration returns the sync of one object of one integration under
// one config (seed 004 addresses syncs by customer, provider and object).
func (s *SyncsService) ForIntegration(ctx context.Context, configID, integrationID, object string) (*Sync, error) {
	return s.Get(ctx, syncID(configID, integrationID, object))
}

// Pause stops a sync's scheduled runs (a run in progress finishes).
func (s *SyncsService) Pause(ctx context.Context, id string) (*Sync, error) {
	return s.c.editSync(ctx, id, func(tx store.Tx, sy *Sync) error {
		if !sy.Paused {
			sy.Paused, sy.PauseReason = true, "paused by a call"
		}
		return nil
	})
}

// Resume schedules a paused sync's next run at once.
func (s *SyncsService) Resume(ctx context.Context, id string) (*Sync, error) {
	return s.c.editSync(ctx, id, func(tx store.Tx, sy *Sync) error {
		now := s.c.now()
		sy.Paused, sy.PauseReason, sy.NextRunAt = false, "", &now
		return nil
	})
}

// Trigger runs a sync once more, now, whether paused or not; full forces a
// full run. Runs of one sync never overlap: a trigger while one is in
// progress runs after it.
func (s *SyncsService) Trigger(ctx context.Context, id string, full bool) (*Sync, error) {
	return s.c.editSync(ctx, id, func(tx store.Tx, sy *Sync) error {
		if full {
			sy.ForceFull = true
		}
		return s.c.enqueue(ctx, tx, syncArgs{SyncID: id, Triggered: true}, nil)
	})
}

func (c *Client) editSync(ctx context.Context, id string, fn func(tx store.Tx, sy *Sync) error) (*Sync, error) {
	if c.jobs == nil {
		return nil, errNoEngine()
	}
	var out *Sync
	ch := &change{op: AuditUpdate, resourceType: "sync", resourceID: id}
	err := c.mutate(ctx, ch, func(tx store.Tx) error {
		sy, obj, err := getLocked[Sync](ctx, tx, store.Syncs, id, store.LockExclusive)
		if err != nil {
			return err
		}
		ch.accountID = sy.AccountID
		if err := fn(tx, sy); err != nil {
			return err
		}
		sy.UpdatedAt = touched(c.now(), sy.UpdatedAt)
		out = sy
		return replaceDoc(ctx, tx, obj, sy)
	})
	return out, err
}

// SyncRunsService lists sync runs.
type SyncRunsService struct{ c *Client }

// List returns one page of runs. Fields: id, sync_id, sync_config_id,
// integration_id, account_id, provider_name, object, status, strategy,
// start_timestamp, end_timestamp, num_records_synced; default order
// start_timestamp. E.g. Filter: {"status[eq]FAILURE",
// "start_timestamp[gt]2026-01-01T00:00:00Z"}.
func (s *SyncRunsService) List(ctx context.Context, opts ListOptions) (*Page[SyncRun], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.SyncRuns}, opts, decodeDoc[SyncRun])
}

// All iterates over every run matching opts.
func (s *SyncRunsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*SyncRun, error] {
	return all(ctx, opts, s.List)
}

// Get returns a run.
func (s *SyncRunsService) Get(ctx context.Context, id string) (*SyncRun, error) {
	r, _, err := get[SyncRun](ctx, s.c.store, store.SyncRuns, id)
	return r, err
}

// enqueueDueSyncs enqueues a run of every sync that is due and not paused.
func (c *Client) enqueueDueSyncs(ctx context.Context) error {
	now := c.now().Format(time.RFC3339Nano)
	opts := ListOptions{Filter: []string{"paused[eq]false", "next_run_at[lte]" + now}, Limit: filter.MaxLimit}
	for sy, err := range all(ctx, opts, c.Syncs.List) {
		if err != nil {
			return err
		}
		if err := c.store.Update(ctx, func(tx store.Tx) error {
			return c.enqueue(ctx, tx, syncArgs{SyncID: sy.ID}, uniqueJob())
		}); err != nil {
			return err
		}
	}
	return nil
}

// syncArgs is the job of one run of a sync. Scheduled runs are unique by
// sync (at most one queued or running); triggered ones are not. Whatever
// the jobs, the sync's lease (Sync.RunningJob) lets one run at a time.
type syncArgs struct {
	SyncID    string `json:"sync_id"`
	Triggered bool   `json:"triggered,omitempty"`
}

func (syncArgs) Kind() string { return "synqly_sync" }

type syncWorker struct {
	river.WorkerDefaults[syncArgs]
	c *Client
}

// progressEvery bounds how often a run's record count is written while it
// works: the store gets one write per interval, not one per batch.
const progressEvery = time.Second

// Work runs the sync once. Its run's id is the job's, so a retry of the
// job (after a crash, on any worker) continues the same run: it writes the
// same rows again (upserts), never twice.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[syncArgs]) error {
	c := w.c
	sy, _, err := get[Sync](ctx, c.store, store.Syncs, job.Args.SyncID)
	if errs.CodeOf(err) == errs.NotFound {
		return river.JobCancel(err) // removed with its integration or config
	}
	if err != nil {
		return err
	}
	if sy.Paused && !job.Args.Triggered {
		return nil
	}
	cfg, _, err := get[SyncConfig](ctx, c.store, store.SyncConfigs, sy.SyncConfigID)
	if errs.CodeOf(err) == errs.NotFound {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	conn, _ := c.registry.Connector(sy.Connector)
	obj, ok := conn.Object(sy.Object)
	if !ok {
		return river.JobCancel(errs.New(errs.Unsupported, "the %s connector of this program has no sync object %s", sy.Connector, sy.Object))
	}
	leased, err := c.leaseSync(ctx, sy.ID, job.ID)
	if err != nil || !leased {
		if err == nil {
			return river.JobSnooze(time.Second) // another run of the sync is in progress
		}
		if errs.CodeOf(err) == errs.NotFound {
			return river.JobCancel(err)
		}
		return err
	}
	finished := false
	defer func() {
		if !finished {
			c.releaseSync(ctx, sy.ID, job.ID)
		}
	}()
	if sy, _, err = get[Sync](ctx, c.store, store.Syncs, sy.ID); err != nil { // as the lease found it
		return err
	}
	st := cfg.strategyFor(sy.IntegrationID, sy.Object)
	full := !obj.Incremental || sy.Checkpoint == nil || st.Strategy == StrategyFullOnly || sy.ForceFull ||
		(st.FullSyncEveryNIncrementals > 0 && sy.IncrementalsSinceFull >= st.FullSyncEveryNIncrementals)

	run, err := c.startRun(ctx, job, sy, full)
	if err != nil {
		return err
	}
	n, deleted, maxMod, runErr := c.runSync(ctx, sy, cfg, obj, run, full)
	finished = true
	return c.finishRun(ctx, job, sy, st, run, full, n, deleted, maxMod, runErr)
}

// leaseSync takes the sync's lease for the job, unless another job holds
// it and has not outlived it (RescueAfter: by then River considers that
// job's process dead, and so may this one).
func (c *Client) leaseSync(ctx context.Context, id string, jobID int64) (bool, error) {
	ok := false
	err := c.store.Update(ctx, func(tx store.Tx) error {
		sy, obj, err := getLocked[Sync](ctx, tx, store.Syncs, id, store.LockExclusive)
		if err != nil {
			return err
		}
		now := c.now()
		if sy.RunningJob != 0 && sy.RunningJob != jobID && sy.LeaseUntil != nil && sy.LeaseUntil.After(now) {
			return nil
		}
		until := now.Add(c.jobs.opts.RescueAfter)
		sy.RunningJob, sy.LeaseUntil, ok = jobID, &until, true
		return replaceDoc(ctx, tx, obj, sy)
	})
	return ok, err
}

// releaseSync gives the lease back when a run ends before finishRun.
func (c *Client) releaseSync(ctx context.Context, id string, jobID int64) {
	_ = c.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		sy, obj, err := getLocked[Sync](ctx, tx, store.Syncs, id, store.LockExclusive)
		if err != nil || sy.RunningJob != jobID {
			return err
		}
		sy.RunningJob, sy.LeaseUntil = 0, nil
		return replaceDoc(ctx, tx, obj, sy)
	})
}

// startRun creates the run of the job, or takes up the one an earlier
// attempt of the job started.
func (c *Client) startRun(ctx context.Context, job *river.Job[syncArgs], sy *Sync, full bool) (*SyncRun, error) {
	id := "run-" + strconv.FormatInt(job.ID, 10)
	var run *SyncRun
	err := c.store.Update(ctx, func(tx store.Tx) error {
		cur, obj, err := get[SyncRun](ctx, tx, store.SyncRuns, id)
		switch {
		case err == nil:
			cur.Status, cur.ErrorMessage, cur.EndTimestamp, cur.Attempt = RunInProgress, "", nil, job.Attempt
			run = cur
			return replaceDoc(ctx, tx, obj, cur)
		case errs.CodeOf(err) != errs.NotFound:
			return err
		}
		strategy := "incremental"
		if full {
			strategy = "full"
		}
		run = &SyncRun{ID: id, SyncID: sy.ID, SyncConfigID: sy.SyncConfigID, IntegrationID: sy.IntegrationID,
			AccountID: sy.AccountID, ProviderName: sy.ProviderType, ObjectType: "common", Object: sy.Object,
			Status: RunInProgress, Strategy: strategy, StartTimestamp: c.now(), Attempt: job.Attempt}
		return insert(ctx, tx, store.SyncRuns, id, "", run)
	})
	return run, err
}

// runSync reads the object from the integration and writes it to the
// destination. It returns how many records it wrote, how many rows it
// marked deleted (full runs), and the newest modification time written.
func (c *Client) runSync(ctx context.Context, sy *Sync, cfg *SyncConfig, obj providers.SyncObject, run *SyncRun, full bool) (n, deleted int64, maxMod time.Time, err error) {
	w, _, err := c.openDestination(ctx, cfg.DestinationID)
	if err != nil {
		return 0, 0, time.Time{}, err
	}
	defer func() { _ = w.Close() }()
	dobj := destination.Object{Name: string(sy.Connector) + "_" + sy.Object, Columns: obj.Columns}
	if err := w.Prepare(ctx, dobj); err != nil {
		return 0, 0, time.Time{}, err
	}
	var since time.Time
	if !full && sy.Checkpoint != nil {
		since = *sy.Checkpoint
	}
	lastProgress := time.Now()
	err = obj.Fetch(ctx, c, sy.IntegrationID, since, func(rows []destination.Row) error {
		if err := w.Write(ctx, destination.Batch{Object: dobj, IntegrationID: sy.IntegrationID, AccountID: sy.AccountID,
			Provider: sy.ProviderType, RunID: run.ID, EmittedAt: c.now(), Rows: rows}); err != nil {
			return err
		}
		for i := range rows {
			if rows[i].LastModified.After(maxMod) {
				maxMod = rows[i].LastModified
			}
		}
		n += int64(len(rows))
		if time.Since(lastProgress) >= progressEvery {
			lastProgress = time.Now()
			c.recordProgress(ctx, run.ID, n)
		}
		return nil
	})
	if err == nil && full {
		deleted, err = w.SoftDeleteUnseen(ctx, dobj, sy.IntegrationID, run.ID, c.now())
	}
	return n, deleted, maxMod, err
}

// recordProgress writes a run's record count so far; a failure only logs,
// the run goes on.
func (c *Client) recordProgress(ctx context.Context, runID string, n int64) {
	err := c.store.Update(ctx, func(tx store.Tx) error {
		r, obj, err := get[SyncRun](ctx, tx, store.SyncRuns, runID)
		if err != nil {
			return err
		}
		r.NumRecordsSynced = n
		return replaceDoc(ctx, tx, obj, r)
	})
	if err != nil {
		c.log.Warn("synqly: could not record a sync run's progress", "run_id", runID, "error", err.Error())
	}
}

// needsPerson reports whether err is one only a person can fix: the
// provider refused the credentials, or they expired.
func needsPerson(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Unauthorized, errs.Forbidden, errs.CredentialExpired:
		return true
	}
	var pe *errs.ProviderError
	return errors.As(err, &pe) && (pe.Status == 401 || pe.Status == 403)
}

// finishRun records the outcome of a run: the run, the sync's checkpoint
// and schedule, and the sync.complete (and sync.paused) events, in one
// transaction. A rate-limited run is snoozed until the vendor's
// Retry-After; any other failure is retried by River with backoff.
func (c *Client) finishRun(ctx context.Context, job *river.Job[syncArgs], sy *Sync, st SyncStrategy, run *SyncRun,
	full bool, n, deleted int64, maxMod time.Time, runErr error) error {
	var retryAfter time.Duration
	var e *errs.Error
	if errors.As(runErr, &e) && e.Code == errs.RateLimited {
		retryAfter = max(e.RetryAfter, time.Second)
	}
	if runErr != nil && ctx.Err() != nil {
		c.releaseSync(ctx, sy.ID, job.ID)
		return runErr // the worker is stopping: the job is retried as it is
	}
	pause := runErr != nil && needsPerson(runErr)
	final := runErr == nil || pause || (retryAfter == 0 && job.Attempt >= job.MaxAttempts)
	end := c.now()
	gone := false
	err := c.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		cur, sobj, err := get[Sync](ctx, tx, store.Syncs, sy.ID)
		if errs.CodeOf(err) == errs.NotFound {
			gone = true // removed meanwhile, with its integration or config: its runs went with it
			return nil
		}
		if err != nil {
			return err
		}
		r, robj, err := get[SyncRun](ctx, tx, store.SyncRuns, run.ID)
		if err != nil {
			return err
		}
		r.NumRecordsSynced, r.Deleted = n, deleted
		switch {
		case runErr == nil:
			r.Status, r.EndTimestamp = RunSuccess, &end
		case retryAfter > 0:
			r.Status, r.ErrorMessage = RunInProgress, "rate limited by the provider; resuming after "+retryAfter.String()
		default:
			r.Status, r.ErrorMessage, r.EndTimestamp = RunFailure, runErr.Error(), &end
		}
		if err := replaceDoc(ctx, tx, robj, r); err != nil {
			return err
		}
		if runErr == nil {
			if !maxMod.IsZero() {
				cp := maxMod.UTC()
				cur.Checkpoint = &cp
			} else if cur.Checkpoint == nil && full {
				cp := run.StartTimestamp
				cur.Checkpoint = &cp
			}
			if full {
				cur.IncrementalsSinceFull, cur.ForceFull = 0, false
			} else {
				cur.IncrementalsSinceFull++
			}
		}
		if final {
			next := run.StartTimestamp.Add(time.Duration(st.PeriodMS) * time.Millisecond)
			cur.NextRunAt, cur.LastRunID = &next, run.ID
		}
		if pause {
			cur.Paused, cur.PauseReason = true, "the provider refused the credentials: "+runErr.Error()
		}
		if cur.RunningJob == job.ID {
			cur.RunningJob, cur.LeaseUntil = 0, nil
		}
		cur.UpdatedAt = touched(c.now(), cur.UpdatedAt)
		if err := replaceDoc(ctx, tx, sobj, cur); err != nil {
			return err
		}
		if !final {
			return nil
		}
		ev := &Event{Type: EventSyncComplete, AccountID: sy.AccountID, IntegrationID: sy.IntegrationID, ResourceID: run.ID,
			Provider: sy.ProviderType, Category: string(sy.Connector), SyncID: sy.ID, RunID: run.ID, Object: sy.Object,
			Result: "SUCCESS", NumRecordsSynced: &n}
		if runErr != nil {
			ev.Result, ev.ErrorMessage = "ERROR", runErr.Error()
		}
		if err := c.recordEvent(ctx, tx, ev); err != nil {
			return err
		}
		if pause {
			return c.recordEvent(ctx, tx, &Event{Type: EventSyncPaused, AccountID: sy.AccountID, IntegrationID: sy.IntegrationID,
				ResourceID: sy.ID, Provider: sy.ProviderType, Category: string(sy.Connector), SyncID: sy.ID, RunID: run.ID,
				Object: sy.Object, PauseReason: cur.PauseReason})
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case gone:
		return river.JobCancel(errs.New(errs.NotFound, "sync %s was removed", sy.ID))
	case runErr == nil || pause:
		return nil
	case retryAfter > 0:
		return river.JobSnooze(retryAfter)
	}
	return runErr
}
