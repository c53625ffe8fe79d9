// Package blobstore is the layer under the object-store providers (Amazon
// S3, Azure Blob Storage, Google Cloud Storage): gocloud.dev/blob, which
// already drives each vendor's own SDK (aws-sdk-go-v2, azblob,
// cloud.google.com/go/storage) behind one streaming, paged API. A provider
// package builds its SDK client from the integration's credentials, opens
// a *blob.Bucket with gocloud's per-vendor opener, and wraps it here as a
// storage.Driver (Storage) or a sink.Driver (Sink), giving a Vendor that
// reads the SDK's error into the vendor's answer.
//
// Why gocloud.dev/blob and not the SDKs directly: the three drivers would
// otherwise each re-implement streaming uploads (multipart or block lists),
// ranged streaming reads, delimiter listings with page tokens, and the
// mapping of not-found and permission errors — code gocloud keeps, with the
// same semantics on every vendor, and its As hooks still reach the SDK's
// types where a provider needs them (request ids, vendor error codes).
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/seed-e6251c81/synqly/errs"
)

// Vendor is what the layer needs to know of one object store.
type Vendor struct {
	// Name names the vendor in messages ("s3", "azblob", "gcs").
	Name string
	// Describe reads the vendor's answer behind an SDK error (reached with
	// blob.Bucket.ErrorAs): its HTTP status, error code, message and
	// request id. It returns nil for an error that is not an answer (a
	// dropped connection, a cancelled context). Only those fields reach
	// errors: an SDK's own Error() text can quote a signed URL.
	Describe func(b *blob.Bucket, err error) *errs.ProviderError
	// Redact removes the integration's secrets from a text (a vendor's
	// message echoing one).
	Redact func(string) string
}

// wrap turns a gocloud error of the operation what on key into an
// *errs.Error: the code from gcerrors (and the vendor's status), the
// vendor's answer as the cause. The caller's cancellation and deadline keep
// their codes.
func wrap(ctx context.Context, b *blob.Bucket, v *Vendor, err error, what, key string) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	if ce := errs.FromContext(ctx.Err(), err, "%s: %s %s: gave up", v.Name, what, v.redact(key)); ce != nil {
		return ce
	}
	out := &errs.Error{Code: errs.Provider}
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		out.Code = errs.NotFound
	case gcerrors.PermissionDenied:
		out.Code = errs.Forbidden
	case gcerrors.InvalidArgument:
		out.Code = errs.InvalidInput
	case gcerrors.AlreadyExists, gcerrors.FailedPrecondition:
		out.Code = errs.Conflict
	case gcerrors.ResourceExhausted:
		out.Code = errs.RateLimited
	case gcerrors.Unimplemented:
		out.Code = errs.Unsupported
	case gcerrors.Canceled:
		out.Code = errs.Canceled
	case gcerrors.DeadlineExceeded:
		out.Code = errs.Provider // the vendor's slowness, not the caller's deadline (handled above)
	}
	var pe *errs.ProviderError
	if v.Describe != nil {
		pe = v.Describe(b, err)
	}
	where := v.redact(key)
	if where == "" {
		where = "the bucket's root"
	}
	msg := fmt.Sprintf("%s: %s %s", v.Name, what, where)
	if pe != nil {
		pe.Code, pe.Message, pe.RequestID = v.redact(pe.Code), v.redact(pe.Message), v.redact(pe.RequestID)
		out.Status = pe.Status
		switch pe.Status {
		case http.StatusUnauthorized:
			out.Code = errs.Unauthorized
		case http.StatusForbidden:
			out.Code = errs.Forbidden
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if out.Code == errs.Provider {
				out.Code = errs.RateLimited
			}
		}
		// The status and the vendor's code are the cause's to say
		// (errs.Error prints it after the message).
		out.Cause = pe
	} else {
		msg += ": " + v.redact(gcerrors.Code(err).String())
	}
	out.Message = msg
	return out
}

func (v *Vendor) redact(s string) string {
	if v.Redact == nil {
		return s
	}
	return v.Redact(s)
}

// join joins path segments with "/", skipping empty ones and the slashes
// at their ends.
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.Trim(p, "/"); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "/")
}
