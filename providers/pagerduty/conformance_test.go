package pagerduty_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/providers"
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
