// Package pagerduty holds the PagerDuty providers. It serves one
// connector: ticketing, as the provider TicketingID ("ticketing_pagerduty"),
// a ticketing.Driver over the PagerDuty REST API v2. Import it for its side
// effect to make the provider available:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/pagerduty"
//
// Ticketing is the provider's registration (its capabilities are declared
// there, once) and its one constructor: Ticketing.Open builds the driver
// of an integration from a providers.OpenRequest, for the management plane
// and for programs and tests alike; ticketing.NewConnector(Ticketing, d)
// puts the portable Connector over a driver built that way:
//
//	d, err := pagerduty.Ticketing.Open(ctx, providers.OpenRequest{
//		Config:      &pagerduty.TicketingConfig{URL: "https://api.pagerduty.com", Credential: credential.Inline(tok)},
//		Credentials: map[string]credential.Config{"credential": tok}, // tok: a *credential.TokenCredential
//	})
//	...
//	tk := ticketing.NewConnector(pagerduty.Ticketing, d)
//
// # Configuration and authentication
//
// The integration's configuration is a TicketingConfig: the REST API base
// URL (url, required; https://api.pagerduty.com), a token credential
// (credential, required) holding a REST API key, sent as "Authorization:
// Token token=<key>", and optionally default_creator (an e-mail) and
// default_project (a service id). Ticketing.Open takes the key from the
// request's Credentials["credential"], which must be a token credential;
// the request's HTTPClient and HTTPOptions (retries, backoff, timeout,
// response size cap) tune the vendor calls. Every call goes through the
// shared HTTP client of internal/httpx: bounded retries with backoff,
// Retry-After honoured (PagerDuty's ratelimit-reset header is read as
// one), no retry of a POST after a 5xx, a response size cap, and vendor
// errors mapped to the errs codes with the API key redacted (even when
// PagerDuty echoes it back, JSON-escaped, percent-encoded or in base64). A
// 2xx answer that is not the JSON the API documents is an errs.ErrProvider
// error naming the method, the path, the status and what was wrong, worded
// as every driver words it.
//
// # Tickets are incidents
//
//	ticket field     incident field
//	id               id
//	name             incident_number, as a decimal string ("1234"); GetTicket accepts it as an id
//	summary          title
//	description      body.details (a string as is, an object as JSON text), or the latest note
//	                 titled Description (see Writes)
//	status           status: triggered, acknowledged or resolved
//	priority         priority, by rank in the account's list (see below)
//	project          service.id; default_project when a new ticket names none
//	issue_type       incident_type.name, e.g. incident_default (ListIssueTypes lists them)
//	assignee         the first assignee's e-mail; written as an e-mail or a user id
//	creator          the e-mail of the user who triggered the incident (the From header used)
//	created_at       created_at
//	updated_at       updated_at (last_status_change_at when absent)
//	completion_date  resolved_at
//	custom_fields    {"urgency": "high" | "low"}, readable and writable
//	unmapped         incident_number, html_url, incident_key, assigned_via, service_name,
//	                 escalation_policy {id, name}, pagerduty_priority {id, name},
//	                 last_status_change_at, team_ids
//
// PagerDuty's priorities are defined per account, most severe first (P1 to
// P5 by default). The driver reads them once per driver and maps them by
// rank: the 1st reads as URGENT, the 2nd HIGH, the 3rd MEDIUM, the 4th LOW,
// the 5th and later PLANNING; URGENT and CRITICAL write the 1st, HIGH the
// 2nd, MEDIUM and MODERATE the 3rd, LOW the 4th, PLANNING the 5th, and an
// account with fewer priorities writes the missing levels as its least
// severe one. On an account without priorities tickets have none, and
// setting one is an errs.ErrUnsupported error.
//
// # The From header
//
// PagerDuty requires the e-mail of a user of the account in the From
// header to create or update incidents and notes. CreateTicket,
// CreateComment and CreateNote send the request's creator, else the
// integration's default_creator, else fail with errs.ErrInvalidInput
// naming both. Patches of tickets and notes carry no creator: they send
// default_creator, else the e-mail of the incident's creator (the note's
// author), else fail the same way.
//
// # Writes
//
// CreateTicket sends title, service, body.details, urgency, priority, one
// assignee and incident_type. A new incident is always triggered, so a
// status other than triggered is refused. Contact, due_date,
// completion_date and tags, which incidents do not have, are not kept (the
// ticket comes back without them); any custom field but urgency is
// refused. Every create carries an incident_key, so it is retried safely
// (see below).
//
// PatchTicket sends one PUT /incidents/{id} with what changed: summary,
// status (acknowledge, resolve, reopen), priority, project (move to
// another service), assignee, issue_type and custom_fields.urgency.
// PagerDuty cannot change an incident's body after creation, so a changed
// description is written as a note titled Description (first, before the
// PUT), and the ticket's description is from then on the content of the
// latest such note; GetTicket reads the incident's notes for it. Changing
// name, creator, completion_date, contact, due_date or tags, removing the
// priority, the assignee or the urgency, or an unknown status, is refused
// with errs.ErrInvalidInput before anything is written.
//
// # Which creates are safe to retry
//
// CreateTicket is. PagerDuty deduplicates POST /incidents by incident_key:
// a create whose key an open (triggered or acknowledged) incident of the
// same service already has is refused with 400 ("Open incident with
// matching dedup key already exists on this service"). The driver sends an
// incident_key with every create: CreateTicketRequest.IdempotencyKey when
// the caller gives one (at most 255 bytes on one line), else a random key
// of its own ("synqly-" and 32 hex digits), kept in the ticket's
// unmapped["incident_key"]. The POST is therefore retried like a read,
// after a lost connection or a 5xx, and when a retry is refused for its
// key, or the create fails leaving its outcome unknown (no answer, 5xx past
// the retries, an answer cut short), the driver finds the open incident of
// the key (GET /incidents?incident_key=&service_ids[]=&statuses[]=) and
// answers it: one incident, and a success. A caller that repeats a create
// with the same IdempotencyKey gets the incident the first one made, as
// long as it is open; once it is resolved, the key creates a new one.
//
// The other creates are not: incident notes (CreateComment, CreateNote,
// POST /incidents/{id}/notes) have no deduplication, so they are sent
// once and not retried after a 5xx or a lost connection (a 429, which
// PagerDuty did not process, is retried). Updates (PUT, which set fields to
// values), deletes and reads are retried.
//
// # Queries
//
// QueryTickets pushes down to GET /incidents what PagerDuty can evaluate:
// status eq, in, ne and not in (statuses[]), project eq and in
// (service_ids[]), created_at bounds (since and until, widened by a second;
// date_range=all when the range is open below or longer than PagerDuty's
// six months) and id eq (one GET /incidents/{id}); the Connector applies
// every filter in memory too. It orders by created_at and completion_date
// (sort_by created_at and resolved_at, at most two); an order by id, which
// the Connector always allows, is served in incident-number order
// (PagerDuty cannot sort by id). The list does not return incident bodies,
// so query results have no description, unless the query filters on
// description: then each incident's body and notes are read. A page's Next
// (the next request's Cursor) is an offset; a page of more than 100 is
// read as several API pages.
//
// # Notes and comments
//
// Both are PagerDuty incident notes, which have content only. A note's
// title is written as the content's first line in bold ("**title**")
// followed by a blank line, and ListNotes splits it off again; ListComments
// shows the content as PagerDuty holds it, so every note is also a comment
// and every comment a note without a title. Notes and comments can be
// deleted (DELETE /incidents/{id}/notes/{note_id}) and notes patched (PUT),
// as the REST API v2 description provides. Creators are user e-mails (a
// service's name for notes written by a service).
//
// # Escalation policies and on-call
//
// QueryEscalationPolicies maps GET /escalation_policies: each rule's
// escalation_delay_in_minutes becomes delay_seconds, user targets become
// agent_summary actors and schedule targets schedule_summary actors.
// ListOnCall maps GET /oncalls for the policy (users included, looked up
// when not) to agents, each once at their lowest escalation level.
//
// # Not supported
//
// Attachments: PagerDuty incidents have none. Ticketing.Capabilities
// leaves the four attachment operations out, so the Connector refuses them
// with errs.ErrUnsupported before calling the driver (and the driver
// answers them the same way). The remote fields are a fixed list of the
// incident fields the driver maps; PagerDuty's incident custom fields are
// not mapped.
package pagerduty
