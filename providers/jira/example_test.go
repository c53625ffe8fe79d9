package jira_test

import (
	"context"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// A driver built directly, against the fake Jira site, used through the
// portable Connector.
func Example() {
	fake := jirafake.New()
	defer fake.Close()

	drv, err := jira.New(&jira.Config{URL: fake.URL, DefaultProject: "SEC"},
		&credential.BasicCredential{Username: fake.Email, Secret: credential.Secret(fake.Token)}, jira.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	tk := ticketing.New(drv)
	ctx := context.Background()

	t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: "CVE-2026-1234 on web-01", Description: "Patch **now**.", Priority: ticketing.PriorityHigh,
		Tags: []string{"cve"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.ID, t.Status, t.Priority, t.Description)

	t, err = tk.PatchTicket(ctx, t.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "Done"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.ID, t.Status)

	for t, err := range tk.Tickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]Done", "tags[eq]cve"}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("found", t.ID, t.Summary)
	}
	fmt.Println("JQL:", fake.JQLs()[0])
	// Output:
	// SEC-1 To Do HIGH Patch **now**.
	// SEC-1 Done
	// found SEC-1 CVE-2026-1234 on web-01
	// JQL: status = "Done" AND labels = "cve" ORDER BY created ASC, key ASC
}
