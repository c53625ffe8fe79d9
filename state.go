package synqly

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// MaxStateKeyLen is the longest key of a provider's state.
const MaxStateKeyLen = 200

// integrationState is the providers.State of one integration, kept in the
// store as ProviderState objects whose id is "<integration id>/<key>".
type integrationState struct {
	c             *Client
	integrationID string
	accountID     string
}

var _ providers.State = (*integrationState)(nil)

// stateDoc is the stored document of one entry.
type stateDoc struct {
	Key       string          `json:"key"`
	AccountID string          `json:"account_id,omitempty"`
	Value     json.RawMessage `json:"value"`
}

func checkStateKey(key string) error {
	if key == "" || len(key) > MaxStateKeyLen {
		return errs.Invalid("key", "a state key is 1 to %d bytes", MaxStateKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return errs.Invalid("key", "a state key is printable ASCII")
		}
	}
	return nil
}

func (s *integrationState) id(key string) string { return s.integrationID + "/" + key }

func (s *integrationState) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkStateKey(key); err != nil {
		return nil, err
	}
	obj, err := s.c.store.Get(ctx, store.ProviderState, s.id(key))
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errs.New(errs.NotFound, "state key %q not found", key)
		}
		return nil, err
	}
	return decodeState(obj, key)
}

func (s *integrationState) Put(ctx context.Context, key string, value []byte) error {
	return s.Update(ctx, func(tx providers.StateTx) error { return tx.Put(ctx, key, value) })
}

func (s *integrationState) Delete(ctx context.Context, key string) error {
	return s.Update(ctx, func(tx providers.StateTx) error { return tx.Delete(ctx, key) })
}

// maxStateAttempts bounds how often Update runs fn again after losing a
// race; with the pauses between attempts this outlasts any realistic
// contention on one integration's keys.
const maxStateAttempts = 64

// Update runs fn in one store transaction and runs it again when a
// compare-and-swap of the transaction lost a race with another writer.
func (s *integrationState) Update(ctx context.Context, fn func(tx providers.StateTx) error) error {
	if ctx == nil {
		return errs.Invalid("ctx", "nil context")
	}
	if fn == nil {
		return errs.Invalid("fn", "State.Update needs a function")
	}
	pause := time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.c.store.Update(ctx, func(tx store.Tx) error {
			return fn(&stateTx{s: s, tx: tx, seen: map[string]*store.Object{}})
		})
		var lost *lostRace
		if !errors.As(err, &lost) {
			return err
		}
		if attempt == maxStateAttempts {
			return errs.Wrap(errs.Conflict, lost.err, "provider state of integration %s: gave up after %d attempts lost to concurrent writers", s.integrationID, attempt)
		}
		// Full jitter, so that writers that collided spread out.
		t := time.NewTimer(time.Duration(rand.Int64N(int64(pause)) + 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return errs.Wrap(errs.Conflict, ctx.Err(), "provider state of integration %s: gave up: %v", s.integrationID, ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, 50*time.Millisecond)
	}
}

// lostRace marks the failure of a compare-and-swap inside a state
// transaction: Update runs the transaction again.
type lostRace struct{ err error }

func (l *lostRace) Error() string { return l.err.Error() }
func (l *lostRace) Unwrap() error { return l.err }

// stateTx is a providers.StateTx over a store transaction. It remembers the
// version of every key it read, so a write of a key read before is a
// compare-and-swap against that version.
type stateTx struct {
	s  *integrationState
	tx store.Tx
	// seen maps a key read (or written) in the transaction to its object,
	// nil when it was absent.
	seen map[string]*store.Object
}

func (t *stateTx) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkStateKey(key); err != nil {
		return nil, err
	}
	obj, err := t.load(ctx, key)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errs.New(errs.NotFound, "state key %q not found", key)
	}
	return decodeState(obj, key)
}

// load reads key through the transaction, once.
func (t *stateTx) load(ctx context.Context, key string) (*store.Object, error) {
	if obj, ok := t.seen[key]; ok {
		return obj, nil
	}
	obj, err := t.tx.Get(ctx, store.ProviderState, t.s.id(key))
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		obj = nil
	case err != nil:
		return nil, err
	}
	t.seen[key] = obj
	return obj, nil
}

func (t *stateTx) Put(ctx context.Context, key string, value []byte) error {
	if err := checkStateKey(key); err != nil {
		return err
	}
	if !json.Valid(value) {
		return errs.Invalid("value", "a state value must be a JSON document")
	}
	doc, err := json.Marshal(stateDoc{Key: key, AccountID: t.s.accountID, Value: value})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding provider state")
	}
	prev, err := t.load(ctx, key)
	if err != nil {
		return err
	}
	if prev == nil {
		obj := &store.Object{Kind: store.ProviderState, ID: t.s.id(key), Scope: t.s.integrationID, Doc: doc}
		err := t.tx.Insert(ctx, obj)
		switch errs.CodeOf(err) {
		case "":
			t.seen[key] = obj
			return nil
		case errs.Conflict: // another writer created the key since it was read
			return &lostRace{err}
		case errs.NotFound: // the foreign key: the integration is gone
			return t.s.gone(err)
		}
		return err
	}
	next := *prev
	next.Doc = doc
	err = t.tx.Replace(ctx, &next)
	switch errs.CodeOf(err) {
	case "":
		t.seen[key] = &next
		return nil
	case errs.Conflict: // changed since it was read
		return &lostRace{err}
	case errs.NotFound: // deleted since it was read: by another writer, or with the integration
		return t.missing(ctx, err)
	}
	return err
}

func (t *stateTx) Delete(ctx context.Context, key string) error {
	if err := checkStateKey(key); err != nil {
		return err
	}
	prev, err := t.load(ctx, key)
	if err != nil {
		return err
	}
	if prev == nil {
		return errs.New(errs.NotFound, "state key %q not found", key)
	}
	err = t.tx.Delete(ctx, store.ProviderState, t.s.id(key))
	if errs.CodeOf(err) == errs.NotFound {
		return t.missing(ctx, err)
	}
	if err == nil {
		t.seen[key] = nil
	}
	return err
}

// missing explains a key that vanished since the transaction read it: if
// its integration is gone the write fails as not found, else another writer
// deleted the key and the transaction runs again.
func (t *stateTx) missing(ctx context.Context, err error) error {
	if _, gerr := t.tx.Get(ctx, store.Integrations, t.s.integrationID); errs.CodeOf(gerr) == errs.NotFound {
		return t.s.gone(err)
	}
	return &lostRace{err}
}

func (t *stateTx) List(ctx context.Context, prefix, after string, limit int) ([]providers.Entry, error) {
	return t.s.list(ctx, t.tx, prefix, after, limit)
}

// gone is the error of a write for an integration that has been deleted.
func (s *integrationState) gone(cause error) error {
	return errs.Wrap(errs.NotFound, cause, "integration %q not found: it was deleted, and its provider state with it", s.integrationID)
}

func decodeState(obj *store.Object, key string) ([]byte, error) {
	var d stateDoc
	if err := json.Unmarshal(obj.Doc, &d); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "provider state %q is corrupt", key)
	}
	return d.Value, nil
}

// maxRune sorts after every printable-ASCII key.
const maxRune = "\U0010FFFF"

func (s *integrationState) List(ctx context.Context, prefix, after string, limit int) ([]providers.Entry, error) {
	return s.list(ctx, s.c.store, prefix, after, limit)
}

func (s *integrationState) list(ctx context.Context, r store.Reader, prefix, after string, limit int) ([]providers.Entry, error) {
	if len(prefix) > MaxStateKeyLen || strings.ContainsFunc(prefix, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return nil, errs.Invalid("prefix", "a state key prefix is printable ASCII, at most %d bytes", MaxStateKeyLen)
	}
	if limit <= 0 || limit > filter.MaxLimit {
		limit = filter.MaxLimit
	}
	from := s.id(prefix)
	filters := []string{"id[gte]" + from, "id[lt]" + from + maxRune}
	if after != "" {
		if err := checkStateKey(after); err != nil {
			return nil, err
		}
		filters = append(filters, "id[gt]"+s.id(after))
	}
	b, err := bind(store.ProviderState, ListOptions{Filter: filters, Order: []string{"id"}, Limit: limit})
	if err != nil {
		return nil, err
	}
	p, err := r.List(ctx, store.ListRequest{Kind: store.ProviderState, Query: b, Scope: s.integrationID})
	if err != nil {
		return nil, err
	}
	out := make([]providers.Entry, 0, len(p.Objects))
	for _, o := range p.Objects {
		var d stateDoc
		if err := json.Unmarshal(o.Doc, &d); err != nil {
			return nil, errs.Wrap(errs.Internal, err, "provider state of %s is corrupt", s.integrationID)
		}
		out = append(out, providers.Entry{Key: d.Key, Value: d.Value})
	}
	return out, nil
}
