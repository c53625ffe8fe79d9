package mock

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// Limits of a State, as the management plane's store enforces them.
const (
	// MaxStateKeyLen is the longest State key, in bytes.
	MaxStateKeyLen = 200
	// MaxStateList is the most entries one State.List call returns; a
	// limit of 0, a negative one or a larger one means MaxStateList.
	MaxStateList = 1000
)

// MemoryState is a providers.State kept in memory, with the semantics of the
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

var _ providers.State = (*MemoryState)(nil)

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

// Get implements providers.State. The returned slice is the caller's.
func (s *MemoryState) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey("key", key); err != nil {
		return nil, err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.vals[key]
	if !ok {
		return nil, errs.New(errs.NotFound, "state key %q not found", key)
	}
	return slices.Clone(v), nil
}

// Put implements providers.State. It keeps a copy of value.
func (s *MemoryState) Put(ctx context.Context, key string, value []byte) error {
	if err := checkKey("key", key); err != nil {
		return err
	}
	if !json.Valid(value) {
		return errs.Invalid("value", "a state value must be a JSON document")
	}
	if err := ctxErr(ctx); err != nil {
		return err
	}
	v := slices.Clone(value)
	s.mu.Lock()
	defer s.mu.Unlock()
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
	return nil
}

// Delete implements providers.State.
func (s *MemoryState) Delete(ctx context.Context, key string) error {
	if err := checkKey("key", key); err != nil {
		return err
	}
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.vals[key]; !ok {
		return errs.New(errs.NotFound, "state key %q not found", key)
	}
	delete(s.vals, key)
	if i, found := slices.BinarySearch(s.keys, key); found {
		s.keys = slices.Delete(s.keys, i, i+1)
	}
	return nil
}

// List implements providers.State: up to limit entries (see MaxStateList)
// whose keys start with prefix and sort after after, in key order.
func (s *MemoryState) List(ctx context.Context, prefix, after string, limit int) ([]providers.Entry, error) {
	if len(prefix) > MaxStateKeyLen || !printable(prefix) {
		return nil, errs.Invalid("prefix", "a state key prefix is printable ASCII, at most %d bytes", MaxStateKeyLen)
	}
	if after != "" {
		if err := checkKey("after", after); err != nil {
			return nil, err
		}
	}
	if limit <= 0 || limit > MaxStateList {
		limit = MaxStateList
	}
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, _ := slices.BinarySearch(s.keys, prefix)
	if after >= prefix {
		j, found := slices.BinarySearch(s.keys, after)
		if found {
			j++
		}
		i = max(i, j)
	}
	var out []providers.Entry
	for ; i < len(s.keys) && len(out) < limit; i++ {
		k := s.keys[i]
		if !strings.HasPrefix(k, prefix) {
			break
		}
		out = append(out, providers.Entry{Key: k, Value: slices.Clone(s.vals[k])})
	}
	return out, nil
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
