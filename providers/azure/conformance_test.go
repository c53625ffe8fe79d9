package azure_test

import (
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/azureblob"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/azure"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// TestStorageConformance runs the storage conformance suite against
// Azurite, each subtest over a fresh container, with the credential of
// the hosted system's setup guide: a SAS connection string
// (BlobEndpoint + SharedAccessSignature).
func TestStorageConformance(t *testing.T) {
	needAzurite(t)
	storagetest.Run(t, storagetest.Harness{
		Registration: azure.Storage,
		Open: func(t *testing.T) storage.Driver {
			name := newContainer(t)
			conn := "BlobEndpoint=" + emu.endpoint + ";SharedAccessSignature=" + containerSAS(t, name, "racwdl", azure.EmulatorKey)
			d, err := azure.Storage.Open(t.Context(), providers.OpenRequest{Config: &azure.StorageConfig{Bucket: name, Credential: tokenRef(conn)}})
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
	})
}

// TestSinkConformance runs the sink conformance suite against Azurite,
// with an account-key connection string; what landed is read back with
// blobstore.ReadSink over a bucket of its own.
func TestSinkConformance(t *testing.T) {
	needAzurite(t)
	sinktest.Run(t, sinktest.Harness{
		Registration: azure.Sink,
		Location:     "alerts/eu",
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			name := newContainer(t)
			conn := "DefaultEndpointsProtocol=http;AccountName=" + azure.EmulatorAccount + ";AccountKey=" + azure.EmulatorKey +
				";BlobEndpoint=" + emu.endpoint + ";"
			cfg := &azure.SinkConfig{Bucket: name, Credential: tokenRef(conn), Path: "synqly/events"}
			d, err := azure.Sink.Open(t.Context(), providers.OpenRequest{Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			reader := readerBucket(t, name)
			return d, func(t *testing.T) []sinktest.Record {
				recs, err := blobstore.ReadSink(t.Context(), reader, "synqly/events")
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
	})
}

// readerBucket opens the container in Azurite directly, with the account
// key, for reading back what a driver wrote.
func readerBucket(t testing.TB, name string) *blob.Bucket {
	t.Helper()
	client, err := container.NewClientWithSharedKeyCredential(emu.endpoint+"/"+name, devKey(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := azureblob.OpenBucket(t.Context(), client, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}
