package ticketingtest_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func harness(wrap func(ticketing.Driver) ticketing.Driver) ticketingtest.Harness {
	return ticketingtest.Harness{
		Open: func(*testing.T) ticketing.Driver {
			return wrap(mock.NewDriver(mock.NewMemoryState(), nil))
		},
		Project: "SEC", IssueType: "Task", Creator: "analyst@example.com", OpenStatus: "Open", DoneStatus: "Done",
	}
}

// subset reports fewer capabilities than the mock has; the methods stay
// callable, so the suite's spy would notice a Connector that reached them.
type subset struct {
	ticketing.Driver
	caps ticketing.Capabilities
}

func (s subset) Capabilities() ticketing.Capabilities { return s.caps }

func withCaps(ops []ticketing.Operation, orders ...string) func(ticketing.Driver) ticketing.Driver {
	return func(d ticketing.Driver) ticketing.Driver {
		return subset{d, ticketing.Capabilities{Operations: ops, Orders: orders}}
	}
}

func TestMock(t *testing.T) {
	ticketingtest.Run(t, harness(func(d ticketing.Driver) ticketing.Driver { return d }))
}

// TestSubset runs the suite over drivers that support part of the API: the
// parts they lack are skipped after their ErrUnsupported is checked.
func TestSubset(t *testing.T) {
	t.Run("TicketsOnly", func(t *testing.T) {
		ticketingtest.Run(t, harness(withCaps([]ticketing.Operation{ticketing.OpCreateTicket, ticketing.OpGetTicket,
			ticketing.OpQueryTickets, ticketing.OpPatchTicket}, "created_at")))
	})
	t.Run("NoQuery", func(t *testing.T) {
		ticketingtest.Run(t, harness(withCaps([]ticketing.Operation{ticketing.OpCreateTicket, ticketing.OpGetTicket,
			ticketing.OpCreateComment, ticketing.OpListComments, ticketing.OpCreateNote, ticketing.OpListNotes,
			ticketing.OpCreateAttachment, ticketing.OpListOnCall})))
	})
	t.Run("Nothing", func(t *testing.T) {
		ticketingtest.Run(t, harness(withCaps(nil)))
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
	if p != nil && p.Cursor != "" {
		p.Cursor = "stuck"
	}
	return p, err
}

type dropsLast struct{ ticketing.Driver }

func (d dropsLast) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	p, err := d.Driver.QueryTickets(ctx, q)
	if p != nil && p.Cursor == "" && len(p.Result) > 1 {
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
		slices.SortFunc(p.Result, func(a, b ticketing.Ticket) int { return strings.Compare(a.Summary, b.Summary) })
	}
	return p, err
}

type nilPage struct{ ticketing.Driver }

func (nilPage) ListProjects(context.Context, ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	return nil, nil
}

type unknownOp struct{ ticketing.Driver }

func (d unknownOp) Capabilities() ticketing.Capabilities {
	c := d.Driver.Capabilities()
	c.Operations = append(c.Operations, "teleport_ticket")
	return c
}

// flakyCaps drops list_projects from every third answer: the suite reads
// the capabilities once, the Connector checks them (supported), and the
// spy checks them again when the method is reached (unsupported), which
// stands for a Connector that skipped its check.
type flakyCaps struct {
	ticketing.Driver
	n *atomic.Int64
}

func (d flakyCaps) Capabilities() ticketing.Capabilities {
	c := d.Driver.Capabilities()
	if d.n.Add(1)%3 == 0 {
		c.Operations = slices.DeleteFunc(slices.Clone(c.Operations), func(o ticketing.Operation) bool { return o == ticketing.OpListProjects })
	}
	return c
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
	wrap    func(ticketing.Driver) ticketing.Driver
	subtest string // a subtest that must fail
	message string // what the failure must say
}{
	"lost summary":       {func(d ticketing.Driver) ticketing.Driver { return lostSummary{d} }, "CreateGet", "the summary must round-trip exactly"},
	"stuck cursor":       {func(d ticketing.Driver) ticketing.Driver { return stuckCursor{d} }, "Paging", "returned the cursor it was given"},
	"drops last":         {func(d ticketing.Driver) ticketing.Driver { return dropsLast{d} }, "Paging", "missing"},
	"wrong not found":    {func(d ticketing.Driver) ticketing.Driver { return wrongNotFound{d} }, "NotFound", "get_ticket on ticket MISSING-99999999, which does not exist: want not_found, got provider_error"},
	"ignores status":     {func(d ticketing.Driver) ticketing.Driver { return ignoresStatus{d} }, "Patch", `status is "Open", want "Done"`},
	"keeps comments":     {func(d ticketing.Driver) ticketing.Driver { return keepsComments{d} }, "Comments", "still lists comment"},
	"corrupts downloads": {func(d ticketing.Driver) ticketing.Driver { return corruptsDownloads{d} }, "Attachments", "differ from the 267 uploaded"},
	"unsorted summaries": {func(d ticketing.Driver) ticketing.Driver { return unsortedSummaries{d} }, "QueryOrders", "out of desc order"},
	"nil page":           {func(d ticketing.Driver) ticketing.Driver { return nilPage{d} }, "Projects", "returned a nil result and a nil error"},
	"unknown op":         {func(d ticketing.Driver) ticketing.Driver { return unknownOp{d} }, "Capabilities", `lists "teleport_ticket"`},
	"flaky caps": {func(d ticketing.Driver) ticketing.Driver { return flakyCaps{d, new(atomic.Int64)} }, "Projects",
		"an unsupported operation must be refused with errs.ErrUnsupported before any driver call"},
	"shared ids": {func(d ticketing.Driver) ticketing.Driver { return sharedIDs{d, new(atomic.Int64)} }, "CreateGet", "two CreateTicket calls returned the same id"},
}

const brokenEnv = "TICKETINGTEST_BROKEN"

// TestBroken runs the suite over one broken driver; TestSuiteCatches runs
// it in a child process and expects it to fail.
func TestBroken(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		t.Skip("run by TestSuiteCatches in a child process")
	}
	b, ok := broken[name]
	if !ok {
		t.Fatalf("no broken driver %q", name)
	}
	ticketingtest.Run(t, harness(b.wrap))
}

func TestSuiteCatches(t *testing.T) {
	if os.Getenv(brokenEnv) != "" {
		t.Skip("in a child process")
	}
	for name, b := range broken {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBroken$/^"+b.subtest+"$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), brokenEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a driver that is broken (%s):\n%s", name, out)
			}
			if !strings.Contains(string(out), "--- FAIL: TestBroken/"+b.subtest) {
				t.Errorf("subtest %s did not fail:\n%s", b.subtest, out)
			}
			if !strings.Contains(string(out), b.message) {
				t.Errorf("the failure does not say %q:\n%s", b.message, out)
			}
		})
	}
}
