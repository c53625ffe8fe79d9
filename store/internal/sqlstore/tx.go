package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync/atomic"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// Update runs fn in a read-write transaction. If fn returns an error or
// panics, the transaction is rolled back, and the error is returned as is or
// the panic goes on. When the database aborts the transaction because of a
// deadlock or a serialization failure (or finds itself busy), the whole
// transaction is run again, a few times: fn must have no effect outside tx
// that a second run would repeat. fn must not call Update itself: on a store
// with one write connection that waits forever (until ctx ends).
func (e *Engine) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := e.check(); err != nil {
		return err
	}
	if fn == nil {
		return errs.Invalid("fn", "Update needs a function")
	}
	return e.retry(ctx, func() error { return e.update(ctx, fn) })
}

// update runs fn in one transaction.
func (e *Engine) update(ctx context.Context, fn func(tx store.Tx) error) error {
	stx, err := e.write.BeginTx(ctx, nil)
	if err != nil {
		return e.internal(err, "begin")
	}
	t := &tx{e: e, stx: stx}
	committed := false
	defer func() {
		if !committed {
			// fn failed or panicked; a panic goes on after this.
			t.done.Store(true)
			_ = stx.Rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if err := t.uses.flush(ctx, t); err != nil {
		return err
	}
	t.done.Store(true)
	committed = true
	if err := stx.Commit(); err != nil {
		return e.internal(err, "commit")
	}
	return nil
}

// tx is a store.Tx over a *sql.Tx.
type tx struct {
	e    *Engine
	stx  *sql.Tx
	done atomic.Bool
	// uses keeps the join-table rows of Table.Uses in step with the
	// objects the transaction writes (see uses.go).
	uses usesLog
}

var _ store.Tx = (*tx)(nil)

// SQLTx implements store.SQLTx.
func (t *tx) SQLTx() *sql.Tx { return t.stx }

// check refuses calls after the transaction ended.
func (t *tx) check() error {
	if t.done.Load() {
		return errs.New(errs.Internal, "%s: the transaction has ended", t.e.d.Name())
	}
	return nil
}

// Get returns the object, or an errs.NotFound error.
func (t *tx) Get(ctx context.Context, kind store.Kind, id string) (*store.Object, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	obj, err := t.e.get(ctx, t.stx, kind, id)
	if err == nil {
		t.uses.read(t.e.tables[kind], obj)
	}
	return obj, err
}

// List returns one page of objects matching req, in the query's order.
func (t *tx) List(ctx context.Context, req store.ListRequest) (*store.Page, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	return t.e.list(ctx, t.stx, req)
}

// Insert stores a new object with Version 1.
func (t *tx) Insert(ctx context.Context, obj *store.Object) error {
	if err := t.check(); err != nil {
		return err
	}
	if obj == nil {
		return errs.Invalid("object", "Insert needs an object")
	}
	tb, err := t.e.table(obj.Kind)
	if err != nil {
		return err
	}
	args := make([]any, 2, len(tb.cols)+8)
	args[0], args[1] = obj.ID, int64(1)
	args, name, uses, err := tb.appendValues(args, obj)
	if err != nil {
		return err
	}
	if _, err := t.stx.ExecContext(ctx, tb.insert, args...); err != nil {
		return t.e.writeError(err, tb, "insert", obj.ID, name)
	}
	t.uses.inserted(tb, obj.ID, uses)
	obj.Version = 1
	return nil
}

// Replace overwrites an object whose stored Version equals obj.Version and
// increments obj.Version.
func (t *tx) Replace(ctx context.Context, obj *store.Object) error {
	if err := t.check(); err != nil {
		return err
	}
	if obj == nil {
		return errs.Invalid("object", "Replace needs an object")
	}
	tb, err := t.e.table(obj.Kind)
	if err != nil {
		return err
	}
	args, name, uses, err := tb.appendValues(make([]any, 0, len(tb.cols)+8), obj)
	if err != nil {
		return err
	}
	args = append(args, obj.ID, obj.Version)
	res, err := t.stx.ExecContext(ctx, tb.update, args...)
	if err != nil {
		return t.e.writeError(err, tb, "replace", obj.ID, name)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.e.internal(err, "replace "+tb.Noun)
	}
	if n == 0 {
		var one int
		err := t.stx.QueryRowContext(ctx, tb.exists, obj.ID).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notFound(tb, obj.ID)
		case err != nil:
			return t.e.internal(err, "replace "+tb.Noun)
		}
		return errs.Wrap(errs.Conflict, store.ErrStale, "%s %s was changed concurrently; reload and retry", tb.Noun, quote(obj.ID))
	}
	t.uses.replaced(tb, obj.ID, uses)
	obj.Version++
	return nil
}

// Delete removes an object.
func (t *tx) Delete(ctx context.Context, kind store.Kind, id string) error {
	if err := t.check(); err != nil {
		return err
	}
	tb, err := t.e.table(kind)
	if err != nil {
		return err
	}
	if err := t.uses.flushBeforeDelete(ctx, t, kind); err != nil {
		return err
	}
	res, err := t.stx.ExecContext(ctx, tb.delete, id)
	if err != nil {
		return t.e.deleteError(err, tb, tb.Noun+" "+quote(id))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.e.internal(err, "delete "+tb.Noun)
	}
	if n == 0 {
		return notFound(tb, id)
	}
	t.uses.deleted(tb, id)
	return nil
}

// Lock reads the object and holds it until the transaction ends; see
// store.Tx.
func (t *tx) Lock(ctx context.Context, kind store.Kind, id string, mode store.LockMode) (*store.Object, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	tb, err := t.e.table(kind)
	if err != nil {
		return nil, err
	}
	q := tb.lockShared
	switch mode {
	case store.LockShared:
	case store.LockExclusive:
		q = tb.lockExclusive
	default:
		return nil, errs.Invalid("mode", "unknown lock mode %d", int(mode))
	}
	var row objRow
	err = t.stx.QueryRowContext(ctx, q, id).Scan(row.dest(tb, make([]any, 0, 6))...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound(tb, id)
	case err != nil:
		return nil, t.e.internal(err, "lock "+tb.Noun)
	}
	obj := row.object(kind)
	t.uses.read(tb, obj)
	return obj, nil
}

// DeleteWhere removes every object of kind whose column equals value, and
// returns their ids in id order.
func (t *tx) DeleteWhere(ctx context.Context, kind store.Kind, column, value string) ([]string, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	tb, err := t.e.table(kind)
	if err != nil {
		return nil, err
	}
	if c, ok := tb.Column(column); !ok || c.Type != filter.String {
		return nil, errs.Invalid("column", "%s have no text column %s", tb.Name, quote(column))
	}
	if err := t.uses.flushBeforeDelete(ctx, t, kind); err != nil {
		return nil, err
	}
	// column is one of the schema's names, never the caller's text.
	rows, err := t.stx.QueryContext(ctx,
		"DELETE FROM "+tb.Name+" WHERE "+column+" = "+t.e.d.Placeholder(1)+" RETURNING id", value)
	if err != nil {
		return nil, t.e.deleteError(err, tb, article(tb.Noun)+" to delete")
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, t.e.internal(err, "delete "+tb.Noun)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, t.e.deleteError(err, tb, article(tb.Noun)+" to delete")
	}
	slices.Sort(ids)
	t.uses.deleted(tb, ids...)
	return ids, nil
}

// ForEach calls fn for every object of kind in id order. It reads the
// objects in batches and calls fn between reads, so fn may write.
func (t *tx) ForEach(ctx context.Context, kind store.Kind, fn func(*store.Object) error) error {
	if err := t.check(); err != nil {
		return err
	}
	tb, err := t.e.table(kind)
	if err != nil {
		return err
	}
	if fn == nil {
		return errs.Invalid("fn", "ForEach needs a function")
	}
	after := ""
	batch := make([]*store.Object, 0, forEachBatch)
	for {
		batch, err = t.readBatch(ctx, tb, after, batch[:0])
		if err != nil {
			return err
		}
		for _, obj := range batch {
			if err := fn(obj); err != nil {
				return err
			}
		}
		if len(batch) < forEachBatch {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

// readBatch reads the next objects of tb after the id after.
func (t *tx) readBatch(ctx context.Context, tb *table, after string, batch []*store.Object) ([]*store.Object, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	rows, err := t.stx.QueryContext(ctx, tb.forEach, after)
	if err != nil {
		return nil, t.e.internal(err, "read "+tb.Name)
	}
	defer rows.Close()
	var row objRow
	dest := row.dest(tb, make([]any, 0, 6))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, t.e.internal(err, "read "+tb.Name)
		}
		batch = append(batch, row.object(tb.Kind))
	}
	if err := rows.Err(); err != nil {
		return nil, t.e.internal(err, "read "+tb.Name)
	}
	return batch, nil
}
