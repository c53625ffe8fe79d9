package jira

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// TestConformance runs the ticketing conformance suite against the driver
// and a fresh fake Jira site per subtest.
func TestConformance(t *testing.T) {
	ticketingtest.Run(t, ticketingtest.Harness{
		Registration: Ticketing,
		Open: func(t *testing.T) ticketing.Driver {
			f := jirafake.New(t)
			// The suite's custom field, mapped to the fake's text field.
			return newDriver(t, f, providers.CustomFieldMapping{
				Name: "synqly_conformance", ProjectID: "*", ProviderFieldPath: "customfield_10010"})
		},
		Project:    "SEC",
		IssueType:  "Task",
		Creator:    "557058:alice",
		OpenStatus: "To Do",
		DoneStatus: "Done",
	})
}
