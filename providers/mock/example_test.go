package mock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func ExampleNewDriver() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }
	tk := ticketing.New(mock.NewDriver(mock.NewMemoryState(), nil, mock.WithClock(clock)))

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

	for t, err := range tk.Tickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"priority[eq]HIGH"}}) {
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
