package notificationstest_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/notifications/notificationstest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// harness runs the mock wrapped by wrap, with its registration's
// operations changed by ops (if not nil).
func harness(wrap func(notifications.Driver) notifications.Driver, ops func([]notifications.Operation) []notifications.Operation) notificationstest.Harness {
	reg := mock.Notifications
	if ops != nil {
		reg.Capabilities = notifications.Capabilities{Operations: ops(slices.Clone(reg.Capabilities.Operations))}
	}
	return notificationstest.Harness{
		Registration: reg,
		Open: func(t *testing.T) notifications.Driver {
			d, err := mock.Notifications.Open(t.Context(), providers.OpenRequest{})
			if err != nil {
				t.Fatal(err)
			}
			return wrap(d)
		},
	}
}

func same(d notifications.Driver) notifications.Driver { return d }

func without(op notifications.Operation) func([]notifications.Operation) []notifications.Operation {
	return func(ops []notifications.Operation) []notifications.Operation {
		return slices.DeleteFunc(ops, func(o notifications.Operation) bool { return o == op })
	}
}

func TestMock(t *testing.T) { notificationstest.Run(t, harness(same, nil)) }

// TestCreateOnly: a provider that can only send (a webhook without state)
// passes, its other operations refused by the Connector.
func TestCreateOnly(t *testing.T) {
	notificationstest.Run(t, harness(func(d notifications.Driver) notifications.Driver { return createOnly{d} },
		func([]notifications.Operation) []notifications.Operation {
			return []notifications.Operation{notifications.OpCreateMessage}
		}))
}

type createOnly struct{ notifications.Driver }

func (createOnly) GetMessage(context.Context, string) (*notifications.Notification, error) {
	return nil, errs.New(errs.Unsupported, "no")
}
func (createOnly) ClearMessage(context.Context, string) error {
	return errs.New(errs.Unsupported, "no")
}

type lostSummary struct{ notifications.Driver }

func (d lostSummary) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	n, err := d.Driver.GetMessage(ctx, id)
	if n != nil {
		n.Summary = strings.ToLower(n.Summary)
	}
	return n, err
}

type neverCleared struct{ notifications.Driver }

func (neverCleared) ClearMessage(context.Context, string) error { return nil }

type wrongNotFound struct{ notifications.Driver }

func (wrongNotFound) GetMessage(context.Context, string) (*notifications.Notification, error) {
	return nil, errs.New(errs.Provider, "boom")
}

type sharedIDs struct {
	notifications.Driver
	n *atomic.Int64
}

func (d sharedIDs) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	n, err := d.Driver.CreateMessage(ctx, req)
	if n != nil && d.n.Add(1) > 1 {
		n.ID = "MSG-00000001"
	}
	return n, err
}

var broken = map[string]struct {
	wrap func(notifications.Driver) notifications.Driver
	ops  func([]notifications.Operation) []notifications.Operation
	conformance.Broken
}{
	"lost summary":  {func(d notifications.Driver) notifications.Driver { return lostSummary{d} }, nil, conformance.Broken{Subtest: "CreateGet", Message: "GetMessage returned"}},
	"never cleared": {func(d notifications.Driver) notifications.Driver { return neverCleared{d} }, nil, conformance.Broken{Subtest: "Clear", Message: "want status CLOSED"}},
	"wrong not found": {func(d notifications.Driver) notifications.Driver { return wrongNotFound{d} }, nil,
		conformance.Broken{Subtest: "NotFound", Message: "want ErrNotFound, got provider_error"}},
	"shared ids": {func(d notifications.Driver) notifications.Driver { return sharedIDs{d, new(atomic.Int64)} }, nil,
		conformance.Broken{Subtest: "Concurrency", Message: "two notifications got the id"}},
	"undeclared op": {same, without(notifications.OpGetMessage), conformance.Broken{Subtest: "RegistryConsistency",
		Message: "does not declare get_message, but the driver implements it"}},
	"unimplemented op": {func(d notifications.Driver) notifications.Driver { return createOnly{d} }, nil,
		conformance.Broken{Subtest: "RegistryConsistency", Message: "declares get_message, but the driver answers it with ErrUnsupported"}},
}

const brokenEnv = "NOTIFICATIONSTEST_BROKEN"

// TestBroken runs the suite over one broken driver; TestSuiteCatches runs
// it in a child process and expects it to fail.
func TestBroken(t *testing.T) {
	name := conformance.BrokenCase(t, brokenEnv)
	b, ok := broken[name]
	if !ok {
		t.Fatalf("no broken driver %q", name)
	}
	notificationstest.Run(t, harness(b.wrap, b.ops))
}

func TestSuiteCatches(t *testing.T) {
	cases := map[string]conformance.Broken{}
	for name, b := range broken {
		cases[name] = b.Broken
	}
	conformance.Catches(t, brokenEnv, cases)
}
