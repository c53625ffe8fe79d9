package servicenow

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// TestConformance runs the ticketing conformance suite against the fake
// instance, once per authentication mode.
func TestConformance(t *testing.T) {
	for _, mode := range []string{modeBasic, modeOAuth, modeToken} {
		t.Run(mode, func(t *testing.T) {
			ticketingtest.Run(t, ticketingtest.Harness{
				Registration: Ticketing,
				Open:         func(t *testing.T) ticketing.Driver { return openDriver(t, newFake(t), mode) },
				Project:      snowfake.GroupServiceDesk,
				IssueType:    snowfake.CategorySoftware,
				Creator:      snowfake.UserBeth + "@example.com",
				OpenStatus:   "New",
				DoneStatus:   "Resolved",
			})
		})
	}
}
