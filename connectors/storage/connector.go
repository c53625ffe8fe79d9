package storage

import (
	"context"
	"io"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/page"
	"github.com/seed-e6251c81/synqly/providers"
)

// Limits of the connector's arguments.
const (
	// MaxPathLen bounds a path in bytes (S3's key limit).
	MaxPathLen = 1024
	// DefaultListLimit is a listing page's size when the request gives
	// none (the hosted API's default).
	DefaultListLimit = 50
	// MaxListLimit bounds a listing page (S3's and GCS's page limit).
	MaxListLimit = 1000
)

// Connector is the portable storage API, bound to one integration. It is
// safe for concurrent use. Get one with Open or NewConnector.
type Connector struct {
	b *kit.Binding[Driver]
}

// Open returns the storage connector of the integration with the given
// id, resolved through src: a *synqly.Client or a *synqly.AccountScope
// (see ticketing.Open for how the source resolves it).
//
//	st, err := storage.Open(ctx, client.Account(accountID), integrationID)
func Open(ctx context.Context, src providers.Source, integrationID string) (*Connector, error) {
	return kit.Open(ctx, providers.Storage, src, integrationID, bound)
}

func bound(b *kit.Binding[Driver]) *Connector { return &Connector{b: b} }

// NewConnector returns a Connector over a driver built directly with the
// registration's Open; tel, if given, says where telemetry goes besides
// the OpenTelemetry globals.
func NewConnector(r Registration, d Driver, tel ...providers.Telemetry) *Connector {
	return bound(kit.Fixed(r.Provider(), d, tel...))
}

func do[T any](ctx context.Context, c *Connector, op Operation, fn func(ctx context.Context, d Driver) (T, error)) (T, error) {
	if c == nil {
		var zero T
		return zero, errs.New(errs.InvalidInput, "storage: nil Connector")
	}
	return kit.Do(ctx, c.b, string(op), func(ctx context.Context, d Driver, _ *providers.Resolved) (T, error) { return fn(ctx, d) })
}

// Capabilities returns what the connector's provider supports.
func (c *Connector) Capabilities(ctx context.Context) (Capabilities, error) {
	if c == nil {
		return Capabilities{}, errs.New(errs.InvalidInput, "storage: nil Connector")
	}
	return kit.Capabilities[Driver, Capabilities](ctx, c.b)
}

// ListFiles returns one page of the entries directly under folder ("" for
// the bucket's root, else a path ending in "/"): files, and the folders
// below as entries with Folder set, in the provider's (lexical) order.
func (c *Connector) ListFiles(ctx context.Context, folder string, req ListRequest) (*Page, error) {
	if err := CheckFolder("folder", folder); err != nil {
		return nil, err
	}
	if err := kit.CheckLimit(req.Limit, MaxListLimit); err != nil {
		return nil, err
	}
	if err := kit.CheckText("cursor", req.Cursor, 4096, false); err != nil {
		return nil, err
	}
	if req.Limit == 0 {
		req.Limit = DefaultListLimit
	}
	return do(ctx, c, OpListFiles, func(ctx context.Context, d Driver) (*Page, error) {
		p, err := d.ListFiles(ctx, folder, req)
		if err == nil && p == nil {
			return nil, errs.New(errs.Internal, "the driver returned no page and no error")
		}
		return p, err
	})
}

// AllFiles iterates over every entry under folder, page by page.
func (c *Connector) AllFiles(ctx context.Context, folder string) iter.Seq2[*File, error] {
	return page.All(ctx, "", func(ctx context.Context, next string) (*Page, error) {
		return c.ListFiles(ctx, folder, ListRequest{Cursor: next})
	})
}

// UploadFile writes the file at path from r, streaming, replacing a file
// already there. With opts.Size set, a reader that yields another number of
// bytes fails the upload (errs.ErrInvalidInput) and the file is not
// written.
func (c *Connector) UploadFile(ctx context.Context, path string, r io.Reader, opts UploadOptions) (*File, error) {
	if err := CheckPath("path", path); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errs.Invalid("content", "the content reader is nil")
	}
	if err := kit.CheckText("content_type", opts.ContentType, 256, false); err != nil {
		return nil, err
	}
	if opts.ContentType == "" {
		opts.ContentType = "application/octet-stream"
	}
	if opts.Size <= 0 {
		opts.Size = -1
	} else {
		r = &sized{r: r, want: opts.Size}
	}
	return do(ctx, c, OpUploadFile, func(ctx context.Context, d Driver) (*File, error) {
		f, err := d.UploadFile(ctx, path, r, opts)
		if err == nil && f == nil {
			return nil, errs.New(errs.Internal, "the driver returned no file and no error")
		}
		return f, err
	})
}

// DownloadFile opens the file at path: read the Download, then Close it.
// The span of the call covers opening the file; reading it is the
// caller's.
func (c *Connector) DownloadFile(ctx context.Context, path string) (*Download, error) {
	if err := CheckPath("path", path); err != nil {
		return nil, err
	}
	return do(ctx, c, OpDownloadFile, func(ctx context.Context, d Driver) (*Download, error) {
		dl, err := d.DownloadFile(ctx, path)
		if err == nil && (dl == nil || dl.ReadCloser == nil) {
			return nil, errs.New(errs.Internal, "the driver returned no download and no error")
		}
		return dl, err
	})
}

// DeleteFile deletes the file at path; a missing file is errs.ErrNotFound.
func (c *Connector) DeleteFile(ctx context.Context, path string) error {
	if err := CheckPath("path", path); err != nil {
		return err
	}
	_, err := do(ctx, c, OpDeleteFile, func(ctx context.Context, d Driver) (struct{}, error) {
		return struct{}{}, d.DeleteFile(ctx, path)
	})
	return err
}

// sized fails a read that yields more or fewer bytes than announced, so
// that the driver's upload fails (and writes nothing) instead of storing
// another file than the caller meant.
type sized struct {
	r       io.Reader
	want, n int64
}

func (s *sized) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	switch {
	case s.n > s.want:
		return n, errs.Invalid("size", "the content is longer than the %d bytes the upload announced", s.want)
	case err == io.EOF && s.n != s.want:
		return n, errs.Invalid("size", "the content is %d bytes, not the %d the upload announced", s.n, s.want)
	}
	return n, err
}

// CheckPath refuses a file path that is empty, absolute, longer than
// MaxPathLen, not valid UTF-8, holding a control character, ending in "/"
// or holding an empty, "." or ".." segment: paths are what providers put
// into URLs and object keys, and one must never reach outside the bucket
// or name two files. Drivers and fakes may use it too.
func CheckPath(field, p string) error {
	if p == "" {
		return errs.Invalid(field, "%s is required", field)
	}
	if strings.HasSuffix(p, "/") {
		return errs.Invalid(field, "%s names a folder (it ends in \"/\"): give a file's path", field)
	}
	return checkSegments(field, p)
}

// CheckFolder refuses a folder that is not "" or a path ending in "/"
// with the segments CheckPath allows.
func CheckFolder(field, f string) error {
	if f == "" {
		return nil
	}
	if !strings.HasSuffix(f, "/") {
		return errs.Invalid(field, "%s must be \"\" (the root) or end in \"/\"", field)
	}
	return checkSegments(field, strings.TrimSuffix(f, "/"))
}

func checkSegments(field, p string) error {
	switch {
	case len(p) > MaxPathLen:
		return errs.Invalid(field, "%s is %d bytes; the limit is %d", field, len(p), MaxPathLen)
	case !utf8.ValidString(p):
		return errs.Invalid(field, "%s is not valid UTF-8", field)
	case strings.ContainsFunc(p, unicode.IsControl):
		return errs.Invalid(field, "%s holds a control character", field)
	case strings.HasPrefix(p, "/"):
		return errs.Invalid(field, "%s must be relative to the bucket (no leading \"/\")", field)
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return errs.Invalid(field, "%s has an empty, \".\" or \"..\" segment", field)
		}
	}
	return nil
}
