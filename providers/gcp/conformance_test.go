package gcp_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/gcp"
)

// TestSinkConformance runs the sink suite over the JSON API fake
// (fake-gcs-server), with the service account key's tokens; what landed
// is read back with a bucket handle of the test's own.
func TestSinkConformance(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: gcp.Sink,
		Location:     "alerts/eu",
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			srv := jsonFake(t)
			return openSink(t, sinkRequest(srv, nil, providers.OpenRequest{})), received(srv)
		},
	})
}

// TestStorageConformance runs the storage suite over the XML API fake
// (gofakes3 behind the kit, which checks SigV4 with the HMAC key).
func TestStorageConformance(t *testing.T) {
	storagetest.Run(t, storagetest.Harness{
		Registration: gcp.Storage,
		Open: func(t *testing.T) storage.Driver {
			return openStorage(t, storageRequest(xmlFake(t), hmacCredential("", ""), providers.OpenRequest{}))
		},
	})
}

// TestStorageConformanceJSON runs the storage suite over the JSON API
// fake, with a service account key (a token credential).
func TestStorageConformanceJSON(t *testing.T) {
	storagetest.Run(t, storagetest.Harness{
		Registration: gcp.Storage,
		Open: func(t *testing.T) storage.Driver {
			return openStorage(t, storageRequest(jsonFake(t), keyCredential(), providers.OpenRequest{}))
		},
	})
}
