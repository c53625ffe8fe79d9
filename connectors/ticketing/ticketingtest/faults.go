package ticketingtest

import (
	"context"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/faultsuite"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// FaultHarness describes a ticketing provider and its vendor fake to
// RunFaults; see fakekit.Harness for its fields.
type FaultHarness = fakekit.Harness[ticketing.Driver, ticketing.Capabilities]

// RunFaults runs the shared fault and secret-leak suite against a ticketing
// provider, through a Connector: GetTicket of a ticket it created is its
// read (ListProjects with a refused credential), CreateTicket its write.
// Reads are retried after 429s, 5xx and dropped connections, creates only
// after 429s (unless IdempotentCreate); waits beyond RetryWaitMax are
// errs.ErrRateLimited with RetryAfter; the caller's deadline and
// cancellation keep their codes; malformed, truncated and oversized
// answers are errs.ErrProvider; the vendor's answer is reachable as an
// *errs.ProviderError with its status and request id; and no secret shows
// in errors, logs or spans even when the vendor echoes it back. See
// package faultsuite's subtests for each.
func RunFaults(t *testing.T, h FaultHarness) {
	t.Helper()
	faultsuite.RunHarness(t, h, func(t *testing.T, d ticketing.Driver, env faultsuite.Env, refused bool) faultsuite.Target {
		c := ticketing.NewConnector(h.Registration, d, env.Telemetry)
		create := ticketing.CreateTicketRequest{Summary: "fault suite"}
		if refused {
			return faultsuite.Target{
				ReadOp: string(ticketing.OpListProjects), WriteOp: string(ticketing.OpCreateTicket),
				Read:  func(ctx context.Context) error { _, err := c.ListProjects(ctx, ticketing.ListRequest{}); return err },
				Write: func(ctx context.Context) error { _, err := c.CreateTicket(ctx, create); return err },
				Close: d.Close,
			}
		}
		var id string
		return faultsuite.Target{
			ReadOp: string(ticketing.OpGetTicket), WriteOp: string(ticketing.OpCreateTicket),
			Read: func(ctx context.Context) error {
				if id == "" {
					tk, err := c.CreateTicket(ctx, create)
					if err != nil {
						return err
					}
					id = tk.ID
				}
				_, err := c.GetTicket(ctx, id)
				return err
			},
			Write: func(ctx context.Context) error { _, err := c.CreateTicket(ctx, create); return err },
			Close: d.Close,
		}
	})
}
