package ticketingtest

import (
	"context"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/faultsuite"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// FaultHarness describes a ticketing provider and its vendor fake to
// RunFaults.
type FaultHarness struct {
	// Registration is the provider's registration.
	Registration ticketing.Registration
	// Open starts a fresh vendor fake (closed by t's cleanup) and returns a
	// driver over it and the fake's kit. req carries the suite's
	// HTTPOptions and Logger; Open adds the configuration, the credentials
	// and, if it likes, an HTTP client, and calls Registration.Open.
	Open func(t *testing.T, req providers.OpenRequest) (ticketing.Driver, *fakekit.Kit)
	// OpenUnauthorized, if set, is Open with a credential the fake refuses,
	// whose secrets are UnauthorizedSecrets.
	OpenUnauthorized    func(t *testing.T, req providers.OpenRequest) (ticketing.Driver, *fakekit.Kit)
	UnauthorizedSecrets []string
	// Secrets lists every secret the driver holds (API tokens, passwords,
	// client secrets).
	Secrets []string
	// Project and Creator are what the suite's tickets are created with
	// ("" for the provider's defaults).
	Project, Creator string
	// IdempotentCreate says the vendor deduplicates CreateTicket
	// (PagerDuty's incident_key), so it is retried after a 5xx or a lost
	// answer.
	IdempotentCreate bool
	// RateLimitWithoutRetryAfter says the vendor may announce a rate
	// limit's wait only in its own headers.
	RateLimitWithoutRetryAfter bool
	// RefreshesOn401 says the driver answers a 401 by fetching a new
	// token (OAuth client credentials) and trying once more.
	RefreshesOn401 bool
}

// RunFaults runs the shared fault and secret-leak suite against a ticketing
// provider, through a Connector: GetTicket is its read, CreateTicket its
// write. See package faultsuite's subtests for what each fault must do:
// reads are retried after 429s, 5xx and dropped connections, creates only
// after 429s (unless IdempotentCreate); waits beyond RetryWaitMax are
// errs.ErrRateLimited with RetryAfter; the caller's deadline and
// cancellation keep their codes; malformed, truncated and oversized
// answers are errs.ErrProvider; the vendor's answer is reachable as an
// *errs.ProviderError with its status and request id; and no secret shows
// in errors, logs or spans even when the vendor echoes it back.
func RunFaults(t *testing.T, h FaultHarness) {
	t.Helper()
	if h.Open == nil || h.Registration.ID == "" {
		t.Fatal("ticketingtest: FaultHarness.Open and FaultHarness.Registration are required")
	}
	target := func(open func(*testing.T, providers.OpenRequest) (ticketing.Driver, *fakekit.Kit)) func(*testing.T, faultsuite.Env) (*fakekit.Kit, faultsuite.Target) {
		return func(t *testing.T, env faultsuite.Env) (*fakekit.Kit, faultsuite.Target) {
			d, kit := open(t, providers.OpenRequest{HTTPOptions: env.HTTP, Logger: env.Logger})
			if d == nil || kit == nil {
				t.Fatal("FaultHarness.Open returned no driver or no kit")
			}
			c := ticketing.NewConnector(h.Registration, d, env.Telemetry)
			create := ticketing.CreateTicketRequest{Summary: "fault suite", Project: h.Project, Creator: h.Creator}
			var id string
			return kit, faultsuite.Target{
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
		}
	}
	fh := faultsuite.Harness{
		Provider: h.Registration.ID, Open: target(h.Open), Secrets: h.Secrets,
		IdempotentWrite: h.IdempotentCreate, RateLimitWithoutRetryAfter: h.RateLimitWithoutRetryAfter,
		RefreshesOn401: h.RefreshesOn401,
	}
	if h.OpenUnauthorized != nil {
		fh.OpenUnauthorized = func(t *testing.T, env faultsuite.Env) (*fakekit.Kit, faultsuite.Target) {
			d, kit := h.OpenUnauthorized(t, providers.OpenRequest{HTTPOptions: env.HTTP, Logger: env.Logger})
			c := ticketing.NewConnector(h.Registration, d, env.Telemetry)
			return kit, faultsuite.Target{
				ReadOp: string(ticketing.OpListProjects), WriteOp: string(ticketing.OpCreateTicket),
				Read: func(ctx context.Context) error { _, err := c.ListProjects(ctx, ticketing.ListRequest{}); return err },
				Write: func(ctx context.Context) error {
					_, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"})
					return err
				},
				Close:   d.Close,
				Secrets: h.UnauthorizedSecrets,
			}
		}
	}
	faultsuite.Run(t, fh)
}
