// Package gcp holds the Google Cloud Storage providers: sink_gcs, a sink
// that writes each batch of events as one object to a bucket, and
// storage_gcs, the storage connector's files as a bucket's objects. Both
// are built on the object-store layer (providers/internal/blobstore,
// over gocloud.dev/blob), which owns the object layout, streaming,
// listings and the mapping of errors; this package gives it Cloud
// Storage's SDKs, credentials and error answers.
//
// # sink_gcs
//
//	{
//	  "type": "sink_gcs",
//	  "bucket": "acme-security-events",
//	  "path": "synqly/ocsf",
//	  "credential": {"type": "token", "secret": "<the service account's JSON key file, whole>"}
//	}
//
// Each batch (up to 10,000 events or 32 MiB, blobstore.ObjectLimits) is one
// gzip-compressed NDJSON object, written whole or not at all, under a time
// partition:
//
//	synqly/ocsf/<location>/2026/12/02/14/1764684000123456789-9f86d081884c7d65.ndjson.gz
//
// The credential is a token credential whose secret is a service
// account's JSON key, as the hosted API's SinkGcs documents it ("Google
// Cloud Service Account JSON key with write access to the configured GCS
// bucket") and its setup guide creates it: Cloud Console, IAM & Admin,
// Service Accounts, the account's Keys tab, Add key, JSON. The account
// needs storage.objects.create on the bucket (the Storage Object User or
// Storage Object Creator role). The driver signs a JWT with the key and
// trades it at Google's token endpoint for an OAuth access token (the JWT
// bearer grant, scope devstorage.read_write), caches it until shortly
// before it expires, and drops it when the API refuses it (401): the next
// call fetches a new one. The objects are written through the Cloud Storage JSON API
// (https://storage.googleapis.com/storage/v1/, uploads under
// /upload/storage/v1/) with cloud.google.com/go/storage.
//
// A secret that is not a JSON object is taken as an OAuth 2.0 access
// token (ya29...) and sent as it is: it is not renewed, so it suits only
// short-lived integrations and tests.
//
// What is refused, before any call, as an errs.InvalidInput error on
// credential.secret that never quotes the secret: a JSON key whose type
// is not service_account (external_account, authorized_user and
// impersonated_service_account files make Google's auth libraries read
// local files, run programs or call URLs the file names, which an
// integration's credential must not be able to do), a key without
// client_email or an RSA private_key, and a key whose token_uri is not
// Google's token endpoint (https://oauth2.googleapis.com/token, or the
// older https://accounts.google.com/o/oauth2/token and
// https://www.googleapis.com/oauth2/v4/token), so that a key cannot make
// the driver post signed assertions to another host.
//
// # storage_gcs
//
//	{
//	  "type": "storage_gcs",
//	  "bucket": "acme-files",
//	  "region": "us-east1",
//	  "credential": {"type": "aws", "access_key_id": "GOOG1E...", "secret_access_key": "..."}
//	}
//
// The hosted API's StorageGcs takes an aws credential, documented as "AWS
// like credential that stores hash-based message authentication code
// (HMAC) keys with write access to the GCS bucket": a Cloud Storage HMAC
// key (Cloud Storage, Settings, Interoperability, Create a key for a
// service account), its access id (GOOG1E...) in access_key_id and its
// secret in secret_access_key. HMAC keys authenticate the XML API only,
// Cloud Storage's S3-compatible one (https://storage.googleapis.com), so
// the driver speaks it with the AWS SDK for Go v2 (gocloud's s3blob):
// path-style requests signed with AWS Signature Version 4 for region (the
// bucket's location; "auto" works too), PutObject and multipart uploads
// (parts of 8 MiB), GetObject, HeadObject, DeleteObject and
// ListObjectsV2. The S3 SDK's default trailing checksums (aws-chunked
// bodies), which Cloud Storage does not take, are off: checksums are sent
// only where an operation requires them. The service account needs the
// Storage Object User role (list, get, create, delete) on the bucket.
//
// storage_gcs also takes a token credential holding a service account
// JSON key, as sink_gcs does (an extension: the hosted API's storage_gcs
// takes HMAC keys only); the files then go through the JSON API, and
// region is not used.
//
// # HTTP
//
// The SDKs send their requests through the library's HTTP plumbing: an
// *http.Client whose transport is httpx.Transport (bounded retries with
// backoff and jitter, Retry-After, no resending of a POST after a 5xx or a
// lost answer) under the OAuth transport, over the application's
// OpenRequest.HTTPClient, with the SDKs' own retries off
// (storage.RetryNever, aws.NopRetryer). Hence: a multipart upload of the
// JSON API (a POST, as the sink's objects are sent) is not resent after a
// 5xx or a lost answer, nor is a chunk of a resumable upload (files over
// 16 MiB), which the Go SDK posts; the XML API's PutObject and UploadPart
// are PUTs that replace what they write, and are. Timeout bounds the wait
// for each answer (retries included) of a call whose context has no
// deadline, not the download of a file's body, which is the caller's to
// bound. MaxResponseBytes caps the documents the SDKs read (listings,
// metadata, error answers), not downloads. Every request is logged at
// debug level (method, redacted path, status, duration), never its
// headers, query or body.
//
// Errors are the blob layer's, completed here with what the exchange saw:
// the vendor's answer as an *errs.ProviderError (the status, the JSON
// API's error reason such as notFound or rateLimitExceeded, or the XML
// API's <Code>, the message, the request and its X-GUploader-UploadID),
// RetryAfter of a 429, and the plumbing's own findings (no answer within
// the Timeout, an answer over the size cap, cut short, or malformed: an
// XML API answer that is not XML). The XML API's 403 refusals of the key
// itself (SignatureDoesNotMatch, InvalidAccessKeyId) are
// errs.Unauthorized, its AccessDenied errs.Forbidden; a token endpoint's
// refusal of a service account key (400 invalid_grant for a deleted or
// disabled key) is errs.Unauthorized. Every text is redacted of the
// credential's secrets (the key file, its private key, the HMAC secret)
// and of the tokens fetched, in every encoding a vendor could echo them
// in.
//
// # Testing, and the emulators' limits
//
// The tests (and Example) run against package gcsfake, which serves
// Google's hosts through the HTTP client it returns: the JSON API over
// fake-gcs-server, the XML API over gofakes3, an S3 emulator
// (fake-gcs-server serves only part of the XML API: object PUT, GET and
// DELETE and an unpaged listing, no ListObjectsV2 continuation tokens and
// no multipart uploads), and Google's token endpoint; the storage APIs
// behind a fakekit.Kit for the shared fault suites. storage_gcs with an
// HMAC key, the hosted API's form, is thus tested against an S3 emulator,
// not against Cloud Storage nor a Cloud Storage emulator: that the XML
// API takes its requests (path-style, SigV4 with UNSIGNED-PAYLOAD, no
// trailing checksums, ListObjectsV2, multipart uploads) rests on Google's
// XML API documentation, not on a test.
//
// The fakes check what Cloud Storage checks of the drivers' requests:
// bearer tokens, the JWT assertion's RS256 signature and claims, and the
// SigV4 signature (recomputed) and payload hash. What they cannot show:
// IAM (a role that lacks a permission), Cloud Storage's own answers to the
// XML API where they differ from S3's (gofakes3 answers as S3), listings
// paged by Cloud Storage itself (both emulators page delimiter listings
// unlike Cloud Storage, so gcsfake answers listings itself, as the API
// documents them), rate limits other than injected ones, object holds,
// retention and soft delete, and the real token endpoint's latency and
// quotas.
//
// # Not supported
//
// aws_role credentials for storage_gcs (Cloud Storage has no STS
// AssumeRole); the host's own credentials (Application Default
// Credentials, Workload Identity, the metadata server), deliberately:
// an integration uses its credential only; other universe domains,
// regional endpoints and Private Service Connect (the endpoints are
// storage.googleapis.com and Google's token endpoint); the gRPC API;
// customer-supplied or Cloud KMS encryption keys, Requester Pays buckets
// (userProject), object versions and signed URLs; and the hosted API's
// retired transforms.
package gcp
