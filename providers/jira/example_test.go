package jira_test

import (
	"context"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// A driver built directly with the provider's one constructor,
// Ticketing.Open, against the fake Jira site, and used through the portable
// Connector.
func Example() {
	fake := jirafake.New()
	defer fake.Close()
	ctx := context.Background()

	// The configuration references its credential (here inline); the
	// request hands the credential itself over, as the management plane
	// does once it has unsealed it.
	cred := &credential.BasicCredential{Username: fake.Email, Secret: credential.Secret(fake.Token)}
	drv, err := jira.Ticketing.Open(ctx, providers.OpenRequest{
		Config:      &jira.TicketingConfig{URL: fake.URL, DefaultProject: "SEC", Credential: credential.Inline(cred)},
		Credentials: map[string]credential.Config{"credential": cred},
		HTTPClient:  fake.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer drv.Close()
	tk := ticketing.NewConnector(jira.Ticketing, drv)

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

	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]Done", "tags[eq]cve"}}) {
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
