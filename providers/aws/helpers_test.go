package aws_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The S3 fake's identity: the one access key it knows, a bucket, a region.
const (
	testKeyID  = "AKIAS3FAKEEXAMPLE001"
	testSecret = "s3fake/Secret+Key/0123456789abcdefEXAMPLE"
	wrongKeyID = "AKIAS3FAKEWRONGKEY01"
	// wrongSecret goes with wrongKeyID: a credential the fake refuses.
	wrongSecret = "s3fake/Wrong+Secret/0123456789abcdefWRONG"
	testBucket  = "synqly-test"
	testRegion  = "us-east-1"
)

// fastRetries keep fault tests quick.
var fastRetries = providers.HTTPOptions{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// s3Server is gofakes3 (its memory backend, one bucket) behind a
// fakekit.Kit, with S3's access key check in front of it: gofakes3 checks
// no signature, so the fake refuses a request whose SigV4 Credential names
// another access key id than testKeyID, as S3 does (403
// InvalidAccessKeyId).
type s3Server struct {
	*fakekit.Kit
	URL     string
	Backend gofakes3.Backend
	srv     *httptest.Server
}

// newS3 starts an S3 fake closed with the test; front, if set, wraps the
// whole pipeline (the kit included).
func newS3(t testing.TB, front ...func(http.Handler) http.Handler) *s3Server {
	t.Helper()
	backend := &pagedBackend{Backend: s3mem.New()}
	if err := backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	// Path-style requests (an endpoint's) and virtual-hosted ones (Amazon
	// S3's, redirected to the fake) both name the bucket.
	faker := gofakes3.New(backend, gofakes3.WithoutVersioning(), gofakes3.WithHostBucketBase("s3."+testRegion+".amazonaws.com"))
	kit := fakekit.New(fakekit.Vendor{Name: "s3", WriteError: writeS3Error, RequestIDHeader: "x-amz-request-id"})
	var h http.Handler = kit.Handler(checkAccessKey(decodeAWSChunked(faker.Server())))
	for _, f := range front {
		h = f(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &s3Server{Kit: kit, URL: srv.URL, Backend: backend, srv: srv}
}

// Client returns an HTTP client of the fake's, its idle connections
// closed with the test.
func (s *s3Server) Client(t testing.TB) *http.Client {
	c := s.srv.Client()
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// sigV4Credential reads the access key id of a SigV4 Authorization header.
var sigV4Credential = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/[0-9]{8}/[a-z0-9-]+/([a-z0-9]+)/aws4_request,`)

// The temporary credentials the STS fake hands out for the role
// (stsfake_test.go), which the S3 fake knows too.
const (
	roleKeyID  = "ASIAROLEFAKEEXAMPLE1"
	roleSecret = "role/Temporary+Secret/0123456789abcdef"
	roleToken  = "role-session-token/0123456789abcdefghijklmnopqrstuvwxyz=="
)

// checkAccessKey answers 403 InvalidAccessKeyId, as S3 does, to a request
// not signed with testKeyID or with the role's temporary key (whose
// session token must come with it, in X-Amz-Security-Token).
func checkAccessKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := sigV4Credential.FindStringSubmatch(r.Header.Get("Authorization"))
		switch {
		case m == nil || m[2] != "s3" || (m[1] != testKeyID && m[1] != roleKeyID):
			writeS3ErrorCode(w, r, http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
		case m[1] == roleKeyID && r.Header.Get("X-Amz-Security-Token") != roleToken:
			writeS3ErrorCode(w, r, http.StatusBadRequest, "InvalidToken", "The provided token is malformed or otherwise invalid.")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// decodeAWSChunked decodes the aws-chunked bodies the SDK sends Amazon S3
// with a trailing checksum (x-amz-content-sha256:
// STREAMING-UNSIGNED-PAYLOAD-TRAILER, the default over https), which
// gofakes3 v1.2.0 would store as they are: it checks the CRC32 trailer
// (400 BadDigest if wrong) and hands gofakes3 the content.
func decodeAWSChunked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Content-Sha256") != "STREAMING-UNSIGNED-PAYLOAD-TRAILER" {
			next.ServeHTTP(w, r)
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		data, trailer, ok := unchunk(raw)
		if !ok {
			writeS3ErrorCode(w, r, http.StatusBadRequest, "IncompleteBody", "The aws-chunked body is malformed.")
			return
		}
		if want := trailer["x-amz-checksum-crc32"]; want != "" {
			var sum [4]byte
			binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(data))
			if base64.StdEncoding.EncodeToString(sum[:]) != want {
				writeS3ErrorCode(w, r, http.StatusBadRequest, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
				return
			}
		}
		var enc []string
		for _, e := range strings.Split(r.Header.Get("Content-Encoding"), ",") {
			if e = strings.TrimSpace(e); e != "" && e != "aws-chunked" {
				enc = append(enc, e)
			}
		}
		r.Header.Del("Content-Encoding")
		if len(enc) > 0 {
			r.Header.Set("Content-Encoding", strings.Join(enc, ","))
		}
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		r.Header.Set("Content-Length", strconv.Itoa(len(data)))
		r.ContentLength = int64(len(data))
		r.Body = io.NopCloser(bytes.NewReader(data))
		next.ServeHTTP(w, r)
	})
}

// unchunk decodes an unsigned aws-chunked body: chunks of
// "<hex size>\r\n<data>\r\n", a last chunk of size 0, then the trailer's
// "name:value" lines and an empty line.
func unchunk(raw []byte) (data []byte, trailer map[string]string, ok bool) {
	trailer = map[string]string{}
	for {
		line, rest, found := bytes.Cut(raw, []byte("\r\n"))
		if !found {
			return nil, nil, false
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 64)
		if err != nil || size < 0 || size > int64(len(rest)) {
			return nil, nil, false
		}
		if size == 0 {
			raw = rest
			break
		}
		data = append(data, rest[:size]...)
		raw = bytes.TrimPrefix(rest[size:], []byte("\r\n"))
	}
	for {
		line, rest, found := bytes.Cut(raw, []byte("\r\n"))
		if !found || len(line) == 0 {
			return data, trailer, true
		}
		if k, v, ok := strings.Cut(string(line), ":"); ok {
			trailer[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
		raw = rest
	}
}

// s3Codes are the S3 error codes the fake answers a status with.
var s3Codes = map[int]string{
	http.StatusBadRequest: "InvalidRequest", http.StatusUnauthorized: "InvalidAccessKeyId", http.StatusForbidden: "AccessDenied",
	http.StatusNotFound: "NoSuchKey", http.StatusConflict: "OperationAborted", http.StatusRequestEntityTooLarge: "EntityTooLarge",
	http.StatusTooManyRequests: "SlowDown", http.StatusInternalServerError: "InternalError",
	http.StatusNotImplemented: "NotImplemented", http.StatusServiceUnavailable: "ServiceUnavailable",
}

// writeS3Error is the kit's WriteError: S3's XML error document.
func writeS3Error(w http.ResponseWriter, r *http.Request, status int, message string) {
	code := s3Codes[status]
	if code == "" {
		code = http.StatusText(status)
	}
	if message == "" {
		message = http.StatusText(status)
	}
	writeS3ErrorCode(w, r, status, code, message)
}

func writeS3ErrorCode(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	type s3Error struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		RequestID string   `xml:"RequestId"`
	}
	body, _ := xml.Marshal(s3Error{Code: code, Message: message, RequestID: w.Header().Get("x-amz-request-id")})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(xml.Header))
		_, _ = w.Write(body)
	}
}

// accessKey returns an aws credential.
func accessKey(id, secret string) *credential.AWSCredential {
	return &credential.AWSCredential{AccessKeyID: id, SecretAccessKey: credential.Secret(secret)}
}

// s3Request returns the OpenRequest of an integration of srv, with cred
// (the fake's key unless nil), the fake's HTTP client unless req has one,
// and fastRetries unless req sets retry waits.
func s3Request(t testing.TB, srv *s3Server, cfg providers.Config, cred credential.Config, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	if cred == nil {
		cred = accessKey(testKeyID, testSecret)
	}
	switch c := cfg.(type) {
	case *awsp.S3StorageConfig:
		c.Credential = credential.Inline(cred)
	case *awsp.S3SinkConfig:
		c.Credential = credential.Inline(cred)
	case *awsp.SQSConfig:
		c.Credential = credential.Inline(cred)
	}
	req.Config = cfg
	req.Credentials = map[string]credential.Config{"credential": cred}
	if req.HTTPClient == nil && srv != nil {
		req.HTTPClient = srv.Client(t)
	}
	if req.RetryWaitMin == 0 && req.RetryWaitMax == 0 {
		req.HTTPOptions = fastRetries
	}
	return req
}

func storageConfig(srv *s3Server) *awsp.S3StorageConfig {
	return &awsp.S3StorageConfig{Bucket: testBucket, Region: testRegion, Endpoint: srv.URL}
}

func sinkConfig(srv *s3Server, path string) *awsp.S3SinkConfig {
	return &awsp.S3SinkConfig{Bucket: testBucket, Region: testRegion, Endpoint: srv.URL, Path: path}
}

// openStorage builds a storage_aws_s3 driver over srv, closed with the test.
func openStorage(t testing.TB, srv *s3Server, cred credential.Config, req providers.OpenRequest) storage.Driver {
	t.Helper()
	d, err := awsp.StorageS3.Open(context.Background(), s3Request(t, srv, storageConfig(srv), cred, req))
	if err != nil {
		t.Fatalf("StorageS3.Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// openS3Sink builds a sink_aws_s3 driver over srv, writing under path.
func openS3Sink(t testing.TB, srv *s3Server, path string, cred credential.Config, req providers.OpenRequest) sink.Driver {
	t.Helper()
	d, err := awsp.SinkS3.Open(context.Background(), s3Request(t, srv, sinkConfig(srv, path), cred, req))
	if err != nil {
		t.Fatalf("SinkS3.Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// sdkClient is a plain SDK client of srv (no kit faults reach it unless
// injected): the tests' second handle on the bucket.
func sdkClient(t testing.TB, srv *s3Server) *s3.Client {
	return s3.NewFromConfig(aws.Config{
		Region:      testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		HTTPClient:  srv.Client(t),
	}, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
}

// readerBucket opens a second gocloud handle on srv's bucket.
func readerBucket(t testing.TB, srv *s3Server) *blob.Bucket {
	b, err := s3blob.OpenBucket(context.Background(), sdkClient(t, srv), testBucket, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// pagedBackend is gofakes3's memory backend with S3's paging of delimited
// listings: s3mem ends a page that ends on a common prefix at the key
// under it, so the next page lists the prefix again; S3 continues after
// the whole prefix. It lists without paging and pages the merged, sorted
// entries itself.
type pagedBackend struct{ *s3mem.Backend }

func (b *pagedBackend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	all, err := b.Backend.ListBucket(name, prefix, gofakes3.ListBucketPage{})
	if err != nil || page.IsEmpty() {
		return all, err
	}
	type entry struct {
		key     string
		content *gofakes3.Content
	}
	var entries []entry
	for _, p := range all.CommonPrefixes {
		entries = append(entries, entry{key: p.Prefix})
	}
	for _, c := range all.Contents {
		entries = append(entries, entry{key: c.Key, content: c})
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	out := gofakes3.NewObjectList()
	for _, e := range entries {
		if page.Marker != "" && e.key <= page.Marker {
			continue
		}
		if page.MaxKeys > 0 && int64(len(out.Contents)+len(out.CommonPrefixes)) >= page.MaxKeys {
			out.IsTruncated = true
			break
		}
		if e.content != nil {
			out.Add(e.content)
		} else {
			out.AddPrefix(e.key)
		}
		out.NextMarker = e.key
	}
	if !out.IsTruncated {
		out.NextMarker = ""
	}
	return out, nil
}
