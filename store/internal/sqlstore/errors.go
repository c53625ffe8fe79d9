package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

// busyRetries is how many times an operation that found the database busy
// is tried again, after the driver's own busy timeout.
const busyRetries = 3

// internal wraps a driver error as errs.Internal, e.g. "sqlite: get
// integration: <what failed>". An error that already is an *errs.Error
// passes as is. The driver's own text never shows (see driverError).
func (e *Engine) internal(err error, op string) error {
	var ee *errs.Error
	if errors.As(err, &ee) {
		return err
	}
	cause := &driverError{err: err, desc: e.d.Describe(err)}
	if e.d.Classify(err) == Busy {
		return errs.Wrap(errs.Internal, cause, "%s: %s: the database is busy", e.d.Name(), op)
	}
	return errs.Wrap(errs.Internal, cause, "%s: %s", e.d.Name(), op)
}

// driverError stands for a database driver's error in the errors the store
// returns. Its text is the dialect's description of the failure (a SQLSTATE,
// an SQLite result code), never the driver's message, which can quote the
// values of the statement that failed (a document's text, a name, a secret
// of the caller's): store errors reach logs and users. The driver's error
// stays reachable with errors.As, and errors.Is still finds
// context.Canceled and context.DeadlineExceeded through it.
type driverError struct {
	err  error
	desc string
}

func (d *driverError) Error() string { return d.desc }

func (d *driverError) Unwrap() error { return d.err }

// retry runs op, and runs it again a few times, with a short pause, while
// it fails because the database is busy. Only operations that have no
// effect when they fail may be retried.
func (e *Engine) retry(ctx context.Context, op func() error) error {
	pause := 5 * time.Millisecond
	for i := 0; ; i++ {
		err := op()
		if err == nil || i == busyRetries || !e.busy(err) {
			return err
		}
		e.log.DebugContext(ctx, "database busy; retrying", "dialect", e.d.Name(), "attempt", i+1)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		pause *= 4
	}
}

// busy reports whether err, or its cause, says the database was busy.
func (e *Engine) busy(err error) bool {
	var ee *errs.Error
	if errors.As(err, &ee) {
		if ee.Cause == nil {
			return false
		}
		err = ee.Cause
	}
	return e.d.Classify(err) == Busy
}

// writeError maps the failure of an Insert or Replace of the object id,
// named name, in t.
func (e *Engine) writeError(err error, t *table, op, id, name string) error {
	switch e.d.Classify(err) {
	case DuplicateID:
		return errs.New(errs.Conflict, "%s with id %s already exists", article(t.Noun), quote(id))
	case DuplicateName:
		return errs.New(errs.Conflict, "%s named %s already exists in this scope", article(t.Noun), quote(name))
	case ForeignKey:
		return errs.New(errs.NotFound, "%s %s refers to an object that does not exist (it may just have been deleted)", t.Noun, quote(id))
	}
	return e.internal(err, op+" "+t.Noun)
}

// deleteError maps the failure of a Delete or DeleteWhere in t.
func (e *Engine) deleteError(err error, t *table, what string) error {
	if e.d.Classify(err) == ForeignKey {
		return errs.New(errs.Conflict, "%s is still in use by other objects", what)
	}
	return e.internal(err, "delete "+t.Noun)
}

// article prefixes a noun with "a" or "an".
func article(noun string) string {
	if noun != "" {
		switch noun[0] {
		case 'a', 'e', 'i', 'o', 'u':
			return "an " + noun
		}
	}
	return "a " + noun
}
