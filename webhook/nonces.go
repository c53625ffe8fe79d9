package webhook

import (
	"container/heap"
	"sync"
	"time"
)

// NonceStore remembers the nonces of the bodies a receiver accepted, so
// that [Verify] refuses a replayed body.
//
// Seen reports whether nonce was seen before (and has not expired), and
// records it, to be remembered until expires; the check and the record are
// one atomic step, so that of two concurrent calls with the same nonce
// only one reports false. A store shared by several instances of a receiver
// (in a database, say) lets them refuse each other's replays.
type NonceStore interface {
	Seen(nonce string, expires time.Time) bool
}

// MemoryNonces is a [NonceStore] in memory, for a receiver running as one
// process. It is safe for concurrent use. It forgets a nonce once the nonce
// expires: every call first purges the expired nonces, so its memory is
// bounded by the nonces still live (those of the last twice-the-tolerance,
// with [Verify]). Expiry is judged by the wall clock (time.Now), so the
// expiries given to Seen should be computed from it too. The zero value is ready for use, as is
// [NewMemoryNonces]'s.
type MemoryNonces struct {
	mu sync.Mutex
	// now is the clock expiry is judged by; time.Now but in tests.
	now func() time.Time
	// expires maps each live nonce to its expiry.
	expires map[string]time.Time
	// order holds the nonces of expires by expiry, soonest first.
	order nonceHeap
}

// NewMemoryNonces returns an empty [MemoryNonces].
func NewMemoryNonces() *MemoryNonces {
	return &MemoryNonces{now: time.Now, expires: make(map[string]time.Time)}
}

// Seen reports whether nonce was seen before and has not expired, and
// records it until expires. A nonce seen before keeps its first expiry.
func (m *MemoryNonces) Seen(nonce string, expires time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.expires == nil {
		m.expires = make(map[string]time.Time)
	}
	now := time.Now
	if m.now != nil {
		now = m.now
	}
	m.purge(now())
	if _, ok := m.expires[nonce]; ok {
		return true
	}
	m.expires[nonce] = expires
	heap.Push(&m.order, nonceEntry{nonce: nonce, expires: expires})
	return false
}

// forget removes nonce, so that it may be accepted again: Handler calls it
// when the application fails to process a body, so that the sender's
// retry is not refused as a replay.
func (m *MemoryNonces) forget(nonce string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Its heap entry stays until it expires; purge skips it then.
	delete(m.expires, nonce)
}

// len returns how many nonces m holds, in memory, for tests.
func (m *MemoryNonces) len() (nonces, entries int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.expires), len(m.order)
}

// purge drops the nonces expired at now. m.mu is held.
func (m *MemoryNonces) purge(now time.Time) {
	for len(m.order) > 0 && !m.order[0].expires.After(now) {
		e := heap.Pop(&m.order).(nonceEntry)
		// The nonce may have been forgotten, and recorded again with
		// another expiry since.
		if exp, ok := m.expires[e.nonce]; ok && exp.Equal(e.expires) {
			delete(m.expires, e.nonce)
		}
	}
}

// forgetter is a NonceStore that can take a nonce back.
type forgetter interface {
	forget(nonce string)
}

// nonceEntry is a nonce and its expiry.
type nonceEntry struct {
	nonce   string
	expires time.Time
}

// nonceHeap is a min-heap of nonces by expiry (container/heap).
type nonceHeap []nonceEntry

func (h nonceHeap) Len() int           { return len(h) }
func (h nonceHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h nonceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nonceHeap) Push(x any)        { *h = append(*h, x.(nonceEntry)) }
func (h *nonceHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nonceEntry{}
	*h = old[:len(old)-1]
	return e
}
