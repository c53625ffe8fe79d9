package aws_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// TestS3StorageFaults runs the shared fault and secret-leak suite over
// storage_aws_s3: ListObjectsV2 is its read, PutObject its write. A PUT
// of an object is idempotent (the same key, the same content), so the
// upload is retried after a 5xx or a lost answer, as S3's own SDKs do;
// PutObject's answer has no body to read.
func TestS3StorageFaults(t *testing.T) {
	open := func(cred credential.Config) func(*testing.T, providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
			srv := newS3(t)
			return openStorage(t, srv, cred, req), srv.Kit
		}
	}
	storagetest.RunFaults(t, storagetest.FaultHarness{
		Registration:        awsp.StorageS3,
		Open:                open(nil),
		OpenUnauthorized:    open(accessKey(wrongKeyID, wrongSecret)),
		Secrets:             []string{testSecret},
		UnauthorizedSecrets: []string{wrongSecret},
		IdempotentCreate:    true,
		WriteAnswerIgnored:  true,
	})
}

// sinkObject is the key of an object the S3 sink writes, after its
// prefix: the time partition and the name.
var sinkObject = regexp.MustCompile(`^(/[^/]+/faults)/\d{4}/\d{2}/\d{2}/\d{2}/\d+-[0-9a-f]{16}\.ndjson\.gz$`)

// stablePaths is the sink fault harness's client transport: every object
// of a batch has a fresh name (the time and random bytes), while the
// fault suite aims its faults at the path of the first write. It sends
// each object to one path, <bucket>/faults/object, which gofakes3 stores
// (the fault suite reads nothing back); the driver's errors name the path
// the request went to.
type stablePaths struct{ next http.RoundTripper }

func (s stablePaths) RoundTrip(r *http.Request) (*http.Response, error) {
	if m := sinkObject.FindStringSubmatch(r.URL.Path); m != nil {
		r = r.Clone(r.Context())
		r.URL.Path, r.URL.RawPath = m[1]+"/object", ""
	}
	return s.next.RoundTrip(r)
}

// TestS3SinkFaults runs the suite over sink_aws_s3: PutObject of a
// batch's object is its write (and stands in for the read); the object's
// PUT is idempotent, and its answer has no body.
func TestS3SinkFaults(t *testing.T) {
	open := func(cred credential.Config) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			srv := newS3(t)
			hc := srv.Client(t)
			hc.Transport = stablePaths{next: hc.Transport}
			req.HTTPClient = hc
			return openS3Sink(t, srv, "faults", cred, req), srv.Kit
		}
	}
	sinktest.RunFaults(t, sinktest.FaultHarness{
		Registration:        awsp.SinkS3,
		Open:                open(nil),
		OpenUnauthorized:    open(accessKey(wrongKeyID, wrongSecret)),
		Secrets:             []string{testSecret},
		UnauthorizedSecrets: []string{wrongSecret},
		IdempotentCreate:    true,
		WriteAnswerIgnored:  true,
	})
}
