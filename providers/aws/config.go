package aws

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// The provider config ids.
const (
	// StorageS3ID is the Amazon S3 storage provider.
	StorageS3ID = "storage_aws_s3"
	// SinkS3ID is the Amazon S3 sink provider.
	SinkS3ID = "sink_aws_s3"
	// SinkSQSID is the Amazon SQS sink provider.
	SinkSQSID = "sink_aws_sqs"
)

// credentialTypes are the credentials every provider of the package takes:
// an access key, or a role to assume.
var credentialTypes = []credential.Type{credential.TypeAWS, credential.TypeAWSRole}

// S3StorageConfig is the storage_aws_s3 provider configuration: the files
// of one bucket.
//
//	{
//	  "type": "storage_aws_s3",
//	  "bucket": "acme-security-exports",
//	  "region": "eu-west-1",
//	  "credential": {"type": "aws", "access_key_id": "AKIA...", "secret_access_key": "..."}
//	}
type S3StorageConfig struct {
	// Bucket is the bucket's name.
	Bucket string `json:"bucket" schema:"required"`
	// Credential is an aws credential (an access key) or an aws_role
	// credential (a role the driver assumes with STS).
	Credential *credential.Ref `json:"credential" schema:"required"`
	// Endpoint, if set, is the base URL of an S3-compatible store (MinIO,
	// Ceph, a local emulator) instead of Amazon S3; the bucket is then
	// addressed by path (https://host/bucket/key).
	Endpoint string `json:"endpoint,omitempty"`
	// Region is the bucket's region (eu-west-1); with an Endpoint, the
	// region the store signs requests for (often us-east-1).
	Region string `json:"region" schema:"required"`
}

// Validate implements providers.Config.
func (c *S3StorageConfig) Validate() error {
	return validateS3(c.Bucket, c.Region, c.Endpoint, c.Credential)
}

// CredentialRefs implements providers.Config.
func (c *S3StorageConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// S3SinkConfig is the sink_aws_s3 provider configuration: events are
// written as objects of gzip-compressed NDJSON under a prefix of one
// bucket.
//
//	{
//	  "type": "sink_aws_s3",
//	  "bucket": "acme-security-lake",
//	  "path": "synqly/ocsf",
//	  "region": "us-east-1",
//	  "credential": {"type": "aws_role", "role_arn": "arn:aws:iam::123456789012:role/synqly-sink", "external_id": "..."}
//	}
type S3SinkConfig struct {
	// Bucket is the bucket's name.
	Bucket string `json:"bucket" schema:"required"`
	// Credential is an aws or aws_role credential.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// Endpoint, if set, is the base URL of an S3-compatible store; see
	// S3StorageConfig.Endpoint.
	Endpoint string `json:"endpoint,omitempty"`
	// Path is the prefix (folder) of the bucket the objects go under, e.g.
	// "synqly/ocsf"; a post's location is a folder under it.
	Path string `json:"path" schema:"required"`
	// Region is the bucket's region.
	Region string `json:"region" schema:"required"`
}

// Validate implements providers.Config.
func (c *S3SinkConfig) Validate() error {
	if err := validateS3(c.Bucket, c.Region, c.Endpoint, c.Credential); err != nil {
		return err
	}
	return validatePrefix("path", c.Path)
}

// CredentialRefs implements providers.Config.
func (c *S3SinkConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// SQSConfig is the sink_aws_sqs provider configuration: each event is one
// message of a queue.
//
//	{
//	  "type": "sink_aws_sqs",
//	  "url": "https://sqs.eu-west-1.amazonaws.com/123456789012/security-events",
//	  "credential": {"type": "aws", "access_key_id": "AKIA...", "secret_access_key": "..."}
//	}
type SQSConfig struct {
	// URL is the queue's URL, https://sqs.<region>.amazonaws.com/<account>/<queue>
	// (a VPC endpoint's, or an emulator's, of the same path, too).
	URL string `json:"url" schema:"required"`
	// Credential is an aws or aws_role credential.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// Region is the queue's region; optional when the URL names it (every
	// Amazon SQS URL does).
	Region string `json:"region,omitempty"`
}

// Validate implements providers.Config.
func (c *SQSConfig) Validate() error {
	q, err := parseQueueURL(c.URL)
	if err != nil {
		return err
	}
	if c.Region != "" {
		if err := validateRegion(c.Region, !q.aws); err != nil {
			return err
		}
	} else if q.region == "" {
		return errs.Invalid("region", "region is required: the url %q does not name one", q.origin)
	}
	return validateCredential(c.Credential)
}

// CredentialRefs implements providers.Config.
func (c *SQSConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// region returns the configured region, or the URL's.
func (c *SQSConfig) region() string {
	if c.Region != "" {
		return c.Region
	}
	q, _ := parseQueueURL(c.URL)
	if q == nil {
		return ""
	}
	return q.region
}

func validateCredential(ref *credential.Ref) error {
	if err := providers.RequireRef("credential", ref); err != nil {
		return err
	}
	return ref.Validate(credentialTypes...)
}

func validateS3(bucket, region, endpoint string, ref *credential.Ref) error {
	if err := validateBucket(bucket); err != nil {
		return err
	}
	if endpoint != "" {
		if err := validateEndpoint(endpoint); err != nil {
			return err
		}
	}
	if err := validateRegion(region, endpoint != ""); err != nil {
		return err
	}
	return validateCredential(ref)
}

// bucketName is Amazon S3's rule for general purpose buckets: 3 to 63
// lowercase letters, digits, dots and hyphens, beginning and ending with
// a letter or a digit.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func validateBucket(b string) error {
	switch {
	case b == "":
		return errs.Invalid("bucket", "bucket is required")
	case !bucketName.MatchString(b) || strings.Contains(b, ".."):
		return errs.Invalid("bucket", "bucket must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', "+
			"beginning and ending with a letter or a digit")
	case net.ParseIP(b) != nil:
		return errs.Invalid("bucket", "bucket must not be formatted as an IP address")
	}
	return nil
}

// awsRegion is an AWS region name: us-east-1, eu-central-2,
// us-gov-west-1, cn-north-1, ap-southeast-5.
var awsRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// otherRegion is what S3-compatible stores take as a region ("auto",
// "garage", "local-1").
var otherRegion = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func validateRegion(r string, compatible bool) error {
	switch {
	case r == "":
		return errs.Invalid("region", "region is required, e.g. us-east-1")
	case awsRegion.MatchString(r), compatible && otherRegion.MatchString(r):
		return nil
	}
	return errs.Invalid("region", "region must be an AWS region name such as us-east-1 or eu-west-3")
}

// validateEndpoint checks an S3-compatible store's base URL: https (or
// http to a host that is not Amazon's), a host, no user information, path,
// query or fragment.
func validateEndpoint(s string) error {
	if err := providers.ValidateURL("endpoint", s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.Scheme != "https" && amazonHost(u.Hostname()) {
		return errs.Invalid("endpoint", "endpoint must be https for an Amazon host")
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#") {
		return errs.Invalid("endpoint", "endpoint must be a base URL such as https://minio.example.com:9000, without a path or a query")
	}
	return nil
}

// validatePrefix checks the sink's folder: a relative path of the
// segments storage paths take, with or without a final "/".
func validatePrefix(field, p string) error {
	if p == "" {
		return errs.Invalid(field, "%s is required: the folder of the bucket the objects go under, e.g. synqly/ocsf", field)
	}
	return storage.CheckPath(field, strings.TrimSuffix(p, "/"))
}

// queueURL is a parsed SQS queue URL.
type queueURL struct {
	url     string // as configured
	origin  string // scheme://host[:port]
	region  string // "" when the host does not say
	aws     bool   // an Amazon host (amazonaws.com, amazonaws.com.cn)
	account string
	name    string
	fifo    bool
}

// queueName is SQS's rule: 1 to 80 letters, digits, '-' and '_', and
// ".fifo" at the end of a FIFO queue's.
var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$`)

// accountID is an AWS account id.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// parseQueueURL checks a queue URL: https (http only to a host that is
// not Amazon's, an emulator), no user information, query or fragment, and a path
// /<account>/<queue>. The region is read from an Amazon host:
// sqs.<region>.amazonaws.com, sqs-fips.<region>.amazonaws.com,
// <region>.queue.amazonaws.com and VPC endpoints'
// vpce-....sqs.<region>.vpce.amazonaws.com.
func parseQueueURL(s string) (*queueURL, error) {
	bad := func(why string) error {
		return errs.Invalid("url", "the queue url %s; it looks like https://sqs.us-east-1.amazonaws.com/123456789012/my-queue", why)
	}
	if strings.TrimSpace(s) == "" {
		return nil, errs.Invalid("url", "url is required: the queue's URL, https://sqs.<region>.amazonaws.com/<account>/<queue>")
	}
	if len(s) > providers.MaxURLLen {
		return nil, bad("is too long")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return nil, bad("is not an absolute URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && !amazonHost(u.Hostname())):
		return nil, bad("must be https")
	case u.User != nil:
		return nil, bad("must not contain user information")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#"):
		return nil, bad("must not have a query or a fragment")
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) != 2 || u.RawPath != "" || !accountID.MatchString(parts[0]) || !queueName.MatchString(parts[1]) {
		return nil, bad("must have the path /<12-digit account id>/<queue name>")
	}
	q := &queueURL{url: s, origin: u.Scheme + "://" + u.Host, account: parts[0], name: parts[1], fifo: strings.HasSuffix(parts[1], ".fifo")}
	host := strings.ToLower(u.Hostname())
	if amazonHost(host) {
		q.aws = true
		labels := strings.Split(host, ".")
		for i, l := range labels {
			if (l == "sqs" || l == "sqs-fips") && i+1 < len(labels) && awsRegion.MatchString(labels[i+1]) {
				q.region = labels[i+1]
				break
			}
			if l == "queue" && i > 0 && awsRegion.MatchString(labels[i-1]) {
				q.region = labels[i-1]
				break
			}
		}
	}
	return q, nil
}

// amazonHost reports whether host is one of AWS's (amazonaws.com, and
// amazonaws.com.cn in the China regions).
func amazonHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn")
}

// StorageS3 is the registration of the Amazon S3 storage provider, and
// its one constructor: StorageS3.Open builds the driver of an integration
// from a providers.OpenRequest whose Config is an *S3StorageConfig and
// whose Credentials["credential"] is an aws or aws_role credential. See
// the package documentation.
var StorageS3 = storage.Registration{
	ID:              StorageS3ID,
	Fullname:        "Amazon S3",
	NewConfig:       func() providers.Config { return new(S3StorageConfig) },
	CredentialTypes: credentialTypes,
	Capabilities:    storage.Capabilities{Operations: storage.Operations},
	Open:            openStorage,
}

// SinkS3 is the registration of the Amazon S3 sink provider, and its one
// constructor: SinkS3.Open builds the driver of an integration from a
// providers.OpenRequest whose Config is an *S3SinkConfig.
var SinkS3 = sink.Registration{
	ID:              SinkS3ID,
	Fullname:        "Amazon S3",
	NewConfig:       func() providers.Config { return new(S3SinkConfig) },
	CredentialTypes: credentialTypes,
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openS3Sink,
}

// SinkSQS is the registration of the Amazon SQS sink provider, and its
// one constructor: SinkSQS.Open builds the driver of an integration from a
// providers.OpenRequest whose Config is an *SQSConfig.
var SinkSQS = sink.Registration{
	ID:              SinkSQSID,
	Fullname:        "Amazon Simple Queue Service (SQS)",
	NewConfig:       func() providers.Config { return new(SQSConfig) },
	CredentialTypes: credentialTypes,
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openSQS,
}

func init() {
	storage.Register(StorageS3)
	sink.Register(SinkS3)
	sink.Register(SinkSQS)
}
