// Package pdfake is an in-memory fake of the PagerDuty REST API v2, for
// tests and benchmarks of code that talks to PagerDuty. It serves, over a
// local httptest.Server, the endpoints the PagerDuty ticketing driver uses,
// the way PagerDuty's public documentation and OpenAPI description say they
// behave:
//
//   - authentication with "Authorization: Token token=<key>" (401 with
//     PagerDuty's error body otherwise) and the versioned
//     "Accept: application/vnd.pagerduty+json;version=2" header;
//   - the "From" header (the e-mail of a known user) on the writes that
//     require it, 400 with PagerDuty's error body when it is missing or
//     unknown;
//   - JSON envelopes ({"incident":{...}}, {"incidents":[...],"limit",
//     "offset","more","total"}), classic offset pagination, and the list
//     filters statuses[], service_ids[], urgencies[], user_ids[],
//     incident_key, since, until, date_range=all, sort_by and include[];
//   - incidents (list, get by id or number, create, update), with creates
//     deduplicated by incident_key among the service's open incidents (400
//     "Open incident with matching dedup key already exists on this
//     service" for a repeat), incident notes (list, create, update,
//     delete), incident types, services, priorities, users, escalation
//     policies and on-call entries;
//   - error bodies {"error":{"message","code","errors"}} for 400, 401, 404
//     and 429.
//
// New seeds an account with users, services, priorities P1 to P5,
// escalation policies, a schedule and on-call entries; the exported
// constants name them. The Server embeds a *fakekit.Kit, the pipeline every
// fake of this module shares: tests inject faults through it (429 with
// Retry-After and PagerDuty's ratelimit-* headers, 5xx bursts, delays,
// malformed, truncated or oversized bodies, dropped connections, answers
// lost after the request was served: "wrote it, then lost the
// connection"), read the requests it received, and every answer carries
// an X-Request-Id. A Server is safe for concurrent use.
package pdfake
