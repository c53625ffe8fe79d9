package sinktest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func harness(wrap func(sink.Driver) sink.Driver) sinktest.Harness {
	return sinktest.Harness{
		Registration: mock.Sink,
		Location:     "alerts",
		Refused: func() ocsf.Event {
			ev := &ocsf.ProcessActivity{ActivityID: ocsf.ProcessActivityActivityIDLaunch}
			ev.Time = 1
			ev.Metadata = &ocsf.Metadata{UID: "refused", Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "p"}}
			ev.Process = &ocsf.Process{Name: "x", PID: 10}
			ev.Device = &ocsf.Device{Hostname: "h", TypeID: ocsf.DeviceTypeIDServer}
			ev.Actor = &ocsf.Actor{Process: &ocsf.Process{Name: "y", PID: 1}}
			return ev
		},
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			d, err := mock.Sink.Open(t.Context(), providers.OpenRequest{Config: &mock.SinkConfig{RejectClasses: []int32{1007}}})
			if err != nil {
				t.Fatal(err)
			}
			log := d.(mock.SinkLog)
			return wrap(d), func(t *testing.T) []sinktest.Record {
				recs, err := log.Posted(t.Context(), 0, 10_000)
				if err != nil {
					t.Fatal(err)
				}
				out := make([]sinktest.Record, len(recs))
				for i, r := range recs {
					out[i] = sinktest.Record{Location: r.Location, Event: r.Event}
				}
				return out
			}
		},
	}
}

func TestMock(t *testing.T) {
	sinktest.Run(t, harness(func(d sink.Driver) sink.Driver { return d }))
}

// dropsLast writes every event of a batch but its last.
type dropsLast struct{ sink.Driver }

func (d dropsLast) WriteBatch(ctx context.Context, b *sink.Batch) error {
	if len(b.Items) > 1 {
		c := *b
		c.Items = c.Items[:len(c.Items)-1]
		b = &c
	}
	return d.Driver.WriteBatch(ctx, b)
}

// ignoresLocation writes everything to the default location.
type ignoresLocation struct{ sink.Driver }

func (d ignoresLocation) WriteBatch(ctx context.Context, b *sink.Batch) error {
	c := *b
	c.Location = ""
	return d.Driver.WriteBatch(ctx, &c)
}

// mangles drops the members the schema does not define.
type mangles struct{ sink.Driver }

func (d mangles) WriteBatch(ctx context.Context, b *sink.Batch) error {
	c := *b
	c.Items = nil
	for _, it := range b.Items {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(it.JSON, &m)
		delete(m, "x_vendor")
		it.JSON, _ = json.Marshal(m)
		c.Items = append(c.Items, it)
	}
	return d.Driver.WriteBatch(ctx, &c)
}

// hugeLimits claims limits the vendor does not have.
type hugeLimits struct{ sink.Driver }

func (hugeLimits) Limits() sink.Limits {
	return sink.Limits{MaxEvents: 10, MaxBytes: 1 << 20, MaxEventBytes: 2 << 20}
}

var broken = map[string]struct {
	wrap func(sink.Driver) sink.Driver
	conformance.Broken
}{
	"drops last":       {func(d sink.Driver) sink.Driver { return dropsLast{d} }, conformance.Broken{Subtest: "Batching", Message: "did not arrive"}},
	"ignores location": {func(d sink.Driver) sink.Driver { return ignoresLocation{d} }, conformance.Broken{Subtest: "Location", Message: `want "alerts"`}},
	"mangles":          {func(d sink.Driver) sink.Driver { return mangles{d} }, conformance.Broken{Subtest: "RoundTrip", Message: "arrived changed"}},
	"bad limits":       {func(d sink.Driver) sink.Driver { return hugeLimits{d} }, conformance.Broken{Subtest: "Limits", Message: "exceeds MaxBytes"}},
}

// TestBroken runs the suite over one broken driver, in a child process of
// TestSuiteCatches.
func TestBroken(t *testing.T) {
	name := conformance.BrokenCase(t, "SINKTEST_BROKEN")
	sinktest.Run(t, harness(broken[name].wrap))
}

// TestSuiteCatches checks that the suite fails each broken driver where it
// should.
func TestSuiteCatches(t *testing.T) {
	cases := map[string]conformance.Broken{}
	for name, b := range broken {
		cases[name] = b.Broken
	}
	conformance.Catches(t, "SINKTEST_BROKEN", cases)
}
