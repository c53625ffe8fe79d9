package aws_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// TestS3Requests: with an endpoint the bucket is addressed by path;
// requests are signed for the region and S3 with the access key, and a
// session token comes along.
func TestS3Requests(t *testing.T) {
	srv := newS3(t)
	cred := accessKey(testKeyID, testSecret)
	cred.Session = "session-token-0123456789"
	d := openStorage(t, srv, cred, providers.OpenRequest{})
	c := storage.NewConnector(awsp.StorageS3, d)
	_, err := c.UploadFile(t.Context(), "reports/q1.csv", strings.NewReader("a,b\n"), storage.UploadOptions{ContentType: "text/csv", Size: 4})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "/"+testBucket+"/reports/q1.csv", r.Path)
	assert.Contains(t, r.Header.Get("Authorization"), "Credential="+testKeyID+"/")
	assert.Contains(t, r.Header.Get("Authorization"), "/"+testRegion+"/s3/aws4_request")
	assert.Equal(t, "session-token-0123456789", r.Header.Get("X-Amz-Security-Token"))
	assert.Equal(t, "text/csv", r.Header.Get("Content-Type"))
	assert.NotContains(t, r.Header.Get("User-Agent"), testSecret)
}

// TestS3AmazonAddressing: without an endpoint, Amazon S3's
// virtual-hosted addressing over https.
func TestS3AmazonAddressing(t *testing.T) {
	srv := newS3(t)
	c := storage.NewConnector(awsp.StorageS3, openAmazon(t, srv))
	_, err := c.UploadFile(t.Context(), "x.txt", strings.NewReader("x"), storage.UploadOptions{Size: 1})
	require.NoError(t, err)
	r := srv.Requests()[0]
	assert.Equal(t, "/x.txt", r.Path)
	assert.Equal(t, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", r.Header.Get("X-Amz-Content-Sha256"), "the SDK's default checksums")
}

// TestS3SinkObjects: a batch is one gzip-compressed NDJSON object under
// <path>/<location>/<yyyy>/<mm>/<dd>/<hh>/.
func TestS3SinkObjects(t *testing.T) {
	srv := newS3(t)
	d := openS3Sink(t, srv, "lake/ocsf/", nil, providers.OpenRequest{})
	c := sink.NewConnector(awsp.SinkS3, d)
	evs := []ocsf.Event{sinktest.Event("o-1"), sinktest.Event("o-2")}
	_, err := c.PostEvents(t.Context(), evs, sink.PostOptions{Location: "eu/alerts"})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	now := time.Now().UTC()
	assert.Regexp(t, regexp.MustCompile(`^/`+testBucket+`/lake/ocsf/eu/alerts/`+now.Format("2006/01/02")+`/\d{2}/\d+-[0-9a-f]{16}\.ndjson\.gz$`), r.Path)
	assert.Equal(t, "application/x-ndjson", r.Header.Get("Content-Type"))
	assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	lines, err := io.ReadAll(zr)
	require.NoError(t, err)
	want1, _ := evs[0].MarshalJSON()
	want2, _ := evs[1].MarshalJSON()
	assert.Equal(t, string(want1)+"\n"+string(want2)+"\n", string(lines))
}

// TestS3Errors: S3's answers as the library's errors.
func TestS3Errors(t *testing.T) {
	srv := newS3(t)
	c := storage.NewConnector(awsp.StorageS3, openStorage(t, srv, nil, providers.OpenRequest{}))
	_, err := c.DownloadFile(t.Context(), "missing.txt")
	assert.True(t, errors.Is(err, errs.ErrNotFound), "%v", err)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "NoSuchKey", pe.Code)
	assert.Equal(t, http.MethodGet, pe.Method)
	assert.Equal(t, "/"+testBucket+"/missing.txt", pe.Path)
	assert.NotEmpty(t, pe.RequestID)

	// S3's throttling is 503 SlowDown, with Retry-After past the wait
	// the plumbing takes.
	srv.Inject(fakekit.Fault{Method: http.MethodGet, Status: http.StatusServiceUnavailable, RetryAfter: 20 * time.Second})
	_, err = c.ListFiles(t.Context(), "", storage.ListRequest{})
	var e *errs.Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, errs.RateLimited, e.Code, "%v", err)
	assert.Equal(t, 20*time.Second, e.RetryAfter)

	// A bucket that does not exist.
	cfg := storageConfig(srv)
	cfg.Bucket = "no-such-bucket"
	d, err := awsp.StorageS3.Open(t.Context(), s3Request(t, srv, cfg, nil, providers.OpenRequest{}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	_, err = storage.NewConnector(awsp.StorageS3, d).ListFiles(t.Context(), "", storage.ListRequest{})
	assert.True(t, errors.Is(err, errs.ErrNotFound), "%v", err)

	// Another 400 is the vendor's, with its status (gcerrors does not
	// say whose fault it is).
	srv.Inject(fakekit.Fault{Method: http.MethodGet, Status: http.StatusBadRequest})
	_, err = c.ListFiles(t.Context(), "", storage.ListRequest{})
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, errs.Provider, e.Code)
	assert.Equal(t, http.StatusBadRequest, e.Status)
}

// TestS3ExpiredToken: a session token S3 no longer takes (400
// ExpiredToken, InvalidToken) is a credential the integration must
// renew: Unauthorized.
func TestS3ExpiredToken(t *testing.T) {
	srv := newS3(t)
	cred := accessKey(roleKeyID, roleSecret)
	cred.Session = "a-stale-session-token"
	_, err := storage.NewConnector(awsp.StorageS3, openStorage(t, srv, cred, providers.OpenRequest{})).ListFiles(t.Context(), "", storage.ListRequest{})
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
}

// TestS3DownloadStreams: a download's reads stream the object; a
// connection lost mid-object is an error of the read, not a short file.
func TestS3DownloadStreams(t *testing.T) {
	srv := newS3(t)
	c := storage.NewConnector(awsp.StorageS3, openStorage(t, srv, nil, providers.OpenRequest{}))
	content := strings.Repeat("0123456789", 100_000)
	_, err := c.UploadFile(t.Context(), "big.bin", strings.NewReader(content), storage.UploadOptions{Size: int64(len(content))})
	require.NoError(t, err)
	srv.Inject(fakekit.Fault{Method: http.MethodGet, Body: fakekit.BodyTruncated})
	dl, err := c.DownloadFile(t.Context(), "big.bin")
	require.NoError(t, err)
	defer dl.Close()
	_, err = io.ReadAll(dl)
	assert.Error(t, err, "a truncated object must not read as complete")
}

// TestS3OpenRefusesOtherCredentials: only aws and aws_role credentials.
func TestS3OpenRefusesOtherCredentials(t *testing.T) {
	srv := newS3(t)
	cfg := storageConfig(srv)
	cfg.Credential = credential.RefTo("cred-1", credential.TypeAWS)
	_, err := awsp.StorageS3.Open(t.Context(), providers.OpenRequest{Config: cfg,
		Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: "tok-0123456789"}}})
	assert.Equal(t, "credential", fieldOf(t, err))
	assert.NotContains(t, err.Error(), "tok-0123456789")
	_, err = awsp.StorageS3.Open(t.Context(), providers.OpenRequest{Config: cfg,
		Credentials: map[string]credential.Config{"credential": &credential.AWSCredential{AccessKeyID: "AKIA1"}}})
	assert.Equal(t, "credential.secret_access_key", fieldOf(t, err))
}

// TestS3RetriedParts: the parts of a multipart upload the store failed
// (a 500, a 429, a dropped connection) are sent again, rewound (over an
// endpoint, signed payloads) or from the plumbing's copy (Amazon S3's
// aws-chunked bodies with a trailing checksum), and the object is the
// content whole.
func TestS3RetriedParts(t *testing.T) {
	t.Run("endpoint", func(t *testing.T) {
		srv := newS3(t)
		retriedParts(t, srv, openStorage(t, srv, nil, providers.OpenRequest{}))
	})
	t.Run("amazon", func(t *testing.T) {
		srv := newS3(t)
		retriedParts(t, srv, openAmazon(t, srv))
	})
}

func retriedParts(t *testing.T, srv *s3Server, d storage.Driver) {
	c := storage.NewConnector(awsp.StorageS3, d)
	content := bytes.Repeat([]byte("0123456789abcdef"), 3<<20) // 48 MiB: 6 parts
	for _, f := range []fakekit.Fault{
		{Method: http.MethodPut, Status: http.StatusInternalServerError},
		{Method: http.MethodPut, Status: http.StatusTooManyRequests},
		{Method: http.MethodPut, Body: fakekit.BodyDropped},
	} {
		srv.Inject(f)
	}
	_, err := c.UploadFile(t.Context(), "parts/big.bin", bytes.NewReader(content), storage.UploadOptions{Size: int64(len(content))})
	require.NoError(t, err)
	assert.Equal(t, 0, srv.Pending(), "every fault was hit")
	dl, err := c.DownloadFile(t.Context(), "parts/big.bin")
	require.NoError(t, err)
	defer dl.Close()
	got, err := io.ReadAll(dl)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(content, got), "the object differs from the content (%d bytes, want %d)", len(got), len(content))
	puts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPut {
			puts++
		}
	}
	assert.Equal(t, 6+3, puts, "6 parts, 3 of them twice")
}
