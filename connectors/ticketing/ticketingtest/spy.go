package ticketingtest

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// spy wraps the driver under test. It counts the calls that reach the
// driver, fails the test when the Connector calls a method whose operation
// the capabilities lack (unsupported operations must be refused before any
// driver call), and checks what the driver answers for the mistakes that
// would break the Connector: a nil result without an error, a page larger
// than its limit, a cursor that does not move.
type spy struct {
	t testing.TB
	d ticketing.Driver
	// declared are the capabilities the Connector was built with.
	declared ticketing.Capabilities

	mu    sync.Mutex
	calls map[string]int
}

var _ ticketing.Driver = (*spy)(nil)

func newSpy(t testing.TB, d ticketing.Driver, declared ticketing.Capabilities) *spy {
	return &spy{t: t, d: d, declared: declared, calls: map[string]int{}}
}

func (s *spy) caps() ticketing.Capabilities { return s.declared }

// enter records a call of method, which serves op.
func (s *spy) enter(method string, op ticketing.Operation) {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	if !s.caps().Supports(op) {
		s.t.Errorf("the Connector called driver.%s although the registration's Capabilities lack %q: "+
			"an unsupported operation must be refused with errs.ErrUnsupported before any driver call", method, op)
	}
}

// snapshot returns the call counts so far.
func (s *spy) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// since returns the calls made after snapshot before.
func (s *spy) since(before map[string]int) map[string]int {
	out := map[string]int{}
	for m, n := range s.snapshot() {
		if d := n - before[m]; d > 0 {
			out[m] = d
		}
	}
	return out
}

// nilResult reports a driver that returned neither a result nor an error,
// and turns it into an error so the Connector does not dereference nil.
func (s *spy) nilResult(method string) error {
	s.t.Errorf("driver.%s returned a nil result and a nil error: return a value or an error", method)
	return errs.New(errs.Internal, "ticketingtest: driver.%s returned nil, nil", method)
}

func checkPage[T any](s *spy, method string, p *ticketing.Page[T], err error, limit int, cursor string) (*ticketing.Page[T], error) {
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, s.nilResult(method)
	}
	if limit > 0 && len(p.Result) > limit {
		s.t.Errorf("driver.%s returned %d items for limit %d: a page holds at most limit items", method, len(p.Result), limit)
	}
	for i, v := range p.Result {
		if v == nil {
			s.t.Errorf("driver.%s returned a page whose item %d is nil", method, i)
			return nil, errs.New(errs.Internal, "ticketingtest: driver.%s returned a nil item", method)
		}
	}
	if p.Next != "" && p.Next == cursor {
		s.t.Errorf("driver.%s returned the cursor it was given (%q): the next page would repeat this one; "+
			"return \"\" on the last page", method, p.Next)
	}
	return p, nil
}

func checkOne[T any](s *spy, method string, v *T, err error) (*T, error) {
	if err == nil && v == nil {
		return nil, s.nilResult(method)
	}
	return v, err
}

func (s *spy) ListProjects(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	s.enter("ListProjects", ticketing.OpListProjects)
	p, err := s.d.ListProjects(ctx, req)
	return checkPage(s, "ListProjects", p, err, req.Limit, req.Cursor)
}

func (s *spy) ListIssueTypes(ctx context.Context, project string) ([]ticketing.IssueType, error) {
	s.enter("ListIssueTypes", ticketing.OpListIssueTypes)
	return s.d.ListIssueTypes(ctx, project)
}

func (s *spy) ListRemoteFields(ctx context.Context) ([]ticketing.RemoteField, error) {
	s.enter("ListRemoteFields", ticketing.OpListRemoteFields)
	return s.d.ListRemoteFields(ctx)
}

func (s *spy) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	s.enter("QueryTickets", ticketing.OpQueryTickets)
	p, err := s.d.QueryTickets(ctx, q)
	return checkPage(s, "QueryTickets", p, err, q.Limit, q.Cursor)
}

func (s *spy) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	s.enter("GetTicket", ticketing.OpGetTicket)
	t, err := s.d.GetTicket(ctx, id)
	return checkOne(s, "GetTicket", t, err)
}

func (s *spy) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	s.enter("CreateTicket", ticketing.OpCreateTicket)
	t, err := s.d.CreateTicket(ctx, req)
	return checkOne(s, "CreateTicket", t, err)
}

func (s *spy) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	s.enter("UpdateTicket", ticketing.OpPatchTicket)
	t, err := s.d.UpdateTicket(ctx, id, u)
	return checkOne(s, "UpdateTicket", t, err)
}

func (s *spy) CreateAttachment(ctx context.Context, ticketID string, req ticketing.CreateAttachmentRequest) (*ticketing.AttachmentMetadata, error) {
	s.enter("CreateAttachment", ticketing.OpCreateAttachment)
	a, err := s.d.CreateAttachment(ctx, ticketID, req)
	return checkOne(s, "CreateAttachment", a, err)
}

func (s *spy) ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]ticketing.AttachmentMetadata, error) {
	s.enter("ListAttachmentsMetadata", ticketing.OpListAttachmentsMetadata)
	return s.d.ListAttachmentsMetadata(ctx, ticketID)
}

func (s *spy) DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*ticketing.Attachment, error) {
	s.enter("DownloadAttachment", ticketing.OpDownloadAttachment)
	a, err := s.d.DownloadAttachment(ctx, ticketID, attachmentID)
	return checkOne(s, "DownloadAttachment", a, err)
}

func (s *spy) DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error {
	s.enter("DeleteAttachment", ticketing.OpDeleteAttachment)
	return s.d.DeleteAttachment(ctx, ticketID, attachmentID)
}

func (s *spy) ListComments(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Comment], error) {
	s.enter("ListComments", ticketing.OpListComments)
	p, err := s.d.ListComments(ctx, ticketID, req)
	return checkPage(s, "ListComments", p, err, req.Limit, req.Cursor)
}

func (s *spy) CreateComment(ctx context.Context, ticketID string, req ticketing.CreateCommentRequest) (*ticketing.Comment, error) {
	s.enter("CreateComment", ticketing.OpCreateComment)
	c, err := s.d.CreateComment(ctx, ticketID, req)
	return checkOne(s, "CreateComment", c, err)
}

func (s *spy) DeleteComment(ctx context.Context, ticketID, commentID string) error {
	s.enter("DeleteComment", ticketing.OpDeleteComment)
	return s.d.DeleteComment(ctx, ticketID, commentID)
}

func (s *spy) CreateNote(ctx context.Context, ticketID string, req ticketing.CreateNoteRequest) (*ticketing.Note, error) {
	s.enter("CreateNote", ticketing.OpCreateNote)
	n, err := s.d.CreateNote(ctx, ticketID, req)
	return checkOne(s, "CreateNote", n, err)
}

func (s *spy) ListNotes(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Note], error) {
	s.enter("ListNotes", ticketing.OpListNotes)
	p, err := s.d.ListNotes(ctx, ticketID, req)
	return checkPage(s, "ListNotes", p, err, req.Limit, req.Cursor)
}

func (s *spy) UpdateNote(ctx context.Context, ticketID, noteID string, u ticketing.NoteUpdate) (*ticketing.Note, error) {
	s.enter("UpdateNote", ticketing.OpPatchNote)
	n, err := s.d.UpdateNote(ctx, ticketID, noteID, u)
	return checkOne(s, "UpdateNote", n, err)
}

func (s *spy) DeleteNote(ctx context.Context, ticketID, noteID string) error {
	s.enter("DeleteNote", ticketing.OpDeleteNote)
	return s.d.DeleteNote(ctx, ticketID, noteID)
}

func (s *spy) QueryEscalationPolicies(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.EscalationPolicy], error) {
	s.enter("QueryEscalationPolicies", ticketing.OpQueryEscalationPolicies)
	p, err := s.d.QueryEscalationPolicies(ctx, req)
	return checkPage(s, "QueryEscalationPolicies", p, err, req.Limit, req.Cursor)
}

func (s *spy) ListOnCall(ctx context.Context, policyID string) ([]ticketing.Agent, error) {
	s.enter("ListOnCall", ticketing.OpListOnCall)
	return s.d.ListOnCall(ctx, policyID)
}

func (s *spy) Close() error { return s.d.Close() }
