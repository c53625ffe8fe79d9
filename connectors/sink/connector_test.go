package sink

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
)

func init() { retryWait = time.Millisecond }

var testReg = Registration{
	ID: "sink_unit_test", Fullname: "unit test",
	Capabilities: Capabilities{Operations: Operations},
	NewConfig:    func() providers.Config { return nil },
}

// scripted is a driver whose answer to each batch is decided by a func.
type scripted struct {
	Unimplemented
	limits  Limits
	mu      sync.Mutex
	batches [][]int // the Index of every item of every batch
	answer  func(call int, b *Batch) error
	delay   time.Duration
	active  atomic.Int32
	maxAct  atomic.Int32
}

func (d *scripted) Limits() Limits { return d.limits }

func (d *scripted) WriteBatch(ctx context.Context, b *Batch) error {
	n := d.active.Add(1)
	defer d.active.Add(-1)
	for {
		m := d.maxAct.Load()
		if n <= m || d.maxAct.CompareAndSwap(m, n) {
			break
		}
	}
	if d.delay > 0 {
		time.Sleep(d.delay)
	}
	d.mu.Lock()
	idx := make([]int, len(b.Items))
	for i, it := range b.Items {
		idx[i] = it.Index
	}
	d.batches = append(d.batches, idx)
	call := len(d.batches) - 1
	d.mu.Unlock()
	if d.answer == nil {
		return nil
	}
	return d.answer(call, b)
}

func event(i int) ocsf.Event {
	ev := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
	ev.Time = ocsf.Timestamp(1700000000000 + i)
	ev.Metadata = &ocsf.Metadata{UID: fmt.Sprint(i), Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "t"}}
	ev.FindingInfo = &ocsf.FindingInfo{UID: fmt.Sprint(i), Title: "t"}
	return ev
}

func events(n int) []ocsf.Event {
	out := make([]ocsf.Event, n)
	for i := range out {
		out[i] = event(i)
	}
	return out
}

func TestBatchesWithinLimits(t *testing.T) {
	one := len(mustJSON(t, event(0)))
	d := &scripted{limits: Limits{MaxEvents: 4, MaxBytes: 3*one + 10}}
	res, err := NewConnector(testReg, d).PostEvents(t.Context(), events(10), PostOptions{})
	require.NoError(t, err)
	assert.Equal(t, 10, res.Written)
	// 3 fit by bytes, not 4 by count.
	assert.Equal(t, [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9}}, d.batches)
	assert.Equal(t, 4, res.Batches)
}

func mustJSON(t *testing.T, ev ocsf.Event) []byte {
	b, err := ev.MarshalJSON()
	require.NoError(t, err)
	return b
}

func TestRetryableItemsAreSentAgain(t *testing.T) {
	d := &scripted{limits: Limits{MaxEvents: 5}}
	d.answer = func(call int, b *Batch) error {
		switch call {
		case 0: // items 1 and 3 busy, item 4 refused for good
			return &BatchError{Failures: []ItemFailure{
				{Item: 1, Err: errs.New(errs.RateLimited, "busy"), Retryable: true},
				{Item: 3, Err: errs.New(errs.RateLimited, "busy"), Retryable: true},
				{Item: 4, Err: errs.Invalid("x", "mapping")},
			}}
		case 1: // the resend of 1 and 3: 3 busy again
			return &BatchError{Failures: []ItemFailure{{Item: 1, Err: errs.New(errs.RateLimited, "busy"), Retryable: true}}}
		}
		return nil
	}
	res, err := NewConnector(testReg, d).PostEvents(t.Context(), events(5), PostOptions{})
	var pe *PostError
	require.ErrorAs(t, err, &pe)
	assert.True(t, errors.Is(err, errs.InvalidInput), "%v", err)
	assert.Equal(t, [][]int{{0, 1, 2, 3, 4}, {1, 3}, {3}}, d.batches)
	assert.Equal(t, 4, res.Written)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, 4, res.Failed[0].Index)
	var e *errs.Error
	require.ErrorAs(t, res.Failed[0].Err, &e)
	assert.Equal(t, "sink_unit_test", e.Provider)
	assert.Equal(t, "post_events", e.Operation)
}

func TestRetryRoundsAreBounded(t *testing.T) {
	d := &scripted{limits: Limits{MaxEvents: 5}}
	d.answer = func(call int, b *Batch) error {
		return &BatchError{Failures: []ItemFailure{{Item: 0, Err: errs.New(errs.RateLimited, "busy"), Retryable: true}}}
	}
	res, err := NewConnector(testReg, d).PostEvents(t.Context(), events(2), PostOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.RateLimited))
	assert.Len(t, d.batches, 1+MaxRetryRounds)
	assert.Equal(t, 1, res.Written)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, 0, res.Failed[0].Index)
}

func TestWholeBatchFailureStopsThePost(t *testing.T) {
	d := &scripted{limits: Limits{MaxEvents: 3}}
	d.answer = func(call int, b *Batch) error {
		if call == 1 {
			return errs.New(errs.Unauthorized, "token revoked")
		}
		return nil
	}
	res, err := NewConnector(testReg, d).PostEvents(t.Context(), events(10), PostOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.Unauthorized))
	assert.Equal(t, 3, res.Written)
	assert.Equal(t, 10, res.Events)
	require.Len(t, res.Failed, 7)
	for i, f := range res.Failed {
		assert.Equal(t, 3+i, f.Index)
		assert.True(t, errors.Is(f.Err, errs.Unauthorized))
	}
	// Batch 2 may have been cut, but nothing after the failure was sent.
	assert.Len(t, d.batches, 2)
}

func TestInvalidEventSendsNothing(t *testing.T) {
	d := &scripted{}
	evs := events(3)
	evs[2].(*ocsf.DetectionFinding).FindingInfo = nil
	_, err := NewConnector(testReg, d).PostEvents(t.Context(), evs, PostOptions{})
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "events[2].finding_info", e.Field)
	assert.Empty(t, d.batches)
}

func TestWriterBackpressure(t *testing.T) {
	// A slow vendor: the writer never has more than one batch in flight,
	// and Write blocks instead of buffering.
	d := &scripted{limits: Limits{MaxEvents: 10}, delay: 5 * time.Millisecond}
	w, err := NewConnector(testReg, d).NewWriter(t.Context(), PostOptions{Location: "x"})
	require.NoError(t, err)
	start := time.Now()
	for i := range 100 {
		require.NoError(t, w.Write(event(i)))
	}
	res, err := w.Close()
	require.NoError(t, err)
	assert.Equal(t, 100, res.Written)
	assert.Equal(t, int32(1), d.maxAct.Load())
	assert.GreaterOrEqual(t, time.Since(start), 10*5*time.Millisecond)
	_, err = w.Close()
	require.Error(t, err)
	require.Error(t, w.Write(event(0)))
}

func TestWriterMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates")
	}
	// 50 000 events through a writer whose driver drops them: the heap
	// stays at a few batches, not the stream.
	d := &scripted{limits: Limits{MaxEvents: 500}}
	w, err := NewConnector(testReg, d).NewWriter(t.Context(), PostOptions{})
	require.NoError(t, err)
	d.batches = nil
	var peak uint64
	var ms runtime.MemStats
	ev := event(1)
	for i := range 50_000 {
		require.NoError(t, w.Write(ev))
		if i%5000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			d.mu.Lock()
			d.batches = nil // the spy's own record is not the writer's
			d.mu.Unlock()
		}
	}
	res, err := w.Close()
	require.NoError(t, err)
	assert.Equal(t, 50_000, res.Written)
	// 50 000 events of ~400 bytes of JSON would be ~20 MB if held.
	assert.Less(t, peak, uint64(16<<20), "peak heap %d", peak)
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	d := &scripted{}
	_, err := NewConnector(testReg, d).PostEvents(ctx, events(3), PostOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.Canceled), "%v", err)
}

func TestOversizedEventIsReportedNotSent(t *testing.T) {
	d := &scripted{limits: Limits{MaxEvents: 10, MaxBytes: 1 << 20, MaxEventBytes: 2000}}
	evs := events(3)
	evs[1].EventBase().RawData = string(make([]byte, 3000))
	res, err := NewConnector(testReg, d).PostEvents(t.Context(), evs, PostOptions{})
	require.Error(t, err)
	assert.Equal(t, 2, res.Written)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, 1, res.Failed[0].Index)
	assert.Equal(t, [][]int{{0, 2}}, d.batches)
}

func TestUnsupportedProvider(t *testing.T) {
	r := testReg
	r.Capabilities = Capabilities{}
	_, err := NewConnector(r, &scripted{}).PostEvents(t.Context(), events(1), PostOptions{})
	assert.True(t, errors.Is(err, errs.Unsupported), "%v", err)
	var c *Connector
	_, err = c.PostEvents(t.Context(), nil, PostOptions{})
	assert.True(t, errors.Is(err, errs.InvalidInput))
}
