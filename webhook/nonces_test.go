package webhook

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestMemoryNonces(t *testing.T) {
	clock := &fakeClock{t: testNow}
	m := NewMemoryNonces()
	m.now = clock.now
	ttl := 10 * time.Minute

	steps := []struct {
		name    string
		advance time.Duration
		nonce   string
		want    bool
	}{
		{"first a", 0, "a", false},
		{"again a", 0, "a", true},
		{"first b", time.Minute, "b", false},
		{"a just before it expires", ttl - time.Minute - time.Nanosecond, "a", true},
		{"a once expired", time.Nanosecond, "a", false},
		{"a recorded again", 0, "a", true},
		{"b still live", 0, "b", true},
		{"b once expired", time.Minute, "b", false},
	}
	for _, s := range steps {
		clock.add(s.advance)
		if got := m.Seen(s.nonce, clock.now().Add(ttl)); got != s.want {
			t.Fatalf("%s: Seen(%q) = %v, want %v", s.name, s.nonce, got, s.want)
		}
	}
}

func TestMemoryNoncesPurge(t *testing.T) {
	clock := &fakeClock{t: testNow}
	m := NewMemoryNonces()
	m.now = clock.now
	ttl := 10 * time.Minute

	// A steady 100 nonces a minute for a day: memory stays bounded by the
	// nonces of the last ttl.
	const perMinute = 100
	maxLive := 0
	for minute := range 24 * 60 {
		for i := range perMinute {
			if m.Seen(fmt.Sprintf("n-%d-%d", minute, i), clock.now().Add(ttl)) {
				t.Fatalf("a new nonce was reported seen")
			}
		}
		nonces, entries := m.len()
		maxLive = max(maxLive, nonces, entries)
		clock.add(time.Minute)
	}
	if limit := perMinute * (int(ttl/time.Minute) + 1); maxLive > limit {
		t.Fatalf("MemoryNonces held %d nonces, more than the %d of the last %s", maxLive, limit, ttl)
	}

	// Everything expires once the clock passes the last expiry.
	clock.add(ttl + time.Second)
	m.Seen("last", clock.now().Add(ttl))
	if nonces, entries := m.len(); nonces != 1 || entries != 1 {
		t.Fatalf("after every nonce expired MemoryNonces holds %d nonces, %d entries, want 1", nonces, entries)
	}

	// A forgotten nonce is accepted again, and its stale entry is purged
	// when it expires.
	m.forget("last")
	if m.Seen("last", clock.now().Add(ttl)) {
		t.Fatal("a forgotten nonce was reported seen")
	}
	clock.add(ttl + time.Second)
	m.Seen("other", clock.now().Add(ttl))
	if nonces, entries := m.len(); nonces != 1 || entries != 1 {
		t.Fatalf("MemoryNonces holds %d nonces, %d entries, want 1", nonces, entries)
	}
}

func TestMemoryNoncesZeroValue(t *testing.T) {
	var m MemoryNonces
	if m.Seen("x", time.Now().Add(time.Minute)) || !m.Seen("x", time.Now().Add(time.Minute)) {
		t.Fatal("the zero MemoryNonces does not remember")
	}
}

func TestMemoryNoncesConcurrent(t *testing.T) {
	m := NewMemoryNonces()
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for i := range 100 {
				if !m.Seen(fmt.Sprint("nonce-", i), time.Now().Add(time.Minute)) {
					firsts.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := firsts.Load(); got != 100 {
		t.Fatalf("%d calls reported a first sighting of 100 nonces, want 100", got)
	}
}
