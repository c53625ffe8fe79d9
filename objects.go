package synqly

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/store"
)

// get loads and decodes one object. A missing object, or an id no generator
// makes, is ErrNotFound with a message naming the kind and id.
func get[T any](ctx context.Context, r store.Reader, kind store.Kind, id string) (*T, *store.Object, error) {
	return load[T](ctx, kind, id, func() (*store.Object, error) { return r.Get(ctx, kind, id) })
}

// getLocked is get through store.Tx.Lock: the object is read and held
// until the transaction ends, so that what the caller checks against it
// still holds at commit.
func getLocked[T any](ctx context.Context, tx store.Tx, kind store.Kind, id string, mode store.LockMode) (*T, *store.Object, error) {
	return load[T](ctx, kind, id, func() (*store.Object, error) { return tx.Lock(ctx, kind, id, mode) })
}

func load[T any](ctx context.Context, kind store.Kind, id string, fetch func() (*store.Object, error)) (*T, *store.Object, error) {
	if ctx == nil {
		return nil, nil, errs.Invalid("ctx", "nil context")
	}
	if err := validID(kind, id); err != nil {
		return nil, nil, err
	}
	obj, err := fetch()
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return nil, nil, errs.New(errs.NotFound, "%s %q not found", singular(kind), id)
		}
		return nil, nil, err
	}
	v, err := decodeDoc[T](obj)
	if err != nil {
		return nil, nil, err
	}
	return v, obj, nil
}

// insert stores v as a new object of kind. Text json.Marshal would alter
// (invalid UTF-8) is refused first, naming the field: what is stored is
// exactly what was given, or nothing.
func insert(ctx context.Context, tx store.Tx, kind store.Kind, id, scope string, v any) error {
	obj, err := newObject(kind, id, scope, v)
	if err != nil {
		return err
	}
	return tx.Insert(ctx, obj)
}

// newObject is v as a new stored object, checked as insert says.
func newObject(kind store.Kind, id, scope string, v any) (*store.Object, error) {
	if err := textcheck.Check("", v); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "encoding %s", singular(kind))
	}
	return &store.Object{Kind: kind, ID: id, Scope: scope, Doc: doc}, nil
}

// replaceDoc stores v as the new document of obj, keeping obj's version
// precondition so a concurrent change is reported, never lost.
func replaceDoc(ctx context.Context, tx store.Tx, obj *store.Object, v any) error {
	if err := textcheck.Check("", v); err != nil {
		return err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding %s", singular(obj.Kind))
	}
	obj.Doc = doc
	obj.Expanded = nil
	return tx.Replace(ctx, obj)
}

// unchangedSince is the precondition of every Update: the caller passes back
// the object it read, and its updated_at must still be the stored one, so an
// Update made from a stale read is refused instead of silently reverting a
// change another client made in between. Since updated_at grows with every
// write (see touched), equal times mean the same version.
func unchangedSince(noun, id string, read, stored time.Time) error {
	if read.IsZero() {
		return errs.Invalid("updated_at", "Update replaces the whole %s, so it needs the updated_at of the copy it was made from: "+
			"Get the %s, change it and pass it back (to change single fields, use Patch)", noun, noun)
	}
	if !read.Equal(stored) {
		return &errs.Error{Code: errs.Conflict, Field: "updated_at", Message: noun + " " + id +
			" was changed since it was read (read at updated_at " + read.UTC().Format(time.RFC3339Nano) +
			", now " + stored.UTC().Format(time.RFC3339Nano) + "): Get it again, reapply the change and retry the Update, " +
			"or use Patch with a test operation"}
	}
	return nil
}

// touched returns the updated_at of a new version of an object last updated
// at prev: now, but always after prev, so that every write changes
// updated_at (even with a coarse or fixed clock) and updated_at can serve as
// the object's version in Update's precondition.
func touched(now, prev time.Time) time.Time {
	if !now.After(prev) {
		return prev.Add(time.Nanosecond)
	}
	return now
}

// patchRetries is how often a Patch is applied again, inside its
// transaction, to an object that another transaction changed between the
// Patch's read and its write (store.ErrStale; PostgreSQL's read committed
// isolation shows each statement the latest committed version). A Patch
// names the changes, not the version it was made from, so applying it to
// the newer version is what the caller asked for; its test operations are
// checked against that version too. An Update is never applied again: the
// version the caller read is its precondition.
const patchRetries = 8

// againAfterStale reports whether a change that failed with err should be
// applied once more to a fresh read.
func againAfterStale(ch *change, attempt int, err error) bool {
	return ch.op == AuditPatch && attempt < patchRetries && errors.Is(err, store.ErrStale)
}

// withPatchRetries returns fn made to run again, in the same transaction,
// after a stale write when ch is a Patch (see patchRetries).
func withPatchRetries(ch *change, fn func(tx store.Tx) error) func(tx store.Tx) error {
	return func(tx store.Tx) error {
		for attempt := 0; ; attempt++ {
			if err := fn(tx); !againAfterStale(ch, attempt, err) {
				return err
			}
		}
	}
}
