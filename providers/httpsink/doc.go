// Package httpsink is the sink_http provider: the Sink connector's
// generic HTTP receiver. Every batch of OCSF events is one request to the
// configured URL — a JSON array of events, or JSON Lines — with the
// configured method, static headers and authorization (basic, a token in
// a header of the configuration's choosing, or OAuth client credentials),
// and, with a signing credential, an HMAC-SHA256 signature of the body
// (Sign, and Verify for receivers).
//
// Every request also carries X-Synqly-Batch-Id, a random id of the batch
// for receivers that deduplicate, and X-Synqly-Location with the post's
// location when it has one.
//
// A generic receiver answers for the whole batch, so there are no partial
// failures: a status outside accepted_response_codes (any 2xx when the
// list is empty) fails the batch. Batches are sent again after a 429 (the
// receiver did not take it), never after a 5xx or a lost answer (it may
// have). Limits: 1000 events, 4 MiB a batch, 1 MiB an event.
//
// Importing the package registers the provider (providers/all does).
package httpsink
