package providers

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/errs"
)

// Limits of a State, as the management plane's store enforces them.
const (
	// MaxStateKeyLen is the longest State key, in bytes.
	MaxStateKeyLen = 200
	// MaxStateList is the most entries one State.List call returns; a
	// limit of 0, a negative one or a larger one means MaxStateList.
	MaxStateList = 1000
)

// MemoryState is a State kept in memory, with the semantics of the
// State the management plane keeps in its store: keys are 1 to
// MaxStateKeyLen bytes of printable ASCII, values are JSON documents, List
// returns keys in byte order, at most MaxStateList at a time. It is safe for
// concurrent use, and its zero value is an empty State ready to use.
//
// Everything a driver keeps in a MemoryState lives as long as the value:
// build several drivers over one MemoryState to simulate a process restart.
type MemoryState struct {
	mu   sync.RWMutex
	keys []string // sorted
	vals map[string][]byte
}

var _ State = (*MemoryState)(nil)

// NewMemoryState returns an empty in-memory State, for tests, benchmarks
// and demos.
func NewMemoryState() *MemoryState { return &MemoryState{} }

func checkKey(field, key string) error {
	if key == "" || len(key) > MaxStateKeyLen {
		return errs.Invalid(field, "a state key is 1 to %d bytes", MaxStateKeyLen)
	}
	if !printable(key) {
		return errs.Invalid(field, "a state key is printable ASCII")
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Get implements State. The returned slice is the caller's.
func (s *MemoryState) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey("key", key); err != nil {
		return nil, err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.get(key)
}

// Put implements State. It keeps a copy of value.
func (s *MemoryState) Put(ctx context.Context, key string, value []byte) error {
	return s.Update(ctx, func(tx StateTx) error { return tx.Put(ctx, key, value) })
}

// Delete implements State.
func (s *MemoryState) Delete(ctx context.Context, key string) error {
	return s.Update(ctx, func(tx StateTx) error { return tx.Delete(ctx, key) })
}

// List implements State: up to limit entries (see MaxStateList)
// whose keys start with prefix and sort after after, in key order.
func (s *MemoryState) List(ctx context.Context, prefix, after string, limit int) ([]Entry, error) {
	if err := checkList(prefix, after); err != nil {
		return nil, err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.list(prefix, after, limit), nil
}

// Update implements State: fn runs holding the State's lock, so
// its reads and writes are one serializable transaction; if fn fails, every
// write it made is undone.
func (s *MemoryState) Update(ctx context.Context, fn func(tx StateTx) error) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if fn == nil {
		return errs.Invalid("fn", "State.Update needs a function")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{s: s, undo: map[string][]byte{}}
	err := fn(tx)
	if tx.done = true; err != nil {
		tx.rollback()
	}
	return err
}

// memTx is a transaction of a MemoryState; it holds the State's lock.
type memTx struct {
	s *MemoryState
	// undo holds the value of every key before its first write in the
	// transaction (nil: absent).
	undo map[string][]byte
	done bool
}

func (t *memTx) check(ctx context.Context) error {
	if t.done {
		return errs.New(errs.Internal, "the state transaction has ended")
	}
	return ctxErr(ctx)
}

func (t *memTx) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey("key", key); err != nil {
		return nil, err
	}
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.s.get(key)
}

func (t *memTx) List(ctx context.Context, prefix, after string, limit int) ([]Entry, error) {
	if err := checkList(prefix, after); err != nil {
		return nil, err
	}
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.s.list(prefix, after, limit), nil
}

func (t *memTx) Put(ctx context.Context, key string, value []byte) error {
	if err := checkKey("key", key); err != nil {
		return err
	}
	if !json.Valid(value) {
		return errs.Invalid("value", "a state value must be a JSON document")
	}
	if err := t.check(ctx); err != nil {
		return err
	}
	t.remember(key)
	t.s.put(key, slices.Clone(value))
	return nil
}

func (t *memTx) Delete(ctx context.Context, key string) error {
	if err := checkKey("key", key); err != nil {
		return err
	}
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, ok := t.s.vals[key]; !ok {
		return errs.New(errs.NotFound, "state key %q not found", key)
	}
	t.remember(key)
	t.s.del(key)
	return nil
}

// remember keeps key's value before the transaction's first write of it.
func (t *memTx) remember(key string) {
	if _, ok := t.undo[key]; ok {
		return
	}
	t.undo[key] = t.s.vals[key] // nil when absent
}

func (t *memTx) rollback() {
	for k, v := range t.undo {
		if v == nil {
			if _, ok := t.s.vals[k]; ok {
				t.s.del(k)
			}
			continue
		}
		t.s.put(k, v)
	}
}

// get, put, del and list work on the maps; the caller holds s.mu.

func (s *MemoryState) get(key string) ([]byte, error) {
	v, ok := s.vals[key]
	if !ok {
		return nil, errs.New(errs.NotFound, "state key %q not found", key)
	}
	return slices.Clone(v), nil
}

func (s *MemoryState) put(key string, v []byte) {
	if s.vals == nil {
		s.vals = map[string][]byte{}
	}
	if _, ok := s.vals[key]; !ok {
		// Keys mostly arrive in increasing order (ticket ids), so the
		// insertion is usually an append.
		if n := len(s.keys); n == 0 || s.keys[n-1] < key {
			s.keys = append(s.keys, key)
		} else {
			i, _ := slices.BinarySearch(s.keys, key)
			s.keys = slices.Insert(s.keys, i, key)
		}
	}
	s.vals[key] = v
}

func (s *MemoryState) del(key string) {
	delete(s.vals, key)
	if i, found := slices.BinarySearch(s.keys, key); found {
		s.keys = slices.Delete(s.keys, i, i+1)
	}
}

func checkList(prefix, after string) error {
	if len(prefix) > MaxStateKeyLen || !printable(prefix) {
		return errs.Invalid("prefix", "a state key prefix is printable ASCII, at most %d bytes", MaxStateKeyLen)
	}
	if after != "" {
		return checkKey("after", after)
	}
	return nil
}

func (s *MemoryState) list(prefix, after string, limit int) []Entry {
	if limit <= 0 || limit > MaxStateList {
		limit = MaxStateList
	}
	i, _ := slices.BinarySearch(s.keys, prefix)
	if after >= prefix {
		j, found := slices.BinarySearch(s.keys, after)
		if found {
			j++
		}
		i = max(i, j)
	}
	var out []Entry
	for ; i < len(s.keys) && len(out) < limit; i++ {
		k := s.keys[i]
		if !strings.HasPrefix(k, prefix) {
			break
		}
		out = append(out, Entry{Key: k, Value: slices.Clone(s.vals[k])})
	}
	return out
}

// Len returns the number of keys held.
func (s *MemoryState) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.keys)
}

func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return errs.Invalid("ctx", "nil context")
	}
	if err := ctx.Err(); err != nil {
		return errs.Wrap(errs.Internal, err, "state call canceled")
	}
	return nil
}
