package sqlstore

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// Config configures an Engine.
type Config struct {
	// Write is the pool Update runs its transactions on. A database that
	// allows one writer at a time (SQLite) should limit it to one
	// connection, so writers queue in Go rather than in busy retries.
	Write *sql.DB
	// Read is the pool Get and List use outside transactions; nil means
	// Write.
	Read *sql.DB
	// Dialect describes the database.
	Dialect Dialect
	// Logger receives debug messages (retries); nil discards them. Nothing
	// logged holds a document.
	Logger *slog.Logger
}

// Engine implements store.Store over database/sql. It is safe for concurrent
// use.
type Engine struct {
	write, read *sql.DB
	d           Dialect
	log         *slog.Logger
	tables      map[store.Kind]*table
	closed      atomic.Bool
}

var _ store.Store = (*Engine)(nil)

// New returns an Engine over the pools of cfg, whose schema must already be
// migrated. The Engine owns the pools: Close closes them.
func New(cfg Config) (*Engine, error) {
	if cfg.Write == nil || cfg.Dialect == nil {
		return nil, errs.New(errs.Internal, "sqlstore: Config needs Write and Dialect")
	}
	e := &Engine{write: cfg.Write, read: cfg.Read, d: cfg.Dialect, log: cfg.Logger, tables: map[store.Kind]*table{}}
	if e.read == nil {
		e.read = e.write
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	for _, k := range store.Kinds {
		t, err := store.TableOf(k)
		if err != nil {
			return nil, err
		}
		e.tables[k] = newTable(t, e.d)
	}
	return e, nil
}

// Close closes the pools. Methods called after Close return errs.Internal
// errors. Closing twice is not an error.
func (e *Engine) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	err := e.write.Close()
	if e.read != e.write {
		if rerr := e.read.Close(); err == nil {
			err = rerr
		}
	}
	if err != nil {
		return e.internal(err, "close")
	}
	return nil
}

// Get returns the object, or an errs.NotFound error.
func (e *Engine) Get(ctx context.Context, kind store.Kind, id string) (*store.Object, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	var obj *store.Object
	err := e.retry(ctx, func() (err error) {
		obj, err = e.get(ctx, e.read, kind, id)
		return err
	})
	return obj, err
}

// List returns one page of objects matching req, in the query's order.
func (e *Engine) List(ctx context.Context, req store.ListRequest) (*store.Page, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	var page *store.Page
	err := e.retry(ctx, func() (err error) {
		page, err = e.list(ctx, e.read, req)
		return err
	})
	return page, err
}

// check refuses calls after Close.
func (e *Engine) check() error {
	if e.closed.Load() {
		return errs.New(errs.Internal, "%s: the store is closed", e.d.Name())
	}
	return nil
}

// table returns the table of kind.
func (e *Engine) table(kind store.Kind) (*table, error) {
	if t, ok := e.tables[kind]; ok {
		return t, nil
	}
	_, err := store.TableOf(kind)
	if err == nil {
		err = errs.Invalid("kind", "unknown resource kind %s", quote(string(kind)))
	}
	return nil, err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
