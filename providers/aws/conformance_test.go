package aws_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

func TestS3StorageConformance(t *testing.T) {
	storagetest.Run(t, storagetest.Harness{
		Registration: awsp.StorageS3,
		Open: func(t *testing.T) storage.Driver {
			return openStorage(t, newS3(t), nil, providers.OpenRequest{})
		},
	})
}

// sinkPath is the sink's folder in the conformance tests.
const sinkPath = "synqly/ocsf"

func TestS3SinkConformance(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: awsp.SinkS3,
		Location:     "alerts/eu",
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			srv := newS3(t)
			d := openS3Sink(t, srv, sinkPath, nil, providers.OpenRequest{})
			// The suite closes the driver's bucket: the events are read
			// back through a second handle.
			reader := readerBucket(t, srv)
			return d, func(t *testing.T) []sinktest.Record {
				recs, err := blobstore.ReadSink(t.Context(), reader, sinkPath)
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

// TestS3StorageConformanceAmazon runs the suite as against Amazon S3
// itself (no endpoint): virtual-hosted addressing
// (<bucket>.s3.<region>.amazonaws.com over https) and the SDK's default
// checksums (a CRC32 trailer on aws-chunked bodies), the requests
// redirected to the fake.
func TestS3StorageConformanceAmazon(t *testing.T) {
	storagetest.Run(t, storagetest.Harness{
		Registration: awsp.StorageS3,
		Open: func(t *testing.T) storage.Driver {
			return openAmazon(t, newS3(t))
		},
	})
}

// openAmazon opens a storage_aws_s3 driver of the Amazon S3 configuration
// (no endpoint), its requests redirected to srv.
func openAmazon(t testing.TB, srv *s3Server) storage.Driver {
	t.Helper()
	cfg := &awsp.S3StorageConfig{Bucket: testBucket, Region: testRegion}
	d, err := awsp.StorageS3.Open(t.Context(), s3Request(t, nil, cfg, nil, providers.OpenRequest{HTTPClient: redirect(srv.URL)}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}
