// Package sinktest is the conformance suite every sink driver runs, and
// the shared fault suite through RunFaults. A driver's test describes the
// driver with a Harness — how to open it over a fresh sink, and how to read
// back what the vendor received — and calls Run:
//
//	func TestConformance(t *testing.T) {
//		sinktest.Run(t, sinktest.Harness{
//			Registration: splunk.Sink,
//			Open: func(t *testing.T) (sink.Driver, sinktest.Received) { ... },
//		})
//	}
//
// # What the suite requires
//
//   - The registration declares post_events, and the driver implements it
//     (RegistryConsistency); its Limits are usable (Limits).
//   - Nil and invalid events, and a bad location, are errs.ErrInvalidInput
//     naming the event, with no driver call (InvalidInput).
//   - Events of several classes, with members the schema does not define,
//     arrive once each and decode to the same OCSF JSON (RoundTrip).
//   - A post of several batches' worth arrives whole, each event once, in
//     batches within the driver's Limits (Batching).
//   - A post to another location lands there (Location, when the harness
//     names one); an empty post sends nothing (Empty).
//   - An event over MaxEventBytes is reported failed, by index, and the
//     others arrive (Oversized); an event the vendor refuses on its own is
//     reported, and only it (PartialFailure, when the harness has one).
//   - 4 goroutines posting at once each get their events written (run with
//     -race).
package sinktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
)

// Record is one event as the vendor holds it.
type Record struct {
	// Location is where the event landed, in PostOptions.Location's terms
	// ("" for the integration's default).
	Location string
	// Event is the event's OCSF JSON, taken out of the vendor's envelope
	// (Splunk's "event", an NDJSON line, an SQS message body).
	Event json.RawMessage
}

// Received returns every event the sink holds, in any order.
type Received func(t *testing.T) []Record

// Harness describes a sink driver to Run.
type Harness struct {
	// Registration is the provider's registration.
	Registration sink.Registration
	// Open returns a driver over a fresh, empty sink for one subtest, and
	// the way to read what the sink received. The suite closes the driver.
	Open func(t *testing.T) (sink.Driver, Received)
	// Location, if not "", is a location the provider takes besides the
	// default (an index name, a path), for the Location subtest.
	Location string
	// Refused, if set, returns a valid event the vendor refuses on its own
	// (a mapping conflict), for the PartialFailure subtest.
	Refused func() ocsf.Event
	// MaxBatching caps the events of the Batching subtest (default 2000),
	// for vendors whose fakes are slow.
	MaxBatching int
}

// Run runs the conformance suite against the driver h describes.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Open == nil || h.Registration.ID == "" {
		t.Fatal("sinktest: Harness.Open and Harness.Registration are required")
	}
	for _, st := range []struct {
		name string
		run  func(*env)
	}{
		{"RegistryConsistency", testRegistryConsistency},
		{"Limits", testLimits},
		{"InvalidInput", testInvalidInput},
		{"RoundTrip", testRoundTrip},
		{"Batching", testBatching},
		{"Location", testLocation},
		{"Empty", testEmpty},
		{"Oversized", testOversized},
		{"PartialFailure", testPartialFailure},
		{"Concurrency", testConcurrency},
	} {
		t.Run(st.name, func(t *testing.T) {
			var recv Received
			d := conformance.OpenDriver(t, func(t *testing.T) sink.Driver {
				d, r := h.Open(t)
				recv = r
				return d
			})
			if recv == nil {
				t.Fatal("Harness.Open returned no Received")
			}
			s := &spy{Driver: d}
			st.run(&env{t: t, ctx: t.Context(), h: h, d: d, spy: s, recv: recv,
				c: sink.NewConnector(h.Registration, s)})
		})
	}
}

type env struct {
	t    *testing.T
	ctx  context.Context
	h    Harness
	d    sink.Driver
	spy  *spy
	recv Received
	c    *sink.Connector
}

// spy records the batches the connector hands the driver.
type spy struct {
	sink.Driver
	mu      sync.Mutex
	batches []batchSeen
}

type batchSeen struct{ events, bytes int }

func (s *spy) WriteBatch(ctx context.Context, b *sink.Batch) error {
	s.mu.Lock()
	s.batches = append(s.batches, batchSeen{len(b.Items), b.Bytes})
	s.mu.Unlock()
	return s.Driver.WriteBatch(ctx, b)
}

func (s *spy) seen() []batchSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]batchSeen(nil), s.batches...)
}

// Event returns a valid Detection Finding whose metadata.uid is uid, with
// a member the schema does not define at its top and in its finding_info.
func Event(uid string) *ocsf.DetectionFinding {
	ev := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
	ev.Time = 1764650000000
	ev.SeverityID = ocsf.SeverityIDHigh
	ev.Message = "sinktest " + uid + ` <&> "quoted" é`
	ev.Metadata = &ocsf.Metadata{UID: uid, Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "sinktest", VendorName: "synqly"}}
	ev.FindingInfo = &ocsf.FindingInfo{UID: "f-" + uid, Title: "Test finding " + uid,
		Extra: map[string]json.RawMessage{"x_vendor_score": json.RawMessage(`0.5`)}}
	ev.Extra = map[string]json.RawMessage{"x_vendor": json.RawMessage(`{"tags":["a","b"],"n":1}`)}
	return ev
}

func authEvent(uid string) *ocsf.Authentication {
	ev := &ocsf.Authentication{ActivityID: ocsf.AuthenticationActivityIDLogon}
	ev.Time = 1764650000001
	ev.Metadata = &ocsf.Metadata{UID: uid, Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "sinktest"}}
	ev.User = &ocsf.User{Name: "alice", UID: "u-1"}
	ev.DstEndpoint = &ocsf.NetworkEndpoint{Hostname: "vpn.example.com"}
	ev.StatusID = ocsf.StatusIDSuccess
	return ev
}

func baseEvent(uid string) *ocsf.BaseEvent {
	ev := &ocsf.BaseEvent{ActivityID: ocsf.BaseEventActivityIDOther}
	ev.Time = 1764650000002
	ev.Metadata = &ocsf.Metadata{UID: uid, Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "sinktest"}}
	ev.Unmapped = json.RawMessage(`{"raw":[1,2,3]}`)
	return ev
}

func encode(t *testing.T, ev ocsf.Event) string {
	t.Helper()
	b, err := ev.MarshalJSON()
	if err != nil {
		t.Fatalf("encoding an event: %v", err)
	}
	return string(b)
}

// received returns the sink's events as canonical OCSF JSON (decoded and
// encoded again) → the locations they landed in.
func (e *env) received() map[string][]string {
	e.t.Helper()
	out := map[string][]string{}
	for i, r := range e.recv(e.t) {
		ev, err := ocsf.Decode(r.Event)
		if err != nil {
			e.t.Fatalf("the sink holds, as its record %d, what is not an OCSF event: %v\n%.500s", i, err, r.Event)
		}
		k := encode(e.t, ev)
		out[k] = append(out[k], r.Location)
	}
	return out
}

// wantReceived checks that each event arrived once, at location.
func (e *env) wantReceived(location string, evs ...ocsf.Event) map[string][]string {
	e.t.Helper()
	got := e.received()
	for i, ev := range evs {
		locs := got[encode(e.t, ev)]
		switch {
		case len(locs) == 0:
			e.t.Errorf("event %d (%s %s) did not arrive, or arrived changed", i, ev.ClassName(), ev.EventBase().Metadata.UID)
		case len(locs) > 1:
			e.t.Errorf("event %d arrived %d times", i, len(locs))
		case locs[0] != location:
			e.t.Errorf("event %d arrived at location %q, want %q", i, locs[0], location)
		}
	}
	return got
}

func testRegistryConsistency(e *env) {
	if !e.h.Registration.Capabilities.Supports(sink.OpPostEvents) {
		e.t.Fatalf("the registration does not declare %s, the sink's one operation", sink.OpPostEvents)
	}
	ev := Event("consistency")
	err := e.d.WriteBatch(e.ctx, &sink.Batch{Items: []sink.Item{{Event: ev, JSON: []byte(encode(e.t, ev))}}, Bytes: len(encode(e.t, ev))})
	if errors.Is(err, errs.ErrUnsupported) {
		e.t.Errorf("the registration declares %s, but the driver answers it with ErrUnsupported (%v)", sink.OpPostEvents, err)
	}
}

func testLimits(e *env) {
	l := e.d.Limits()
	if l.MaxEvents < 0 || l.MaxBytes < 0 || l.MaxEventBytes < 0 {
		e.t.Errorf("negative limits: %+v", l)
	}
	if l.MaxEventBytes > 0 && l.MaxBytes > 0 && l.MaxEventBytes > l.MaxBytes {
		e.t.Errorf("MaxEventBytes %d exceeds MaxBytes %d", l.MaxEventBytes, l.MaxBytes)
	}
	if l.MaxEventBytes > 0 && l.MaxEventBytes < 16<<10 {
		e.t.Errorf("MaxEventBytes %d is too small for common events", l.MaxEventBytes)
	}
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.Is(err, errs.ErrInvalidInput) || !errors.As(err, &e) {
		t.Fatalf("got %v, want errs.ErrInvalidInput", err)
	}
	if !strings.HasPrefix(e.Field, field) {
		t.Errorf("the error names %q, want %q...", e.Field, field)
	}
}

func testInvalidInput(e *env) {
	missing := Event("invalid")
	missing.FindingInfo = nil
	badEnum := Event("enum")
	badEnum.SeverityID = 42
	var typedNil *ocsf.DetectionFinding
	for _, c := range []struct {
		name  string
		evs   []ocsf.Event
		field string
	}{
		{"nil event", []ocsf.Event{Event("ok"), nil}, "events[1]"},
		{"typed nil", []ocsf.Event{typedNil}, "events[0]"},
		{"missing required", []ocsf.Event{Event("ok"), Event("ok2"), missing}, "events[2].finding_info"},
		{"bad enum", []ocsf.Event{badEnum}, "events[0].severity_id"},
	} {
		_, err := e.c.PostEvents(e.ctx, c.evs, sink.PostOptions{})
		wantInvalid(e.t, err, c.field)
	}
	_, err := e.c.PostEvents(e.ctx, []ocsf.Event{Event("loc")}, sink.PostOptions{Location: strings.Repeat("x", sink.MaxLocationLen+1)})
	wantInvalid(e.t, err, "location")
	if n := len(e.spy.seen()); n != 0 {
		e.t.Errorf("invalid posts reached the driver %d times", n)
	}
}

func testRoundTrip(e *env) {
	evs := []ocsf.Event{Event("rt-1"), authEvent("rt-2"), baseEvent("rt-3")}
	res, err := e.c.PostEvents(e.ctx, evs, sink.PostOptions{})
	if err != nil {
		e.t.Fatalf("PostEvents: %v", err)
	}
	if res.Events != 3 || res.Written != 3 || len(res.Failed) != 0 || res.Batches < 1 {
		e.t.Errorf("Result %+v, want 3 events written", res)
	}
	e.wantReceived("", evs...)
}

func testBatching(e *env) {
	l := e.d.Limits()
	if l.MaxEvents <= 0 {
		l.MaxEvents = sink.DefaultLimits.MaxEvents
	}
	n := min(2*l.MaxEvents+7, 2000)
	if e.h.MaxBatching > 0 {
		n = min(n, e.h.MaxBatching)
	}
	evs := make([]ocsf.Event, n)
	for i := range evs {
		evs[i] = Event(fmt.Sprintf("batch-%05d", i))
	}
	res, err := e.c.PostEvents(e.ctx, evs, sink.PostOptions{})
	if err != nil {
		e.t.Fatalf("PostEvents of %d: %v", n, err)
	}
	if res.Written != n {
		e.t.Errorf("%d of %d written", res.Written, n)
	}
	seen := e.spy.seen()
	if want := (n + l.MaxEvents - 1) / l.MaxEvents; len(seen) < want {
		e.t.Errorf("%d batches for %d events, want at least %d", len(seen), n, want)
	}
	for i, b := range seen {
		if b.events > l.MaxEvents || (l.MaxBytes > 0 && b.bytes > l.MaxBytes) {
			e.t.Errorf("batch %d holds %d events, %d bytes: over the limits %+v", i, b.events, b.bytes, l)
		}
	}
	got := e.wantReceived("", evs...)
	if total := len(got); total != n {
		e.t.Errorf("the sink holds %d distinct events, want %d", total, n)
	}
}

func testLocation(e *env) {
	if e.h.Location == "" {
		e.t.Skip("the harness names no location besides the default")
	}
	a, b := Event("loc-default"), Event("loc-other")
	if _, err := e.c.PostEvents(e.ctx, []ocsf.Event{a}, sink.PostOptions{}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.c.PostEvents(e.ctx, []ocsf.Event{b}, sink.PostOptions{Location: e.h.Location}); err != nil {
		e.t.Fatal(err)
	}
	e.wantReceived("", a)
	e.wantReceived(e.h.Location, b)
}

func testEmpty(e *env) {
	res, err := e.c.PostEvents(e.ctx, nil, sink.PostOptions{})
	if err != nil || res.Events != 0 || res.Written != 0 || res.Batches != 0 {
		e.t.Errorf("an empty post: %+v, %v", res, err)
	}
	if n := len(e.spy.seen()); n != 0 {
		e.t.Errorf("an empty post reached the driver %d times", n)
	}
}

func testOversized(e *env) {
	l := e.d.Limits()
	max := l.MaxEventBytes
	if max <= 0 {
		max = sink.DefaultLimits.MaxEventBytes
	}
	if max > 16<<20 {
		e.t.Skip("MaxEventBytes is over 16 MiB")
	}
	big := Event("big")
	big.RawData = strings.Repeat("x", max)
	evs := []ocsf.Event{Event("small-1"), big, Event("small-2")}
	res, err := e.c.PostEvents(e.ctx, evs, sink.PostOptions{})
	var pe *sink.PostError
	if !errors.As(err, &pe) {
		e.t.Fatalf("got %v, want a *sink.PostError", err)
	}
	if len(res.Failed) != 1 || res.Failed[0].Index != 1 || !errors.Is(res.Failed[0].Err, errs.ErrInvalidInput) {
		e.t.Errorf("Failed %+v, want event 1 as invalid input", res.Failed)
	}
	if res.Written != 2 {
		e.t.Errorf("%d written, want 2", res.Written)
	}
	e.wantReceived("", evs[0], evs[2])
}

func testPartialFailure(e *env) {
	if e.h.Refused == nil {
		e.t.Skip("the harness has no event the vendor refuses")
	}
	bad := e.h.Refused()
	evs := []ocsf.Event{Event("pf-1"), bad, Event("pf-3")}
	res, err := e.c.PostEvents(e.ctx, evs, sink.PostOptions{})
	var pe *sink.PostError
	if !errors.As(err, &pe) {
		e.t.Fatalf("got %v, want a *sink.PostError", err)
	}
	if len(res.Failed) != 1 || res.Failed[0].Index != 1 {
		e.t.Fatalf("Failed %+v, want only event 1", res.Failed)
	}
	var ee *errs.Error
	if !errors.As(res.Failed[0].Err, &ee) || ee.Provider != e.h.Registration.ID || ee.Operation != string(sink.OpPostEvents) {
		e.t.Errorf("the failure %v does not name the provider and operation", res.Failed[0].Err)
	}
	if res.Written != 2 {
		e.t.Errorf("%d written, want 2", res.Written)
	}
	e.wantReceived("", evs[0], evs[2])
}

func testConcurrency(e *env) {
	const workers, each = 4, 25
	var wg sync.WaitGroup
	all := make([]ocsf.Event, 0, workers*each)
	var mu sync.Mutex
	for w := range workers {
		evs := make([]ocsf.Event, each)
		for i := range evs {
			evs[i] = Event(fmt.Sprintf("conc-%d-%02d", w, i))
		}
		all = append(all, evs...)
		wg.Go(func() {
			res, err := e.c.PostEvents(e.ctx, evs, sink.PostOptions{})
			mu.Lock()
			defer mu.Unlock()
			if err != nil || res.Written != each {
				e.t.Errorf("worker %d: %+v, %v", w, res, err)
			}
		})
	}
	wg.Wait()
	e.wantReceived("", all...)
}
