package gcp

import (
	"context"
	"errors"

	"cloud.google.com/go/storage"
	"gocloud.dev/blob"
	"gocloud.dev/blob/gcsblob"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// JSONEndpoint is the Cloud Storage JSON API's base.
const JSONEndpoint = "https://storage.googleapis.com/storage/v1/"

// openJSON opens bucket through the JSON API with auth's tokens: a
// cloud.google.com/go/storage client over the plumbing (reads through the
// JSON API too, the SDK's retries off), under gocloud's gcsblob. close
// releases the client.
func openJSON(ctx context.Context, bucket string, p *plumbing, auth *tokenAuth) (b *blob.Bucket, close func(), err error) {
	client, err := storage.NewClient(ctx,
		option.WithHTTPClient(p.client(auth.wrap)),
		// The HTTP client authorizes; the SDK must not look for the
		// host's own credentials (ADC).
		option.WithoutAuthentication(),
		option.WithEndpoint(JSONEndpoint),
		storage.WithJSONReads(),
		storage.WithDisabledClientMetrics(),
	)
	if err != nil {
		return nil, nil, errs.Wrap(errs.Internal, err, "gcs: building the storage client")
	}
	client.SetRetry(storage.WithPolicy(storage.RetryNever))
	b, err = gcsblob.OpenBucket(ctx, nil, bucket, &gcsblob.Options{Client: client})
	if err != nil {
		_ = client.Close()
		return nil, nil, errs.Wrap(errs.Internal, err, "gcs: opening the bucket")
	}
	return b, func() { _ = client.Close() }, nil
}

// jsonVendor is the JSON API as the blob layer sees it.
func (p *plumbing) jsonVendor() blobstore.Vendor {
	return blobstore.Vendor{Name: p.vendor, Describe: p.describeJSON, Redact: p.redact}
}

// describeJSON reads Google's error answer behind an SDK error: its
// status, the first error's reason ("notFound", "forbidden",
// "rateLimitExceeded", ...), the message, and the request id
// (X-GUploader-UploadID).
func (p *plumbing) describeJSON(b *blob.Bucket, err error) *errs.ProviderError {
	var ge *googleapi.Error
	if !b.ErrorAs(err, &ge) && !errors.As(err, &ge) {
		return nil
	}
	pe := &errs.ProviderError{Status: ge.Code, Message: ge.Message, RequestID: p.requestID(ge.Header)}
	for _, it := range ge.Errors {
		if it.Reason != "" {
			pe.Code = it.Reason
			if pe.Message == "" {
				pe.Message = it.Message
			}
			break
		}
	}
	if pe.Message == "" && ge.Body != "" {
		pe.Body = p.redact(ge.Body)
	}
	return pe
}
