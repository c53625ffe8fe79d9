package storage

import (
	"io"
	"time"

	"github.com/seed-e6251c81/synqly/page"
)

// File is an entry of a bucket: a file, or, in a listing, a folder (a
// common prefix, its Path ending in "/"). Its JSON names extend the hosted
// API's StoragePath {path}.
type File struct {
	// Path is the file's path in the bucket (a folder's ends in "/").
	Path string `json:"path"`
	// Folder reports a folder entry of a listing.
	Folder bool `json:"folder,omitempty"`
	// Size is the file's size in bytes (0 for a folder).
	Size int64 `json:"size,omitempty"`
	// ContentType is the file's media type, where the provider keeps one.
	ContentType string `json:"content_type,omitempty"`
	// ModifiedAt is when the file was last written, where the provider
	// says.
	ModifiedAt *time.Time `json:"modified_at,omitempty"`
	// ETag is the provider's version tag of the content, where it has one.
	ETag string `json:"etag,omitempty"`
}

// Page is one page of a listing.
type Page = page.Page[File]

// ListRequest asks for one page of a folder's entries.
type ListRequest struct {
	// Cursor continues a listing (Page.Next); "" starts it.
	Cursor string
	// Limit bounds the page (default DefaultListLimit, at most
	// MaxListLimit).
	Limit int
}

// UploadOptions describe an upload.
type UploadOptions struct {
	// ContentType is the file's media type (default
	// application/octet-stream).
	ContentType string
	// Size, when known (> 0), is the content's length: the provider may
	// send it in one request, and an upload whose reader yields another
	// length fails with errs.ErrInvalidInput and writes nothing. 0 or -1:
	// unknown, the upload streams (Connector.UploadFile passes -1).
	Size int64
}

// Download is a file being downloaded: read it, then Close it.
type Download struct {
	io.ReadCloser
	// File describes the file (its Size and ContentType as the provider
	// reports them).
	File File
}
