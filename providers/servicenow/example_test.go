package servicenow_test

import (
	"context"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/servicenow"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// Open a ServiceNow driver (here on the fake instance) with the provider's
// one constructor, Ticketing.Open, and use it through the portable
// ticketing API.
func ExampleTicketing() {
	fake := snowfake.New()
	defer fake.Close()

	ctx := context.Background()
	ref := credential.RefTo("cred-1", credential.TypeBasic) // the integration's stored credential
	d, err := servicenow.Ticketing.Open(ctx, providers.OpenRequest{
		Config: &servicenow.TicketingConfig{URL: fake.URL, Credential: ref, DefaultProject: snowfake.GroupServiceDesk},
		Credentials: map[string]credential.Config{
			"credential": &credential.BasicCredential{Username: snowfake.BasicUsername, Secret: snowfake.BasicPassword},
		},
		HTTPClient: fake.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	tk := ticketing.NewConnector(servicenow.Ticketing, d)
	t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "CVE-2026-1234 on web-01",
		Priority: ticketing.PriorityHigh, IssueType: snowfake.CategorySoftware})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Name, t.Status, t.Priority, t.Project == snowfake.GroupServiceDesk)
	// Output: INC0010001 New HIGH true
}
