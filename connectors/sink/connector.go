package sink

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
)

// Limits of the connector's arguments and retries.
const (
	// MaxLocationLen bounds PostOptions.Location in bytes.
	MaxLocationLen = 1024
	// MaxRetryRounds bounds how many times the events a vendor refused in
	// a retryable way are sent again.
	MaxRetryRounds = 3
)

// retryWait is the first wait before events are sent again; it doubles
// each round. A variable so that tests need not wait.
var retryWait = 200 * time.Millisecond

// Connector is the portable sink API, bound to one integration. It is safe
// for concurrent use. Get one with Open or NewConnector.
type Connector struct {
	b *kit.Binding[Driver]
}

// Open returns the sink connector of the integration with the given id,
// resolved through src: a *synqly.Client or a *synqly.AccountScope (see
// ticketing.Open for how the source resolves it).
//
//	sk, err := sink.Open(ctx, client.Account(accountID), integrationID)
func Open(ctx context.Context, src providers.Source, integrationID string) (*Connector, error) {
	return kit.Open(ctx, providers.Sink, src, integrationID, bound)
}

func bound(b *kit.Binding[Driver]) *Connector { return &Connector{b: b} }

// NewConnector returns a Connector over a driver built directly with the
// registration's Open; tel, if given, says where telemetry goes besides
// the OpenTelemetry globals.
func NewConnector(r Registration, d Driver, tel ...providers.Telemetry) *Connector {
	return bound(kit.Fixed(r.Provider(), d, tel...))
}

func nilConnector() error { return errs.New(errs.InvalidInput, "sink: nil Connector") }

// Capabilities returns what the connector's provider supports.
func (c *Connector) Capabilities(ctx context.Context) (Capabilities, error) {
	if c == nil {
		return Capabilities{}, nilConnector()
	}
	return kit.Capabilities[Driver, Capabilities](ctx, c.b)
}

// As sets target, a pointer to an interface, to the provider's driver if
// the driver implements that interface (as gocloud's As does): the way to
// a provider's own API beyond the portable one.
func (c *Connector) As(ctx context.Context, target any) (bool, error) {
	if c == nil {
		return false, nilConnector()
	}
	return kit.As(ctx, c.b, target)
}

// PostOptions modify a post.
type PostOptions struct {
	// Location says where in the sink the events go, in the provider's
	// terms: a Splunk index, an Elasticsearch index, a path under the
	// bucket's configured prefix. "" is the integration's default.
	Location string
}

// Result says what a post did.
type Result struct {
	// Events is the number of events given (to a Writer: accepted).
	Events int
	// Written is the number the vendor accepted.
	Written int
	// Batches is the number of WriteBatch calls, retries included.
	Batches int
	// Failed lists every event that was not written, in order of index,
	// with why: refused by the vendor, in a batch that failed as a whole,
	// or not sent because an earlier batch failed.
	Failed []Failure
}

// Failure is one event that was not written.
type Failure struct {
	// Index is the event's position in the post.
	Index int
	// Err says why: an *errs.Error naming the provider and operation.
	Err error
}

// PostError is the error of a post in which some events were not written.
// errors.Is and errors.As reach the first failure's error (errs.RateLimited,
// errs.ProviderError, ...).
type PostError struct {
	Result *Result
	first  error
}

// Error says how many events were not written, and the first one's index
// and reason.
func (e *PostError) Error() string {
	r := e.Result
	f := r.Failed[0]
	return fmt.Sprintf("sink: %d of %d events were not written; the first, events[%d]: %v", len(r.Failed), r.Events, f.Index, f.Err)
}

// Unwrap returns the first failure's error.
func (e *PostError) Unwrap() error { return e.first }

// PostEvents writes events to the sink, in batches within the provider's
// limits, one batch at a time and in order. It first validates every event
// (Event.Validate) and sends nothing if one is invalid: that error is
// errs.InvalidInput naming the event and the path in it
// ("events[3].finding_info.uid"). An event whose JSON exceeds the
// provider's MaxEventBytes is not sent and is reported in Result.Failed.
//
// When every event was written the error is nil. Otherwise it is a
// *PostError and Result.Failed says which events were not written and why;
// once a batch fails as a whole, the events after it are not sent.
func (c *Connector) PostEvents(ctx context.Context, events []ocsf.Event, opts PostOptions) (*Result, error) {
	if c == nil {
		return nil, nilConnector()
	}
	for i, ev := range events {
		if err := validate(ev, i); err != nil {
			return nil, err
		}
	}
	w, err := c.newWriter(ctx, opts)
	if err != nil {
		return nil, err
	}
	for _, ev := range events {
		if err := w.add(ev); err != nil {
			break // the rest is reported by Close
		}
	}
	// Events never given to the writer (after a failed batch) are failed.
	return w.close(len(events))
}

// validate checks one event for a post; i is its index in the post, or
// -1 for a Writer's event. The error's path is built only when there is
// one: this runs for every event.
func validate(ev ocsf.Event, i int) error {
	at := func() string {
		if i < 0 {
			return "event"
		}
		return "events[" + strconv.Itoa(i) + "]"
	}
	if isNil(ev) {
		return errs.Invalid(at(), "%s is nil", at())
	}
	err := ev.Validate()
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) && e.Field != "" {
		msg := strings.TrimPrefix(e.Message, e.Field+": ")
		return errs.Invalid(at()+"."+e.Field, "%s (%s): %s: %s", at(), ev.ClassName(), e.Field, msg)
	}
	return errs.Wrap(errs.InvalidInput, err, "%s (%s)", at(), ev.ClassName())
}

func isNil(ev ocsf.Event) bool {
	if ev == nil {
		return true
	}
	v := reflect.ValueOf(ev) // a typed nil pointer in the interface
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Writer writes a stream of events to a sink, in batches within the
// provider's limits. At most one batch is being filled and one is being
// sent: Write blocks while the vendor is slow, so memory stays bounded. A
// Writer is not safe for concurrent use; Close it to send the last batch
// and learn the Result.
type Writer struct {
	ctx      context.Context
	c        *Connector
	opts     PostOptions
	limits   Limits
	provider string

	cur     *Batch
	next    int // the index of the next accepted event
	pending chan sent
	res     Result
	stopped error // a batch failed as a whole: nothing more is sent
	closed  bool
}

// sent is what sending one batch came to.
type sent struct {
	written, batches int
	failed           []Failure
	stop             error
}

// NewWriter returns a Writer that posts to the sink with ctx (which bounds
// every batch: cancel it to stop). The integration is resolved now, so a
// missing integration or an expired credential fails here.
func (c *Connector) NewWriter(ctx context.Context, opts PostOptions) (*Writer, error) {
	if c == nil {
		return nil, nilConnector()
	}
	return c.newWriter(ctx, opts)
}

func (c *Connector) newWriter(ctx context.Context, opts PostOptions) (*Writer, error) {
	if err := kit.CheckText("location", opts.Location, MaxLocationLen, false); err != nil {
		return nil, err
	}
	d, r, err := c.b.Resolve(ctx)
	if err != nil {
		return nil, err
	}
	if !r.Provider.Supports(string(OpPostEvents)) {
		return nil, kit.Unsupported(r.Provider.ID, string(OpPostEvents))
	}
	return &Writer{ctx: ctx, c: c, opts: opts, limits: d.Limits().withDefaults(), provider: r.Provider.ID}, nil
}

// Write validates ev, encodes it and adds it to the batch being filled,
// sending the batch when it is full (and waiting, first, for the one being
// sent). An invalid event is refused with errs.InvalidInput and is not
// counted. Once a batch has failed as a whole, Write returns that error.
func (w *Writer) Write(ev ocsf.Event) error {
	if w == nil {
		return errs.New(errs.InvalidInput, "sink: nil Writer")
	}
	if w.closed {
		return errs.New(errs.InvalidInput, "sink: Write after Close")
	}
	if err := validate(ev, -1); err != nil {
		return err
	}
	return w.add(ev)
}

// add encodes a validated event into the current batch.
func (w *Writer) add(ev ocsf.Event) error {
	if w.stopped != nil {
		return w.stopped
	}
	b, err := ev.MarshalJSON()
	if err != nil {
		w.skip(kit.Wrap(errs.Wrap(errs.InvalidInput, err, "encoding the event"), w.provider, string(OpPostEvents)))
		return nil
	}
	if len(b) > w.limits.MaxEventBytes {
		w.skip(&errs.Error{Code: errs.InvalidInput, Provider: w.provider, Operation: string(OpPostEvents),
			Message: fmt.Sprintf("the event is %d bytes of JSON; the provider takes at most %d", len(b), w.limits.MaxEventBytes)})
		return nil
	}
	if w.cur != nil && (len(w.cur.Items) >= w.limits.MaxEvents || w.cur.Bytes+len(b) > w.limits.MaxBytes) {
		if err := w.flush(); err != nil {
			return err // the event is not taken
		}
	}
	if w.cur == nil {
		w.cur = &Batch{Location: w.opts.Location, Items: make([]Item, 0, min(w.limits.MaxEvents, 1024))}
	}
	idx := w.next
	w.next++
	w.res.Events++
	w.cur.Items = append(w.cur.Items, Item{Index: idx, Event: ev, JSON: b})
	w.cur.Bytes += len(b)
	return nil
}

// skip takes an event that is not sent, as failed with err.
func (w *Writer) skip(err error) {
	w.res.Failed = append(w.res.Failed, Failure{w.next, err})
	w.next++
	w.res.Events++
}

// wait takes the result of the batch being sent, if any.
func (w *Writer) wait() {
	if w.pending == nil {
		return
	}
	s := <-w.pending
	w.pending = nil
	w.res.Written += s.written
	w.res.Batches += s.batches
	w.res.Failed = append(w.res.Failed, s.failed...)
	if s.stop != nil && w.stopped == nil {
		w.stopped = s.stop
	}
}

// flush sends the current batch once the previous one is done.
func (w *Writer) flush() error {
	w.wait()
	if w.stopped != nil {
		// Not sent: the batch before failed as a whole.
		w.failAll(w.cur, w.stopped)
		w.cur = nil
		return w.stopped
	}
	b := w.cur
	w.cur = nil
	if b == nil || len(b.Items) == 0 {
		return nil
	}
	ch := make(chan sent, 1)
	w.pending = ch
	go func() { ch <- w.send(b) }()
	return nil
}

func (w *Writer) failAll(b *Batch, err error) {
	if b == nil {
		return
	}
	for _, it := range b.Items {
		w.res.Failed = append(w.res.Failed, Failure{it.Index, err})
	}
}

// send writes one batch, sending again the events the vendor refused in a
// retryable way, up to MaxRetryRounds times.
func (w *Writer) send(b *Batch) sent {
	var s sent
	op := string(OpPostEvents)
	for round := 0; ; round++ {
		if err := w.ctx.Err(); err != nil {
			cerr := errs.FromContext(err, nil, "sink: stopped before sending %d events", len(b.Items))
			for _, it := range b.Items {
				s.failed = append(s.failed, Failure{it.Index, cerr})
			}
			s.stop = cerr
			return s
		}
		s.batches++
		err := kit.Run(w.ctx, w.c.b, op, func(ctx context.Context, d Driver, _ *providers.Resolved) error {
			return d.WriteBatch(ctx, b)
		})
		if err == nil {
			s.written += len(b.Items)
			return s
		}
		var be *BatchError
		if !errors.As(err, &be) {
			// The batch failed as a whole: none of it is known written.
			for _, it := range b.Items {
				s.failed = append(s.failed, Failure{it.Index, err})
			}
			s.stop = err
			return s
		}
		var again []Item
		refused := make([]bool, len(b.Items))
		for _, f := range be.Failures {
			if f.Item < 0 || f.Item >= len(b.Items) || refused[f.Item] {
				continue // a driver's bug: ignore what it cannot mean
			}
			refused[f.Item] = true
			it := b.Items[f.Item]
			if f.Retryable && round < MaxRetryRounds {
				again = append(again, it)
				continue
			}
			s.failed = append(s.failed, Failure{it.Index, kit.Wrap(f.Err, w.provider, op)})
		}
		for i := range b.Items {
			if !refused[i] {
				s.written++
			}
		}
		if len(again) == 0 {
			return s
		}
		t := time.NewTimer(retryWait << round)
		select {
		case <-w.ctx.Done():
			t.Stop()
			cerr := errs.FromContext(w.ctx.Err(), nil, "sink: stopped before sending %d refused events again", len(again))
			for _, it := range again {
				s.failed = append(s.failed, Failure{it.Index, cerr})
			}
			s.stop = cerr
			return s
		case <-t.C:
		}
		nb := &Batch{Location: b.Location, Items: again}
		for _, it := range again {
			nb.Bytes += len(it.JSON)
		}
		b = nb
	}
}

// Close sends the last batch, waits for it and returns the Result of the
// whole stream: a nil error when every accepted event was written, else a
// *PostError.
func (w *Writer) Close() (*Result, error) {
	if w == nil {
		return nil, errs.New(errs.InvalidInput, "sink: nil Writer")
	}
	if w.closed {
		return nil, errs.New(errs.InvalidInput, "sink: Writer closed twice")
	}
	return w.close(w.next)
}

// close finishes the post; total is the number of events of the post
// (more than were added when the post stopped early).
func (w *Writer) close(total int) (*Result, error) {
	w.closed = true
	_ = w.flush()
	w.wait()
	if w.stopped != nil && total > w.next {
		for i := w.next; i < total; i++ {
			w.res.Failed = append(w.res.Failed, Failure{i, w.stopped})
		}
		w.res.Events = total
	}
	res := w.res
	slices.SortFunc(res.Failed, func(a, b Failure) int { return a.Index - b.Index })
	if len(res.Failed) == 0 {
		return &res, nil
	}
	return &res, &PostError{Result: &res, first: res.Failed[0].Err}
}
