// Package mock holds the mock providers, one per connector, with no
// external system, for development, demos, tests and benchmarks:
// "ticketing_mock_ticketing" (Ticketing) and
// "notifications_mock_notifications" (Notifications). Import the package for
// its side effect to make them available:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/mock"
//
// The mocks keep what they are given in the integration's providers.State,
// which the management plane keeps in its store, so their data survives a
// restart; a driver built directly (Ticketing.Open with an OpenRequest
// without State) keeps it in a fresh providers.MemoryState. They are
// deterministic: ids come from counters, the ticketing catalog (projects
// IT, OPS and SEC; issue types Task, Bug and Incident; escalation policies
// EP-OPS and EP-SEC) never changes, and OpenRequest.Clock replaces the
// clock.
//
// The mock ticketing provider supports every ticketing operation.
//
// # Tickets
//
// A ticket's id is "MOCK-" and eight digits, in creation order
// ("MOCK-00000001", "MOCK-00000002", ...); its Name is the request's name,
// or "MOCK-<n>" without one (the Connector defaults a missing name to the
// summary). A new ticket's status is DefaultStatus ("Open") unless the
// request gives one. created_at comes from the clock but never decreases
// in creation order. Moving a ticket into a done-like status (Done, Closed,
// Resolved, ignoring case) sets completion_date; moving it out clears it,
// unless the same change sets completion_date. A project or issue type
// outside the catalog is an errs.InvalidInput error.
//
// custom_fields round-trip verbatim (as JSON values). Without
// custom_field_mappings any key is accepted; with mappings, a ticket's keys
// must be the names of mappings for its project or for "*", and any other
// key is an errs.InvalidInput error. ListRemoteFields describes the model's
// fields and one field per mapping.
//
// # State layout
//
// Everything lives in the State, as JSON documents:
//
//	meta                                 counters of tickets, comments, notes, attachments; last created_at
//	ticket/MOCK-00000001                 a ticketing.Ticket, with its attachments' metadata
//	comment/MOCK-00000001/C-00000001     a ticketing.Comment
//	note/MOCK-00000001/N-00000001        a ticketing.Note
//	attachment/MOCK-00000001/A-00000001  a ticketing.Attachment (the content)
//
// Ticket keys sort in creation order, which is the default order of
// QueryTickets (created_at, then id). In that order (or in id order)
// QueryTickets streams: it walks the State from the cursor, the last id of
// the previous page, matches each ticket against the query and stops after
// Limit matches, so memory stays flat however many tickets there are. Any
// other order (every orderable ticket field is supported) loads the matching
// tickets, sorts them and pages with the query's cursors: only the default
// order streams. Comments, notes and attachments list in creation order
// under their ticket's prefix; every per-ticket operation on a missing
// ticket is an errs.NotFound error.
package mock

import (
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// TicketingID is the provider config id of the mock ticketing provider.
const TicketingID = "ticketing_mock_ticketing"

// TicketingConfig is the ticketing_mock_ticketing provider configuration.
// The mock needs no credential.
type TicketingConfig struct {
	// CustomFieldMappings name the custom_fields keys tickets may carry
	// (per project, or "*" for all); without mappings any key is accepted.
	CustomFieldMappings []providers.CustomFieldMapping `json:"custom_field_mappings,omitempty"`
	// Name is accepted for compatibility and unused.
	Name string `json:"name,omitempty"`
}

// Validate implements providers.Config.
func (c *TicketingConfig) Validate() error { return providers.ValidateMappings(c.CustomFieldMappings) }

// CredentialRefs implements providers.Config; the mock has none.
func (c *TicketingConfig) CredentialRefs() map[string]*credential.Ref { return nil }

// Ticketing is the registration of the mock ticketing provider, and its
// constructor: Ticketing.Open builds a driver.
var Ticketing = ticketing.Registration{
	ID:           TicketingID,
	Fullname:     "Mock Ticketing",
	NewConfig:    func() providers.Config { return new(TicketingConfig) },
	Capabilities: ticketingCapabilities(),
	Open:         openTicketing,
}

func init() { ticketing.Register(Ticketing) }
