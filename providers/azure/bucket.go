package azure

import (
	"context"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/gcerrors"
)

// uploadBucket is a gocloud driver over gocloud's own azureblob bucket
// that writes every blob through Bucket.Upload, never through the
// azureblob driver's Writer: that writer's Close dereferences the pipe
// reader its upload goroutine sets to nil when an upload fails (a panic on
// every failed upload in gocloud v0.47.0; v0.49.0 checks for nil, but the
// field is still written and read by two goroutines without
// synchronization). Upload hands the SDK a reader instead, and a failed
// upload is an error like any other. Everything else goes straight to the
// inner bucket.
type uploadBucket struct{ inner *blob.Bucket }

var _ driver.Bucket = (*uploadBucket)(nil)

// wrapBucket returns a bucket over inner that uploads through
// uploadBucket.
func wrapBucket(inner *blob.Bucket) *blob.Bucket { return blob.NewBucket(&uploadBucket{inner: inner}) }

func (b *uploadBucket) ErrorCode(err error) gcerrors.ErrorCode { return gcerrors.Code(err) }

func (b *uploadBucket) As(i any) bool { return b.inner.As(i) }

func (b *uploadBucket) ErrorAs(err error, i any) bool { return b.inner.ErrorAs(err, i) }

func (b *uploadBucket) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	a, err := b.inner.Attributes(ctx, key)
	if err != nil {
		return nil, err
	}
	return &driver.Attributes{CacheControl: a.CacheControl, ContentDisposition: a.ContentDisposition, ContentEncoding: a.ContentEncoding,
		ContentLanguage: a.ContentLanguage, ContentType: a.ContentType, Metadata: a.Metadata, CreateTime: a.CreateTime,
		ModTime: a.ModTime, Size: a.Size, MD5: a.MD5, ETag: a.ETag, AsFunc: a.As}, nil
}

// defaultPageSize is azureblob's page size when none is asked for.
const defaultPageSize = 1000

func (b *uploadBucket) ListPaged(ctx context.Context, opts *driver.ListOptions) (*driver.ListPage, error) {
	token := opts.PageToken
	if len(token) == 0 {
		token = blob.FirstPageToken
	}
	size := opts.PageSize
	if size <= 0 {
		size = defaultPageSize
	}
	objs, next, err := b.inner.ListPage(ctx, token, size, &blob.ListOptions{Prefix: opts.Prefix, Delimiter: opts.Delimiter, BeforeList: opts.BeforeList})
	if err != nil {
		return nil, err
	}
	p := &driver.ListPage{Objects: make([]*driver.ListObject, len(objs)), NextPageToken: next}
	for i, o := range objs {
		p.Objects[i] = &driver.ListObject{Key: o.Key, ModTime: o.ModTime, Size: o.Size, MD5: o.MD5, IsDir: o.IsDir, AsFunc: o.As}
	}
	return p, nil
}

func (b *uploadBucket) NewRangeReader(ctx context.Context, key string, offset, length int64, opts *driver.ReaderOptions) (driver.Reader, error) {
	r, err := b.inner.NewRangeReader(ctx, key, offset, length, &blob.ReaderOptions{BeforeRead: opts.BeforeRead})
	if err != nil {
		return nil, err
	}
	return &rangeReader{r: r, attrs: driver.ReaderAttributes{ContentType: r.ContentType(), ModTime: r.ModTime(), Size: r.Size()}}, nil
}

type rangeReader struct {
	r     *blob.Reader
	attrs driver.ReaderAttributes
}

func (r *rangeReader) Read(p []byte) (int, error)           { return r.r.Read(p) }
func (r *rangeReader) Close() error                         { return r.r.Close() }
func (r *rangeReader) Attributes() *driver.ReaderAttributes { return &r.attrs }
func (r *rangeReader) As(i any) bool                        { return r.r.As(i) }

// NewTypedWriter returns a writer whose bytes the inner bucket's Upload
// reads from a pipe; cancelling ctx (gocloud does to abort a write) aborts
// the upload, and no blob is committed.
func (b *uploadBucket) NewTypedWriter(ctx context.Context, key, contentType string, opts *driver.WriterOptions) (driver.Writer, error) {
	pr, pw := io.Pipe()
	w := &pipeWriter{ctx: ctx, pw: pw, done: make(chan struct{})}
	wo := &blob.WriterOptions{BufferSize: opts.BufferSize, MaxConcurrency: opts.MaxConcurrency, CacheControl: opts.CacheControl,
		ContentDisposition: opts.ContentDisposition, ContentEncoding: opts.ContentEncoding, ContentLanguage: opts.ContentLanguage,
		ContentType: contentType, DisableContentTypeDetection: true, ContentMD5: opts.ContentMD5, Metadata: opts.Metadata,
		BeforeWrite: opts.BeforeWrite, IfNotExist: opts.IfNotExist}
	go func() {
		defer close(w.done)
		w.err = b.inner.Upload(ctx, key, pr, wo)
		if w.err != nil {
			pr.CloseWithError(w.err) // the writes still under way fail with it
		} else {
			pr.Close()
		}
	}()
	return w, nil
}

// pipeWriter is the writer end of an upload.
type pipeWriter struct {
	ctx  context.Context
	pw   *io.PipeWriter
	done chan struct{}
	err  error // the upload's, set before done is closed
}

func (w *pipeWriter) Write(p []byte) (int, error) { return w.pw.Write(p) }

// Close ends the content and waits for the upload's outcome. A write
// whose context has ended is aborted: the upload sees an error, not the
// end of the content, and commits nothing.
func (w *pipeWriter) Close() error {
	if err := w.ctx.Err(); err != nil {
		_ = w.pw.CloseWithError(err)
	} else {
		_ = w.pw.Close()
	}
	<-w.done
	return w.err
}

func (b *uploadBucket) Copy(ctx context.Context, dstKey, srcKey string, opts *driver.CopyOptions) error {
	return b.inner.Copy(ctx, dstKey, srcKey, &blob.CopyOptions{BeforeCopy: opts.BeforeCopy})
}

func (b *uploadBucket) Delete(ctx context.Context, key string, opts *driver.DeleteOptions) error {
	return b.inner.DeleteWithOptions(ctx, key, &blob.DeleteOptions{BeforeDelete: opts.BeforeDelete})
}

func (b *uploadBucket) SignedURL(ctx context.Context, key string, opts *driver.SignedURLOptions) (string, error) {
	return b.inner.SignedURL(ctx, key, &blob.SignedURLOptions{Expiry: opts.Expiry, Method: opts.Method, ContentType: opts.ContentType,
		EnforceAbsentContentType: opts.EnforceAbsentContentType, BeforeSign: opts.BeforeSign})
}

func (b *uploadBucket) Close() error { return b.inner.Close() }
