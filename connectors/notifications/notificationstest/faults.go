package notificationstest

import (
	"context"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/faultsuite"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// FaultHarness describes a notifications provider and its vendor fake to
// RunFaults.
type FaultHarness struct {
	// Registration is the provider's registration.
	Registration notifications.Registration
	// Open starts a fresh vendor fake (closed by t's cleanup) and returns a
	// driver over it and the fake's kit. req carries the suite's
	// HTTPOptions and Logger; Open adds the configuration, the credentials
	// and, if it likes, an HTTP client, and calls Registration.Open.
	Open func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit)
	// OpenUnauthorized, if set, is Open with a credential the fake refuses,
	// whose secrets are UnauthorizedSecrets.
	OpenUnauthorized    func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit)
	UnauthorizedSecrets []string
	// Secrets lists every secret the driver holds (tokens, webhook URLs).
	Secrets []string
	// NoVendorRead says GetMessage makes no vendor call (a webhook's
	// messages are read from the integration's state): the suite then aims
	// every fault at CreateMessage, with a write's rules.
	NoVendorRead bool
	// WriteAnswerIgnored says CreateMessage reads nothing of the vendor's
	// successful answer (a webhook's 202 Accepted): body faults on it are
	// not errors, and are not injected.
	WriteAnswerIgnored bool
	// IdempotentCreate says the vendor deduplicates CreateMessage.
	IdempotentCreate bool
	// RateLimitWithoutRetryAfter says the vendor may announce a rate
	// limit's wait only in its own headers.
	RateLimitWithoutRetryAfter bool
	// RefreshesOn401 says the driver answers a 401 by fetching a new
	// token (OAuth client credentials) and trying once more.
	RefreshesOn401 bool
}

// RunFaults runs the shared fault and secret-leak suite against a
// notifications provider through a Connector: GetMessage of a message it
// sent is its read (unless NoVendorRead), CreateMessage its write. See ticketingtest.RunFaults and
// package faultsuite for what each fault must do.
func RunFaults(t *testing.T, h FaultHarness) {
	t.Helper()
	if h.Open == nil || h.Registration.ID == "" {
		t.Fatal("notificationstest: FaultHarness.Open and FaultHarness.Registration are required")
	}
	// A refused credential's target has no read: reading needs a message,
	// and sending one is refused.
	target := func(open func(*testing.T, providers.OpenRequest) (notifications.Driver, *fakekit.Kit), secrets []string, refused bool) func(*testing.T, faultsuite.Env) (*fakekit.Kit, faultsuite.Target) {
		return func(t *testing.T, env faultsuite.Env) (*fakekit.Kit, faultsuite.Target) {
			d, kit := open(t, providers.OpenRequest{HTTPOptions: env.HTTP, Logger: env.Logger})
			if d == nil || kit == nil {
				t.Fatal("FaultHarness.Open returned no driver or no kit")
			}
			c := notifications.NewConnector(h.Registration, d, env.Telemetry)
			create := notifications.CreateMessageRequest{Summary: "fault suite", Description: "a *test* message"}
			var id string
			read := func(ctx context.Context) error {
				if id == "" {
					n, err := c.CreateMessage(ctx, create)
					if err != nil {
						return err
					}
					id = n.ID
				}
				_, err := c.GetMessage(ctx, id)
				return err
			}
			if h.NoVendorRead || refused {
				read = nil
			}
			return kit, faultsuite.Target{
				ReadOp: string(notifications.OpGetMessage), WriteOp: string(notifications.OpCreateMessage),
				Read:    read,
				Write:   func(ctx context.Context) error { _, err := c.CreateMessage(ctx, create); return err },
				Close:   d.Close,
				Secrets: secrets,
			}
		}
	}
	fh := faultsuite.Harness{
		Provider: h.Registration.ID, Open: target(h.Open, nil, false), Secrets: h.Secrets,
		IdempotentWrite: h.IdempotentCreate, RateLimitWithoutRetryAfter: h.RateLimitWithoutRetryAfter,
		RefreshesOn401:     h.RefreshesOn401,
		WriteAnswerIgnored: h.WriteAnswerIgnored,
	}
	if h.OpenUnauthorized != nil {
		fh.OpenUnauthorized = target(h.OpenUnauthorized, h.UnauthorizedSecrets, true)
	}
	faultsuite.Run(t, fh)
}
