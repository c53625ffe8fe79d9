package ticketingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// Harness describes a driver under test.
type Harness struct {
	// Registration is the provider's registration: the suite checks its
	// declared Capabilities against what the driver answers, and builds the
	// Connector with it.
	Registration ticketing.Registration
	// Open returns a fresh, empty driver for one subtest (a new fake server
	// or fresh state), usually with Registration.Open.
	Open func(t *testing.T) ticketing.Driver
	// Project is an existing project id tickets can be created in.
	Project string
	// IssueType is an issue type valid in Project ("" if the provider has none).
	IssueType string
	// Creator is an e-mail the provider accepts as creator (PagerDuty's From header).
	Creator string
	// OpenStatus is the status a new ticket reports (e.g. "To Do", "New", "triggered").
	OpenStatus string
	// DoneStatus is a status a ticket can be patched to (e.g. "Done", "Resolved", "resolved").
	DoneStatus string
}

// missingID is an id no ticket, comment, note, attachment or escalation
// policy has. It is shaped like a Jira key, which most id checks accept.
const missingID = "MISSING-99999999"

// maxItems bounds every iteration, so a cursor that never ends fails the
// test instead of hanging it.
const maxItems = 10_000

// Run runs the conformance suite against the driver h describes, one
// subtest per area; see the package documentation for what it requires and
// what it tolerates.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Open == nil {
		t.Fatal("ticketingtest: Harness.Open is nil")
	}
	if h.Registration.ID == "" {
		t.Fatal("ticketingtest: Harness.Registration is empty")
	}
	for _, st := range []struct {
		name string
		run  func(*env)
	}{
		{"Capabilities", testCapabilities},
		{"RegistryConsistency", testRegistryConsistency},
		{"Unsupported", testUnsupported},
		{"InvalidInput", testInvalidInput},
		{"NotFound", testNotFound},
		{"CreateGet", testCreateGet},
		{"CustomFields", testCustomFields},
		{"QueryFilters", testQueryFilters},
		{"QueryOrders", testQueryOrders},
		{"Paging", testPaging},
		{"Patch", testPatch},
		{"Comments", testComments},
		{"Notes", testNotes},
		{"Attachments", testAttachments},
		{"Projects", testProjects},
		{"IssueTypes", testIssueTypes},
		{"RemoteFields", testRemoteFields},
		{"EscalationPolicies", testEscalationPolicies},
		{"OnCall", testOnCall},
		{"Concurrency", testConcurrency},
	} {
		t.Run(st.name, func(t *testing.T) { st.run(open(t, h)) })
	}
}

// env is one subtest's driver, spy and Connector.
type env struct {
	t    *testing.T
	h    Harness
	ctx  context.Context
	spy  *spy
	c    *ticketing.Connector
	caps ticketing.Capabilities
}

func open(t *testing.T, h Harness) *env {
	t.Helper()
	d := conformance.OpenDriver(t, h.Open)
	caps := h.Registration.Capabilities
	s := newSpy(t, d, caps)
	return &env{t: t, h: h, ctx: t.Context(), spy: s, c: ticketing.NewConnector(h.Registration, s), caps: caps}
}

// need skips the subtest unless the driver supports every op, after
// checking that the Connector refuses the missing ones.
func (e *env) need(ops ...ticketing.Operation) {
	e.t.Helper()
	var missing []string
	for _, op := range ops {
		if !e.caps.Supports(op) {
			e.assertUnsupported(op)
			missing = append(missing, string(op))
		}
	}
	if len(missing) > 0 {
		e.t.Skipf("the driver does not support %s (checked: the Connector refuses each with ErrUnsupported before any driver call)",
			strings.Join(missing, ", "))
	}
}

// assertUnsupported checks that the Connector refuses op with
// ErrUnsupported without calling the driver.
func (e *env) assertUnsupported(op ticketing.Operation) {
	e.t.Helper()
	call, ok := opCalls[op]
	if !ok {
		e.t.Errorf("ticketingtest does not know the operation %q: add it to opCalls", op)
		return
	}
	before := e.spy.snapshot()
	err := call(e)
	if !errors.Is(err, errs.ErrUnsupported) {
		e.t.Errorf("%s is not in the registration's Capabilities, so the Connector must answer errs.ErrUnsupported; got %v", op, err)
	}
	if calls := e.spy.since(before); len(calls) > 0 {
		e.t.Errorf("%s is not in the registration's Capabilities, yet the Connector called the driver: %v", op, calls)
	}
}

// expect checks that err is target, naming what was done.
func (e *env) expect(what string, err, target error) {
	e.t.Helper()
	if !errors.Is(err, target) {
		e.t.Errorf("%s: want %v, got %v", what, target, err)
	}
}

// noDriverCall runs f and fails if it reached the driver.
func (e *env) noDriverCall(what string, f func()) {
	e.t.Helper()
	before := e.spy.snapshot()
	f()
	if calls := e.spy.since(before); len(calls) > 0 {
		e.t.Errorf("%s reached the driver (%v): the Connector must refuse it before any driver call", what, calls)
	}
}

// newTicket returns a create request in the harness's project.
func (e *env) newTicket(summary string) ticketing.CreateTicketRequest {
	return ticketing.CreateTicketRequest{Summary: summary, Project: e.h.Project, IssueType: e.h.IssueType, Creator: e.h.Creator}
}

func (e *env) create(req ticketing.CreateTicketRequest) *ticketing.Ticket {
	e.t.Helper()
	t, err := e.c.CreateTicket(e.ctx, req)
	if err != nil {
		e.t.Fatalf("CreateTicket(summary %q): %v", req.Summary, err)
	}
	if t.ID == "" {
		e.t.Fatalf("CreateTicket(summary %q) returned a ticket without an id", req.Summary)
	}
	return t
}

func (e *env) get(id string) *ticketing.Ticket {
	e.t.Helper()
	t, err := e.c.GetTicket(e.ctx, id)
	if err != nil {
		e.t.Fatalf("GetTicket(%q) of a ticket just created or patched: %v", id, err)
	}
	if t.ID != id {
		e.t.Fatalf("GetTicket(%q) returned ticket %q", id, t.ID)
	}
	return t
}

func describe(req ticketing.QueryTicketsRequest) string {
	return fmt.Sprintf("filter %q, order %q, limit %d", req.Filter, req.Order, req.Limit)
}

// tickets collects every ticket the AllTickets iterator yields for req.
func (e *env) tickets(req ticketing.QueryTicketsRequest) []*ticketing.Ticket {
	e.t.Helper()
	var out []*ticketing.Ticket
	for t, err := range e.c.AllTickets(e.ctx, req) {
		if err != nil {
			e.t.Fatalf("AllTickets(%s): %v", describe(req), err)
		}
		out = append(out, t)
		if len(out) > maxItems {
			e.t.Fatalf("AllTickets(%s) yielded more than %d tickets: its cursors never end", describe(req), maxItems)
		}
	}
	return out
}

// exactlyOnce checks that got holds each id of want once and nothing else.
func (e *env) exactlyOnce(what string, got []*ticketing.Ticket, want []string) {
	e.t.Helper()
	seen := map[string]int{}
	var order []string
	for _, t := range got {
		seen[t.ID]++
		order = append(order, t.ID)
	}
	var problems []string
	for _, id := range want {
		switch n := seen[id]; n {
		case 1:
		case 0:
			problems = append(problems, fmt.Sprintf("%s missing", id))
		default:
			problems = append(problems, fmt.Sprintf("%s visited %d times", id, n))
		}
	}
	for id := range seen {
		if !slices.Contains(want, id) {
			problems = append(problems, fmt.Sprintf("%s unexpected", id))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		e.t.Errorf("%s: want each of %v exactly once, got %v: %s", what, want, order, strings.Join(problems, "; "))
	}
}

// normText normalizes text a provider may reformat: line ends, trailing
// spaces, surrounding blank lines.
func normText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func ids(ts []*ticketing.Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func timeString(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
