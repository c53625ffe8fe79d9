package mock

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// StorageID is the provider config id of the mock storage provider.
const StorageID = "storage_mock_storage"

// StorageConfig is the storage_mock_storage provider configuration. The mock
// needs no credential.
type StorageConfig struct {
	// Bucket names the bucket; the mock keeps one bucket per integration
	// whatever its name.
	Bucket string `json:"bucket" schema:"required"`
}

// Validate implements providers.Config.
func (c *StorageConfig) Validate() error {
	if strings.TrimSpace(c.Bucket) == "" {
		return errs.Invalid("bucket", "bucket is required")
	}
	if len(c.Bucket) > 222 || strings.ContainsFunc(c.Bucket, unicode.IsControl) {
		return errs.Invalid("bucket", "bucket must be one line of at most 222 bytes")
	}
	return nil
}

// CredentialRefs implements providers.Config; the mock has none.
func (c *StorageConfig) CredentialRefs() map[string]*credential.Ref { return nil }

// Storage is the registration of the mock storage provider, and its
// constructor. It supports every storage operation and keeps the files in
// the integration's State, in chunks of StorageChunkSize bytes, so uploads
// and downloads stream and the files survive a restart. Paths are kept
// percent-escaped in the State's keys, so a path may be at most
// MaxStoragePathLen bytes once escaped; listings come in the order of the
// escaped paths (byte order for ASCII paths).
var Storage = storage.Registration{
	ID:           StorageID,
	Fullname:     "Mock Storage",
	NewConfig:    func() providers.Config { return new(StorageConfig) },
	Capabilities: storage.Capabilities{Operations: storage.Operations},
	Open:         openStorage,
}

func init() { storage.Register(Storage) }

// Limits of the mock's storage.
const (
	// StorageChunkSize is the size of the chunks a file is kept in.
	StorageChunkSize = 256 << 10
	// MaxStoragePathLen bounds an escaped path (State keys are short).
	MaxStoragePathLen = 160
)

// Keys of the storage mock's State:
//
//	file/<escaped path>              → fileMeta
//	data/<generation>/<00000001>     → a chunk (a JSON string, base64)
const (
	prefixFile = "file/"
	prefixData = "data/"
)

// fileMeta is what the State keeps of a file.
type fileMeta struct {
	Path        string    `json:"path"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Modified    time.Time `json:"modified"`
	Gen         string    `json:"gen"`
	Chunks      int       `json:"chunks"`
	SHA256      string    `json:"sha256"`
}

func (m *fileMeta) file() *storage.File {
	mod := m.Modified
	return &storage.File{Path: m.Path, Size: m.Size, ContentType: m.ContentType, ModifiedAt: &mod, ETag: m.SHA256[:32]}
}

// bucket is the mock storage driver.
type bucket struct {
	storage.Unimplemented // never reached: the mock implements every operation
	stateStore
}

var _ storage.Driver = (*bucket)(nil)

func openStorage(_ context.Context, req providers.OpenRequest) (storage.Driver, error) {
	if _, err := providers.ConfigAs[*StorageConfig](req); err != nil {
		return nil, err
	}
	return &bucket{stateStore: newStateStore(req)}, nil
}

// fileKey returns the State key of a path.
func fileKey(path string) (string, error) {
	esc := escapePath(path)
	if len(esc) > MaxStoragePathLen {
		return "", errs.Invalid("path", "the mock keeps paths of at most %d bytes once percent-escaped; this one is %d", MaxStoragePathLen, len(esc))
	}
	return prefixFile + esc, nil
}

// escapePath escapes every byte of path but unreserved ASCII and "/", so
// that keys are printable ASCII and "/" still separates folders.
func escapePath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func chunkKey(gen string, n int) string { return fmt.Sprintf("%s%s/%08d", prefixData, gen, n) }

func newGeneration() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func fileNotFound(path string) error {
	return errs.New(errs.NotFound, "file %q not found", clip(path))
}

// UploadFile implements storage.Driver: the content is written chunk by
// chunk under a new generation, then the file's record is switched to it
// in one State.Update (which deletes the generation it replaces), so a
// reader never sees half a file and a failed upload leaves the previous
// file as it was.
func (d *bucket) UploadFile(ctx context.Context, path string, r io.Reader, opts storage.UploadOptions) (*storage.File, error) {
	key, err := fileKey(path)
	if err != nil {
		return nil, err
	}
	gen := newGeneration()
	h := sha256.New()
	buf := make([]byte, StorageChunkSize)
	var size int64
	chunks := 0
	fail := func(err error) (*storage.File, error) {
		d.dropGeneration(context.WithoutCancel(ctx), gen, chunks)
		return nil, err
	}
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			chunks++
			h.Write(buf[:n])
			size += int64(n)
			raw, _ := json.Marshal(buf[:n])
			if err := d.state.Put(ctx, chunkKey(gen, chunks), raw); err != nil {
				return fail(err)
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return fail(errs.Wrap(errs.InvalidInput, rerr, "reading the content of %q", clip(path)))
		}
	}
	if opts.Size > 0 && size != opts.Size {
		return fail(errs.Invalid("size", "the content is %d bytes, not the %d the upload announced", size, opts.Size))
	}
	m := &fileMeta{Path: path, Size: size, ContentType: opts.ContentType, Modified: d.clock().Truncate(time.Millisecond),
		Gen: gen, Chunks: chunks, SHA256: hex.EncodeToString(h.Sum(nil))}
	var old *fileMeta
	err = d.state.Update(ctx, func(tx providers.StateTx) error {
		old = nil
		var prev fileMeta
		switch err := d.getJSON(ctx, tx, key, &prev, func() error { return errNoFile }); {
		case errors.Is(err, errNoFile):
		case err != nil:
			return err
		default:
			old = &prev
		}
		return d.putJSON(ctx, tx, key, m)
	})
	if err != nil {
		return fail(err)
	}
	if old != nil {
		d.dropGeneration(context.WithoutCancel(ctx), old.Gen, old.Chunks)
	}
	return m.file(), nil
}

var errNoFile = errors.New("no file")

// dropGeneration deletes a generation's chunks, best effort: a chunk left
// behind is unreachable, never read.
func (d *bucket) dropGeneration(ctx context.Context, gen string, chunks int) {
	for n := 1; n <= chunks; n++ {
		_ = d.state.Delete(ctx, chunkKey(gen, n))
	}
}

func (d *bucket) meta(ctx context.Context, path string) (*fileMeta, error) {
	key, err := fileKey(path)
	if err != nil {
		if errs.CodeOf(err) == errs.InvalidInput {
			return nil, fileNotFound(path) // no such path can be stored
		}
		return nil, err
	}
	var m fileMeta
	if err := d.getJSON(ctx, d.state, key, &m, func() error { return fileNotFound(path) }); err != nil {
		return nil, err
	}
	return &m, nil
}

// DownloadFile implements storage.Driver: the reader fetches one chunk at
// a time. A file replaced while it is being read fails the read with
// errs.ErrConflict.
func (d *bucket) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	m, err := d.meta(ctx, path)
	if err != nil {
		return nil, err
	}
	return &storage.Download{ReadCloser: &chunkReader{ctx: ctx, d: d, m: m}, File: *m.file()}, nil
}

// chunkReader reads a file chunk by chunk.
type chunkReader struct {
	ctx    context.Context
	d      *bucket
	m      *fileMeta
	next   int
	cur    *bytes.Reader
	closed bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for {
		if r.closed {
			return 0, errs.New(errs.InvalidInput, "read of a closed download")
		}
		if r.cur != nil && r.cur.Len() > 0 {
			return r.cur.Read(p)
		}
		if r.next >= r.m.Chunks {
			return 0, io.EOF
		}
		r.next++
		raw, err := r.d.state.Get(r.ctx, chunkKey(r.m.Gen, r.next))
		if errs.CodeOf(err) == errs.NotFound {
			return 0, errs.New(errs.Conflict, "file %q was replaced or deleted while it was read", clip(r.m.Path))
		}
		if err != nil {
			return 0, err
		}
		var chunk []byte
		if err := json.Unmarshal(raw, &chunk); err != nil {
			return 0, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (chunk %d of %q)", r.next, clip(r.m.Path))
		}
		r.cur = bytes.NewReader(chunk)
	}
}

func (r *chunkReader) Close() error { r.closed = true; return nil }

// DeleteFile implements storage.Driver.
func (d *bucket) DeleteFile(ctx context.Context, path string) error {
	key, err := fileKey(path)
	if err != nil {
		return fileNotFound(path)
	}
	var m fileMeta
	err = d.state.Update(ctx, func(tx providers.StateTx) error {
		if err := d.getJSON(ctx, tx, key, &m, func() error { return fileNotFound(path) }); err != nil {
			return err
		}
		return tx.Delete(ctx, key)
	})
	if err != nil {
		return err
	}
	d.dropGeneration(context.WithoutCancel(ctx), m.Gen, m.Chunks)
	return nil
}

// ListFiles implements storage.Driver: the files directly under folder,
// and the folders below it as one entry each, in key order. The cursor is
// the escaped path of the page's last entry.
func (d *bucket) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	prefix := prefixFile + escapePath(folder)
	after := ""
	if req.Cursor != "" {
		c, err := url.PathUnescape(req.Cursor)
		if err != nil || !strings.HasPrefix(c, escapePath(folder)) {
			return nil, errs.New(errs.InvalidQuery, "the cursor is not one of this listing")
		}
		after = prefixFile + c
	}
	out := &storage.Page{}
	for len(out.Result) < req.Limit {
		entries, err := d.state.List(ctx, prefix, after, providers.MaxStateList)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			return out, nil
		}
		for _, e := range entries {
			rest := strings.TrimPrefix(e.Key, prefix)
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				// A folder: one entry, then past every key below it (keys
				// are at most MaxStateKeyLen bytes of ASCII up to '~').
				sub := prefix + rest[:i+1]
				unesc, _ := url.PathUnescape(strings.TrimPrefix(sub, prefixFile))
				out.Result = append(out.Result, &storage.File{Path: unesc, Folder: true})
				after = sub + strings.Repeat("~", max(providers.MaxStateKeyLen-len(sub), 1))
				out.Next = url.PathEscape(strings.TrimPrefix(after, prefixFile))
				if len(out.Result) == req.Limit {
					return out, nil
				}
				break // list again from after the folder
			}
			var m fileMeta
			if err := json.Unmarshal(e.Value, &m); err != nil {
				return nil, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", e.Key)
			}
			out.Result = append(out.Result, m.file())
			after = e.Key
			out.Next = url.PathEscape(strings.TrimPrefix(after, prefixFile))
			if len(out.Result) == req.Limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// Close implements storage.Driver; the State stays as it is.
func (d *bucket) Close() error { return nil }
