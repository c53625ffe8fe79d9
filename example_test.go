package synqly_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// exampleClient opens a client on a throwaway database with predictable ids
// and times, so the examples' output is stable.
func exampleClient() (*synqly.Client, func()) {
	dir, err := os.MkdirTemp("", "synqly-example")
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	c, err := synqly.Open(context.Background(),
		synqly.WithDatabasePath(filepath.Join(dir, "synqly.db")),
		synqly.WithLogger(quiet()),
		synqly.WithIDGenerator(func() string { n++; return fmt.Sprintf("id-%03d", n) }),
		synqly.WithClock(func() time.Time { n := n; return t0.Add(time.Duration(n) * time.Second) }),
	)
	if err != nil {
		log.Fatal(err)
	}
	return c, func() { c.Close(); os.RemoveAll(dir) }
}

func ExampleOpen() {
	ctx := context.Background()
	// With no options Open uses the embedded default: a SQLite file at
	// synqly.DefaultDatabasePath() (or $SYNQLY_DB) and a sealing key beside
	// it. Here the file goes to a temporary directory.
	dir, _ := os.MkdirTemp("", "synqly")
	defer os.RemoveAll(dir)
	c, err := synqly.Open(ctx, synqly.WithDatabasePath(filepath.Join(dir, "synqly.db")), synqly.WithLogger(quiet()))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = os.Stat(filepath.Join(dir, "synqly.db.key"))
	fmt.Println("key file created:", err == nil)
	// Output: key file created: true
}

func ExampleAccountsService_Create() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	acct, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme Corp"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(acct.ID, acct.Name, acct.Fullname, acct.Environment)

	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "ACME-CORP"})
	fmt.Println(errors.Is(err, synqly.ErrInvalidInput), err)
	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "ACME corp"})
	fmt.Println(errors.Is(err, synqly.ErrConflict))
	// Output:
	// id-001 acme-corp Acme Corp prod
	// true invalid_input: name "ACME-CORP" is invalid: use 1 to 128 characters of lowercase a-z, 0-9, '_' and '-'
	// true
}

func ExampleIntegrationsService_List() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	for _, name := range []string{"Acme", "Globex"} {
		acct, _ := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: name})
		tenant := c.Account(acct.ID)
		tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "tickets",
			ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}})
		tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "jira",
			ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{
				URL:        "https://" + acct.Name + ".atlassian.net",
				Credential: credential.Inline(&credential.BasicCredential{Username: "bot@" + acct.Name + ".example", Secret: "api-token"}),
			}}})
	}
	page, err := c.Integrations.List(ctx, synqly.ListOptions{
		Filter: []string{"provider_type[eq]ticketing_jira", "account.name[like]*e*"},
		Order:  []string{"account.name[desc]"},
		Expand: []string{"account"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range page.Result {
		fmt.Println(in.Account.Name, in.Name, in.ProviderType)
	}
	// Output:
	// globex jira ticketing_jira
	// acme jira ticketing_jira
}

func ExampleAccountsService_Patch() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	acct, _ := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme"})

	// All operations apply, or none: the failing test leaves the account as it was.
	_, err := c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{
		{Op: "replace", Path: "/fullname", Value: "Acme Inc"},
		{Op: "test", Path: "/environment", Value: "test"},
	})
	fmt.Println(errors.Is(err, synqly.ErrConflict))

	acct, err = c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{
		{Op: "test", Path: "/environment", Value: "prod"},
		{Op: "replace", Path: "/fullname", Value: "Acme Inc"},
		{Op: "add", Path: "/labels", Value: []string{"gold"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(acct.Fullname, acct.Labels)

	_, err = c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/id", Value: "mine"}})
	fmt.Println(err)
	// Output:
	// true
	// Acme Inc [gold]
	// invalid_input: id is read-only and cannot be patched
}

func ExampleAuditService_List() {
	c, done := exampleClient()
	defer done()
	ctx := synqly.WithActor(context.Background(), "alice@example.com")
	acct, _ := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme"})
	c.Account(acct.ID).Patch(ctx, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "Acme Inc"}})
	c.Accounts.Delete(ctx, acct.ID)

	page, _ := c.Audit.List(ctx, synqly.ListOptions{Filter: []string{"resource_type[eq]account"}})
	for _, ev := range page.Result {
		fmt.Println(ev.Actor, ev.Operation, ev.ResourceID, ev.Outcome, ev.Paths)
	}
	// Output:
	// alice@example.com create id-001 success []
	// alice@example.com patch id-001 success [/fullname]
	// alice@example.com delete id-001 success []
}

func Example_ticketing() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	acct, _ := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme"})
	tenant := c.Account(acct.ID)
	res, err := tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "tickets",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}})
	if err != nil {
		log.Fatal(err)
	}

	tk, err := ticketing.Open(ctx, tenant, res.Integration.ID)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{"CVE-2026-1234 on web-01", "Disk full on db-02"} {
		if _, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: s, Project: "SEC", Priority: ticketing.PriorityHigh}); err != nil {
			log.Fatal(err)
		}
	}
	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"summary[like]CVE-*"}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.ID, t.Summary, t.Priority, t.Status)
	}
	_, err = tk.ListOnCall(ctx, "no-such-policy")
	fmt.Println(errors.Is(err, synqly.ErrNotFound))
	// Output:
	// MOCK-00000001 CVE-2026-1234 on web-01 HIGH Open
	// true
}
