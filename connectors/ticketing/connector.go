package ticketing

import (
	"context"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/page"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
)

// Connector is the portable ticketing API, bound to one integration. It is
// safe for concurrent use. Get one with Open (an integration of the
// management plane), or NewConnector (a driver built directly).
type Connector struct {
	b *kit.Binding[Driver]
}

// Open returns the ticketing connector of the integration with the given id,
// resolved through src: a *synqly.Client (any account's integration) or a
// *synqly.AccountScope (one of that account's). It fails at once if the
// integration does not exist in src's scope, is not a ticketing
// integration, or has an expired credential; afterwards every call resolves
// the driver again (cheaply: src caches it), so the connector follows
// changes of the integration and fails once it is deleted.
//
//	tk, err := ticketing.Open(ctx, client.Account(accountID), integrationID)
func Open(ctx context.Context, src providers.Source, integrationID string) (*Connector, error) {
	return kit.Open(ctx, providers.Ticketing, src, integrationID, bound)
}

func bound(b *kit.Binding[Driver]) *Connector { return &Connector{b: b} }

// NewConnector returns a Connector over a driver built directly with the
// registration's Open (tests, programs without a store): r declares what
// the driver supports. Telemetry goes to the OpenTelemetry globals; tel,
// if given, says where else.
func NewConnector(r Registration, d Driver, tel ...providers.Telemetry) *Connector {
	return bound(kit.Fixed(r.Provider(), d, tel...))
}

// do runs one operation through the connector kit: driver resolution, the
// capability gate and the checkpoint (span, metrics, error wrapping).
func do[T any](ctx context.Context, c *Connector, op Operation, fn func(ctx context.Context, d Driver, r *providers.Resolved) (T, error)) (T, error) {
	if c == nil {
		var zero T
		return zero, errs.New(errs.InvalidInput, "ticketing: nil Connector")
	}
	return kit.Do(ctx, c.b, string(op), fn)
}

func run(ctx context.Context, c *Connector, op Operation, fn func(ctx context.Context, d Driver) error) error {
	_, err := do(ctx, c, op, func(ctx context.Context, d Driver, _ *providers.Resolved) (struct{}, error) {
		return struct{}{}, fn(ctx, d)
	})
	return err
}

// Capabilities returns what the connector's provider supports.
func (c *Connector) Capabilities(ctx context.Context) (Capabilities, error) {
	if c == nil {
		return Capabilities{}, errs.New(errs.InvalidInput, "ticketing: nil Connector")
	}
	return kit.Capabilities[Driver, Capabilities](ctx, c.b)
}

// Limits on user text sent to providers.
const (
	MaxSummaryLen     = kit.MaxSummaryLen
	MaxTextLen        = kit.MaxTextLen // descriptions, comments, notes
	MaxAttachmentSize = 32 << 20
	MaxIDLen          = kit.MaxIDLen
)

// ListProjects returns one page of projects.
func (c *Connector) ListProjects(ctx context.Context, req ListRequest) (*Page[Project], error) {
	if err := kit.CheckLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	if req.Limit == 0 {
		req.Limit = DefaultProjectLimit
	}
	return do(ctx, c, OpListProjects, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Page[Project], error) {
		return d.ListProjects(ctx, req)
	})
}

// AllProjects iterates over every project, page by page.
func (c *Connector) AllProjects(ctx context.Context) iter.Seq2[*Project, error] {
	return page.All(ctx, "", func(ctx context.Context, next string) (*Page[Project], error) {
		return c.ListProjects(ctx, ListRequest{Cursor: next})
	})
}

// ListIssueTypes returns the issue types of a project ("" for all).
func (c *Connector) ListIssueTypes(ctx context.Context, project string) ([]IssueType, error) {
	if project != "" {
		if err := kit.CheckID("project", project); err != nil {
			return nil, err
		}
	}
	return do(ctx, c, OpListIssueTypes, func(ctx context.Context, d Driver, _ *providers.Resolved) ([]IssueType, error) {
		return d.ListIssueTypes(ctx, project)
	})
}

// ListRemoteFields returns the provider's ticket fields.
func (c *Connector) ListRemoteFields(ctx context.Context) ([]RemoteField, error) {
	return do(ctx, c, OpListRemoteFields, func(ctx context.Context, d Driver, _ *providers.Resolved) ([]RemoteField, error) {
		return d.ListRemoteFields(ctx)
	})
}

// QueryTickets returns one page of tickets matching req. Filters the
// provider cannot evaluate are applied to each page in memory, so a page may
// hold fewer than Limit tickets while Next is not empty.
func (c *Connector) QueryTickets(ctx context.Context, req QueryTicketsRequest) (*Page[Ticket], error) {
	q, err := filter.Parse(filter.Params{Filter: req.Filter, Order: req.Order, Limit: req.Limit})
	if err != nil {
		return nil, err
	}
	b, err := q.Bind(TicketFields)
	if err != nil {
		return nil, err
	}
	if err := kit.CheckText("cursor", req.Cursor, 64<<10, false); err != nil {
		return nil, err
	}
	return do(ctx, c, OpQueryTickets, func(ctx context.Context, d Driver, r *providers.Resolved) (*Page[Ticket], error) {
		orders := capabilitiesOf(r.Provider).Orders
		for _, t := range b.Order() {
			if t.Field != "id" && !slices.Contains(orders, t.Field) {
				return nil, errs.New(errs.Unsupported, "provider %s cannot order tickets by %s; it can order by %s", r.Provider.ID, t.Field, strings.Join(orders, ", "))
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
		for _, t := range p.Result {
			if t != nil && b.Match(t) {
				kept = append(kept, t)
			}
		}
		p.Result = kept
		return p, nil
	})
}

// AllTickets iterates over every ticket matching req, page by page, keeping
// one page in memory at a time.
func (c *Connector) AllTickets(ctx context.Context, req QueryTicketsRequest) iter.Seq2[*Ticket, error] {
	return page.All(ctx, req.Cursor, func(ctx context.Context, next string) (*Page[Ticket], error) {
		r := req
		r.Cursor = next
		return c.QueryTickets(ctx, r)
	})
}

// GetTicket returns the ticket with the given id.
func (c *Connector) GetTicket(ctx context.Context, id string) (*Ticket, error) {
	if err := kit.CheckID("ticket_id", id); err != nil {
		return nil, err
	}
	return do(ctx, c, OpGetTicket, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Ticket, error) {
		return d.GetTicket(ctx, id)
	})
}

// CreateTicket creates a ticket. Summary is required.
func (c *Connector) CreateTicket(ctx context.Context, req CreateTicketRequest) (*Ticket, error) {
	if err := validateCreate(&req); err != nil {
		return nil, err
	}
	return do(ctx, c, OpCreateTicket, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Ticket, error) {
		return d.CreateTicket(ctx, req)
	})
}

func validateCreate(req *CreateTicketRequest) error {
	if err := kit.CheckFields(kit.Fields{Summary: req.Summary, Name: req.Name, Creator: req.Creator, Assignee: req.Assignee,
		Contact: req.Contact, Status: req.Status, Project: req.Project, IssueType: req.IssueType,
		Description: req.Description, Tags: req.Tags}); err != nil {
		return err
	}
	if err := req.Priority.Validate(); err != nil {
		return err
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
	if err := kit.CheckID("ticket_id", id); err != nil {
		return nil, err
	}
	return do(ctx, c, OpPatchTicket, func(ctx context.Context, d Driver, r *providers.Resolved) (*Ticket, error) {
		if !r.Provider.Supports(string(OpGetTicket)) {
			return nil, errs.New(errs.Unsupported, "provider %s cannot patch tickets without get_ticket", r.Provider.ID)
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
	})
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
	changed := kit.Changed(before, &after)
	if len(changed) == 0 {
		return before, false, nil
	}
	t, err = d.UpdateTicket(ctx, id, TicketUpdate{Before: before, After: &after, Changed: changed})
	return t, errs.CodeOf(err) == errs.Conflict, err
}

// CreateAttachment attaches a file to a ticket.
func (c *Connector) CreateAttachment(ctx context.Context, ticketID string, req CreateAttachmentRequest) (*AttachmentMetadata, error) {
	if err := kit.CheckID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := kit.CheckText("file_name", req.FileName, 255, true); err != nil {
		return nil, err
	}
	if strings.ContainsAny(req.FileName, "/\\") {
		return nil, errs.Invalid("file_name", "file_name must not contain a path separator")
	}
	if len(req.Content) > MaxAttachmentSize {
		return nil, errs.Invalid("content", "the attachment is %d bytes; the limit is %d", len(req.Content), MaxAttachmentSize)
	}
	return do(ctx, c, OpCreateAttachment, func(ctx context.Context, d Driver, _ *providers.Resolved) (*AttachmentMetadata, error) {
		return d.CreateAttachment(ctx, ticketID, req)
	})
}

// ListAttachmentsMetadata lists a ticket's attachments.
func (c *Connector) ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]AttachmentMetadata, error) {
	if err := kit.CheckID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	return do(ctx, c, OpListAttachmentsMetadata, func(ctx context.Context, d Driver, _ *providers.Resolved) ([]AttachmentMetadata, error) {
		return d.ListAttachmentsMetadata(ctx, ticketID)
	})
}

// DownloadAttachment returns an attachment's content.
func (c *Connector) DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*Attachment, error) {
	if err := kit.CheckIDs("ticket_id", ticketID, "attachment_id", attachmentID); err != nil {
		return nil, err
	}
	return do(ctx, c, OpDownloadAttachment, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Attachment, error) {
		return d.DownloadAttachment(ctx, ticketID, attachmentID)
	})
}

// DeleteAttachment deletes an attachment.
func (c *Connector) DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error {
	if err := kit.CheckIDs("ticket_id", ticketID, "attachment_id", attachmentID); err != nil {
		return err
	}
	return run(ctx, c, OpDeleteAttachment, func(ctx context.Context, d Driver) error {
		return d.DeleteAttachment(ctx, ticketID, attachmentID)
	})
}

// ListComments returns one page of a ticket's comments.
func (c *Connector) ListComments(ctx context.Context, ticketID string, req ListRequest) (*Page[Comment], error) {
	if err := kit.CheckID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := kit.CheckLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	return do(ctx, c, OpListComments, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Page[Comment], error) {
		return d.ListComments(ctx, ticketID, req)
	})
}

// AllComments iterates over every comment of a ticket.
func (c *Connector) AllComments(ctx context.Context, ticketID string) iter.Seq2[*Comment, error] {
	return page.All(ctx, "", func(ctx context.Context, next string) (*Page[Comment], error) {
		return c.ListComments(ctx, ticketID, ListRequest{Cursor: next})
	})
}

// CreateComment comments on a ticket.
func (c *Connector) CreateComment(ctx context.Context, ticketID string, req CreateCommentRequest) (*Comment, error) {
	if err := kit.CheckID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := kit.CheckText("content", req.Content, MaxTextLen, true); err != nil {
		return nil, err
	}
	if err := kit.CheckText("creator", req.Creator, MaxSummaryLen, false); err != nil {
		return nil, err
	}
	return do(ctx, c, OpCreateComment, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Comment, error) {
		return d.CreateComment(ctx, ticketID, req)
	})
}

// DeleteComment deletes a comment.
func (c *Connector) DeleteComment(ctx context.Context, ticketID, commentID string) error {
	if err := kit.CheckIDs("ticket_id", ticketID, "comment_id", commentID); err != nil {
		return err
	}
	return run(ctx, c, OpDeleteComment, func(ctx context.Context, d Driver) error {
		return d.DeleteComment(ctx, ticketID, commentID)
	})
}

// CreateNote adds a note to a ticket.
func (c *Connector) CreateNote(ctx context.Context, ticketID string, req CreateNoteRequest) (*Note, error) {
	if err := kit.CheckID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := kit.CheckText("content", req.Content, MaxTextLen, true); err != nil {
		return nil, err
	}
	if err := kit.CheckText("title", req.Title, MaxSummaryLen, false); err != nil {
		return nil, err
	}
	return do(ctx, c, OpCreateNote, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Note, error) {
		return d.CreateNote(ctx, ticketID, req)
	})
}

// ListNotes returns one page of a ticket's notes.
func (c *Connector) ListNotes(ctx context.Context, ticketID string, req ListRequest) (*Page[Note], error) {
	if err := kit.CheckID("ticket_id", ticketID); err != nil {
		return nil, err
	}
	if err := kit.CheckLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	return do(ctx, c, OpListNotes, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Page[Note], error) {
		return d.ListNotes(ctx, ticketID, req)
	})
}

// AllNotes iterates over every note of a ticket.
func (c *Connector) AllNotes(ctx context.Context, ticketID string) iter.Seq2[*Note, error] {
	return page.All(ctx, "", func(ctx context.Context, next string) (*Page[Note], error) {
		return c.ListNotes(ctx, ticketID, ListRequest{Cursor: next})
	})
}

var noteReadOnly = []string{"id", "ticket_id", "creator", "created_at", "updated_at", "unmapped", "custom_fields"}

// PatchNote applies a JSON Patch to a note's title and content.
func (c *Connector) PatchNote(ctx context.Context, ticketID, noteID string, ops []patch.Operation) (*Note, error) {
	if err := kit.CheckIDs("ticket_id", ticketID, "note_id", noteID); err != nil {
		return nil, err
	}
	return do(ctx, c, OpPatchNote, func(ctx context.Context, d Driver, r *providers.Resolved) (*Note, error) {
		if !r.Provider.Supports(string(OpListNotes)) {
			return nil, errs.New(errs.Unsupported, "provider %s cannot patch notes without list_notes", r.Provider.ID)
		}
		var before *Note
		// The driver's own pages, inside this one operation.
		for n, err := range page.All(ctx, "", func(ctx context.Context, next string) (*Page[Note], error) {
			return d.ListNotes(ctx, ticketID, ListRequest{Cursor: next})
		}) {
			if err != nil {
				return nil, err
			}
			if n.ID == noteID {
				before = n
				break
			}
		}
		if before == nil {
			return nil, errs.New(errs.NotFound, "note %q not found on ticket %q", kit.Clip(noteID), kit.Clip(ticketID))
		}
		var after Note
		if _, err := patch.Apply(before, ops, noteReadOnly, &after); err != nil {
			return nil, err
		}
		if err := kit.CheckText("content", after.Content, MaxTextLen, true); err != nil {
			return nil, err
		}
		if err := kit.CheckText("title", after.Title, MaxSummaryLen, false); err != nil {
			return nil, err
		}
		changed := kit.Changed(before, &after)
		if len(changed) == 0 {
			return before, nil
		}
		return d.UpdateNote(ctx, ticketID, noteID, NoteUpdate{Before: before, After: &after, Changed: changed})
	})
}

// DeleteNote deletes a note.
func (c *Connector) DeleteNote(ctx context.Context, ticketID, noteID string) error {
	if err := kit.CheckIDs("ticket_id", ticketID, "note_id", noteID); err != nil {
		return err
	}
	return run(ctx, c, OpDeleteNote, func(ctx context.Context, d Driver) error {
		return d.DeleteNote(ctx, ticketID, noteID)
	})
}

// QueryEscalationPolicies returns one page of escalation policies.
func (c *Connector) QueryEscalationPolicies(ctx context.Context, req ListRequest) (*Page[EscalationPolicy], error) {
	if err := kit.CheckLimit(req.Limit, MaxTicketLimit); err != nil {
		return nil, err
	}
	if req.Limit == 0 {
		req.Limit = DefaultProjectLimit
	}
	return do(ctx, c, OpQueryEscalationPolicies, func(ctx context.Context, d Driver, _ *providers.Resolved) (*Page[EscalationPolicy], error) {
		return d.QueryEscalationPolicies(ctx, req)
	})
}

// AllEscalationPolicies iterates over every escalation policy.
func (c *Connector) AllEscalationPolicies(ctx context.Context) iter.Seq2[*EscalationPolicy, error] {
	return page.All(ctx, "", func(ctx context.Context, next string) (*Page[EscalationPolicy], error) {
		return c.QueryEscalationPolicies(ctx, ListRequest{Cursor: next})
	})
}

// ListOnCall returns who is on call for an escalation policy.
func (c *Connector) ListOnCall(ctx context.Context, policyID string) ([]Agent, error) {
	if err := kit.CheckID("escalation_policy_id", policyID); err != nil {
		return nil, err
	}
	return do(ctx, c, OpListOnCall, func(ctx context.Context, d Driver, _ *providers.Resolved) ([]Agent, error) {
		return d.ListOnCall(ctx, policyID)
	})
}
