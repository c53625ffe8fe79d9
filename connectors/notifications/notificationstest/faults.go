package notificationstest

import (
	"context"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/faultsuite"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// FaultHarness describes a notifications provider and its vendor fake to
// RunFaults; see fakekit.Harness for its fields.
type FaultHarness = fakekit.Harness[notifications.Driver, notifications.Capabilities]

// RunFaults runs the shared fault and secret-leak suite against a
// notifications provider through a Connector: GetMessage of a message it
// sent is its read (unless NoVendorRead), CreateMessage its write. See
// ticketingtest.RunFaults and package faultsuite for what each fault must
// do.
func RunFaults(t *testing.T, h FaultHarness) {
	t.Helper()
	faultsuite.RunHarness(t, h, func(t *testing.T, d notifications.Driver, env faultsuite.Env, _ bool) faultsuite.Target {
		c := notifications.NewConnector(h.Registration, d, env.Telemetry)
		create := notifications.CreateMessageRequest{Summary: "fault suite", Description: "a *test* message"}
		var id string
		return faultsuite.Target{
			ReadOp: string(notifications.OpGetMessage), WriteOp: string(notifications.OpCreateMessage),
			Read: func(ctx context.Context) error {
				if id == "" {
					n, err := c.CreateMessage(ctx, create)
					if err != nil {
						return err
					}
					id = n.ID
				}
				_, err := c.GetMessage(ctx, id)
				return err
			},
			Write: func(ctx context.Context) error { _, err := c.CreateMessage(ctx, create); return err },
			Close: d.Close,
		}
	})
}
