package aws

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// opGetObject is the one S3 operation whose answer streams (an object's
// content): the answer size cap does not apply to it.
const opGetObject = "GetObject"

// s3Roots are the root elements of the S3 answers the driver reads a
// document of: a listing's answer without one would read as empty.
var s3Roots = map[string]string{"ListObjectsV2": "ListBucketResult", "ListObjects": "ListBucketResult"}

// openBucket builds the S3 client of an integration and opens its bucket
// with gocloud's s3blob.
func openBucket(ctx context.Context, req providers.OpenRequest, bucket, region, endpoint string) (*blob.Bucket, *conn, error) {
	c, err := newConn(ctx, req, "s3", region, s3Roots, opGetObject)
	if err != nil {
		return nil, nil, err
	}
	client := s3.NewFromConfig(c.cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
			// S3-compatible stores take checksums only when the API
			// requires them (gocloud's advice, and the SDK's).
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	opts := &s3blob.Options{}
	if endpoint != "" {
		opts.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	}
	b, err := s3blob.OpenBucket(ctx, client, bucket, opts)
	if err != nil {
		c.close()
		return nil, nil, errs.Wrap(errs.Internal, err, "s3: opening the bucket")
	}
	return b, c, nil
}

// blobVendor is the blobstore Vendor of an S3 integration: Describe reads the
// answer behind an SDK error (status, S3's code and message, the
// x-amz-request-id), Redact removes the integration's secrets.
func (c *conn) blobVendor() blobstore.Vendor {
	return blobstore.Vendor{
		Name: "s3",
		Describe: func(b *blob.Bucket, err error) *errs.ProviderError {
			// gocloud keeps the SDK's error; ErrorAs reaches it.
			a := answerOf(err, b.ErrorAs)
			if a == nil {
				return nil
			}
			return c.providerError(a)
		},
		Redact: c.redact,
	}
}

// openStorage is StorageS3.Open.
func openStorage(ctx context.Context, req providers.OpenRequest) (storage.Driver, error) {
	cfg, err := providers.ConfigAs[*S3StorageConfig](req)
	if err != nil {
		return nil, err
	}
	b, c, err := openBucket(ctx, req, cfg.Bucket, cfg.Region, cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	return &s3Storage{Storage: &blobstore.Storage{Bucket: b, Vendor: c.blobVendor(), OnClose: c.close}, c: c}, nil
}

// s3Storage is the storage_aws_s3 driver: blobstore.Storage over the
// bucket, its errors completed (see conn.finish). It is safe for
// concurrent use.
type s3Storage struct {
	*blobstore.Storage
	c *conn
}

var _ storage.Driver = (*s3Storage)(nil)

// ListFiles implements storage.Driver: ListObjectsV2 with the "/"
// delimiter.
func (s *s3Storage) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	ctx, cl := withCall(ctx)
	p, err := s.Storage.ListFiles(ctx, folder, req)
	return p, s.c.finish(cl, err)
}

// UploadFile implements storage.Driver: PutObject, or a multipart upload
// of 8 MiB parts (5 at a time) for content past the first part.
func (s *s3Storage) UploadFile(ctx context.Context, path string, r io.Reader, opts storage.UploadOptions) (*storage.File, error) {
	ctx, cl := withCall(ctx)
	f, err := s.Storage.UploadFile(ctx, path, r, opts)
	return f, s.c.finish(cl, err)
}

// DownloadFile implements storage.Driver: GetObject, streamed.
func (s *s3Storage) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	ctx, cl := withCall(ctx)
	d, err := s.Storage.DownloadFile(ctx, path)
	if err != nil {
		return nil, s.c.finish(cl, err)
	}
	d.ReadCloser = &download{ReadCloser: d.ReadCloser, c: s.c, cl: cl}
	return d, nil
}

// download completes the errors of a download's reads.
type download struct {
	io.ReadCloser
	c  *conn
	cl *call
}

func (d *download) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = d.c.finish(d.cl, err)
	}
	return n, err
}

// DeleteFile implements storage.Driver: HeadObject (a missing file is
// errs.ErrNotFound), then DeleteObject.
func (s *s3Storage) DeleteFile(ctx context.Context, path string) error {
	ctx, cl := withCall(ctx)
	return s.c.finish(cl, s.Storage.DeleteFile(ctx, path))
}

// openS3Sink is SinkS3.Open.
func openS3Sink(ctx context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*S3SinkConfig](req)
	if err != nil {
		return nil, err
	}
	b, c, err := openBucket(ctx, req, cfg.Bucket, cfg.Region, cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	return &s3Sink{Sink: &blobstore.Sink{Bucket: b, Vendor: c.blobVendor(), Prefix: cfg.Path, OnClose: c.close}, c: c}, nil
}

// s3Sink is the sink_aws_s3 driver: blobstore.Sink over the bucket (one
// object of gzip-compressed NDJSON a batch), its errors completed. It is
// safe for concurrent use.
type s3Sink struct {
	*blobstore.Sink
	c *conn
}

var _ sink.Driver = (*s3Sink)(nil)

// WriteBatch implements sink.Driver.
func (s *s3Sink) WriteBatch(ctx context.Context, b *sink.Batch) error {
	ctx, cl := withCall(ctx)
	return s.c.finish(cl, s.Sink.WriteBatch(ctx, b))
}
