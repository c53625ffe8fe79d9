package synqly

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// WorkerOptions configure the client's background workers: the River
// (github.com/riverqueue/river) workers that run syncs and deliver events
// and webhooks, in the application's process. See Client.StartWorkers.
type WorkerOptions struct {
	// Concurrency is how many jobs one client runs at once (default 8).
	Concurrency int
	// PollInterval is how often idle workers look for new jobs (default
	// 200ms): the longest a triggered run or an event waits to start.
	PollInterval time.Duration
	// JobTimeout bounds one attempt of a job (default 30 minutes: a full
	// sync of a large integration is one attempt).
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it is
	// considered abandoned (its process died) and retried by another
	// worker (default JobTimeout plus one minute; never less than
	// JobTimeout).
	RescueAfter time.Duration
	// TickInterval is how often the elected leader looks for syncs that
	// are due and webhooks with pending deliveries (default 5s).
	TickInterval time.Duration
}

// WithWorkerOptions sets the options of the client's background workers.
func WithWorkerOptions(w WorkerOptions) Option { return func(o *options) { o.workers = w } }

func (w WorkerOptions) withDefaults() WorkerOptions {
	if w.Concurrency <= 0 {
		w.Concurrency = 8
	}
	if w.PollInterval <= 0 {
		w.PollInterval = 200 * time.Millisecond
	}
	if w.JobTimeout <= 0 {
		w.JobTimeout = 30 * time.Minute
	}
	if w.RescueAfter < w.JobTimeout {
		w.RescueAfter = w.JobTimeout + time.Minute
	}
	if w.TickInterval <= 0 {
		w.TickInterval = 5 * time.Second
	}
	return w
}

// The queue every job of the library runs on.
const jobQueue = "synqly"

// engine is the client's River client: created at Open over the store's
// database, so that any client can enqueue (in the transaction of the
// change that causes the job), and started only by StartWorkers.
type engine struct {
	river *river.Client[*sql.Tx]
	opts  WorkerOptions

	mu      sync.Mutex
	running bool
}

// newEngine builds the River client over s, or returns nil when s is not a
// SQL store (then syncs, events and webhooks are unsupported).
func newEngine(c *Client, s store.Store, w WorkerOptions) (*engine, error) {
	sb, ok := s.(store.SQLBacked)
	if !ok {
		return nil, nil
	}
	w = w.withDefaults()
	var driver riverdriver.Driver[*sql.Tx]
	switch sb.Engine() {
	case "sqlite":
		// riversqlite shares the store's single write connection: SQLite
		// runs one writer at a time, and River wants one connection.
		driver = riversqlite.New(sb.SQLDB())
	case "postgres":
		// The database/sql driver over the store's own pool, so jobs are
		// inserted in the store's transactions (the store runs pgx through
		// database/sql). It polls; River's pgx listener would need a second
		// pool of the application's.
		driver = riverdatabasesql.New(sb.SQLDB())
	default:
		return nil, nil
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &syncWorker{c: c})
	river.AddWorker(workers, &eventWorker{c: c})
	river.AddWorker(workers, &webhookWorker{c: c})
	river.AddWorker(workers, &tickWorker{c: c})
	rc, err := river.NewClient(driver, &river.Config{
		Logger:               slog.New(warnOnly{c.log.Handler()}),
		Queues:               map[string]river.QueueConfig{jobQueue: {MaxWorkers: w.Concurrency}},
		Workers:              workers,
		PollOnly:             true,
		FetchPollInterval:    w.PollInterval,
		FetchCooldown:        min(w.PollInterval, 50*time.Millisecond),
		JobTimeout:           w.JobTimeout,
		RescueStuckJobsAfter: w.RescueAfter,
		MaxAttempts:          10,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(w.TickInterval),
				func() (river.JobArgs, *river.InsertOpts) { return tickArgs{}, &river.InsertOpts{Queue: jobQueue} },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "synqly: create the job engine")
	}
	return &engine{river: rc, opts: w}, nil
}

// warnOnly passes on River's warnings and errors, not its routine chatter.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(a)} }
func (h warnOnly) WithGroup(n string) slog.Handler      { return warnOnly{h.Handler.WithGroup(n)} }

func errNoEngine() error {
	return errs.New(errs.Unsupported, "background jobs need a SQL store (store/sqlite or store/postgres)")
}

// StartWorkers starts the client's background workers in this process:
// they run due and triggered syncs, deliver events to the Go subscribers
// registered on this client and to the organization's webhooks, and (on
// the one client elected leader among all that share the database)
// schedule syncs. A client that never starts workers still enqueues: any
// other process with workers on the same database does the work. Starting
// twice is not an error.
func (c *Client) StartWorkers(ctx context.Context) error {
	if c.closed.Load() {
		return errClosed()
	}
	if c.jobs == nil {
		return errNoEngine()
	}
	c.jobs.mu.Lock()
	defer c.jobs.mu.Unlock()
	if c.jobs.running {
		return nil
	}
	if err := c.jobs.river.Start(ctx); err != nil {
		return errs.Wrap(errs.Internal, err, "synqly: start the workers")
	}
	c.jobs.running = true
	return nil
}

// StopWorkers stops the client's workers: no new job starts, and running
// ones are given until ctx is done to finish, then cancelled (a cancelled
// job is retried later, by any worker). Close stops them too.
func (c *Client) StopWorkers(ctx context.Context) error {
	if c.jobs == nil {
		return nil
	}
	c.jobs.mu.Lock()
	defer c.jobs.mu.Unlock()
	if !c.jobs.running {
		return nil
	}
	c.jobs.running = false
	err := c.jobs.river.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = c.jobs.river.StopAndCancel(context.WithoutCancel(ctx))
	}
	if err != nil {
		return errs.Wrap(errs.Internal, err, "synqly: stop the workers")
	}
	return nil
}

// enqueue inserts a job in the store transaction tx, so the job exists if
// and only if the change that causes it commits.
func (c *Client) enqueue(ctx context.Context, tx store.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if c.jobs == nil {
		return nil // no engine: nothing runs jobs; the outbox still records events
	}
	st, ok := tx.(store.SQLTx)
	if !ok {
		return errs.New(errs.Internal, "the store's transaction is not a SQL transaction")
	}
	if opts == nil {
		opts = &river.InsertOpts{}
	}
	opts.Queue = jobQueue
	if _, err := c.jobs.river.InsertTx(ctx, st.SQLTx(), args, opts); err != nil {
		return errs.Wrap(errs.Internal, err, "enqueue a %s job", args.Kind())
	}
	return nil
}

// tickArgs is the leader's periodic job: enqueue the syncs that are due
// and a delivery job for every webhook with pending deliveries. The jobs it
// enqueues are unique, so a tick that finds work already queued adds none.
type tickArgs struct{}

func (tickArgs) Kind() string { return "synqly_tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	c *Client
}

func (w *tickWorker) Work(ctx context.Context, _ *river.Job[tickArgs]) error {
	return errors.Join(w.c.enqueueDueSyncs(ctx), w.c.enqueuePendingWebhooks(ctx))
}
