package ticketing

import (
	"context"
	"encoding/json"
	"iter"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/patch"
)

// Resolver returns the driver to use for the next call. The management
// plane's resolver reloads the driver when its integration or credential
// changed, and refuses a deleted integration or an expired credential.
type Resolver func(ctx context.Context) (Driver, error)

// Connector is the portable ticketing API, bound to one integration. It is
// safe for concurrent use. Get one from synqly.Client.Ticketing, or wrap a
// driver directly with New.
type Connector struct {
	resolve  Resolver
	provider string
}

// New returns a Connector over a fixed driver.
func New(d Driver) *Connector {
	return NewResolving(func(context.Context) (Driver, error) { return d, nil }, "")
}

// NewResolving returns a Connector that asks resolve for its driver before
// every call. provider names the provider in error messages.
func NewResolving(resolve Resolver, provider string) *Connector {
	return &Connector{resolve: resolve, provider: provider}
}

// driver resolves the driver and checks that it supports op, before any
// network call.
func (c *Connector) driver(ctx context.Context, op Operation) (Driver, error) {
	if ctx == nil {
		return nil, errs.Invalid("ctx", "nil context")
	}
	if c == nil || c.resolve == nil {
		return nil, errs.New(errs.InvalidInput, "ticketing: nil Connector")
	}
	d, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	if !d.Capabilities().Supports(op) {
		who := "this provider"
		if c.provider != "" {
			who = "provider " + c.provider
		}
		return nil, errs.New(errs.Unsupported, "%s does not support %s", who, op)
	}
	return d, nil
}

// Capabilities returns what the connector's provider supports.
func (c *Connector) Capabilities(ctx context.Context) (Capabilities, error) {
	if c == nil || c.resolve == nil {
		return Capabilities{}, errs.New(errs.InvalidInput, "ticketing: nil Connector")
	}
	d, err := c.resolve(ctx)
	if err != nil {
		return Capabilities{}, err
	}
	return d.Capabilities(), nil
}

// Limits on user text sent to providers.
const (
	MaxSummaryLen     = 1024
	MaxTextLen        = 256 << 10 // descriptions, comments, notes
	MaxAttachmentSize = 32 << 20
	MaxIDLen          = 256
)

func checkID(field, id string) error {
	switch {
	case id == "":
		return errs.Invalid(field, "%s is required", field)
	case len(id) > MaxIDLen || !utf8.ValidString(id) || strings.ContainsAny(id, "\x00/?#") || id == "." || id == "..":
		return errs.Invalid(field, "%s is not a valid id", field)
	}
	return nil
}

func checkText(field, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return errs.Invalid(field, "%s is required", field)
	case len(s) > max:
		return errs.Invalid(field, "%s is %d bytes; the limit is %d", field, len(s), max)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return errs.Invalid(field, "%s must be valid UTF-8 without NUL bytes", field)
	}
	return nil
}

func checkLimit(n, max int) error {
	if n < 0 || n > max {
		return errs.New(errs.InvalidQuery, "limit %d is out of range: use 1 to %d (0 for the default)", n, max)
	}
	return nil
}

// ListProjects returns one page of projects.
func (c *Connector) ListProjects(ctx context.Context, req ListRequest) (*Page[Project], error) {
	if err := checkLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpListProjects)
	if err != nil {
		return nil, err
	}
	if req.Limit == 0 {
		req.Limit = DefaultProjectLimit
	}
	return d.ListProjects(ctx, req)
}

// Projects iterates over every project, page by page.
func (c *Connector) Projects(ctx context.Context) iter.Seq2[*Project, error] {
	return pages(ctx, func(ctx context.Context, cursor string) (*Page[Project], error) {
		return c.ListProjects(ctx, ListRequest{Cursor: cursor})
	})
}

// ListIssueTypes returns the issue types of a project ("" for all).
func (c *Connector) ListIssueTypes(ctx context.Context, project string) ([]IssueType, error) {
	if project != "" {
		if err := checkID("project", project); err != nil {
			return nil, err
		}
	}
	d, err := c.driver(ctx, OpListIssueTypes)
	if err != nil {
		return nil, err
	}
	return d.ListIssueTypes(ctx, project)
}

// ListRemoteFields returns the provider's ticket fields.
func (c *Connector) ListRemoteFields(ctx context.Context) ([]RemoteField, error) {
	d, err := c.driver(ctx, OpListRemoteFields)
	if err != nil {
		return nil, err
	}
	return d.ListRemoteFields(ctx)
}

// QueryTickets returns one page of tickets matching req. Filters the
// provider cannot evaluate are applied to each page in memory, so a page may
// hold fewer than Limit tickets while Cursor is not empty.
func (c *Connector) QueryTickets(ctx context.Context, req QueryTicketsRequest) (*Page[Ticket], error) {
	q, err := filter.Parse(filter.Params{Filter: req.Filter, Order: req.Order, Limit: req.Limit})
	if err != nil {
		return nil, err
	}
	b, err := q.Bind(TicketFields)
	if err != nil {
		return nil, err
	}
	if err := checkText("cursor", req.Cursor, 64<<10, false); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpQueryTickets)
	if err != nil {
		return nil, err
	}
	orders := d.Capabilities().Orders
	for _, t := range b.Order() {
		if t.Field != "id" && !slices.Contains(orders, t.Field) {
			return nil, errs.New(errs.Unsupported, "this provider cannot order tickets by %s; it can order by %s", t.Field, strings.Join(orders, ", "))
		}
	}
	p, err := d.QueryTickets(ctx, TicketQuery{Query: b, Limit: b.Limit(), Cursor: req.Cursor})
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errs.New(errs.Internal, "the driver returned no page")
	}
	kept := p.Result[:0]
	for i := range p.Result {
		if b.Match(&p.Result[i]) {
			kept = append(kept, p.Result[i])
		}
	}
	p.Result = kept
	return p, nil
}

// Tickets iterates over every ticket matching req, page by page, keeping
// one page in memory at a time.
func (c *Connector) Tickets(ctx context.Context, req QueryTicketsRequest) iter.Seq2[*Ticket, error] {
	return pages(ctx, func(ctx context.Context, cursor string) (*Page[Ticket], error) {
		r := req
		r.Cursor = cursor
		return c.QueryTickets(ctx, r)
	}, req.Cursor)
}

// GetTicket returns the ticket with the given id.
func (c *Connector) GetTicket(ctx context.Context, id string) (*Ticket, error) {
	if err := checkID("ticket_id", id); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpGetTicket)
	if err != nil {
		return nil, err
	}
	return d.GetTicket(ctx, id)
}

// CreateTicket creates a ticket. Summary is required.
func (c *Connector) CreateTicket(ctx context.Context, req CreateTicketRequest) (*Ticket, error) {
	if err := validateCreate(&req); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpCreateTicket)
	if err != nil {
		return nil, err
	}
	return d.CreateTicket(ctx, req)
}

func validateCreate(req *CreateTicketRequest) error {
	if err := checkText("summary", req.Summary, MaxSummaryLen, true); err != nil {
		return err
	}
	for _, f := range []struct{ field, s string }{{"name", req.Name}, {"creator", req.Creator}, {"assignee", req.Assignee},
		{"contact", req.Contact}, {"status", req.Status}, {"project", req.Project}, {"issue_type", req.IssueType}} {
		if err := checkText(f.field, f.s, MaxSummaryLen, false); err != nil {
			return err
		}
	}
	if err := checkText("description", req.Description, MaxTextLen, false); err != nil {
		return err
	}
	if req.Priority != "" && !req.Priority.Valid() {
		return errs.Invalid("priority", "priority %q is not valid; use one of URGENT, CRITICAL, HIGH, MEDIUM, MODERATE, LOW, PLANNING", clip(string(req.Priority)))
	}
	for i, t := range req.Tags {
		if err := checkText("tags", t, 255, true); err != nil || strings.ContainsAny(t, " \t\n") {
			return errs.Invalid("tags", "tag %d must be 1 to 255 characters without spaces", i)
		}
	}
	// Everything else, custom_fields above all: text json.Marshal would
	// alter on its way to the provider, and nesting no provider takes.
	return textcheck.Check("", req)
}

// ticketReadOnly are the ticket fields a patch cannot change.
var ticketReadOnly = []string{"id", "created_at", "updated_at", "attachments", "unmapped"}

// patchAttempts is how often PatchTicket reads and patches a ticket that
// keeps changing under it before giving up with the driver's conflict;
// between attempts it waits a random time up to a doubling bound, so that
// writers that collided spread out.
const (
	patchAttempts = 16
	patchPauseMax = 100 * time.Millisecond
)

// PatchTicket applies a JSON Patch to the ticket: the Connector reads the
// ticket, applies the patch to its JSON form (all or nothing; a failed test
// changes nothing), and asks the driver to write the fields that changed.
// When the driver reports that the ticket changed between the read and the
// write (an errs.Conflict error: another client's patch won the race), the
// Connector reads it again and re-applies the patch, test operations
// included, so concurrent patches of different fields both land and a test
// is always checked against the ticket the write replaces. After
// patchAttempts lost races (or when ctx ends while waiting to retry) the
// conflict is returned.
func (c *Connector) PatchTicket(ctx context.Context, id string, ops []patch.Operation) (*Ticket, error) {
	if err := checkID("ticket_id", id); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpPatchTicket)
	if err != nil {
		return nil, err
	}
	if !d.Capabilities().Supports(OpGetTicket) {
		return nil, errs.New(errs.Unsupported, "this provider cannot patch tickets without get_ticket")
	}
	pause := time.Millisecond
	for attempt := 1; ; attempt++ {
		t, raced, err := patchTicketOnce(ctx, d, id, ops)
		if !raced || attempt == patchAttempts {
			return t, err
		}
		timer := time.NewTimer(time.Duration(rand.Int64N(int64(pause))) + 1)
		select {
		case <-ctx.Done():
			timer.Stop()
			return t, err
		case <-timer.C:
		}
		pause = min(2*pause, patchPauseMax)
	}
}

// patchTicketOnce reads the ticket, patches it and writes the change. raced
// reports that the write lost a race (a conflict from the driver, not a
// test of the patch that did not hold).
func patchTicketOnce(ctx context.Context, d Driver, id string, ops []patch.Operation) (t *Ticket, raced bool, err error) {
	before, err := d.GetTicket(ctx, id)
	if err != nil {
		return nil, false, err
	}
	var after Ticket
	if _, err := patch.Apply(before, ops, ticketReadOnly, &after); err != nil {
		return nil, false, err
	}
	after.ID, after.CreatedAt, after.UpdatedAt, after.Attachments, after.Unmapped = before.ID, before.CreatedAt, before.UpdatedAt, before.Attachments, before.Unmapped
	if err := validateCreate(&CreateTicketRequest{Summary: after.Summary, Name: after.Name, Creator: after.Creator,
		Assignee: after.Assignee, Contact: after.Contact, Description: after.Description, Priority: after.Priority,
		Status: after.Status, Project: after.Project, IssueType: after.IssueType, Tags: after.Tags,
		DueDate: after.DueDate, CompletionDate: after.CompletionDate, CustomFields: after.CustomFields}); err != nil {
		return nil, false, err
	}
	changed := changedFields(before, &after)
	if len(changed) == 0 {
		return before, false, nil
	}
	t, err = d.UpdateTicket(ctx, id, TicketUpdate{Before: before, After: &after, Changed: changed})
	return t, errs.CodeOf(err) == errs.Conflict, err
}

// changedFields returns the JSON names of the top-level fields whose JSON
// values differ between a and b.
func changedFields(a, b any) []string {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var out []string
	for k, v := range mb {
		if w, ok := ma[k]; !ok || !jsonEqual(v, w) {
			out = append(out, k)
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}

// CreateAttachment attaches a file to a ticket.
func (c *Connector) CreateAttachment(ctx context.Context, ticketID string, req CreateAttachmentRequest) (*AttachmentMetadata, error) {
	if err := checkID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := checkText("file_name", req.FileName, 255, true); err != nil {
		return nil, err
	}
	if strings.ContainsAny(req.FileName, "/\\") {
		return nil, errs.Invalid("file_name", "file_name must not contain a path separator")
	}
	if len(req.Content) > MaxAttachmentSize {
		return nil, errs.Invalid("content", "the attachment is %d bytes; the limit is %d", len(req.Content), MaxAttachmentSize)
	}
	d, err := c.driver(ctx, OpCreateAttachment)
	if err != nil {
		return nil, err
	}
	return d.CreateAttachment(ctx, ticketID, req)
}

// ListAttachmentsMetadata lists a ticket's attachments.
func (c *Connector) ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]AttachmentMetadata, error) {
	if err := checkID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpListAttachmentsMetadata)
	if err != nil {
		return nil, err
	}
	return d.ListAttachmentsMetadata(ctx, ticketID)
}

// DownloadAttachment returns an attachment's content.
func (c *Connector) DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*Attachment, error) {
	if err := errorsJoinIDs(ticketID, attachmentID, "attachment_id"); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpDownloadAttachment)
	if err != nil {
		return nil, err
	}
	return d.DownloadAttachment(ctx, ticketID, attachmentID)
}

// DeleteAttachment deletes an attachment.
func (c *Connector) DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error {
	if err := errorsJoinIDs(ticketID, attachmentID, "attachment_id"); err != nil {
		return err
	}
	d, err := c.driver(ctx, OpDeleteAttachment)
	if err != nil {
		return err
	}
	return d.DeleteAttachment(ctx, ticketID, attachmentID)
}

func errorsJoinIDs(ticketID, otherID, otherField string) error {
	if err := checkID("ticket_id", ticketID); err != nil {
		return err
	}
	return checkID(otherField, otherID)
}

// ListComments returns one page of a ticket's comments.
func (c *Connector) ListComments(ctx context.Context, ticketID string, req ListRequest) (*Page[Comment], error) {
	if err := checkID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := checkLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpListComments)
	if err != nil {
		return nil, err
	}
	return d.ListComments(ctx, ticketID, req)
}

// Comments iterates over every comment of a ticket.
func (c *Connector) Comments(ctx context.Context, ticketID string) iter.Seq2[*Comment, error] {
	return pages(ctx, func(ctx context.Context, cursor string) (*Page[Comment], error) {
		return c.ListComments(ctx, ticketID, ListRequest{Cursor: cursor})
	})
}

// CreateComment comments on a ticket.
func (c *Connector) CreateComment(ctx context.Context, ticketID string, req CreateCommentRequest) (*Comment, error) {
	if err := checkID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := checkText("content", req.Content, MaxTextLen, true); err != nil {
		return nil, err
	}
	if err := checkText("creator", req.Creator, MaxSummaryLen, false); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpCreateComment)
	if err != nil {
		return nil, err
	}
	return d.CreateComment(ctx, ticketID, req)
}

// DeleteComment deletes a comment.
func (c *Connector) DeleteComment(ctx context.Context, ticketID, commentID string) error {
	if err := errorsJoinIDs(ticketID, commentID, "comment_id"); err != nil {
		return err
	}
	d, err := c.driver(ctx, OpDeleteComment)
	if err != nil {
		return err
	}
	return d.DeleteComment(ctx, ticketID, commentID)
}

// CreateNote adds a note to a ticket.
func (c *Connector) CreateNote(ctx context.Context, ticketID string, req CreateNoteRequest) (*Note, error) {
	if err := checkID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := checkText("content", req.Content, MaxTextLen, true); err != nil {
		return nil, err
	}
	if err := checkText("title", req.Title, MaxSummaryLen, false); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpCreateNote)
	if err != nil {
		return nil, err
	}
	return d.CreateNote(ctx, ticketID, req)
}

// ListNotes returns one page of a ticket's notes.
func (c *Connector) ListNotes(ctx context.Context, ticketID string, req ListRequest) (*Page[Note], error) {
	if err := checkID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := checkLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpListNotes)
	if err != nil {
		return nil, err
	}
	return d.ListNotes(ctx, ticketID, req)
}

// Notes iterates over every note of a ticket.
func (c *Connector) Notes(ctx context.Context, ticketID string) iter.Seq2[*Note, error] {
	return pages(ctx, func(ctx context.Context, cursor string) (*Page[Note], error) {
		return c.ListNotes(ctx, ticketID, ListRequest{Cursor: cursor})
	})
}

var noteReadOnly = []string{"id", "ticket_id", "creator", "created_at", "updated_at", "unmapped", "custom_fields"}

// PatchNote applies a JSON Patch to a note's title and content.
func (c *Connector) PatchNote(ctx context.Context, ticketID, noteID string, ops []patch.Operation) (*Note, error) {
	if err := errorsJoinIDs(ticketID, noteID, "note_id"); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpPatchNote)
	if err != nil {
		return nil, err
	}
	var before *Note
	for n, err := range c.Notes(ctx, ticketID) {
		if err != nil {
			return nil, err
		}
		if n.ID == noteID {
			before = n
			break
		}
	}
	if before == nil {
		return nil, errs.New(errs.NotFound, "note %q not found on ticket %q", clip(noteID), clip(ticketID))
	}
	var after Note
	if _, err := patch.Apply(before, ops, noteReadOnly, &after); err != nil {
		return nil, err
	}
	if err := checkText("content", after.Content, MaxTextLen, true); err != nil {
		return nil, err
	}
	if err := checkText("title", after.Title, MaxSummaryLen, false); err != nil {
		return nil, err
	}
	changed := changedFields(before, &after)
	if len(changed) == 0 {
		return before, nil
	}
	return d.UpdateNote(ctx, ticketID, noteID, NoteUpdate{Before: before, After: &after, Changed: changed})
}

// DeleteNote deletes a note.
func (c *Connector) DeleteNote(ctx context.Context, ticketID, noteID string) error {
	if err := errorsJoinIDs(ticketID, noteID, "note_id"); err != nil {
		return err
	}
	d, err := c.driver(ctx, OpDeleteNote)
	if err != nil {
		return err
	}
	return d.DeleteNote(ctx, ticketID, noteID)
}

// QueryEscalationPolicies returns one page of escalation policies.
func (c *Connector) QueryEscalationPolicies(ctx context.Context, req ListRequest) (*Page[EscalationPolicy], error) {
	if err := checkLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpQueryEscalationPolicies)
	if err != nil {
		return nil, err
	}
	if req.Limit == 0 {
		req.Limit = DefaultProjectLimit
	}
	return d.QueryEscalationPolicies(ctx, req)
}

// ListOnCall returns who is on call for an escalation policy.
func (c *Connector) ListOnCall(ctx context.Context, policyID string) ([]Agent, error) {
	if err := checkID("escalation_policy_id", policyID); err != nil {
		return nil, err
	}
	d, err := c.driver(ctx, OpListOnCall)
	if err != nil {
		return nil, err
	}
	return d.ListOnCall(ctx, policyID)
}

// pages turns a one-page function into an iterator over every item.
func pages[T any](ctx context.Context, page func(context.Context, string) (*Page[T], error), start ...string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		cursor := ""
		if len(start) > 0 {
			cursor = start[0]
		}
		for {
			p, err := page(ctx, cursor)
			if err == nil && p == nil {
				err = errs.New(errs.Internal, "the driver returned no page")
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range p.Result {
				if !yield(&p.Result[i], nil) {
					return
				}
			}
			if p.Cursor == "" || p.Cursor == cursor {
				return
			}
			cursor = p.Cursor
		}
	}
}

func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "…"
}
