package azure_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/azure"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// wrongKey signs SAS tokens Azurite refuses: a well-formed account key
// that is not the emulator's.
const wrongKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo="

// faultSetup is what the subtests of a fault suite share: one container
// (the fakes in front of it are new to every subtest) and the SAS
// tokens, so that the harness knows its secrets up front.
type faultSetup struct {
	container  string
	good, bad  string // SAS tokens: one Azurite takes, one it refuses
	secrets    []string
	badSecrets []string
}

func newFaultSetup(t *testing.T) *faultSetup {
	name := newContainer(t)
	s := &faultSetup{container: name, good: containerSAS(t, name, "racwdl", azure.EmulatorKey), bad: containerSAS(t, name, "racwdl", wrongKey)}
	s.secrets = []string{s.good, sasSignature(t, s.good)}
	s.badSecrets = []string{s.bad, sasSignature(t, s.bad)}
	return s
}

// TestStorageFaults runs the shared fault and secret-leak suite over the
// storage provider, through a kit in front of Azurite, with a bare SAS
// token and the url setting: ListFiles (List Blobs) is its read,
// UploadFile (Put Blob) its write. A Put Blob of a path is idempotent (a
// resend writes the same bytes again), so the write is retried after a
// 5xx or a lost answer.
func TestStorageFaults(t *testing.T) {
	needAzurite(t)
	fs := newFaultSetup(t)
	open := func(token string) func(*testing.T, providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
			f := newFake(t)
			req.Config = &azure.StorageConfig{Bucket: fs.container, Credential: tokenRef(token), URL: f.URL}
			d, err := azure.Storage.Open(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			return d, f.Kit
		}
	}
	storagetest.RunFaults(t, storagetest.FaultHarness{
		Registration:        azure.Storage,
		Open:                open(fs.good),
		OpenUnauthorized:    open(fs.bad),
		Secrets:             fs.secrets,
		UnauthorizedSecrets: fs.badSecrets,
		IdempotentCreate:    true,
	})
}

// TestSinkFaults runs the shared fault and secret-leak suite over the
// sink provider: PostEvents (one Put Blob of a new blob) is the write
// every fault is aimed at.
//
// Two things are the harness's, not the driver's. The sink names every
// blob afresh (time and random bytes) and the kit aims faults at one
// path, so the harness's HTTP client pins the blob's name: every write of
// the suite is the same Put Blob. And the suite's secret-leak subtest
// aims single 500s at the write expecting them to fail, as a write that
// is not retried does; this one is (a resent Put Blob of a new name
// cannot write an event twice, hence IdempotentCreate), so that subtest
// runs with retries off — what it checks, that no secret shows in an
// error, a log line or a span, does not depend on them.
func TestSinkFaults(t *testing.T) {
	needAzurite(t)
	fs := newFaultSetup(t)
	open := func(token string) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			f := newFake(t)
			tr := &pinTransport{base: http.DefaultTransport.(*http.Transport).Clone(), under: "/" + azure.EmulatorAccount + "/" + fs.container + "/faults/"}
			t.Cleanup(tr.base.CloseIdleConnections)
			req.HTTPClient = &http.Client{Transport: tr}
			req.Config = &azure.SinkConfig{Bucket: fs.container, Credential: tokenRef(token), URL: f.URL, Path: "faults"}
			d, err := azure.Sink.Open(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			return d, f.Kit
		}
	}
	sinktest.RunFaults(t, sinktest.FaultHarness{
		Registration:        azure.Sink,
		Open:                open(fs.good),
		OpenUnauthorized:    open(fs.bad),
		Secrets:             fs.secrets,
		UnauthorizedSecrets: fs.badSecrets,
		IdempotentCreate:    true,
	})
}

// pinTransport gives every Put Blob under a folder one name.
type pinTransport struct {
	base  *http.Transport
	under string
}

func (p *pinTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, p.under) && !r.URL.Query().Has("comp") {
		r = r.Clone(r.Context())
		r.URL.Path, r.URL.RawPath = p.under+"pinned.ndjson.gz", ""
	}
	return p.base.RoundTrip(r)
}
