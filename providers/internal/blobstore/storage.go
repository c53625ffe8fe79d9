package blobstore

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strings"

	"gocloud.dev/blob"

	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/errs"
)

// Storage is a storage.Driver over a bucket: paths are keys under Prefix.
type Storage struct {
	storage.Unimplemented // never reached: every operation is implemented
	Bucket                *blob.Bucket
	Vendor                Vendor
	// Prefix, if set, is a folder of the bucket every path is under.
	Prefix string
	// OnClose, if set, runs after the bucket is closed (an SDK client's
	// own connections).
	OnClose func()
}

var _ storage.Driver = (*Storage)(nil)

func (s *Storage) key(path string) string { return join(s.Prefix, path) }

// folderKey is the listing prefix of a folder ("" or ending in "/").
func (s *Storage) folderKey(folder string) string {
	k := join(s.Prefix, folder)
	if k != "" {
		k += "/"
	}
	return k
}

func (s *Storage) wrap(ctx context.Context, err error, what, path string) error {
	return wrap(ctx, s.Bucket, &s.Vendor, err, what, path)
}

// ListFiles implements storage.Driver with gocloud's ListPage and the "/"
// delimiter; the cursor is the vendor's page token, base64url.
func (s *Storage) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	token := blob.FirstPageToken
	if req.Cursor != "" {
		t, err := base64.RawURLEncoding.DecodeString(req.Cursor)
		if err != nil || len(t) == 0 {
			return nil, errs.New(errs.InvalidQuery, "the cursor is not one of this listing")
		}
		token = t
	}
	prefix := s.folderKey(folder)
	objs, next, err := s.Bucket.ListPage(ctx, token, req.Limit, &blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	if err != nil {
		return nil, s.wrap(ctx, err, "listing", folder)
	}
	p := &storage.Page{Result: make([]*storage.File, 0, len(objs))}
	strip := strings.TrimSuffix(s.folderKey(""), "/")
	for _, o := range objs {
		path := o.Key
		if strip != "" {
			path = strings.TrimPrefix(strings.TrimPrefix(path, strip), "/")
		}
		if o.IsDir {
			p.Result = append(p.Result, &storage.File{Path: path, Folder: true})
			continue
		}
		f := &storage.File{Path: path, Size: o.Size}
		if !o.ModTime.IsZero() {
			t := o.ModTime.UTC()
			f.ModifiedAt = &t
		}
		p.Result = append(p.Result, f)
	}
	if len(next) > 0 {
		p.Next = base64.RawURLEncoding.EncodeToString(next)
	}
	return p, nil
}

// UploadFile implements storage.Driver: the content streams through
// gocloud's Writer (multipart or blocks, as the vendor takes it); a reader
// that fails, or a cancelled context, aborts the upload, and nothing is
// written.
func (s *Storage) UploadFile(ctx context.Context, path string, r io.Reader, opts storage.UploadOptions) (*storage.File, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.Bucket.NewWriter(wctx, s.key(path), &blob.WriterOptions{ContentType: opts.ContentType})
	if err != nil {
		return nil, s.wrap(ctx, err, "uploading", path)
	}
	src := &source{r: r}
	n, cerr := io.Copy(w, src)
	if cerr != nil {
		cancel() // aborts the upload
		_ = w.Close()
		if src.err != nil { // the content's reader failed, not the vendor
			var e *errs.Error
			if errors.As(src.err, &e) { // the connector's size check
				return nil, src.err
			}
			return nil, errs.Wrap(errs.InvalidInput, src.err, "reading the content of %q", path)
		}
		return nil, s.wrap(ctx, cerr, "uploading", path)
	}
	if err := w.Close(); err != nil {
		return nil, s.wrap(ctx, err, "uploading", path)
	}
	return &storage.File{Path: path, Size: n, ContentType: opts.ContentType}, nil
}

// source remembers the error of the content's reader.
type source struct {
	r   io.Reader
	err error
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// DownloadFile implements storage.Driver: gocloud's Reader streams the
// object.
func (s *Storage) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	r, err := s.Bucket.NewReader(ctx, s.key(path), nil)
	if err != nil {
		return nil, s.wrap(ctx, err, "downloading", path)
	}
	f := storage.File{Path: path, Size: r.Size(), ContentType: r.ContentType()}
	if t := r.ModTime(); !t.IsZero() {
		t = t.UTC()
		f.ModifiedAt = &t
	}
	return &storage.Download{ReadCloser: &reader{r: r, s: s, ctx: ctx, path: path}, File: f}, nil
}

// reader wraps gocloud's Reader so that its errors are the library's.
type reader struct {
	r    *blob.Reader
	s    *Storage
	ctx  context.Context
	path string
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = r.s.wrap(r.ctx, err, "downloading", r.path)
	}
	return n, err
}

func (r *reader) Close() error { return r.r.Close() }

// DeleteFile implements storage.Driver; gocloud answers a missing object
// with NotFound.
func (s *Storage) DeleteFile(ctx context.Context, path string) error {
	return s.wrap(ctx, s.Bucket.Delete(ctx, s.key(path)), "deleting", path)
}

// Close implements storage.Driver.
func (s *Storage) Close() error {
	err := s.Bucket.Close()
	if s.OnClose != nil {
		s.OnClose()
	}
	return err
}
