// Package ticketingtest is the conformance suite every ticketing driver
// runs. A driver's test describes the driver with a Harness and calls Run:
//
//	func TestConformance(t *testing.T) {
//		ticketingtest.Run(t, ticketingtest.Harness{
//			Open: func(t *testing.T) ticketing.Driver {
//				srv := newFakeJira(t) // a fresh httptest.Server
//				return newDriver(srv.URL, srv.Client())
//			},
//			Project: "SEC", IssueType: "Task", OpenStatus: "To Do", DoneStatus: "Done",
//		})
//	}
//
// Run wraps each driver in a spy and in ticketing.New, and exercises the
// Connector, never the driver directly (except Capabilities), in one subtest
// per area, each over a driver of its own from Harness.Open. A subtest whose
// operations the driver does not support checks that the Connector refuses
// them with errs.ErrUnsupported and is then skipped with the reason.
//
// # What the suite requires
//
//   - Capabilities list only ticketing operations, each once; Orders only
//     orderable ticket fields, including created_at (the default order)
//     when query_tickets is supported; patch_ticket comes with get_ticket
//     and patch_note with list_notes, which the Connector needs for them.
//   - Every operation the capabilities lack, and every order field Orders
//     lacks, is refused with errs.ErrUnsupported before any driver call
//     (the spy fails the test if the Connector reaches the driver).
//   - Bad input (an empty or blank summary, an invalid priority, a tag with
//     a space, an empty comment or note, a bad file name, malformed ids,
//     filters and limits) is errs.ErrInvalidInput or errs.ErrInvalidQuery
//     without any driver call.
//   - The id "MISSING-99999999" names no ticket, comment, note, attachment
//     or escalation policy: GetTicket, PatchTicket and every comment, note
//     and attachment operation on it, and ListOnCall of it, are
//     errs.ErrNotFound. So is deleting (or downloading) a child twice.
//   - CreateTicket returns a ticket with an id, which GetTicket returns with
//     the same summary (exactly), a name, created_at and updated_at set
//     (updated_at not before created_at), and status Harness.OpenStatus.
//     Two reads return the same ticket.
//   - QueryTickets: filters with eq, ne, like, not like, in and not in on
//     summary, status and priority, and gt/gte/lt/lte on created_at, select
//     exactly the created tickets whose values (as GetTicket reports them)
//     match; query results carry the summary, status and priority GetTicket
//     reports. Through the Tickets iterator with small limits every ticket
//     is visited exactly once, in every order of Orders, ascending and
//     descending. The default order is ascending created_at. Ordering by
//     summary, created_at, updated_at, due_date or completion_date is
//     checked to be sorted as package filter sorts (text bytewise; the
//     suite's summaries are lower-case ASCII).
//   - Pages hold at most their limit, a page's cursor is never the cursor
//     it was asked for, and no driver call returns a nil result without an
//     error.
//   - PatchTicket writes summary, description, priority (HIGH to LOW) and
//     status (to Harness.DoneStatus) and GetTicket then reports them; id and
//     created_at do not change and updated_at does not go back. A failed
//     test operation is errs.ErrConflict and changes nothing; patching /id
//     or /created_at, an invalid priority or an empty summary is
//     errs.ErrInvalidInput; none of these reaches driver.UpdateTicket.
//   - Comments and notes: created ones are listed exactly once (also when
//     paged one at a time) with their content and ticket id; deleted ones
//     are not; a note's patched title and content are listed.
//   - Attachments: the metadata has an id, the file name, the ticket id
//     and the size (when given); the download returns the same bytes and
//     name; a deleted attachment is neither listed nor downloadable.
//   - Projects (paged one at a time too) have unique ids and names and
//     include Harness.Project; ListIssueTypes(Harness.Project) includes
//     Harness.IssueType (by id or name); remote fields have an id, a name,
//     a known scope and a known type; escalation policies have unique ids,
//     non-negative delays and known actor types, and ListOnCall of one of
//     them answers agents with a uid.
//   - 8 goroutines creating, reading and querying tickets at once get
//     distinct ids and their own summaries (run the suite with -race).
//
// # What the suite tolerates
//
// Providers keep different subsets of a ticket. A field other than id,
// summary, name, status and the times that a driver returns empty is
// accepted (and logged): description, priority, project, issue_type, tags,
// due_date, custom_fields, a note's title, a ticket's attachments. A field
// that comes back non-empty must equal what was written: the description
// after trimming spaces and line ends (use plain markdown: the suite writes
// **bold**, `code` and two paragraphs), the tags as a set, the due date as
// a calendar date. Creators, assignees and unmapped fields are not
// compared. A driver that refuses custom_fields it has no mapping for with
// errs.ErrInvalidInput is accepted. Tickets that exist before a subtest
// starts are ignored: every query is scoped to the subtest's own summaries.
// Ordering by fields other than the five above is checked for visiting
// each ticket once, not for the sequence, since providers collate
// priorities, statuses and keys in their own ways; ties may come in any
// order.
package ticketingtest
