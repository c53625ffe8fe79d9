package aws_test

import (
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
)

// The benchmarks move a 256 MiB stream through storage_aws_s3
// (storage.Connector.UploadFile / DownloadFile: blobstore, gocloud's
// s3blob, the SDK, the shared HTTP plumbing) and through the SDK alone
// (transfermanager's UploadObject, the SDK's own uploader, with the same
// 8 MiB parts and 5 at a time; a plain GetObject read), against the same
// in-process gofakes3. The content is generated as it is read and never
// held whole: gofakes3's memory backend would hold the object, and in one
// process that would hide the client's heap behind the server's, so the
// benchmark's backend (streamBackend) drains what it is sent and
// generates what is read. The heap figures are then the client's (plus
// the server's transient buffers, the same for both paths).
//
//	go test ./providers/aws -run '^$' -bench 256MiB -benchtime 20x
//
// reports, per path, time per op, MB/s (b.SetBytes) and peak-heap-MiB
// (the most heap in use above the start, sampled every millisecond), and
// x-sdk, the connector's throughput over the SDK's measured in the same
// run, interleaved (see pair): the target is ≥ 0.95.

const benchSize = 256 << 20

// pattern generates a deterministic stream of n bytes.
type pattern struct{ left int64 }

var patternBlock = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}()

func (p *pattern) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && p.left > 0 {
		c := copy(b[n:min(len(b), n+int(min(p.left, int64(len(patternBlock)))))], patternBlock)
		n += c
		p.left -= int64(c)
	}
	return n, nil
}

// streamBackend is gofakes3's memory backend for buckets and listings,
// with objects that hold no content: a PUT (or a multipart upload's
// parts) is drained and only its size kept; a GET generates the pattern.
type streamBackend struct {
	*s3mem.Backend
	mu    sync.Mutex
	sizes map[string]int64
	parts map[gofakes3.UploadID]*atomic.Int64
	seq   int
}

var _ gofakes3.MultipartBackend = (*streamBackend)(nil)

func newStreamBackend() *streamBackend {
	return &streamBackend{Backend: s3mem.New(), sizes: map[string]int64{}, parts: map[gofakes3.UploadID]*atomic.Int64{}}
}

func (s *streamBackend) PutObject(bucket, key string, _ map[string]string, input io.Reader, _ int64, _ *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	n, err := io.Copy(io.Discard, input)
	if err != nil {
		return gofakes3.PutObjectResult{}, err
	}
	s.mu.Lock()
	s.sizes[bucket+"/"+key] = n
	s.mu.Unlock()
	return gofakes3.PutObjectResult{}, nil
}

func (s *streamBackend) object(bucket, key string) (*gofakes3.Object, error) {
	s.mu.Lock()
	n, ok := s.sizes[bucket+"/"+key]
	s.mu.Unlock()
	if !ok {
		return nil, gofakes3.KeyNotFound(key)
	}
	sum := md5.Sum([]byte(key))
	return &gofakes3.Object{Name: key, Size: n, Hash: sum[:], Metadata: map[string]string{}, Contents: io.NopCloser(&pattern{left: n})}, nil
}

func (s *streamBackend) GetObject(bucket, key string, _ *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	return s.object(bucket, key)
}

func (s *streamBackend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	o, err := s.object(bucket, key)
	if err == nil {
		o.Contents = io.NopCloser(http.NoBody)
	}
	return o, err
}

func (s *streamBackend) CreateMultipartUpload(string, string, map[string]string) (gofakes3.UploadID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := gofakes3.UploadID(strconv.Itoa(s.seq))
	s.parts[id] = new(atomic.Int64)
	return id, nil
}

func (s *streamBackend) UploadPart(_, _ string, id gofakes3.UploadID, _ int, _ int64, input io.Reader) (string, error) {
	n, err := io.Copy(io.Discard, input)
	s.mu.Lock()
	total := s.parts[id]
	s.mu.Unlock()
	if total == nil {
		return "", gofakes3.ErrNoSuchUpload
	}
	total.Add(n)
	return `"` + strconv.FormatInt(n, 16) + `"`, err
}

func (s *streamBackend) ListMultipartUploads(string, *gofakes3.UploadListMarker, gofakes3.Prefix, int64) (*gofakes3.ListMultipartUploadsResult, error) {
	return &gofakes3.ListMultipartUploadsResult{}, nil
}

func (s *streamBackend) ListParts(string, string, gofakes3.UploadID, int, int64) (*gofakes3.ListMultipartUploadPartsResult, error) {
	return &gofakes3.ListMultipartUploadPartsResult{}, nil
}

func (s *streamBackend) AbortMultipartUpload(_, _ string, id gofakes3.UploadID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.parts, id)
	return nil
}

func (s *streamBackend) CompleteMultipartUpload(bucket, key string, id gofakes3.UploadID, _ *gofakes3.CompleteMultipartUploadRequest) (gofakes3.VersionID, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := s.parts[id]
	if total == nil {
		return "", "", gofakes3.ErrNoSuchUpload
	}
	delete(s.parts, id)
	s.sizes[bucket+"/"+key] = total.Load()
	return "", `"complete"`, nil
}

// benchServer is gofakes3 over a streamBackend, with nothing in front.
func benchServer(b *testing.B) (*streamBackend, *httptest.Server) {
	backend := newStreamBackend()
	if err := backend.CreateBucket(testBucket); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithoutVersioning()).Server())
	b.Cleanup(srv.Close)
	return backend, srv
}

// heapSampler records the most heap in use (HeapInuse: the spans holding
// objects, live or not yet swept, and their free slots) above its start.
type heapSampler struct {
	base, peak uint64
	stop       chan struct{}
	done       sync.WaitGroup
}

var heapMetrics = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}

func heapInuse() uint64 {
	s := append([]metrics.Sample(nil), heapMetrics...)
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

func startHeap() *heapSampler {
	runtime.GC()
	h := &heapSampler{base: heapInuse(), stop: make(chan struct{})}
	h.peak = h.base
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				if v := heapInuse(); v > h.peak {
					h.peak = v
				}
			}
		}
	}()
	return h
}

// report stops the sampler and reports the peak in MiB.
func (h *heapSampler) report(b *testing.B) float64 {
	close(h.stop)
	h.done.Wait()
	mib := float64(h.peak-h.base) / (1 << 20)
	b.ReportMetric(mib, "peak-heap-MiB")
	return mib
}

// sdkS3 is an SDK client of srv as an application would make it: the
// SDK's own HTTP client and retries, the same addressing and checksums as
// the driver's over an endpoint.
func sdkS3(srv *httptest.Server) *s3.Client {
	return s3.NewFromConfig(aws.Config{
		Region:      testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
	}, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
}

// benchConnector is a storage_aws_s3 connector of srv.
func benchConnector(b *testing.B, srv *httptest.Server) *storage.Connector {
	cfg := &awsp.S3StorageConfig{Bucket: testBucket, Region: testRegion, Endpoint: srv.URL}
	d, err := awsp.StorageS3.Open(context.Background(), s3Request(b, nil, cfg, nil, providers.OpenRequest{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = d.Close() })
	return storage.NewConnector(awsp.StorageS3, d)
}

// pair runs the SDK's and the connector's sub-benchmarks (time per op,
// MB/s, the heap's peak), then "interleaved", which alternates the two in
// each iteration (the order swapped every other one, so that neither
// gets the warmer caches or the quieter machine) and reports the median
// time per op of each and x-sdk, the connector's throughput over the
// SDK's (the ratio of the medians): the figure to read on a shared
// machine, where consecutive runs vary more than the paths do.
func pair(b *testing.B, sdk, conn func(b *testing.B)) {
	for _, p := range []struct {
		name string
		run  func(*testing.B)
	}{{"sdk", sdk}, {"connector", conn}} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(benchSize)
			h := startHeap()
			for b.Loop() {
				p.run(b)
			}
			h.report(b)
		})
	}
	b.Run("interleaved", func(b *testing.B) {
		var ts, tc []time.Duration
		i := 0
		timed := func(f func(*testing.B), into *[]time.Duration) {
			start := time.Now()
			f(b)
			*into = append(*into, time.Since(start))
		}
		for b.Loop() {
			if i%2 == 0 {
				timed(sdk, &ts)
				timed(conn, &tc)
			} else {
				timed(conn, &tc)
				timed(sdk, &ts)
			}
			i++
		}
		ms, mc := median(ts), median(tc)
		b.ReportMetric(float64(ms.Milliseconds()), "sdk-ms/op")
		b.ReportMetric(float64(mc.Milliseconds()), "connector-ms/op")
		b.ReportMetric(float64(ms)/float64(mc), "x-sdk")
	})
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func BenchmarkUpload256MiB(b *testing.B) {
	backend, srv := benchServer(b)
	tm := transfermanager.New(sdkS3(srv))
	c := benchConnector(b, srv)
	check := func(b *testing.B, key string) {
		backend.mu.Lock()
		n := backend.sizes[testBucket+"/"+key]
		backend.mu.Unlock()
		if n != benchSize {
			b.Fatalf("%s holds %d bytes, want %d", key, n, benchSize)
		}
	}
	pair(b, func(b *testing.B) {
		_, err := tm.UploadObject(b.Context(), &transfermanager.UploadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("bench/sdk.bin"), Body: &pattern{left: benchSize}})
		if err != nil {
			b.Fatal(err)
		}
		check(b, "bench/sdk.bin")
	}, func(b *testing.B) {
		_, err := c.UploadFile(b.Context(), "bench/connector.bin", &pattern{left: benchSize}, storage.UploadOptions{Size: benchSize})
		if err != nil {
			b.Fatal(err)
		}
		check(b, "bench/connector.bin")
	})
}

func BenchmarkDownload256MiB(b *testing.B) {
	backend, srv := benchServer(b)
	backend.sizes[testBucket+"/bench/file.bin"] = benchSize
	client := sdkS3(srv)
	c := benchConnector(b, srv)
	read := func(b *testing.B, r io.Reader) {
		n, err := io.Copy(io.Discard, r)
		if err != nil || n != benchSize {
			b.Fatalf("read %d bytes, want %d: %v", n, benchSize, err)
		}
	}
	pair(b, func(b *testing.B) {
		out, err := client.GetObject(b.Context(), &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String("bench/file.bin")})
		if err != nil {
			b.Fatal(err)
		}
		read(b, out.Body)
		out.Body.Close()
	}, func(b *testing.B) {
		dl, err := c.DownloadFile(b.Context(), "bench/file.bin")
		if err != nil {
			b.Fatal(err)
		}
		read(b, dl)
		dl.Close()
	})
}

// BenchmarkUploadPeakHeap uploads 64 MiB and 1 GiB streams through the
// connector: the heap's peak is the same for both, bounded by the parts
// in flight (8 MiB, 5 at a time, and the transfer manager's buffer of
// the next), not by the file.
func BenchmarkUploadPeakHeap(b *testing.B) {
	backend, srv := benchServer(b)
	c := benchConnector(b, srv)
	for _, size := range []int64{64 << 20, 1 << 30} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			b.SetBytes(size)
			h := startHeap()
			for b.Loop() {
				if _, err := c.UploadFile(b.Context(), "bench/heap.bin", &pattern{left: size}, storage.UploadOptions{Size: size}); err != nil {
					b.Fatal(err)
				}
			}
			h.report(b)
			backend.mu.Lock()
			n := backend.sizes[testBucket+"/bench/heap.bin"]
			backend.mu.Unlock()
			if n != size {
				b.Fatalf("the object holds %d bytes, want %d", n, size)
			}
		})
	}
}
