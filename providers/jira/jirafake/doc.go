// Package jirafake is an in-memory fake of a Jira Cloud site's REST API v3,
// for tests, examples and benchmarks of the Jira ticketing driver (and of
// anything else that speaks to Jira). It follows Atlassian's published
// OpenAPI description and documentation: the same paths and methods, JSON
// shapes (issues as {id, key, self, fields}, descriptions and comments in
// Atlassian Document Format), authentication (basic with an account e-mail
// and API token, or a bearer token), error bodies
// ({"errorMessages": [...], "errors": {...}}) and status codes.
//
//	fake := jirafake.New(t) // or jirafake.New() and defer fake.Close()
//	cred := &credential.BasicCredential{Username: fake.Email, Secret: credential.Secret(fake.Token)}
//	drv, err := jira.Ticketing.Open(ctx, providers.OpenRequest{HTTPClient: fake.Client(),
//		Config: &jira.TicketingConfig{URL: fake.URL, Credential: credential.Inline(cred)}})
//
// It serves:
//
//   - issues: POST /rest/api/3/issue, GET, PUT (fields and update) and
//     DELETE /rest/api/3/issue/{key}, transitions (any status can move to
//     any other through a global transition);
//   - search: GET and POST /rest/api/3/search/jql with nextPageToken paging
//     and a JQL subset (see below); a query with no restriction is refused
//     as Jira Cloud refuses it;
//   - comments: GET (paged with startAt) and POST
//     /rest/api/3/issue/{key}/comment, GET and DELETE .../comment/{id};
//   - attachments: multipart POST /rest/api/3/issue/{key}/attachments
//     (refused with 403 "XSRF check failed" without the header
//     X-Atlassian-Token: no-check), GET and DELETE
//     /rest/api/3/attachment/{id}, GET /rest/api/3/attachment/content/{id}
//     (303 to the file, or the bytes with redirect=false);
//   - metadata: /rest/api/3/project/search (paged), /project/{key} (with
//     its issue types), /issuetype, /issuetype/project, /field, /status,
//     /priority, /myself.
//
// JQL: clauses joined by AND, OR, NOT and parentheses; operators = != > >=
// < <= ~ !~ IN, NOT IN, IS [NOT] EMPTY; quoted strings with backslash
// escapes; ORDER BY on dates, priority (by rank), status, issue type,
// project, summary, key and users. Names that do not exist give Jira's
// "The value 'X' does not exist for the field 'status'." error; negative
// operators never match empty fields; ~ matches whole words (a trailing *
// makes a prefix); date literals are read in the API user's time zone
// (SetTimeZone). Functions and history operators are refused with a 400.
//
// The Server embeds a *fakekit.Kit, the pipeline every fake of this module
// shares: tests inject faults through it (Inject, RateLimit, FailNext,
// SetDelay: 429 with Retry-After and Jira Cloud's X-RateLimit-Limit,
// X-RateLimit-Remaining, X-RateLimit-Reset and RateLimit-Reason headers,
// 5xx bursts, delays, malformed, truncated or oversized bodies, dropped
// connections, answers lost after the request was served), read the
// requests it received (Requests, Count, and JQLs for the searches' JQL),
// and every answer carries an X-AREQUESTID, as Jira Cloud's do. Faults that
// answer for Jira are applied before authentication. Data can be seeded
// directly, without HTTP (AddIssue, AddIssues, AddProject, AddUser,
// AddStatus, AddPriority, AddCustomField).
package jirafake
