// Package snowfake is an in-memory fake of a ServiceNow instance, for tests
// and benchmarks of code that talks to ServiceNow's REST APIs without the
// internet and without secrets.
//
// It follows ServiceNow's public documentation for the parts the ServiceNow
// ticketing driver uses:
//
//   - the Table API: GET and POST /api/now/table/{table}, GET, PATCH, PUT and
//     DELETE /api/now/table/{table}/{sys_id}, the {"result": ...} envelope,
//     sysparm_query encoded queries (conditions joined by ^ and ^OR with the
//     operators =, !=, IN, NOT IN, LIKE, NOT LIKE, STARTSWITH, ENDSWITH, >, >=,
//     <, <=, ISEMPTY, ISNOTEMPTY, dot-walked fields, ORDERBY and ORDERBYDESC),
//     sysparm_fields (dot-walking included), sysparm_limit, sysparm_offset,
//     sysparm_display_value, sysparm_exclude_reference_link, the X-Total-Count
//     and Link headers, reference fields as {"link", "value"} objects;
//   - the incident table with its business logic: numbers (INC0010001, ...),
//     priority computed from impact and urgency, state codes, resolved_at and
//     closed_at stamps, the resolution data policy (close_code and
//     close_notes are mandatory to resolve or close), journal fields
//     (comments, work_notes) written to sys_journal_field;
//   - the reference tables sys_user, sys_user_group, sys_choice and
//     sys_dictionary, seeded with a few users, groups, choices and fields;
//   - the Attachment API: POST /api/now/attachment/file with a raw body,
//     GET /api/now/attachment, GET /api/now/attachment/{sys_id},
//     GET /api/now/attachment/{sys_id}/file, DELETE /api/now/attachment/{sys_id};
//   - authentication: HTTP basic, a static bearer token, and OAuth 2.0 client
//     credentials at POST /oauth_token.do issuing expiring bearer tokens;
//   - errors in ServiceNow's shape,
//     {"error": {"message": ..., "detail": ...}, "status": "failure"}, 401
//     "User Not Authenticated" for missing or wrong credentials;
//   - an X-Transaction-ID header on every answer;
//   - rate-limited answers (injected: see below) as ServiceNow's inbound
//     REST API rate limiting sends them: 429 "Rate limit exceeded" with
//     Retry-After and the X-RateLimit-Limit, X-RateLimit-Reset (Unix time)
//     and X-RateLimit-Rule headers.
//
// Unsupported encoded-query syntax (^NQ, javascript: values, unknown fields
// or operators) is answered with a 400 error rather than ignored, so a
// client that emits it is caught in tests.
//
// The Server embeds a *fakekit.Kit, the pipeline every fake of this module
// shares: tests inject faults through it (Inject, RateLimit, FailNext,
// SetDelay: 429 with Retry-After and ServiceNow's X-RateLimit-* headers,
// 5xx bursts, delays, malformed, truncated or oversized bodies, dropped
// connections, answers lost after the request was served) and read the
// requests it received (Requests, Count, ResetRequests). A fault whose
// Path is "" also hits the OAuth token endpoint /oauth_token.do; aim it at
// "/api/" to leave token requests alone. Every method is safe for
// concurrent use.
//
//	fake := snowfake.New()
//	defer fake.Close()
//	// point a client at fake.URL with snowfake.BasicUsername/BasicPassword
package snowfake
