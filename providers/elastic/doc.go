// Package elastic holds two sink providers that write OCSF events to a
// search cluster with its bulk API: sink_elasticsearch (Elasticsearch 8,
// Elastic Cloud, through the official go-elasticsearch client's esapi
// Bulk) and sink_opensearch (OpenSearch 1 and 2, Amazon OpenSearch
// Service with a basic credential, through opensearch-go's opensearchapi
// Bulk). Both register in this package's init; Elasticsearch.Open and
// OpenSearch.Open build a driver directly.
//
// # Configuration
//
//	{
//	  "type": "sink_elasticsearch",
//	  "url": "https://my-deployment.es.us-east-1.aws.elastic.cloud",
//	  "create_index": "ocsf-events",
//	  "credential": {"type": "token", "secret": "<encoded API key>"},
//	  "auth_options": {"run_as": "ingest-bot"}
//	}
//
//	{
//	  "type": "sink_opensearch",
//	  "url": "https://search-my-domain.us-east-1.es.amazonaws.com",
//	  "create_index": "ocsf-events",
//	  "credential": {"type": "basic", "username": "admin", "secret": "..."},
//	  "skip_tls_verify": false
//	}
//
// url is the cluster's base URL (a path prefix is kept). create_index is,
// as in Synqly's configuration, "the index or data stream to use when
// writing events": the write target, not a switch. A post's
// PostOptions.Location, when set, names another index for that post. Both
// must be index names as the vendors define them (ValidIndexName:
// lowercase, at most 255 bytes, none of \ / * ? " < > | , # : % or spaces,
// not starting with - _ +, not . or ..); the cluster creates a missing
// index on first write unless action.auto_create_index forbids it, in
// which case every event is refused 404 index_not_found_exception.
//
// sink_elasticsearch takes a basic credential (user and password) or a
// token credential holding an API key, sent as "Authorization: ApiKey
// <key>" (the Go client spells the scheme "APIKey"; schemes are
// case-insensitive): the key's encoded form, as Kibana and the create API
// key API return it, or "<id>:<api_key>", which the driver encodes. The
// key or user needs the create_doc privilege on the target (and
// auto_configure or create_index for it to be created).
// auth_options.run_as sends es-security-runas-user with every request.
// sink_opensearch takes a basic credential (the security plugin's internal
// users, or a fine-grained access control master user on Amazon OpenSearch
// Service).
//
// skip_tls_verify turns off the verification of the cluster's certificate.
// Anyone on the network path can then impersonate the cluster, read the
// credential and every event, and answer what it likes: use it only for a
// test cluster with a self-signed certificate, and prefer giving the
// application's *http.Client the cluster's CA (OpenRequest.HTTPClient).
// With an application's client, skip_tls_verify needs its transport to be
// an *http.Transport, which is cloned (the application's is not changed).
//
// # Writing
//
// Each batch is one bulk request to /{index}/_bulk: NDJSON of a create
// action and the event's OCSF JSON for each event, the document's _id the
// first 40 hex digits of the SHA-256 of that JSON. Sending a batch again
// therefore writes nothing twice: a document with the id exists, the item
// is answered 409 version_conflict_engine_exception, and the driver counts
// it as written (identical events are likewise one document). Because of
// that the drivers send the request (POST, as both vendors document it)
// marked as safe to resend (httpx.WithIdempotent), so that the shared HTTP
// plumbing — which otherwise never resends a POST — retries it after a
// 5xx, a dropped connection or an answer lost after the cluster wrote
// the events. 429s are retried too, honouring Retry-After up to
// RetryWaitMax. The SDKs' own retries are off: every request goes through
// httpx.Transport, with the integration's HTTPOptions (MaxRetries,
// RetryWaitMin/Max, Timeout for a call without a deadline,
// MaxResponseBytes for the answer). Elasticsearch requests carry
// include_source_on_error=false, so that a mapping error holds no part of
// the document.
//
// Items are answered one by one. A refused item is a sink.ItemFailure of a
// *sink.BatchError: 429 (a full write queue, a circuit breaker, the
// flood-stage disk block) and 5xx (an unavailable shard) are Retryable,
// and the connector sends those events again, alone, up to
// sink.MaxRetryRounds times; 4xx (a mapping conflict, an invalid document,
// a missing index, a refused privilege) are not. Each failure's error is
// coded from the item's status (400 InvalidInput, 403 Forbidden, 404
// NotFound, 429 RateLimited, 5xx Provider), its cause an
// *errs.ProviderError with the status, the vendor's error type as Code and
// its reason as Message — cleaned of what reasons quote of the document
// (a mapping error's "Preview of field's value"), clipped to 160 bytes and
// redacted of the integration's secrets.
//
// An answer of another status than 2xx fails the batch as a whole: an
// *errs.Error coded from the status (400/413 InvalidInput, 401
// Unauthorized, 403 Forbidden, 404 NotFound, 409 Conflict, 429 RateLimited
// with RetryAfter, else Provider) whose cause is the *errs.ProviderError
// of the answer (status, error type and reason, a redacted snippet of the
// body). Neither vendor names its answers with a request id, so
// ProviderError.RequestID is empty. A 2xx that is not a bulk answer, or
// answers another number of items than were sent, is an errs.Provider
// error saying so; so is an Elasticsearch answer without the
// X-Elastic-Product: Elasticsearch header, which the Go client requires.
// Errors and the drivers' debug lines (one a bulk call: method, path,
// status, events, bytes, duration) never hold the credential.
//
// # Limits
//
// Elasticsearch refuses a request over http.max_content_length (100mb by
// default), but advises much smaller bulk requests: "avoid going beyond a
// couple tens of megabytes per request even if larger requests seem to
// perform better" (the reference's "Tune for indexing speed"); 100MB is
// "much larger than necessary" (elastic/elasticsearch#67804); 5–15 MB and
// 1,000–5,000 documents a request are the usual starting point. A batch
// (Limits) is therefore at most 1,000 events and 8 MiB of event JSON (the
// action lines add about 60 bytes an event, so a request stays under the
// 10 MiB payload limit Amazon OpenSearch Service sets on its smaller
// instance types), and an event at most 1 MiB.
//
// # Not supported
//
//   - o_auth_client credentials (a JWT realm) and
//     auth_options.shared_secret (ES-Client-Authentication): refused with
//     errs.Unsupported by Validate and Open.
//   - Elastic Cloud IDs (use the deployment's Elasticsearch endpoint as
//     url), several node URLs, node discovery, request compression.
//   - AWS SigV4 signing for Amazon OpenSearch Service (IAM), OpenSearch
//     client certificates and API keys; Elasticsearch service tokens and
//     client certificates (a client certificate can be set on the
//     application's *http.Client).
//   - Data streams whose template requires @timestamp: OCSF events carry
//     "time" (epoch milliseconds), not @timestamp; write them to an index,
//     or set a default ingest pipeline that copies time to @timestamp.
//   - Index names with date math or wildcards, the index, update and
//     delete actions, ingest pipelines, routing and refresh parameters.
//
// The SDKs read some environment variables of their own:
// ELASTIC_CLIENT_APIVERSIONING (compatibility headers) for
// go-elasticsearch, OPENSEARCH_GO_* (routing, timeouts, error masks) for
// opensearch-go; the drivers set their addresses, credentials and retries
// explicitly, so ELASTICSEARCH_URL and OPENSEARCH_URL are not used.
package elastic
