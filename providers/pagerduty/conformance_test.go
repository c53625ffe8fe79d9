package pagerduty_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

func TestConformance(t *testing.T) {
	ticketingtest.Run(t, ticketingtest.Harness{
		Registration: pagerduty.Ticketing,
		Open: func(t *testing.T) ticketing.Driver {
			return driverFor(t, fake(t), pagerduty.TicketingConfig{}, providers.HTTPOptions{})
		},
		Project:    pdfake.ServiceWeb,
		IssueType:  pdfake.IncidentTypeDefault,
		Creator:    pdfake.EmailAlice,
		OpenStatus: "triggered",
		DoneStatus: "resolved",
	})
}

// TestFaults runs the shared fault and secret-leak suite: PagerDuty
// deduplicates creates by incident_key (so they are retried) and may
// announce a rate limit's wait only in ratelimit-reset.
func TestFaults(t *testing.T) {
	open := func(token string) func(t *testing.T, req providers.OpenRequest) (ticketing.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (ticketing.Driver, *fakekit.Kit) {
			srv := fake(t)
			tok := &credential.TokenCredential{Secret: credential.Secret(token)}
			req.Config = &pagerduty.TicketingConfig{URL: srv.URL, Credential: credential.Inline(tok),
				DefaultCreator: pdfake.EmailAlice, DefaultProject: pdfake.ServiceWeb}
			req.HTTPClient = srv.Client()
			t.Cleanup(req.HTTPClient.CloseIdleConnections)
			d, err := pagerduty.Ticketing.Open(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			return d, srv.Kit
		}
	}
	ticketingtest.RunFaults(t, ticketingtest.FaultHarness{
		Registration:               pagerduty.Ticketing,
		Open:                       open(pdfake.Token),
		OpenUnauthorized:           open("wrong-token-0123456789"),
		Secrets:                    []string{pdfake.Token},
		UnauthorizedSecrets:        []string{"wrong-token-0123456789"},
		IdempotentCreate:           true,
		RateLimitWithoutRetryAfter: true,
	})
}
