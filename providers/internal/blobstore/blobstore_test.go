package blobstore_test

import (
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// The layer is checked here over gocloud's in-memory bucket; each cloud
// provider runs the same suites over its vendor's emulator.

var memVendor = blobstore.Vendor{Name: "mem"}

var memSink = sink.Registration{
	ID: "sink_blobstore_test", Fullname: "blobstore over memblob",
	Capabilities: sink.Capabilities{Operations: sink.Operations},
	NewConfig:    func() providers.Config { return nil },
}

var memStorage = storage.Registration{
	ID: "storage_blobstore_test", Fullname: "blobstore over memblob",
	Capabilities: storage.Capabilities{Operations: storage.Operations},
	NewConfig:    func() providers.Config { return nil },
}

func TestSinkConformance(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: memSink,
		Location:     "alerts/eu",
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			b := memblob.OpenBucket(nil)
			// The reader gets its own handle: the suite closes the driver's.
			reader := b
			d := &blobstore.Sink{Bucket: b, Vendor: memVendor, Prefix: "events/ocsf", BatchLimits: sink.Limits{MaxEvents: 300, MaxBytes: 4 << 20, MaxEventBytes: 1 << 20}, OnClose: func() {}}
			return &noClose{d}, func(t *testing.T) []sinktest.Record { return read(t, reader, "events/ocsf") }
		},
	})
}

// noClose keeps the memory bucket open for Received after the suite's
// subtest closes the driver.
type noClose struct{ *blobstore.Sink }

func (noClose) Close() error { return nil }

func read(t *testing.T, b *blob.Bucket, prefix string) []sinktest.Record {
	recs, err := blobstore.ReadSink(t.Context(), b, prefix)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]sinktest.Record, len(recs))
	for i, r := range recs {
		out[i] = sinktest.Record{Location: r.Location, Event: r.Event}
	}
	return out
}

func TestStorageConformance(t *testing.T) {
	storagetest.Run(t, storagetest.Harness{
		Registration: memStorage,
		Open: func(t *testing.T) storage.Driver {
			return &blobstore.Storage{Bucket: memblob.OpenBucket(nil), Vendor: memVendor, Prefix: "files"}
		},
	})
}
