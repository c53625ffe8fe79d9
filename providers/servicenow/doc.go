// Package servicenow holds the ServiceNow providers. It serves one
// connector, ticketing: the provider TicketingID ("ticketing_servicenow"),
// whose tickets are incidents of the instance's incident table, reached
// through ServiceNow's Table API and Attachment API. Import the package for
// its side effect to make the provider available:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/servicenow"
//
// # Registration and constructor
//
// Ticketing is the provider's ticketing.Registration, registered in init.
// It declares, once, what the driver supports (Ticketing.Capabilities: the
// operations and the orders of QueryTickets), and it is the driver's one
// constructor: Ticketing.Open builds the driver of an integration from a
// providers.OpenRequest whose Config is a *TicketingConfig and whose
// Credentials["credential"] is the unsealed credential. The request's
// HTTPClient, Logger and HTTPOptions (retries, backoff, timeout, response
// size cap) tune the shared HTTP plumbing. Open makes no network call. A
// program without the management plane wraps the driver in a Connector:
//
//	d, err := servicenow.Ticketing.Open(ctx, providers.OpenRequest{
//		Config:      &servicenow.TicketingConfig{URL: "https://example.service-now.com", Credential: credential.RefTo("cred-1", credential.TypeBasic)},
//		Credentials: map[string]credential.Config{"credential": &credential.BasicCredential{Username: user, Secret: password}},
//	})
//	if err != nil { ... }
//	tk := ticketing.NewConnector(servicenow.Ticketing, d)
//
// TicketingConfig requires url and credential; every other field is
// optional.
//
// # Authentication
//
// The integration's credential is one of basic (user name and password, sent
// as HTTP basic), token (sent as a bearer token) or o_auth_client (OAuth 2.0
// client credentials: the token endpoint is the credential's token_url, by
// default <url>/oauth_token.do; the configuration's oauth_scopes are
// requested; tokens are cached and fetched again shortly before they expire).
//
// # Ticket mapping
//
//	Ticket field      incident column
//	id                sys_id
//	name              number (INC0010001; set by the instance, read-only)
//	summary           short_description
//	description       description
//	priority          priority, written as impact and urgency (see below)
//	status            state, as its label (see below)
//	project           assignment_group (a sys_user_group sys_id; default_project)
//	issue_type        category (a choice value; default_issue_type)
//	assignee          assigned_to, as the user's user_name
//	creator           opened_by, as the user's user_name (and caller_id when no contact)
//	contact           caller_id, as the user's user_name
//	tags              sys_tags, read only (tags live in ServiceNow's label tables,
//	                  which the Table API does not write: tags given are ignored)
//	due_date          due_date
//	completion_date   resolved_at
//	created_at        sys_created_on
//	updated_at        sys_updated_on
//	custom_fields     the columns named by custom_field_mappings
//	unmapped          the other columns read (impact, urgency, close_code, ...)
//
// Users are named by sys_user.user_name. On writes a user may also be given
// by e-mail or by sys_id (32 hex digits); names and e-mails are looked up in
// sys_user once and cached. Ticket ids are incident sys_ids: any other id
// is errs.ErrNotFound without a request. Attachments are listed with
// ListAttachmentsMetadata, not on tickets. Custom fields mapped to a
// dot-walked path, a sys_ column or a column the ticket's own fields write
// are read but not written; values are written as text.
//
// ServiceNow computes priority from impact and urgency, so the driver writes
// those two:
//
//	Priority           priority   impact  urgency   read back as
//	URGENT, CRITICAL   1          1       1         CRITICAL
//	HIGH               2          1       2         HIGH
//	MEDIUM, MODERATE   3          2       2         MODERATE
//	LOW                4          2       3         LOW
//	PLANNING           5          3       3         PLANNING
//
// Status is the label of the state code: 1 New, 2 In Progress, 3 On Hold,
// 6 Resolved, 7 Closed, 8 Canceled (labels are matched without regard to
// case on writes; an unknown code reads as the code itself, and a numeric
// status is written as a code). Moving a ticket to Resolved or Closed also
// writes close_code (the configuration's resolution_code, default "Solution
// provided") and close_notes (resolution_notes, default "Resolved through
// the Synqly ticketing connector."), which stock instances require.
//
// # Queries
//
// QueryTickets translates what ServiceNow evaluates the same way, or more
// broadly, into an encoded query (sysparm_query): eq and in on every text
// field, ne and not in where values are case-exact (id, name, project,
// priority, status), like as LIKE (*x*), STARTSWITH (x*), ENDSWITH (*x) or a
// literal pre-filter, and time comparisons; orders by created_at, updated_at,
// due_date, completion_date, name and id as ORDERBY/ORDERBYDESC; pages with
// sysparm_limit and sysparm_offset (the cursor is the next offset). The
// Connector applies every filter in memory as well. Encoded queries have no
// escape character, so a value holding ^, a line break, a leading or
// trailing space or javascript: is never sent: that filter is applied in
// memory only.
//
// # Errors and retries
//
// Every call goes through internal/httpx: bounded retries with backoff,
// Retry-After honoured on 429 and 503, a per-call deadline, a response size
// cap, and the credentials redacted from every error and log line, even
// when the instance echoes them back (JSON-escaped, percent-encoded or in
// base64). A 2xx answer that is not the JSON the Table API documents (not
// JSON, cut short, no result envelope) is an errs.ErrProvider error naming
// the method, the path, the status and what was wrong, worded as every
// driver words it.
//
// # Which creates are safe to retry
//
// None. The Table API and the Attachment API have no idempotency key and
// do not deduplicate creates, so every request that adds something is sent
// once: after a 5xx answer or a connection lost before the answer it is
// not retried, since the instance may have done the work. That covers
// CreateTicket (POST /api/now/table/incident), CreateAttachment (POST
// /api/now/attachment/file), and CreateComment and CreateNote (a PATCH of
// the comments or work_notes journal field, which adds an entry each time
// it is sent). Only a 429, which the instance did not process, is retried.
// After such a failure the incident may exist: query for it (its
// short_description, say) before creating it again. CreateTicketRequest's
// IdempotencyKey is ignored. PatchTicket's PATCH sets columns to values and
// is retried like a read; a patch that writes no column (only tags) sends
// nothing and answers the ticket as read.
//
// # Comments, notes, attachments
//
// Comments are the incident's additional comments and notes its work notes:
// both are written by PATCHing the journal field (comments, work_notes) and
// read back from sys_journal_field (the id of a comment or note is its
// sys_journal_field sys_id; its creator is the user who wrote it, the
// integration's user for entries written through this driver). Journal entries are immutable in
// ServiceNow, so deleting comments and patching or deleting notes are
// unsupported. A note's title is written as the first line of the work
// note, followed by a blank line and the content; a work note whose first
// line is followed by a blank line reads back with that line as its title.
// Attachments use the Attachment API.
//
// ListProjects lists active assignment groups (sys_user_group), ListIssueTypes
// the active incident categories (sys_choice), and ListRemoteFields the
// incident and task columns of sys_dictionary; each needs read access to
// that table. Escalation policies and on-call lists are unsupported.
package servicenow
