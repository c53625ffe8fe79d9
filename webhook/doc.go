// Package webhook signs, delivers and verifies the webhook deliveries of an
// organization's webhooks: the library uses [Post] to make one signed
// delivery attempt to an application's endpoint, and receivers use
// [Verify] (or the ready-made [Handler]) to check what they get.
//
// The package makes one attempt at a time and classifies its outcome
// ([Result.Retry], [Result.RetryAfter]); retries, back-off and the
// persistence of deliveries belong to the caller.
//
// # Signing scheme
//
// Receivers written in other languages implement this; it is the whole
// contract.
//
// The request is a POST whose body is the raw JSON payload, a JSON object.
// The object always holds two members the library puts there:
//
//   - "nonce": a string, random and unique per delivery attempt (128
//     random bits, base64url without padding, see [NewNonce]);
//   - "created_at": a string, the time the attempt was signed, as RFC 3339
//     with fractional seconds, in UTC (for example
//     "2025-01-02T15:04:05.123456789Z").
//
// The library's payloads also carry the event's own "id" (the same on
// every attempt: deduplicate by it, since delivery is at least once) and
// the time the event happened, "occurred_at".
//
// The Synqly-Signature header ([SignatureHeader]) carries the signature:
//
//	Synqly-Signature: sha256=<lowercase hex of HMAC-SHA256(secret, raw body)>
//
// The HMAC is computed over the body's bytes exactly as received, before
// any JSON parsing. While a secret is being rotated the sender signs with
// every current secret and sends the signatures comma-separated,
//
//	Synqly-Signature: sha256=<hex under new secret>,sha256=<hex under old secret>
//
// and a receiver accepts the request if any signature matches any secret it
// holds. Whitespace around the commas is ignored, as are elements of a
// scheme other than sha256 (reserved for future schemes). A header longer
// than 4 KiB is refused. Signatures must be compared in constant time.
//
// The request also carries convenience headers. They are not signed and
// must not be trusted: the body is what is signed.
//
//	Synqly-Event: <event type, e.g. sync.complete>
//	Synqly-Delivery: <delivery id, the same on every attempt of a delivery>
//	Synqly-Timestamp: <Unix time in seconds the attempt was sent at>
//	Content-Type: application/json
//	User-Agent: synqly-webhook/1
//
// To verify a request, a receiver:
//
//  1. reads at most 1 MiB of body ([MaxBodyBytes]);
//  2. computes HMAC-SHA256 of the raw body under each of its secrets and
//     accepts if one equals one of the header's sha256 signatures;
//  3. parses the body (members are named exactly, case included), and
//     refuses it if its "created_at" is missing or malformed, older than a tolerance (5 minutes by default,
//     [DefaultTolerance]) or more than the tolerance in the future;
//  4. refuses the body if its "nonce" is missing or was seen before,
//     remembering each accepted nonce for twice the tolerance (long
//     enough to outlive every body whose created_at is still acceptable).
//
// Steps 3 and 4 protect against replays: a captured request cannot be
// resent after the tolerance, nor within it. The check and the record of a
// nonce must be one atomic step, so that two concurrent copies of a request
// are not both accepted. Every attempt of a delivery is signed afresh, with
// its own created_at and nonce, so a retry after an hour's outage, or after
// a response that was lost, is accepted as a new request; the event's id is
// what stays the same. (A receiver that fails to process a body it
// accepted may also forget its nonce, as [Handler] does with
// [MemoryNonces].)
//
// # Responses
//
// A 2xx response is a successful delivery. 408, 425, 429 and 5xx, a
// network error or a timeout are retried later; 429 and 503 may carry a
// Retry-After header (seconds or an HTTP date), which the sender honors up
// to one hour. Any other response, including a redirect (which is never
// followed, since following it could send the payload elsewhere), fails the
// delivery without retries.
package webhook
