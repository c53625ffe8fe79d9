// Package jira holds the Atlassian Jira Cloud providers. Today that is the
// ticketing provider "ticketing_jira" (TicketingID): a ticketing.Driver over
// the Jira Cloud platform REST API v3, registered as Ticketing. Import the
// package for its side effect to make it available:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/jira"
//
// The management plane builds the driver of an integration through the
// registry. Ticketing.Open, the provider's one constructor, also builds one
// directly (tests, programs without a store), and ticketing.NewConnector
// wraps it in the portable API:
//
//	cred := &credential.BasicCredential{Username: "bot@example.com", Secret: token}
//	d, err := jira.Ticketing.Open(ctx, providers.OpenRequest{
//		Config:      &jira.TicketingConfig{URL: "https://example.atlassian.net", Credential: credential.Inline(cred)},
//		Credentials: map[string]credential.Config{"credential": cred},
//	})
//	...
//	tk := ticketing.NewConnector(jira.Ticketing, d)
//
// The OpenRequest's HTTPClient, HTTPOptions (retries, backoff, timeout,
// size cap) and Logger tune the calls to Jira.
//
// # Configuration and authentication
//
// An integration's configuration (TicketingConfig) names the site URL, a
// credential and, optionally, a default project, a default issue type and
// custom field mappings. The credential is either
//
//   - basic: the Atlassian account's e-mail as username and an API token
//     (https://id.atlassian.com/manage-profile/security/api-tokens) as
//     secret, sent as HTTP basic authentication; or
//   - token: a bearer token (an OAuth 2.0 access token, or a scoped
//     token), sent as "Authorization: Bearer".
//
// Secrets live in memory only; errors and debug logs never show them (the
// shared HTTP plumbing redacts them, even when Jira echoes them back,
// JSON-escaped, percent-encoded or in base64). Every call goes through
// internal/httpx: bounded retries with backoff, Retry-After honoured on
// 429 and 503 (a longer wait than the client allows is
// errs.ErrRateLimited with the wait in RetryAfter), no retry of creates,
// comments, uploads or transitions after a 5xx (searches, being read-only,
// are retried), a per-call deadline and a response size cap. A 2xx answer
// that is not the JSON Jira documents is an errs.ErrProvider error naming
// the method, the path, the status and what was wrong, worded as every
// driver words it.
//
// # Which creates are safe to retry
//
// None. Jira Cloud's REST API has no idempotency key and does not
// deduplicate creates, so every POST that adds something is sent once: a
// 5xx answer or a connection lost before the answer is not retried, since
// Jira may have done the work. That covers CreateTicket (POST
// /rest/api/3/issue), CreateComment (POST .../comment), CreateAttachment
// (POST .../attachments) and the transition of a status change (POST
// .../transitions). Only a 429, which Jira did not process, is retried.
// After such a failure the issue may exist: search for it (a JQL query on
// its summary, say) before creating it again. CreateTicketRequest's
// IdempotencyKey is ignored. When Jira created the issue and a later step
// (the read-back, the move to the requested status) failed, the error
// names the issue key. Reads, the JQL search (a read-only POST), edits
// (PUT, which set fields to values) and deletes are retried.
//
// # Mapping
//
// A ticket is a Jira issue:
//
//	ticket           Jira issue field
//	id, name         key (SEC-12); the numeric id is in unmapped["id"]
//	summary          summary
//	description      description (Atlassian Document Format ↔ markdown, see adf.go)
//	priority         priority (see priority.go for the two-way table)
//	status           status name; changed through a workflow transition
//	project          project key
//	issue_type       issue type name (or numeric id when writing)
//	tags             labels
//	due_date         duedate (a date: written as the date the time names)
//	completion_date  resolutiondate (read-only: Jira sets it on resolution)
//	creator          reporter's account id (creator's when there is none)
//	assignee         assignee's account id
//	attachments      attachment
//	custom_fields    fields named by custom_field_mappings
//	unmapped         {"id", "self", "fields": every other non-null field}
//	created_at, updated_at  created, updated
//
// Users are Jira account ids: an e-mail is refused as an assignee and
// ignored as a creator (Jira then makes the API user the reporter). Jira
// has no contact field: Contact is not stored and cannot be patched.
// Projects are listed with their key as ID and issue types with their name
// as ID, since tickets, JQL and configurations use those.
//
// QueryTickets translates the filters JQL can evaluate into a JQL query
// (see jql.go) for POST /rest/api/3/search/jql, pages with nextPageToken,
// and orders by any field JQL's ORDER BY accepts; the Connector applies
// every filter again in memory, so the pushdown only ever narrows what is
// fetched.
//
// # Unsupported operations
//
// Notes (create_note, list_notes, patch_note, delete_note): Jira has
// comments only, and the connector keeps comments and notes apart, so
// mapping notes to comments would list every comment twice. Escalation
// policies and on-call (query_escalation_policies, list_on_call): Jira
// Software has none; they belong to Opsgenie / Jira Service Management,
// other providers. Ticketing.Capabilities leaves them out, so the
// Connector refuses them with errs.ErrUnsupported before any call (and the
// driver answers them with errs.ErrUnsupported too).
package jira
