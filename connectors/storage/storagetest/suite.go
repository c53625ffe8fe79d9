// Package storagetest is the conformance suite every storage driver runs,
// and the shared fault suite through RunFaults. A driver's test describes
// the driver with a Harness and calls Run:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, storagetest.Harness{
//			Registration: s3.Storage,
//			Open: func(t *testing.T) storage.Driver { ... a driver over a fresh, empty bucket ... },
//		})
//	}
//
// # What the suite requires
//
//   - The registration declares only storage operations, each once, and the
//     driver implements exactly those (RegistryConsistency).
//   - Bad paths and folders (empty, absolute, "." or ".." segments, a
//     trailing "/" for a file, control characters, over MaxPathLen) and bad
//     limits are errs.ErrInvalidInput or errs.ErrInvalidQuery without any
//     driver call.
//   - A missing file's download and delete are errs.ErrNotFound.
//   - An upload followed by a download returns the same bytes — of an
//     empty file, a small one, and one of LargeSize bytes streamed from a
//     reader that is never held whole — with the size; an upload replaces
//     the file already at its path.
//   - An upload whose reader fails, or yields another length than the
//     announced Size, is an error and leaves no file (or the previous one).
//   - Listings return the files directly under a folder and its
//     sub-folders as Folder entries, each once, also one entry a page;
//     deleted files are no longer listed.
//   - 8 goroutines uploading and downloading distinct files at once each
//     get their own bytes back (run with -race).
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/errs"
)

// LargeSize is the size of the suite's large file: bigger than one
// multipart part and than the chunks of the drivers that stream.
const LargeSize = 12 << 20

// Harness describes a storage driver to Run.
type Harness struct {
	// Registration is the provider's registration.
	Registration storage.Registration
	// Open returns a driver over a fresh, empty bucket (or folder) for one
	// subtest. The suite closes it.
	Open func(t *testing.T) storage.Driver
}

// Run runs the conformance suite against the driver h describes.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Open == nil || h.Registration.ID == "" {
		t.Fatal("storagetest: Harness.Open and Harness.Registration are required")
	}
	for _, st := range []struct {
		name string
		run  func(*env)
	}{
		{"RegistryConsistency", testRegistryConsistency},
		{"InvalidInput", testInvalidInput},
		{"NotFound", testNotFound},
		{"RoundTrip", testRoundTrip},
		{"LargeFile", testLargeFile},
		{"FailedUpload", testFailedUpload},
		{"Listing", testListing},
		{"Delete", testDelete},
		{"Concurrency", testConcurrency},
	} {
		t.Run(st.name, func(t *testing.T) {
			d := conformance.OpenDriver(t, h.Open)
			s := &spy{Driver: d, calls: map[storage.Operation]int{}}
			st.run(&env{t: t, ctx: t.Context(), d: d, spy: s, caps: h.Registration.Capabilities,
				c: storage.NewConnector(h.Registration, s)})
		})
	}
}

// env is one subtest's driver and Connector.
type env struct {
	t    *testing.T
	ctx  context.Context
	d    storage.Driver
	spy  *spy
	caps storage.Capabilities
	c    *storage.Connector
}

func (e *env) need(ops ...storage.Operation) {
	e.t.Helper()
	for _, op := range ops {
		if !e.caps.Supports(op) {
			e.t.Skipf("the provider does not support %s", op)
		}
	}
}

func (e *env) upload(path string, content []byte) *storage.File {
	e.t.Helper()
	f, err := e.c.UploadFile(e.ctx, path, bytes.NewReader(content), storage.UploadOptions{ContentType: "text/plain", Size: int64(len(content))})
	if err != nil {
		e.t.Fatalf("UploadFile(%q): %v", path, err)
	}
	if f.Path != path || f.Size != int64(len(content)) {
		e.t.Errorf("UploadFile(%q) returned %+v; want the path and size %d", path, f, len(content))
	}
	return f
}

func (e *env) download(path string) []byte {
	e.t.Helper()
	d, err := e.c.DownloadFile(e.ctx, path)
	if err != nil {
		e.t.Fatalf("DownloadFile(%q): %v", path, err)
	}
	defer d.Close()
	b, err := io.ReadAll(d)
	if err != nil {
		e.t.Fatalf("reading %q: %v", path, err)
	}
	if d.File.Size != 0 && d.File.Size != int64(len(b)) {
		e.t.Errorf("DownloadFile(%q) says %d bytes, read %d", path, d.File.Size, len(b))
	}
	return b
}

// list returns every entry under folder, limit a page.
func (e *env) list(folder string, limit int) []string {
	e.t.Helper()
	var out []string
	cursor := ""
	for range 10_000 {
		p, err := e.c.ListFiles(e.ctx, folder, storage.ListRequest{Cursor: cursor, Limit: limit})
		if err != nil {
			e.t.Fatalf("ListFiles(%q): %v", folder, err)
		}
		if len(p.Result) > limit {
			e.t.Errorf("a page of limit %d holds %d entries", limit, len(p.Result))
		}
		for _, f := range p.Result {
			name := f.Path
			if f.Folder != strings.HasSuffix(f.Path, "/") {
				e.t.Errorf("entry %q: Folder %v, but a folder's path ends in \"/\"", f.Path, f.Folder)
			}
			out = append(out, name)
		}
		if p.Next == "" {
			return out
		}
		if p.Next == cursor {
			e.t.Fatalf("ListFiles returned the cursor it was given")
		}
		cursor = p.Next
	}
	e.t.Fatal("the listing never ends")
	return nil
}

func testRegistryConsistency(e *env) {
	for _, op := range storage.Operations {
		var err error
		switch op {
		case storage.OpListFiles:
			_, err = e.d.ListFiles(e.ctx, "", storage.ListRequest{Limit: 1})
		case storage.OpUploadFile:
			_, err = e.d.UploadFile(e.ctx, "synqly-consistency.txt", strings.NewReader("x"), storage.UploadOptions{ContentType: "text/plain", Size: 1})
		case storage.OpDownloadFile:
			var d *storage.Download
			if d, err = e.d.DownloadFile(e.ctx, "missing/nothing-here.txt"); err == nil {
				d.Close()
			}
		case storage.OpDeleteFile:
			err = e.d.DeleteFile(e.ctx, "missing/nothing-here.txt")
		}
		unsupported := errors.Is(err, errs.ErrUnsupported)
		switch declared := e.caps.Supports(op); {
		case declared && unsupported:
			e.t.Errorf("the registration declares %s, but the driver answers it with ErrUnsupported (%v)", op, err)
		case !declared && !unsupported:
			e.t.Errorf("the registration does not declare %s, but the driver implements it (it answered %v)", op, err)
		}
	}
}

func testInvalidInput(e *env) {
	before := e.spy.snapshot()
	for _, p := range []string{"", "/abs.txt", "a//b.txt", "a/./b.txt", "../escape.txt", "a/../../b", "folder/", "tab\there.txt",
		"nul\x00.txt", "bad\xff.txt", strings.Repeat("p", storage.MaxPathLen+1)} {
		if _, err := e.c.UploadFile(e.ctx, p, strings.NewReader("x"), storage.UploadOptions{}); !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("UploadFile(%q): want ErrInvalidInput, got %v", p, err)
		}
		if _, err := e.c.DownloadFile(e.ctx, p); !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("DownloadFile(%q): want ErrInvalidInput, got %v", p, err)
		}
		if err := e.c.DeleteFile(e.ctx, p); !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("DeleteFile(%q): want ErrInvalidInput, got %v", p, err)
		}
	}
	for _, f := range []string{"no-slash", "/abs/", "a/../b/", "../"} {
		if _, err := e.c.ListFiles(e.ctx, f, storage.ListRequest{}); !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("ListFiles(%q): want ErrInvalidInput, got %v", f, err)
		}
	}
	if _, err := e.c.ListFiles(e.ctx, "", storage.ListRequest{Limit: storage.MaxListLimit + 1}); !errors.Is(err, errs.ErrInvalidQuery) {
		e.t.Errorf("a limit over MaxListLimit: want ErrInvalidQuery, got %v", err)
	}
	if _, err := e.c.UploadFile(e.ctx, "x.txt", nil, storage.UploadOptions{}); !errors.Is(err, errs.ErrInvalidInput) {
		e.t.Errorf("a nil reader: want ErrInvalidInput, got %v", err)
	}
	if got := e.spy.since(before); len(got) > 0 {
		e.t.Errorf("bad input reached the driver: %v", got)
	}
}

func testNotFound(e *env) {
	e.need(storage.OpDownloadFile, storage.OpDeleteFile)
	if _, err := e.c.DownloadFile(e.ctx, "missing/nothing-here.txt"); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("DownloadFile of a missing file: want ErrNotFound, got %v", err)
	}
	if err := e.c.DeleteFile(e.ctx, "missing/nothing-here.txt"); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("DeleteFile of a missing file: want ErrNotFound, got %v", err)
	}
}

func testRoundTrip(e *env) {
	e.need(storage.OpUploadFile, storage.OpDownloadFile)
	for path, content := range map[string][]byte{
		"empty.txt":                 {},
		"reports/2026/12/small.txt": []byte("hello, bucket\n"),
		"names/ünïcode – ✓.txt":     []byte("utf-8 name"),
		"binary.bin":                {0, 1, 2, 0xff, 0xfe, '\n', 0},
	} {
		e.upload(path, content)
		if got := e.download(path); !bytes.Equal(got, content) {
			e.t.Errorf("%q: downloaded %q, uploaded %q", path, got, content)
		}
	}
	e.upload("reports/2026/12/small.txt", []byte("replaced"))
	if got := e.download("reports/2026/12/small.txt"); string(got) != "replaced" {
		e.t.Errorf("an upload does not replace the file: %q", got)
	}
}

// pattern is a reader of n deterministic bytes, produced as read.
type pattern struct{ n, off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	k := min(int64(len(b)), p.n-p.off)
	for i := range k {
		x := p.off + i
		b[i] = byte(x*7 + x>>9)
	}
	p.off += k
	return int(k), nil
}

func testLargeFile(e *env) {
	e.need(storage.OpUploadFile, storage.OpDownloadFile)
	want := sha256.New()
	_, _ = io.Copy(want, &pattern{n: LargeSize})
	// Without a size: the driver must stream an upload of unknown length.
	for _, size := range []int64{LargeSize, -1} {
		f, err := e.c.UploadFile(e.ctx, "large/file.bin", &pattern{n: LargeSize}, storage.UploadOptions{ContentType: "application/octet-stream", Size: size})
		if err != nil {
			e.t.Fatalf("uploading %d bytes (size %d): %v", LargeSize, size, err)
		}
		if f.Size != LargeSize {
			e.t.Errorf("the upload reports %d bytes, want %d", f.Size, LargeSize)
		}
		d, err := e.c.DownloadFile(e.ctx, "large/file.bin")
		if err != nil {
			e.t.Fatal(err)
		}
		got := sha256.New()
		n, err := io.Copy(got, d)
		d.Close()
		if err != nil || n != LargeSize || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			e.t.Errorf("downloaded %d bytes (%v), want the %d uploaded, the same", n, err, LargeSize)
		}
	}
}

// failing yields n bytes, then fails.
type failing struct{ pattern }

func (f *failing) Read(b []byte) (int, error) {
	n, err := f.pattern.Read(b)
	if err == io.EOF {
		return 0, errors.New("the source broke")
	}
	return n, err
}

func testFailedUpload(e *env) {
	e.need(storage.OpUploadFile, storage.OpDownloadFile)
	e.upload("keep.txt", []byte("previous"))
	if _, err := e.c.UploadFile(e.ctx, "keep.txt", &failing{pattern{n: 1000}}, storage.UploadOptions{}); err == nil {
		e.t.Error("an upload whose reader failed succeeded")
	}
	if got := e.download("keep.txt"); string(got) != "previous" {
		e.t.Errorf("a failed upload changed the file: %q", got)
	}
	_, err := e.c.UploadFile(e.ctx, "short.txt", strings.NewReader("12345"), storage.UploadOptions{Size: 10})
	if err == nil {
		e.t.Error("an upload shorter than its Size succeeded")
	}
	if _, err := e.c.DownloadFile(e.ctx, "short.txt"); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("a failed upload left a file (or another error): %v", err)
	}
}

func testListing(e *env) {
	e.need(storage.OpUploadFile, storage.OpListFiles)
	files := []string{"a.txt", "b.txt", "docs/one.txt", "docs/two.txt", "docs/deep/three.txt", "zz/last.txt", "c-dash.txt"}
	for _, f := range files {
		e.upload(f, []byte(f))
	}
	for _, limit := range []int{storage.MaxListLimit, 1, 2} {
		got := e.list("", limit)
		slices.Sort(got)
		want := []string{"a.txt", "b.txt", "c-dash.txt", "docs/", "zz/"}
		if !slices.Equal(got, want) {
			e.t.Errorf("the root, %d a page: %v, want %v", limit, got, want)
		}
		got = e.list("docs/", limit)
		slices.Sort(got)
		if want := []string{"docs/deep/", "docs/one.txt", "docs/two.txt"}; !slices.Equal(got, want) {
			e.t.Errorf("docs/, %d a page: %v, want %v", limit, got, want)
		}
	}
	if got := e.list("nothing-here/", 10); len(got) != 0 {
		e.t.Errorf("an empty folder lists %v", got)
	}
	var n int
	for f, err := range e.c.AllFiles(e.ctx, "docs/deep/") {
		if err != nil {
			e.t.Fatal(err)
		}
		if f.Path != "docs/deep/three.txt" || f.Size != int64(len("docs/deep/three.txt")) {
			e.t.Errorf("AllFiles(docs/deep/) yields %+v", f)
		}
		n++
	}
	if n != 1 {
		e.t.Errorf("AllFiles(docs/deep/) yields %d entries, want 1", n)
	}
}

func testDelete(e *env) {
	e.need(storage.OpUploadFile, storage.OpDeleteFile, storage.OpDownloadFile)
	e.upload("gone/soon.txt", []byte("x"))
	e.upload("gone/stays.txt", []byte("y"))
	if err := e.c.DeleteFile(e.ctx, "gone/soon.txt"); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.c.DownloadFile(e.ctx, "gone/soon.txt"); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("a deleted file downloads: %v", err)
	}
	if err := e.c.DeleteFile(e.ctx, "gone/soon.txt"); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("deleting twice: want ErrNotFound, got %v", err)
	}
	if e.caps.Supports(storage.OpListFiles) {
		if got := e.list("gone/", 10); !slices.Equal(got, []string{"gone/stays.txt"}) {
			e.t.Errorf("after the delete gone/ lists %v", got)
		}
	}
}

func testConcurrency(e *env) {
	e.need(storage.OpUploadFile, storage.OpDownloadFile)
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			path := fmt.Sprintf("concurrent/%d.txt", g)
			content := bytes.Repeat([]byte{byte('a' + g)}, 1000+g)
			if _, err := e.c.UploadFile(e.ctx, path, bytes.NewReader(content), storage.UploadOptions{Size: int64(len(content))}); err != nil {
				errc <- err
				return
			}
			d, err := e.c.DownloadFile(e.ctx, path)
			if err != nil {
				errc <- err
				return
			}
			got, err := io.ReadAll(d)
			d.Close()
			if err != nil || !bytes.Equal(got, content) {
				errc <- fmt.Errorf("%s: read %d bytes (%v), want its own %d", path, len(got), err, len(content))
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		e.t.Error(err)
	}
}

// spy counts the calls that reach the driver.
type spy struct {
	storage.Driver
	mu    sync.Mutex
	calls map[storage.Operation]int
}

func (s *spy) enter(op storage.Operation) {
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
}

func (s *spy) snapshot() map[storage.Operation]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

func (s *spy) since(before map[storage.Operation]int) map[storage.Operation]int {
	out := map[storage.Operation]int{}
	for op, n := range s.snapshot() {
		if d := n - before[op]; d > 0 {
			out[op] = d
		}
	}
	return out
}

func (s *spy) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	s.enter(storage.OpListFiles)
	return s.Driver.ListFiles(ctx, folder, req)
}

func (s *spy) UploadFile(ctx context.Context, path string, r io.Reader, opts storage.UploadOptions) (*storage.File, error) {
	s.enter(storage.OpUploadFile)
	return s.Driver.UploadFile(ctx, path, r, opts)
}

func (s *spy) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	s.enter(storage.OpDownloadFile)
	return s.Driver.DownloadFile(ctx, path)
}

func (s *spy) DeleteFile(ctx context.Context, path string) error {
	s.enter(storage.OpDeleteFile)
	return s.Driver.DeleteFile(ctx, path)
}

func (s *spy) Close() error { return nil } // the suite closes the driver itself
