// Package aws provides the Amazon Web Services providers: storage_aws_s3
// (the files of an S3 bucket), sink_aws_s3 (events written as objects of
// a bucket) and sink_aws_sqs (events sent as messages of an SQS queue).
// Importing the package registers the three (storage.Register,
// sink.Register); programs and tests build a driver with StorageS3.Open,
// SinkS3.Open or SinkSQS.Open and use it through a storage.Connector or a
// sink.Connector.
//
// The S3 providers stand on providers/internal/blobstore, over
// gocloud.dev/blob's s3blob and an aws-sdk-go-v2 s3.Client; the SQS
// provider calls aws-sdk-go-v2's sqs.Client. Each is tested against an
// in-process emulator behind the module's fake kit with its connector's
// conformance suite and the shared fault and secret-leak suite: S3
// against gofakes3 (see Testing), SQS against sqsfake, a fake of the AWS
// JSON protocol written for this package.
//
// # storage_aws_s3
//
//	{
//	  "type": "storage_aws_s3",
//	  "bucket": "acme-security-exports",
//	  "region": "eu-west-1",
//	  "credential": {"type": "aws", "access_key_id": "AKIA...", "secret_access_key": "..."}
//	}
//
// bucket (required) is the bucket's name (S3's rule: 3 to 63 lowercase
// letters, digits, '.' and '-'). region (required) is the bucket's.
// endpoint, optional, is the base URL of an S3-compatible store (MinIO,
// Ceph, R2: "endpoint": "https://minio.example.com:9000", and any region
// name the store takes, e.g. "auto"); the bucket is then addressed by path
// (https://host/bucket/key), and request checksums are sent only where
// the API requires them, as such stores expect. Without an endpoint the
// driver talks to Amazon S3 with virtual-hosted addressing
// (https://<bucket>.s3.<region>.amazonaws.com) and the SDK's default
// CRC32 checksums.
//
// A storage path is a key of the bucket. ListFiles is ListObjectsV2 with
// the "/" delimiter (sub-folders as Folder entries, S3's continuation
// token as the cursor); UploadFile streams the content through S3's
// transfer manager: one PutObject up to 8 MiB, a multipart upload of 8
// MiB parts, 5 in flight, past it — the memory an upload takes is bounded
// by the parts, never the file's size; a failed or cancelled upload is
// aborted and leaves nothing. DownloadFile streams GetObject. DeleteFile
// is HeadObject (a missing file is errs.ErrNotFound) then DeleteObject.
//
// # sink_aws_s3
//
//	{
//	  "type": "sink_aws_s3",
//	  "bucket": "acme-security-lake",
//	  "path": "synqly/ocsf",
//	  "region": "us-east-1",
//	  "credential": {"type": "aws_role", "role_arn": "arn:aws:iam::123456789012:role/synqly-sink", "external_id": "..."}
//	}
//
// bucket, region, endpoint and credential are storage_aws_s3's; path
// (required) is the folder the objects go under. Each batch is one object
// of gzip-compressed NDJSON, one event a line, written whole or not at
// all (Content-Type application/x-ndjson, Content-Encoding gzip), at
//
//	<path>/<location>/<yyyy>/<mm>/<dd>/<hh>/<unix nanos>-<16 hex>.ndjson.gz
//
// (the UTC hour of the write; a post without a location has none), so
// objects sort by time and never collide. A batch holds at most 10,000
// events and 32 MiB of them, 4 MiB an event (blobstore.ObjectLimits).
//
// # sink_aws_sqs
//
//	{
//	  "type": "sink_aws_sqs",
//	  "url": "https://sqs.eu-west-1.amazonaws.com/123456789012/security-events",
//	  "credential": {"type": "aws", "access_key_id": "AKIA...", "secret_access_key": "..."}
//	}
//
// url (required) is the queue's URL; region is read from it (every Amazon
// SQS URL names it: sqs.<region>.amazonaws.com, sqs-fips.<region>...,
// <region>.queue.amazonaws.com, a VPC endpoint's
// ...sqs.<region>.vpce.amazonaws.com) and is required only for a URL of
// another host (an emulator's, over http if it likes). Requests go to the
// URL's own host (the regional, FIPS or VPC endpoint), but for the legacy
// <region>.queue.amazonaws.com hosts, whose region's endpoint the SDK
// resolves.
//
// Each event is one message, its body the event's OCSF JSON, sent with
// SendMessageBatch. The limits are SQS's, from the SendMessageBatch API
// reference (and the SDK's doc comment of it): at most 10 messages a
// batch, and "the maximum allowed individual message size and the maximum
// total payload size (the sum of the individual lengths of all of the
// batched messages) are both 1 MiB 1,048,576 bytes" — raised from 256 KiB
// in 2025 (AWS What's New: "Amazon SQS increases maximum message payload
// size to 1 MiB"). So SQSLimits are 10 events, 1 MiB a batch and an event;
// a larger event is refused before anything is sent. A queue whose
// MaximumMessageSize attribute is set lower refuses the batches over it
// (BatchRequestTooLong, the batch's events failed). SQS takes only the
// characters #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD and #x10000
// to #x10FFFF in a message: the others (U+FFFE, U+FFFF) are escaped in the
// JSON (\ufffe), which means the same.
//
// An entry SQS lists in Failed is an item failure of the batch
// (sink.BatchError), errs.ErrInvalidInput when SQS says the sender is at
// fault (SenderFault), otherwise errs.ErrProvider and Retryable: the
// connector sends it again. SendMessageBatch itself is retried only after
// a 429: SQS does not deduplicate a standard queue's messages, so a batch
// resent after a 5xx or a lost answer could be delivered twice. To a FIFO
// queue (a name ending in ".fifo") every message is sent with the
// MessageGroupId "synqly" (one group: the events arrive in order) and the
// hex SHA-256 of its body as MessageDeduplicationId, so SQS drops a copy
// of the same event sent within its 5-minute deduplication window.
//
// A post's location is refused (errs.ErrInvalidInput, field location):
// the integration writes to one queue.
//
// # Credentials
//
// Every provider takes an aws credential, an access key (access_key_id,
// secret_access_key, and session, the session token of temporary
// credentials), or an aws_role credential: an IAM role the driver assumes
// with STS AssumeRole (stscreds), giving role_arn, external_id (which the
// role's trust policy should require), role_session_name (default
// "synqly-<integration id>") and duration (default STS's hour). The role
// is assumed with the application's own AWS identity, the SDK's default
// chain of the process's environment: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, the shared config and credentials files
// (AWS_PROFILE), a web identity token, the container's or the instance's
// role — the way a hosted service assumes a customer's role with its own.
// STS is called in the integration's region (AWS_ENDPOINT_URL_STS
// overrides its endpoint, as for any SDK client); the temporary
// credentials are cached and renewed before they expire. A role STS
// refuses (a wrong external id, a trust policy that does not name the
// application) is errs.ErrUnauthorized, "the role could not be assumed".
//
// The secret access key, the session token and the external id never show
// in an error, a log line or a span, even when the vendor echoes them;
// access key ids and role ARNs are not secrets.
//
// # HTTP, retries and errors
//
// The SDK's own retries are off (aws.NopRetryer, one attempt); its HTTP
// client's transport is the shared plumbing (internal/httpx.Transport,
// over OpenRequest.HTTPClient): bounded retries with backoff and jitter,
// Retry-After honoured (a wait past RetryWaitMax is not waited:
// errs.ErrRateLimited with the wait in RetryAfter), GET, PUT and DELETE
// retried after a 5xx or a dropped connection — S3's object PUTs are
// idempotent (the same key, the same content), so an upload's parts and a
// sink's object are sent again — and POSTs (SQS's calls, a multipart
// upload's start and completion) only after a 429. A request's body is
// rewound for a retry, not copied (the SDK's seekable streams; Amazon S3's
// aws-chunked bodies with a trailing checksum are not seekable, and are
// held once more, a part at a time). HTTPOptions.Timeout (60 s by
// default) bounds each call whose context has no deadline, until the
// answer's headers: an object's content streams as long as it takes.
// MaxResponseBytes (32 MiB by default) caps every answer the SDK reads
// whole, not an object's content. A 200 listing that is not S3's
// ListBucketResult (a proxy's page) is errs.ErrProvider, not an empty
// folder.
//
// Errors are *errs.Error with the vendor's answer as an
// *errs.ProviderError: the HTTP status, S3's or SQS's error code and
// message (redacted), the request id (x-amz-request-id, x-amzn-RequestId)
// and the request's method and path. S3's NoSuchKey and NoSuchBucket are
// errs.ErrNotFound, AccessDenied errs.ErrForbidden, SlowDown (503) and 429
// errs.ErrRateLimited; a key or a token the vendor does not take
// (InvalidAccessKeyId, SignatureDoesNotMatch, ExpiredToken, InvalidToken,
// InvalidClientTokenId, answered with 403 or 400) errs.ErrUnauthorized.
// SQS's QueueDoesNotExist (a 400) is errs.ErrNotFound, its throttling
// codes errs.ErrRateLimited, other 400s errs.ErrInvalidInput.
//
// # Not supported
//
// Server-side encryption settings (SSE-KMS keys, customer keys), storage
// classes, object tags, metadata and ACLs on upload; S3 Object Lock and
// versions; presigned URLs; S3 Express One Zone directory buckets (not
// tested). SQS message attributes, delays, and reading the queue; a
// configurable FIFO message group. The aws_role source identity is the
// environment's, not a configured credential; MFA-protected roles.
//
// # Testing
//
// The S3 tests run gofakes3 v1.2.0 (its memory backend) in process behind
// a fakekit.Kit, with the conformance and fault suites, over an endpoint
// (path-style) and as Amazon S3 (virtual-hosted, redirected to it).
// gofakes3 is not S3, and the tests' own handlers stand in for what it
// lacks: it checks no signature (a handler in front checks the SigV4
// access key id, and a session token with the role's key, answering 403
// InvalidAccessKeyId as S3 does); it stores aws-chunked bodies as they are
// (a handler decodes them and checks their CRC32 trailer); it lists a
// delimited folder's common prefix again on the next page (the tests'
// backend pages as S3 does). It keeps no checksums, enforces no bucket
// policy, ACL, encryption or Object Lock, never throttles on its own
// (SlowDown comes from the kit's faults) and numbers its request ids. The
// sink's objects get fresh names, while the fault suite aims its faults
// at one path: its harness sends every object of the sink to one key. The
// role tests run a small STS fake (AssumeRole's query API and XML
// answer). SQS is tested against sqsfake, whose package says what of SQS
// it follows and what not; goaws (v0.4.5, in go.mod) speaks only the
// query protocol, which aws-sdk-go-v2's SQS client no longer sends, and
// keeps its queues in globals, so it cannot serve the tests in process.
package aws
