package sink

import (
	"context"
	"testing"
)

// discard is a driver that takes every batch at once: what remains is the
// connector's own cost.
type discard struct{ Unimplemented }

func (discard) Limits() Limits                           { return Limits{MaxEvents: 1000, MaxBytes: 5 << 20} }
func (discard) WriteBatch(context.Context, *Batch) error { return nil }

// BenchmarkPostEvents posts 100,000 events to a driver that discards them;
// the baseline does by hand what any sender must (validate, encode, cut
// batches of 1000), without the connector.
func BenchmarkPostEvents(b *testing.B) {
	evs := events(100_000)
	b.Run("connector", func(b *testing.B) {
		c := NewConnector(testReg, discard{})
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.PostEvents(context.Background(), evs, PostOptions{})
			if err != nil || res.Written != len(evs) {
				b.Fatal(res, err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		d := discard{}
		b.ReportAllocs()
		for b.Loop() {
			for _, ev := range evs {
				if err := ev.Validate(); err != nil {
					b.Fatal(err)
				}
			}
			batch := &Batch{}
			for i, ev := range evs {
				j, err := ev.MarshalJSON()
				if err != nil {
					b.Fatal(err)
				}
				batch.Items = append(batch.Items, Item{Index: i, Event: ev, JSON: j})
				if len(batch.Items) == 1000 {
					_ = d.WriteBatch(context.Background(), batch)
					batch = &Batch{}
				}
			}
		}
	})
}
