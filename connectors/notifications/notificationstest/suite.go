// Package notificationstest is the conformance suite every notifications
// driver runs, and the shared fault suite through its RunFaults. A driver's
// test describes the driver with a Harness and calls Run:
//
//	func TestConformance(t *testing.T) {
//		notificationstest.Run(t, notificationstest.Harness{
//			Registration: slack.Notifications,
//			Open: func(t *testing.T) notifications.Driver {
//				srv := slackfake.New(t)
//				d, err := slack.Notifications.Open(t.Context(), providers.OpenRequest{...})
//				...
//				return d
//			},
//		})
//	}
//
// Run exercises the Connector (never the driver directly, except in the
// registry-consistency check) in one subtest per area, each over a driver
// of its own. A subtest whose operations the provider does not declare
// checks that the Connector refuses them with errs.ErrUnsupported before
// any driver call, and is then skipped with the reason.
//
// # What the suite requires
//
//   - The registration declares only notifications operations, each once,
//     create_message among them; every operation it declares is
//     implemented by the driver and every other one answers
//     errs.ErrUnsupported (RegistryConsistency).
//   - Bad input (an empty, blank, over-long or non-UTF-8 summary, an
//     invalid priority, a tag with a space, malformed ids) is
//     errs.ErrInvalidInput without any driver call.
//   - CreateMessage returns a notification with an id, the summary it was
//     given and notification_status OPEN; GetMessage returns it with the
//     same summary (and priority, if it reports one).
//   - ClearMessage makes GetMessage report CLOSED; clearing twice is not
//     an error.
//   - The id "MISSING-99999999" names no notification: GetMessage and
//     ClearMessage of it are errs.ErrNotFound.
//   - 8 goroutines sending at once get distinct ids (run with -race).
package notificationstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// Harness describes a notifications driver to Run.
type Harness struct {
	// Registration is the provider's registration: the suite checks its
	// declared Capabilities against what the driver answers, and builds
	// the Connector with it.
	Registration notifications.Registration
	// Open returns a fresh driver for one subtest (a new fake server or
	// fresh state), usually with Registration.Open. The suite closes it.
	Open func(t *testing.T) notifications.Driver
}

// missingID is an id no notification has.
const missingID = "MISSING-99999999"

// Run runs the conformance suite against the driver h describes.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Open == nil || h.Registration.ID == "" {
		t.Fatal("notificationstest: Harness.Open and Harness.Registration are required")
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
		{"Clear", testClear},
		{"Concurrency", testConcurrency},
	} {
		t.Run(st.name, func(t *testing.T) { st.run(open(t, h)) })
	}
}

// env is one subtest's driver, spy and Connector.
type env struct {
	t    *testing.T
	ctx  context.Context
	spy  *spy
	c    *notifications.Connector
	caps notifications.Capabilities
}

func open(t *testing.T, h Harness) *env {
	t.Helper()
	d := conformance.OpenDriver(t, h.Open)
	caps := h.Registration.Capabilities
	s := &spy{t: t, d: d, caps: caps, calls: map[notifications.Operation]int{}}
	return &env{t: t, ctx: t.Context(), spy: s, c: notifications.NewConnector(h.Registration, s), caps: caps}
}

// need skips the subtest unless the provider declares every op, after
// checking that the Connector refuses the missing ones.
func (e *env) need(ops ...notifications.Operation) {
	e.t.Helper()
	var missing []string
	for _, op := range ops {
		if !e.caps.Supports(op) {
			e.assertUnsupported(op)
			missing = append(missing, string(op))
		}
	}
	if len(missing) > 0 {
		e.t.Skipf("the provider does not support %s", strings.Join(missing, ", "))
	}
}

// call runs op through the Connector with arguments naming nothing.
func (e *env) call(op notifications.Operation) error {
	switch op {
	case notifications.OpCreateMessage:
		_, err := e.c.CreateMessage(e.ctx, notifications.CreateMessageRequest{Summary: "x"})
		return err
	case notifications.OpGetMessage:
		_, err := e.c.GetMessage(e.ctx, missingID)
		return err
	case notifications.OpClearMessage:
		return e.c.ClearMessage(e.ctx, missingID)
	}
	e.t.Fatalf("notificationstest does not know the operation %q", op)
	return nil
}

func (e *env) assertUnsupported(op notifications.Operation) {
	e.t.Helper()
	before := e.spy.snapshot()
	if err := e.call(op); !errors.Is(err, errs.ErrUnsupported) {
		e.t.Errorf("%s is not declared: the Connector must answer ErrUnsupported, got %v", op, err)
	}
	if got := e.spy.since(before); len(got) > 0 {
		e.t.Errorf("%s is not declared, yet the driver was called: %v", op, got)
	}
}

func (e *env) create(req notifications.CreateMessageRequest) *notifications.Notification {
	e.t.Helper()
	n, err := e.c.CreateMessage(e.ctx, req)
	if err != nil {
		e.t.Fatalf("CreateMessage(%q): %v", req.Summary, err)
	}
	if n.ID == "" {
		e.t.Fatalf("CreateMessage returned no id: %+v", n)
	}
	return n
}

func testCapabilities(e *env) {
	seen := map[notifications.Operation]bool{}
	for _, op := range e.caps.Operations {
		if !slices.Contains(notifications.Operations, op) {
			e.t.Errorf("Capabilities list %q, which is not a notifications operation", op)
		}
		if seen[op] {
			e.t.Errorf("Capabilities list %q twice", op)
		}
		seen[op] = true
	}
	if !seen[notifications.OpCreateMessage] {
		e.t.Error("a notifications provider must support create_message")
	}
	got, err := e.c.Capabilities(e.ctx)
	if err != nil || !slices.Equal(got.Operations, e.caps.Operations) {
		e.t.Errorf("Connector.Capabilities = %v, %v; want the registration's %v", got, err, e.caps.Operations)
	}
}

// testRegistryConsistency calls every operation on the driver directly:
// the declared ones must not answer ErrUnsupported, the others must.
func testRegistryConsistency(e *env) {
	d := e.spy.d
	for _, op := range notifications.Operations {
		var err error
		switch op {
		case notifications.OpCreateMessage:
			// An empty request: the driver may refuse it, not as unsupported.
			var n *notifications.Notification
			if n, err = d.CreateMessage(e.ctx, notifications.CreateMessageRequest{}); err == nil && n == nil {
				e.t.Error("driver.CreateMessage returned nil, nil")
			}
		case notifications.OpGetMessage:
			_, err = d.GetMessage(e.ctx, missingID)
		case notifications.OpClearMessage:
			err = d.ClearMessage(e.ctx, missingID)
		}
		unsupported := errors.Is(err, errs.ErrUnsupported)
		switch declared := e.caps.Supports(op); {
		case declared && unsupported:
			e.t.Errorf("the registration declares %s, but the driver answers it with ErrUnsupported (%v)", op, err)
		case !declared && !unsupported:
			e.t.Errorf("the registration does not declare %s, but the driver implements it (it answered %v)", op, err)
		}
	}
}

func testUnsupported(e *env) {
	n := 0
	for _, op := range notifications.Operations {
		if !e.caps.Supports(op) {
			e.assertUnsupported(op)
			n++
		}
	}
	if n == 0 {
		e.t.Skip("the provider supports every operation")
	}
}

func testInvalidInput(e *env) {
	before := e.spy.snapshot()
	long := strings.Repeat("x", notifications.MaxSummaryLen+1)
	for name, req := range map[string]notifications.CreateMessageRequest{
		"empty summary":     {},
		"blank summary":     {Summary: " \t\n"},
		"long summary":      {Summary: long},
		"non-UTF-8 summary": {Summary: "bad \xff"},
		"NUL in summary":    {Summary: "a\x00b"},
		"bad priority":      {Summary: "x", Priority: "SOON"},
		"tag with a space":  {Summary: "x", Tags: []string{"two words"}},
		"long description":  {Summary: "x", Description: strings.Repeat("d", notifications.MaxTextLen+1)},
	} {
		_, err := e.c.CreateMessage(e.ctx, req)
		if !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("%s: want ErrInvalidInput, got %v", name, err)
		}
	}
	for _, id := range []string{"", "a/b", "..", "x?y", strings.Repeat("i", notifications.MaxIDLen+1)} {
		if _, err := e.c.GetMessage(e.ctx, id); !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("GetMessage(%q): want ErrInvalidInput, got %v", id, err)
		}
		if err := e.c.ClearMessage(e.ctx, id); !errors.Is(err, errs.ErrInvalidInput) {
			e.t.Errorf("ClearMessage(%q): want ErrInvalidInput, got %v", id, err)
		}
	}
	if got := e.spy.since(before); len(got) > 0 {
		e.t.Errorf("bad input reached the driver: %v", got)
	}
}

func testNotFound(e *env) {
	e.need(notifications.OpGetMessage, notifications.OpClearMessage)
	if _, err := e.c.GetMessage(e.ctx, missingID); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("GetMessage(%q): want ErrNotFound, got %v", missingID, err)
	}
	if err := e.c.ClearMessage(e.ctx, missingID); !errors.Is(err, errs.ErrNotFound) {
		e.t.Errorf("ClearMessage(%q): want ErrNotFound, got %v", missingID, err)
	}
}

func testCreateGet(e *env) {
	req := notifications.CreateMessageRequest{
		Summary:     "CVE-2026-1234 on web-01 — ünïcode ✓",
		Priority:    ticketing.PriorityHigh,
		Description: "Patch *openssl* on `web-01`:\n- before Friday\n- see [the advisory](https://example.com/a?b=1&c=2)",
		Tags:        []string{"cve", "web"},
	}
	n := e.create(req)
	if n.Summary != req.Summary || n.NotificationStatus != notifications.StatusOpen {
		e.t.Errorf("CreateMessage returned %+v; want the summary %q and status OPEN", n, req.Summary)
	}
	if !e.caps.Supports(notifications.OpGetMessage) {
		e.assertUnsupported(notifications.OpGetMessage)
		e.t.Skip("the provider cannot read messages back")
	}
	got, err := e.c.GetMessage(e.ctx, n.ID)
	if err != nil {
		e.t.Fatalf("GetMessage(%q): %v", n.ID, err)
	}
	if got.ID != n.ID || got.Summary != req.Summary || got.NotificationStatus != notifications.StatusOpen {
		e.t.Errorf("GetMessage returned %+v; want id %q, summary %q, status OPEN", got, n.ID, req.Summary)
	}
	if got.Priority != "" && got.Priority != req.Priority {
		e.t.Errorf("GetMessage reports priority %q, want %q", got.Priority, req.Priority)
	}
	again, err := e.c.GetMessage(e.ctx, n.ID)
	if err != nil || fmt.Sprint(again) != fmt.Sprint(got) {
		e.t.Errorf("two reads differ: %+v and %+v (%v)", got, again, err)
	}
}

func testClear(e *env) {
	e.need(notifications.OpClearMessage)
	n := e.create(notifications.CreateMessageRequest{Summary: "to be cleared", Priority: ticketing.PriorityLow})
	if err := e.c.ClearMessage(e.ctx, n.ID); err != nil {
		e.t.Fatalf("ClearMessage(%q): %v", n.ID, err)
	}
	if err := e.c.ClearMessage(e.ctx, n.ID); err != nil {
		e.t.Errorf("clearing twice: %v", err)
	}
	if !e.caps.Supports(notifications.OpGetMessage) {
		return
	}
	got, err := e.c.GetMessage(e.ctx, n.ID)
	if err != nil {
		e.t.Fatalf("GetMessage after clearing: %v", err)
	}
	if got.NotificationStatus != notifications.StatusClosed || got.Summary != n.Summary {
		e.t.Errorf("after ClearMessage, GetMessage returned %+v; want status CLOSED and the same summary", got)
	}
}

func testConcurrency(e *env) {
	const workers = 8
	var wg sync.WaitGroup
	ids := make([]string, workers)
	errc := make(chan error, workers)
	for i := range workers {
		wg.Go(func() {
			n, err := e.c.CreateMessage(e.ctx, notifications.CreateMessageRequest{Summary: fmt.Sprintf("worker %d", i)})
			if err != nil {
				errc <- err
				return
			}
			ids[i] = n.ID
			if e.caps.Supports(notifications.OpGetMessage) {
				got, err := e.c.GetMessage(e.ctx, n.ID)
				if err != nil {
					errc <- err
				} else if got.Summary != fmt.Sprintf("worker %d", i) {
					errc <- fmt.Errorf("worker %d read back %q", i, got.Summary)
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		e.t.Error(err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && seen[id] {
			e.t.Errorf("two notifications got the id %q", id)
		}
		seen[id] = true
	}
}

// spy wraps the driver under test, counting the calls that reach it and
// failing the test when the Connector calls an operation the
// registration does not declare.
type spy struct {
	t    testing.TB
	d    notifications.Driver
	caps notifications.Capabilities

	mu    sync.Mutex
	calls map[notifications.Operation]int
}

func (s *spy) enter(op notifications.Operation) {
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
	if !s.caps.Supports(op) {
		s.t.Errorf("the Connector called the driver's %s although the registration does not declare it", op)
	}
}

func (s *spy) snapshot() map[notifications.Operation]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

func (s *spy) since(before map[notifications.Operation]int) map[notifications.Operation]int {
	out := map[notifications.Operation]int{}
	for op, n := range s.snapshot() {
		if d := n - before[op]; d > 0 {
			out[op] = d
		}
	}
	return out
}

func (s *spy) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	s.enter(notifications.OpCreateMessage)
	return s.d.CreateMessage(ctx, req)
}

func (s *spy) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	s.enter(notifications.OpGetMessage)
	return s.d.GetMessage(ctx, id)
}

func (s *spy) ClearMessage(ctx context.Context, id string) error {
	s.enter(notifications.OpClearMessage)
	return s.d.ClearMessage(ctx, id)
}

func (s *spy) Close() error { return nil } // the suite closes the driver itself
