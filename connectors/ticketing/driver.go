package ticketing

import (
	"context"
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
)

// Capabilities describe what a provider can do. A provider declares them
// once, in its Registration; the registry, the capability listings and the
// Connector's gate all read them from there.
type Capabilities struct {
	// Operations lists the operations the provider supports; the Connector
	// answers every other one with errs.ErrUnsupported before calling the
	// driver, and the driver answers them with errs.ErrUnsupported too
	// (by embedding Unimplemented), which ticketingtest checks.
	Operations []Operation
	// Orders lists the ticket fields the provider can order QueryTickets
	// by. Ordering by another field is an errs.ErrUnsupported error (an
	// order applied to one page in memory would not be an order).
	Orders []string
}

// Supports reports whether op is in c.Operations.
func (c Capabilities) Supports(op Operation) bool { return slices.Contains(c.Operations, op) }

// TicketQuery is what QueryTickets asks of a driver.
type TicketQuery struct {
	// Query is the caller's filter and order, bound to TicketFields. The
	// driver pushes down what the provider can evaluate (JQL, encoded
	// queries, ...) and may ignore the rest: the Connector applies every
	// filter to the results in memory too.
	Query *filter.Bound
	// Limit is the page size (Query.Limit()).
	Limit int
	// Cursor is the driver's cursor from the previous page, "" for the
	// first.
	Cursor string
}

// TicketUpdate is a ticket change computed by the Connector from a JSON
// Patch: the ticket before and after, and the JSON names of the top-level
// fields that differ.
type TicketUpdate struct {
	Before  *Ticket
	After   *Ticket
	Changed []string
}

// Has reports whether field (a JSON name) changed.
func (u TicketUpdate) Has(field string) bool { return slices.Contains(u.Changed, field) }

// NoteUpdate is a note change computed by the Connector from a JSON Patch.
type NoteUpdate struct {
	Before  *Note
	After   *Note
	Changed []string
}

// Has reports whether field (a JSON name) changed.
func (u NoteUpdate) Has(field string) bool { return slices.Contains(u.Changed, field) }

// ListRequest pages through a list.
type ListRequest struct {
	// Cursor is the previous page's cursor, "" for the first page.
	Cursor string
	// Limit is the page size; 0 lets the driver choose (50 for projects).
	Limit int
}

// Driver is what a ticketing provider implements. Drivers are built by the
// provider's registered opener for one integration and may be used by many
// goroutines at once. The Connector validates input, checks the declared
// Capabilities before every call, applies JSON Patches and filters in
// memory, so a driver only translates. Embed Unimplemented to inherit
// ErrUnsupported answers for the operations a provider lacks (and to keep
// compiling when an operation is added).
type Driver interface {
	ListProjects(ctx context.Context, req ListRequest) (*Page[Project], error)
	ListIssueTypes(ctx context.Context, project string) ([]IssueType, error)
	ListRemoteFields(ctx context.Context) ([]RemoteField, error)

	QueryTickets(ctx context.Context, q TicketQuery) (*Page[Ticket], error)
	GetTicket(ctx context.Context, id string) (*Ticket, error)
	CreateTicket(ctx context.Context, req CreateTicketRequest) (*Ticket, error)
	UpdateTicket(ctx context.Context, id string, u TicketUpdate) (*Ticket, error)

	CreateAttachment(ctx context.Context, ticketID string, req CreateAttachmentRequest) (*AttachmentMetadata, error)
	ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]AttachmentMetadata, error)
	DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*Attachment, error)
	DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error

	ListComments(ctx context.Context, ticketID string, req ListRequest) (*Page[Comment], error)
	CreateComment(ctx context.Context, ticketID string, req CreateCommentRequest) (*Comment, error)
	DeleteComment(ctx context.Context, ticketID, commentID string) error

	CreateNote(ctx context.Context, ticketID string, req CreateNoteRequest) (*Note, error)
	ListNotes(ctx context.Context, ticketID string, req ListRequest) (*Page[Note], error)
	UpdateNote(ctx context.Context, ticketID, noteID string, u NoteUpdate) (*Note, error)
	DeleteNote(ctx context.Context, ticketID, noteID string) error

	QueryEscalationPolicies(ctx context.Context, req ListRequest) (*Page[EscalationPolicy], error)
	ListOnCall(ctx context.Context, policyID string) ([]Agent, error)

	// Close releases the driver's resources (idle connections, caches).
	Close() error
}

// Unimplemented answers every Driver method with errs.ErrUnsupported. Embed
// it in a driver and override what the provider supports.
type Unimplemented struct{}

func unsupported(op Operation) error {
	return errs.New(errs.Unsupported, "this provider does not support %s", op)
}

// ListProjects implements Driver.
func (Unimplemented) ListProjects(context.Context, ListRequest) (*Page[Project], error) {
	return nil, unsupported(OpListProjects)
}

// ListIssueTypes implements Driver.
func (Unimplemented) ListIssueTypes(context.Context, string) ([]IssueType, error) {
	return nil, unsupported(OpListIssueTypes)
}

// ListRemoteFields implements Driver.
func (Unimplemented) ListRemoteFields(context.Context) ([]RemoteField, error) {
	return nil, unsupported(OpListRemoteFields)
}

// QueryTickets implements Driver.
func (Unimplemented) QueryTickets(context.Context, TicketQuery) (*Page[Ticket], error) {
	return nil, unsupported(OpQueryTickets)
}

// GetTicket implements Driver.
func (Unimplemented) GetTicket(context.Context, string) (*Ticket, error) {
	return nil, unsupported(OpGetTicket)
}

// CreateTicket implements Driver.
func (Unimplemented) CreateTicket(context.Context, CreateTicketRequest) (*Ticket, error) {
	return nil, unsupported(OpCreateTicket)
}

// UpdateTicket implements Driver.
func (Unimplemented) UpdateTicket(context.Context, string, TicketUpdate) (*Ticket, error) {
	return nil, unsupported(OpPatchTicket)
}

// CreateAttachment implements Driver.
func (Unimplemented) CreateAttachment(context.Context, string, CreateAttachmentRequest) (*AttachmentMetadata, error) {
	return nil, unsupported(OpCreateAttachment)
}

// ListAttachmentsMetadata implements Driver.
func (Unimplemented) ListAttachmentsMetadata(context.Context, string) ([]AttachmentMetadata, error) {
	return nil, unsupported(OpListAttachmentsMetadata)
}

// DownloadAttachment implements Driver.
func (Unimplemented) DownloadAttachment(context.Context, string, string) (*Attachment, error) {
	return nil, unsupported(OpDownloadAttachment)
}

// DeleteAttachment implements Driver.
func (Unimplemented) DeleteAttachment(context.Context, string, string) error {
	return unsupported(OpDeleteAttachment)
}

// ListComments implements Driver.
func (Unimplemented) ListComments(context.Context, string, ListRequest) (*Page[Comment], error) {
	return nil, unsupported(OpListComments)
}

// CreateComment implements Driver.
func (Unimplemented) CreateComment(context.Context, string, CreateCommentRequest) (*Comment, error) {
	return nil, unsupported(OpCreateComment)
}

// DeleteComment implements Driver.
func (Unimplemented) DeleteComment(context.Context, string, string) error {
	return unsupported(OpDeleteComment)
}

// CreateNote implements Driver.
func (Unimplemented) CreateNote(context.Context, string, CreateNoteRequest) (*Note, error) {
	return nil, unsupported(OpCreateNote)
}

// ListNotes implements Driver.
func (Unimplemented) ListNotes(context.Context, string, ListRequest) (*Page[Note], error) {
	return nil, unsupported(OpListNotes)
}

// UpdateNote implements Driver.
func (Unimplemented) UpdateNote(context.Context, string, string, NoteUpdate) (*Note, error) {
	return nil, unsupported(OpPatchNote)
}

// DeleteNote implements Driver.
func (Unimplemented) DeleteNote(context.Context, string, string) error {
	return unsupported(OpDeleteNote)
}

// QueryEscalationPolicies implements Driver.
func (Unimplemented) QueryEscalationPolicies(context.Context, ListRequest) (*Page[EscalationPolicy], error) {
	return nil, unsupported(OpQueryEscalationPolicies)
}

// ListOnCall implements Driver.
func (Unimplemented) ListOnCall(context.Context, string) ([]Agent, error) {
	return nil, unsupported(OpListOnCall)
}

// Close implements Driver.
func (Unimplemented) Close() error { return nil }
