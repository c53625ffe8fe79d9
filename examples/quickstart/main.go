// Command quickstart runs the library on the embedded default: a SQLite file
// and a sealing key beside it (see synqly.DefaultDatabasePath; set SYNQLY_DB
// or -db to put them elsewhere), and the mock ticketing provider. It creates
// an account, an integration point, a credential and integrations, lists
// integrations with a filter, patches one, creates tickets through the mock
// ticketing integration, queries them with a filter, comments on one and
// patches it, and prints the audit trail. Run it twice: the second run finds
// what the first created, tickets included (the mock keeps them in the
// store).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func main() {
	db := flag.String("db", "", "SQLite database file (default: $SYNQLY_DB or synqly.DefaultDatabasePath())")
	flag.Parse()
	if err := run(context.Background(), *db); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, db string) error {
	opts := []synqly.Option{synqly.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil)))}
	if db != "" {
		opts = append(opts, synqly.WithDatabasePath(db))
	}
	c, err := synqly.Open(ctx, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx = synqly.WithActor(ctx, "quickstart")

	// 1. An account per tenant. Names are unique: a second run finds it.
	acct, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme Corp"})
	if errors.Is(err, synqly.ErrConflict) {
		acct, err = first(c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]acme-corp"}}))
	}
	if err != nil {
		return err
	}
	fmt.Printf("account      %s  %s (%s)\n", acct.ID, acct.Name, acct.Environment)

	// 2. An integration point: which ticketing providers tenants may use.
	point, err := c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{
		Fullname:     "Ticketing",
		Connector:    "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"ticketing_jira", "ticketing_mock_ticketing"}},
	})
	if errors.Is(err, synqly.ErrConflict) {
		point, err = first(c.IntegrationPoints.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]ticketing"}}))
	}
	if err != nil {
		return err
	}
	fmt.Printf("integ. point %s  %s allows %v\n", point.ID, point.Name, point.Environments.Prod)

	// 3. A credential owned by the account. The secret is sealed before it
	// is stored and never comes back: reads show its type only.
	tenant := c.Account(acct.ID)
	cred, err := tenant.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{
		Fullname: "Jira API token",
		Config:   &credential.BasicCredential{Username: "bot@acme.example", Secret: credential.Secret("not-a-real-token")},
		Expires:  new(time.Now().Add(365 * 24 * time.Hour)),
	})
	if errors.Is(err, synqly.ErrConflict) {
		cred, err = first(tenant.Credentials.List(ctx, acct.ID, synqly.ListOptions{Filter: []string{"name[eq]jira-api-token"}}))
	}
	if err != nil {
		return err
	}
	fmt.Printf("credential   %s  %s type=%s managed=%s\n", cred.ID, cred.Name, cred.Config.Type, cred.Managed)

	// 4. Integrations: a Jira one referencing the credential, and a mock.
	for _, req := range []synqly.CreateIntegrationRequest{{
		Fullname:           "Acme Jira",
		IntegrationPointID: point.ID,
		ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{
			URL:        "https://acme.atlassian.net",
			Credential: credential.RefTo(cred.ID, credential.TypeBasic),
		}},
	}, {
		Fullname:           "Acme Mock Tickets",
		IntegrationPointID: point.ID,
		ProviderConfig:     &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}},
	}} {
		res, err := tenant.Integrations.Create(ctx, req)
		if errors.Is(err, synqly.ErrConflict) {
			continue // created by an earlier run
		}
		if err != nil {
			return err
		}
		fmt.Printf("integration  %s  %s (%s)\n", res.Integration.ID, res.Integration.Name, res.Integration.ProviderType)
	}

	// 5. List with the query language: a filter, an order, an expansion.
	page, err := c.Integrations.List(ctx, synqly.ListOptions{
		Filter: []string{"name[like]acme-*", "account.name[eq]acme-corp"},
		Order:  []string{"provider_type[desc]"},
		Expand: []string{"account"},
	})
	if err != nil {
		return err
	}
	fmt.Println("\nintegrations matching name[like]acme-* of account acme-corp:")
	for _, in := range page.Result {
		fmt.Printf("  %-20s %-26s account=%s\n", in.Name, in.ProviderType, in.Account.Name)
	}

	// 6. Patch one with JSON Patch: a failed test changes nothing.
	jiraIn := page.Result[len(page.Result)-1]
	for _, in := range page.Result {
		if in.ProviderType == jira.TicketingID {
			jiraIn = in
		}
	}
	_, err = tenant.Integrations.Patch(ctx, jiraIn.ID, []synqly.PatchOperation{
		{Op: "test", Path: "/fullname", Value: "no such name"},
		{Op: "replace", Path: "/fullname", Value: "never applied"},
	})
	fmt.Printf("\npatch with a failing test: %v\n", err)
	res, err := tenant.Integrations.Patch(ctx, jiraIn.ID, []synqly.PatchOperation{
		{Op: "replace", Path: "/fullname", Value: fmt.Sprintf("Acme Jira (patched %s)", time.Now().Format(time.Kitchen))},
		{Op: "add", Path: "/provider_config/default_project", Value: "SEC"}, // add sets a member, present or not
	})
	if err != nil {
		return err
	}
	fmt.Printf("patched:                   %s -> fullname %q\n", res.Integration.Name, res.Integration.Fullname)

	// 7. Tickets through the mock ticketing integration: the same calls
	// reach Jira, ServiceNow or PagerDuty when the integration names them.
	var mockIn *synqly.Integration
	for _, in := range page.Result {
		if in.ProviderType == mock.TicketingID {
			mockIn = in
		}
	}
	tk, err := ticketing.Open(ctx, tenant, mockIn.ID)
	if err != nil {
		return err
	}
	var first *ticketing.Ticket
	for i, host := range []string{"web-01", "db-02"} {
		t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{
			Summary:     "CVE-2026-1234 on " + host,
			Description: "Found by the **nightly scan**.",
			Project:     "SEC",
			Priority:    []ticketing.Priority{ticketing.PriorityHigh, ticketing.PriorityLow}[i],
			Tags:        []string{"cve"},
		})
		if err != nil {
			return err
		}
		if first == nil {
			first = t
		}
		fmt.Printf("\nticket created: %s %q priority=%s status=%s", t.Name, t.Summary, t.Priority, t.Status)
	}
	if _, err := tk.CreateComment(ctx, first.ID, ticketing.CreateCommentRequest{Content: "Patch scheduled for *tonight*."}); err != nil {
		return err
	}
	first, err = tk.PatchTicket(ctx, first.ID, []synqly.PatchOperation{
		{Op: "replace", Path: "/priority", Value: "URGENT"},
		{Op: "replace", Path: "/status", Value: "In Progress"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("\nticket patched: %s priority=%s status=%s\n", first.Name, first.Priority, first.Status)
	fmt.Println("\nhigh-priority CVE tickets (all runs), newest first:")
	shown := 0
	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{
		Filter: []string{"summary[like]CVE-*", "priority[in]URGENT,HIGH"},
		Order:  []string{"created_at[desc]"},
	}) {
		if err != nil {
			return err
		}
		fmt.Printf("  %-10s %-8s %-12s %s\n", t.Name, t.Priority, t.Status, t.Summary)
		if shown++; shown == 5 {
			break
		}
	}

	// 8. The audit trail of the account, newest first.
	fmt.Println("\naudit trail (latest 10):")
	events, err := tenant.Audit.List(ctx, synqly.ListOptions{Order: []string{"created_at[desc]"}, Limit: 10})
	if err != nil {
		return err
	}
	for _, ev := range events.Result {
		fmt.Printf("  %s  %-10s %-7s %-12s %s %s %v\n", ev.CreatedAt.Format(time.RFC3339), ev.Actor, ev.Outcome,
			ev.Operation, ev.ResourceType, ev.ResourceID, ev.Paths)
	}
	return nil
}

func first[T any](p *synqly.Page[T], err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if len(p.Result) == 0 {
		return nil, fmt.Errorf("not found")
	}
	return p.Result[0], nil
}
