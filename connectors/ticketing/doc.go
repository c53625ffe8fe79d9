// Package ticketing is the portable Ticketing connector: one typed API over
// Jira, ServiceNow, PagerDuty and the other ticketing providers, with the
// operations and models of the Synqly Connector API (tickets, projects,
// remote fields, comments, notes, attachments, escalation policies).
//
// Applications hold a *Connector bound to one integration, usually from
// synqly.Client.Ticketing:
//
//	tk, err := ticketing.Open(ctx, client, integrationID)
//	t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "CVE-2026-1234 on web-01", Project: "SEC",
//		Priority: ticketing.PriorityHigh})
//	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]Open"}}) { ... }
//
// Providers implement the narrow Driver interface (embedding Unimplemented
// for what they lack) and declare their Capabilities; the Connector validates
// input, refuses unsupported operations before any network call, applies
// JSON Patches, and applies every filter in memory after a driver has pushed
// down what its provider can evaluate. The conformance suite in
// ticketingtest is run by every driver.
package ticketing
