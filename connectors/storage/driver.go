package storage

import (
	"context"
	"io"
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
)

// Capabilities describe what a provider can do, declared once in its
// Registration.
type Capabilities struct {
	// Operations lists the operations the provider supports.
	Operations []Operation
}

// Supports reports whether op is in c.Operations.
func (c Capabilities) Supports(op Operation) bool { return slices.Contains(c.Operations, op) }

// Driver is what a storage provider implements. The Connector has checked
// every path (relative, clean, within MaxPathLen) and every limit before a
// driver method runs, and wraps the errors the driver returns with the
// provider and the operation. A missing file is errs.ErrNotFound.
type Driver interface {
	// ListFiles returns one page of the entries directly under folder (""
	// or a path ending in "/"): files, and folders as common prefixes.
	ListFiles(ctx context.Context, folder string, req ListRequest) (*Page, error)
	// UploadFile writes the file at path from r, streaming (replacing a
	// file already there), and returns it as stored.
	UploadFile(ctx context.Context, path string, r io.Reader, opts UploadOptions) (*File, error)
	// DownloadFile opens the file at path for reading; the caller closes
	// it.
	DownloadFile(ctx context.Context, path string) (*Download, error)
	// DeleteFile deletes the file at path; a missing file is
	// errs.ErrNotFound.
	DeleteFile(ctx context.Context, path string) error
	// Close releases what the driver holds.
	Close() error
}

// Unimplemented answers every operation with errs.ErrUnsupported; drivers
// embed it and override what their provider supports.
type Unimplemented struct{}

func unsupported(op Operation) error {
	return errs.New(errs.Unsupported, "this provider does not support %s", op)
}

// ListFiles implements Driver.
func (Unimplemented) ListFiles(context.Context, string, ListRequest) (*Page, error) {
	return nil, unsupported(OpListFiles)
}

// UploadFile implements Driver.
func (Unimplemented) UploadFile(context.Context, string, io.Reader, UploadOptions) (*File, error) {
	return nil, unsupported(OpUploadFile)
}

// DownloadFile implements Driver.
func (Unimplemented) DownloadFile(context.Context, string) (*Download, error) {
	return nil, unsupported(OpDownloadFile)
}

// DeleteFile implements Driver.
func (Unimplemented) DeleteFile(context.Context, string) error { return unsupported(OpDeleteFile) }

// Close implements Driver.
func (Unimplemented) Close() error { return nil }
