package ticketingtest_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func harness(wrap func(ticketing.Driver) ticketing.Driver) ticketingtest.Harness {
	return harnessWith(wrap, nil)
}

// harnessWith runs the mock wrapped by wrap, with its registration's
// capabilities changed by caps (if not nil).
func harnessWith(wrap func(ticketing.Driver) ticketing.Driver, caps func(ticketing.Capabilities) ticketing.Capabilities) ticketingtest.Harness {
	reg := mock.Ticketing
	if caps != nil {
		reg.Capabilities = caps(ticketing.Capabilities{Operations: slices.Clone(reg.Capabilities.Operations),
			Orders: slices.Clone(reg.Capabilities.Orders)})
	}
	return ticketingtest.Harness{
		Registration: reg,
		Open: func(t *testing.T) ticketing.Driver {
			d, err := mock.Ticketing.Open(t.Context(), providers.OpenRequest{})
			if err != nil {
				t.Fatal(err)
			}
			return wrap(d)
		},
		Project: "SEC", IssueType: "Task", Creator: "analyst@example.com", OpenStatus: "Open", DoneStatus: "Done",
	}
}

// restricted declares part of the mock's operations and answers the others
// with ErrUnsupported, as a provider that lacks them does (by embedding
// ticketing.Unimplemented); the suite's spy would notice a Connector that
// reached them anyway.
func restricted(ops []ticketing.Operation, orders ...string) ticketingtest.Harness {
	return harnessWith(func(d ticketing.Driver) ticketing.Driver { return only{d, ops} },
		func(ticketing.Capabilities) ticketing.Capabilities {
			return ticketing.Capabilities{Operations: ops, Orders: orders}
		})
}

func TestMock(t *testing.T) {
	ticketingtest.Run(t, harness(func(d ticketing.Driver) ticketing.Driver { return d }))
}

// TestSubset runs the suite over drivers that support part of the API: the
// parts they lack are skipped after their ErrUnsupported is checked.
func TestSubset(t *testing.T) {
	t.Run("TicketsOnly", func(t *testing.T) {
		ticketingtest.Run(t, restricted([]ticketing.Operation{ticketing.OpCreateTicket, ticketing.OpGetTicket,
			ticketing.OpQueryTickets, ticketing.OpPatchTicket}, "created_at"))
	})
	t.Run("NoQuery", func(t *testing.T) {
		ticketingtest.Run(t, restricted([]ticketing.Operation{ticketing.OpCreateTicket, ticketing.OpGetTicket,
			ticketing.OpCreateComment, ticketing.OpListComments, ticketing.OpCreateNote, ticketing.OpListNotes,
			ticketing.OpCreateAttachment, ticketing.OpListOnCall}))
	})
	t.Run("Nothing", func(t *testing.T) {
		ticketingtest.Run(t, restricted(nil))
	})
}

// Broken drivers: each breaks one rule, and the suite must say so.

type lostSummary struct{ ticketing.Driver }

func (d lostSummary) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	t, err := d.Driver.GetTicket(ctx, id)
	if t != nil {
		t.Summary = strings.ToUpper(t.Summary)
	}
	return t, err
}

type stuckCursor struct{ ticketing.Driver }

func (d stuckCursor) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	q.Cursor = ""
	p, err := d.Driver.QueryTickets(ctx, q)
	if p != nil && p.Next != "" {
		p.Next = "stuck"
	}
	return p, err
}

type dropsLast struct{ ticketing.Driver }

func (d dropsLast) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	p, err := d.Driver.QueryTickets(ctx, q)
	if p != nil && p.Next == "" && len(p.Result) > 1 {
		p.Result = p.Result[:len(p.Result)-1]
	}
	return p, err
}

type wrongNotFound struct{ ticketing.Driver }

func (d wrongNotFound) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	t, err := d.Driver.GetTicket(ctx, id)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, errs.New(errs.Provider, "HTTP 404")
	}
	return t, err
}

type ignoresStatus struct{ ticketing.Driver }

func (d ignoresStatus) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	u.Changed = slices.DeleteFunc(slices.Clone(u.Changed), func(f string) bool { return f == "status" })
	return d.Driver.UpdateTicket(ctx, id, u)
}

type keepsComments struct{ ticketing.Driver }

func (keepsComments) DeleteComment(context.Context, string, string) error { return nil }

type corruptsDownloads struct{ ticketing.Driver }

func (d corruptsDownloads) DownloadAttachment(ctx context.Context, ticketID, id string) (*ticketing.Attachment, error) {
	a, err := d.Driver.DownloadAttachment(ctx, ticketID, id)
	if a != nil && len(a.Content) > 0 {
		a.Content = a.Content[1:]
	}
	return a, err
}

// unsortedSummaries claims to order by summary but always sorts ascending.
type unsortedSummaries struct{ ticketing.Driver }

func (d unsortedSummaries) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	p, err := d.Driver.QueryTickets(ctx, q)
	if p != nil && slices.ContainsFunc(q.Query.Order(), func(o filter.OrderTerm) bool { return o.Field == "summary" }) {
		slices.SortFunc(p.Result, func(a, b *ticketing.Ticket) int { return strings.Compare(a.Summary, b.Summary) })
	}
	return p, err
}

type nilPage struct{ ticketing.Driver }

func (nilPage) ListProjects(context.Context, ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	return nil, nil
}

type sharedIDs struct {
	ticketing.Driver
	n *atomic.Int64
}

func (d sharedIDs) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	t, err := d.Driver.CreateTicket(ctx, req)
	if t != nil && d.n.Add(1) == 2 {
		t.ID = "MOCK-00000001"
	}
	return t, err
}

var broken = map[string]struct {
	wrap func(ticketing.Driver) ticketing.Driver
	conformance.Broken
	// caps, when set, changes what the registration declares.
	caps func(ticketing.Capabilities) ticketing.Capabilities
}{
	"lost summary":       {func(d ticketing.Driver) ticketing.Driver { return lostSummary{d} }, conformance.Broken{Subtest: "CreateGet", Message: "the summary must round-trip exactly"}, nil},
	"stuck cursor":       {func(d ticketing.Driver) ticketing.Driver { return stuckCursor{d} }, conformance.Broken{Subtest: "Paging", Message: "returned the cursor it was given"}, nil},
	"drops last":         {func(d ticketing.Driver) ticketing.Driver { return dropsLast{d} }, conformance.Broken{Subtest: "Paging", Message: "missing"}, nil},
	"wrong not found":    {func(d ticketing.Driver) ticketing.Driver { return wrongNotFound{d} }, conformance.Broken{Subtest: "NotFound", Message: "get_ticket on ticket MISSING-99999999, which does not exist: want not_found, got provider_error"}, nil},
	"ignores status":     {func(d ticketing.Driver) ticketing.Driver { return ignoresStatus{d} }, conformance.Broken{Subtest: "Patch", Message: `status is "Open", want "Done"`}, nil},
	"keeps comments":     {func(d ticketing.Driver) ticketing.Driver { return keepsComments{d} }, conformance.Broken{Subtest: "Comments", Message: "still lists comment"}, nil},
	"corrupts downloads": {func(d ticketing.Driver) ticketing.Driver { return corruptsDownloads{d} }, conformance.Broken{Subtest: "Attachments", Message: "differ from the 267 uploaded"}, nil},
	"unsorted summaries": {func(d ticketing.Driver) ticketing.Driver { return unsortedSummaries{d} }, conformance.Broken{Subtest: "QueryOrders", Message: "out of desc order"}, nil},
	"nil page":           {func(d ticketing.Driver) ticketing.Driver { return nilPage{d} }, conformance.Broken{Subtest: "Projects", Message: "returned a nil result and a nil error"}, nil},
	"unknown op": {same, conformance.Broken{Subtest: "Capabilities", Message: `lists "teleport_ticket"`}, func(c ticketing.Capabilities) ticketing.Capabilities {
		c.Operations = append(c.Operations, "teleport_ticket")
		return c
	}},
	"undeclared op": {same, conformance.Broken{Subtest: "RegistryConsistency", Message: "does not declare list_projects, but the driver implements it"},
		func(c ticketing.Capabilities) ticketing.Capabilities {
			c.Operations = slices.DeleteFunc(c.Operations, func(o ticketing.Operation) bool { return o == ticketing.OpListProjects })
			return c
		}},
	"unimplemented op": {func(d ticketing.Driver) ticketing.Driver {
		return only{d, slices.DeleteFunc(slices.Clone(ticketing.Operations), func(o ticketing.Operation) bool { return o == ticketing.OpListOnCall })}
	}, conformance.Broken{Subtest: "RegistryConsistency", Message: "declares list_on_call, but the driver answers it with ErrUnsupported"}, nil},
	"shared ids": {func(d ticketing.Driver) ticketing.Driver { return sharedIDs{d, new(atomic.Int64)} }, conformance.Broken{Subtest: "CreateGet", Message: "two CreateTicket calls returned the same id"}, nil},
}

const brokenEnv = "TICKETINGTEST_BROKEN"

// TestBroken runs the suite over one broken driver; TestSuiteCatches runs
// it in a child process and expects it to fail.
func TestBroken(t *testing.T) {
	name := conformance.BrokenCase(t, brokenEnv)
	b, ok := broken[name]
	if !ok {
		t.Fatalf("no broken driver %q", name)
	}
	ticketingtest.Run(t, harnessWith(b.wrap, b.caps))
}

func same(d ticketing.Driver) ticketing.Driver { return d }

func TestSuiteCatches(t *testing.T) {
	cases := map[string]conformance.Broken{}
	for name, b := range broken {
		cases[name] = b.Broken
	}
	conformance.Catches(t, brokenEnv, cases)
}

// only forwards the operations in ops and answers the others with
// ErrUnsupported.
type only struct {
	d   ticketing.Driver
	ops []ticketing.Operation
}

func (o only) has(op ticketing.Operation) error {
	if slices.Contains(o.ops, op) {
		return nil
	}
	return errs.New(errs.Unsupported, "restricted: %s", op)
}

func (o only) ListProjects(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	if err := o.has(ticketing.OpListProjects); err != nil {
		return nil, err
	}
	return o.d.ListProjects(ctx, req)
}

func (o only) ListIssueTypes(ctx context.Context, project string) ([]ticketing.IssueType, error) {
	if err := o.has(ticketing.OpListIssueTypes); err != nil {
		return nil, err
	}
	return o.d.ListIssueTypes(ctx, project)
}

func (o only) ListRemoteFields(ctx context.Context) ([]ticketing.RemoteField, error) {
	if err := o.has(ticketing.OpListRemoteFields); err != nil {
		return nil, err
	}
	return o.d.ListRemoteFields(ctx)
}

func (o only) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	if err := o.has(ticketing.OpQueryTickets); err != nil {
		return nil, err
	}
	return o.d.QueryTickets(ctx, q)
}

func (o only) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	if err := o.has(ticketing.OpGetTicket); err != nil {
		return nil, err
	}
	return o.d.GetTicket(ctx, id)
}

func (o only) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	if err := o.has(ticketing.OpCreateTicket); err != nil {
		return nil, err
	}
	return o.d.CreateTicket(ctx, req)
}

func (o only) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	if err := o.has(ticketing.OpPatchTicket); err != nil {
		return nil, err
	}
	return o.d.UpdateTicket(ctx, id, u)
}

func (o only) CreateAttachment(ctx context.Context, id string, req ticketing.CreateAttachmentRequest) (*ticketing.AttachmentMetadata, error) {
	if err := o.has(ticketing.OpCreateAttachment); err != nil {
		return nil, err
	}
	return o.d.CreateAttachment(ctx, id, req)
}

func (o only) ListAttachmentsMetadata(ctx context.Context, id string) ([]ticketing.AttachmentMetadata, error) {
	if err := o.has(ticketing.OpListAttachmentsMetadata); err != nil {
		return nil, err
	}
	return o.d.ListAttachmentsMetadata(ctx, id)
}

func (o only) DownloadAttachment(ctx context.Context, id, a string) (*ticketing.Attachment, error) {
	if err := o.has(ticketing.OpDownloadAttachment); err != nil {
		return nil, err
	}
	return o.d.DownloadAttachment(ctx, id, a)
}

func (o only) DeleteAttachment(ctx context.Context, id, a string) error {
	if err := o.has(ticketing.OpDeleteAttachment); err != nil {
		return err
	}
	return o.d.DeleteAttachment(ctx, id, a)
}

func (o only) ListComments(ctx context.Context, id string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Comment], error) {
	if err := o.has(ticketing.OpListComments); err != nil {
		return nil, err
	}
	return o.d.ListComments(ctx, id, req)
}

func (o only) CreateComment(ctx context.Context, id string, req ticketing.CreateCommentRequest) (*ticketing.Comment, error) {
	if err := o.has(ticketing.OpCreateComment); err != nil {
		return nil, err
	}
	return o.d.CreateComment(ctx, id, req)
}

func (o only) DeleteComment(ctx context.Context, id, c string) error {
	if err := o.has(ticketing.OpDeleteComment); err != nil {
		return err
	}
	return o.d.DeleteComment(ctx, id, c)
}

func (o only) CreateNote(ctx context.Context, id string, req ticketing.CreateNoteRequest) (*ticketing.Note, error) {
	if err := o.has(ticketing.OpCreateNote); err != nil {
		return nil, err
	}
	return o.d.CreateNote(ctx, id, req)
}

func (o only) ListNotes(ctx context.Context, id string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Note], error) {
	if err := o.has(ticketing.OpListNotes); err != nil {
		return nil, err
	}
	return o.d.ListNotes(ctx, id, req)
}

func (o only) UpdateNote(ctx context.Context, id, n string, u ticketing.NoteUpdate) (*ticketing.Note, error) {
	if err := o.has(ticketing.OpPatchNote); err != nil {
		return nil, err
	}
	return o.d.UpdateNote(ctx, id, n, u)
}

func (o only) DeleteNote(ctx context.Context, id, n string) error {
	if err := o.has(ticketing.OpDeleteNote); err != nil {
		return err
	}
	return o.d.DeleteNote(ctx, id, n)
}

func (o only) QueryEscalationPolicies(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.EscalationPolicy], error) {
	if err := o.has(ticketing.OpQueryEscalationPolicies); err != nil {
		return nil, err
	}
	return o.d.QueryEscalationPolicies(ctx, req)
}

func (o only) ListOnCall(ctx context.Context, id string) ([]ticketing.Agent, error) {
	if err := o.has(ticketing.OpListOnCall); err != nil {
		return nil, err
	}
	return o.d.ListOnCall(ctx, id)
}

func (o only) Close() error { return o.d.Close() }
