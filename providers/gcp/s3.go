package gcp

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// XMLEndpoint is the Cloud Storage XML API, the S3-compatible one.
const XMLEndpoint = "https://storage.googleapis.com"

// openXML opens bucket through the XML API with an HMAC key: an
// aws-sdk-go-v2 S3 client pointed at Cloud Storage (path-style requests,
// SigV4 for region, the SDK's retries off, checksums only where an
// operation requires them: Cloud Storage does not take the S3 SDK's
// default trailing checksums), under gocloud's s3blob.
func openXML(ctx context.Context, bucket, region string, key *credential.AWSCredential, p *plumbing) (*blob.Bucket, error) {
	client := s3.New(s3.Options{
		Region:                       region,
		Credentials:                  credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey.Reveal(), key.Session.Reveal()),
		BaseEndpoint:                 aws.String(XMLEndpoint),
		UsePathStyle:                 true,
		HTTPClient:                   p.client(nil),
		Retryer:                      aws.NopRetryer{},
		RequestChecksumCalculation:   aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation:   aws.ResponseChecksumValidationWhenRequired,
		ContinueHeaderThresholdBytes: -1,
		// No log line of the SDK's own: the probe logs every call.
		DisableLogOutputChecksumValidationSkipped: true,
	})
	b, err := s3blob.OpenBucket(ctx, client, bucket, &s3blob.Options{RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired})
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "gcs: opening the bucket")
	}
	return b, nil
}

// xmlVendor is the XML API as the blob layer sees it.
func (p *plumbing) xmlVendor() blobstore.Vendor {
	return blobstore.Vendor{Name: p.vendor, Describe: p.describeXML, Redact: p.redact}
}

// describeXML reads the XML API's error answer behind an S3 SDK error:
// the status, the <Code> and <Message> of its <Error> document, and the
// request id.
func (p *plumbing) describeXML(b *blob.Bucket, err error) *errs.ProviderError {
	var re *awshttp.ResponseError
	if !b.ErrorAs(err, &re) && !errors.As(err, &re) || re.HTTPStatusCode() == 0 {
		return nil // no answer (the plumbing's own failure, a dropped connection)
	}
	pe := &errs.ProviderError{Status: re.HTTPStatusCode()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		pe.Code, pe.Message = ae.ErrorCode(), ae.ErrorMessage()
	}
	if re.Response != nil && re.Response.Response != nil {
		pe.RequestID = p.requestID(re.Response.Header)
	}
	if pe.RequestID == "" {
		pe.RequestID = p.redact(re.ServiceRequestID())
	}
	return pe
}

// credentialRefusals are the XML API's codes of a 403 that refuses the
// HMAC key itself (a wrong secret, an unknown or disabled key), rather
// than the key's access to the bucket.
var credentialRefusals = map[string]bool{
	"SignatureDoesNotMatch": true, "InvalidAccessKeyId": true, "InvalidSecurity": true,
	"AuthenticationRequired": true, "MissingSecurityHeader": true,
}
