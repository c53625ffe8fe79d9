package mock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// A mock ticketing driver built directly with the provider's constructor,
// and used through the portable Connector.
func Example_ticketing() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }
	d, err := mock.Ticketing.Open(ctx, providers.OpenRequest{Clock: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	tk := ticketing.NewConnector(mock.Ticketing, d)

	t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: "CVE-2026-1234 on web-01", Project: "SEC", IssueType: "Incident", Priority: ticketing.PriorityHigh,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.ID, t.Status, t.Priority, t.CreatedAt.Format(time.RFC3339))

	t, err = tk.PatchTicket(ctx, t.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "Done"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Status, t.CompletionDate.Format(time.RFC3339))

	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"priority[eq]HIGH"}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.ID, t.Summary)
	}
	// Output:
	// MOCK-00000001 Open HIGH 2026-03-01T09:30:00Z
	// Done 2026-03-01T09:30:00Z
	// MOCK-00000001 CVE-2026-1234 on web-01
}
