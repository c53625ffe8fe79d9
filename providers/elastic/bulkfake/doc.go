// Package bulkfake is an in-memory fake of the part of Elasticsearch and
// OpenSearch the sink drivers use, for tests and benchmarks: the bulk API,
// served over a local httptest.Server the way the vendors' API
// descriptions (elastic/elasticsearch-specification,
// opensearch-project/opensearch-api-specification) and their public
// documentation say it behaves:
//
//   - POST and PUT /_bulk and /{index}/_bulk take NDJSON: an action line
//     ({"create": {...}}, "index", "delete"; "update" is refused item by
//     item) and, but for delete, a source line, the body ending with a
//     newline. The action's members are checked against the vendor's
//     vocabulary, the query parameters against the operation's (an
//     unknown one is 400 illegal_argument_exception, as the cluster
//     answers), the Content-Type must be JSON or NDJSON (else 406). A
//     malformed line, a missing index or id, or an id over 512 bytes fail
//     the whole request with 400, like the cluster's validation.
//   - Each action is answered on its own, in order:
//     {"took":N,"errors":bool,"items":[{"create":{"_index","_id",
//     "_version","result","_shards","_seq_no","_primary_term","status"}}]},
//     a failed item carrying "error": {"type","reason","index",...}.
//     Documents are kept per index by _id: a create of an existing id is
//     409 version_conflict_engine_exception, an index replaces it; an
//     invalid index name is 400 invalid_index_name_exception; a source
//     that is not a JSON object is 400 document_parsing_exception
//     (Elasticsearch 8) or mapper_parsing_exception (OpenSearch). Indices
//     are created on first write unless WithoutAutoCreate (then 404
//     index_not_found_exception).
//   - GET / answers the cluster's identity (name, cluster_name, version),
//     which clients read to learn the product.
//   - Authentication: basic (Username, Password) and, for Elasticsearch,
//     "Authorization: ApiKey <APIKey>"; anything else is 401
//     security_exception with the WWW-Authenticate challenges.
//   - The Elasticsearch flavor sets X-Elastic-Product: Elasticsearch on
//     every answer, faults included: the official Go client refuses a
//     server whose first successful answer lacks it. OpenSearch sends no
//     product header.
//
// To make partial failures, RejectUIDPrefix refuses the documents whose
// metadata.uid has a prefix (400, the reason quoting the field's value as
// the vendor's does, so that drivers are seen to clip it), and BusyOnce
// answers such documents 429 es_rejected_execution_exception the first
// time they arrive. Documents, Document, Indices and DocumentCount read
// what the cluster holds.
//
// The Server embeds a *fakekit.Kit, the pipeline every fake of this module
// shares: tests inject faults through it and read the requests it
// received; injected statuses are answered with the vendor's error body
// ({"error":{"root_cause":[...],"type","reason"},"status":N}). Neither
// vendor names its answers with a request id, so the kit sets none.
//
// Not served: searches, the document and index APIs, ingest pipelines,
// data streams (a data stream's @timestamp requirement is not checked),
// filter_path and the other response-shaping parameters (accepted and
// ignored), routing and refresh (accepted; every write is visible at
// once). A Server is safe for concurrent use.
package bulkfake
