package synqly_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
)

// BenchmarkIntegrationsCreate creates integrations that reference a stored
// credential: validation, the integration, its reference row (which the
// store's foreign keys check) and the audit event, in one transaction.
func BenchmarkIntegrationsCreate(b *testing.B) {
	ctx := context.Background()
	c, _ := newClient(b)
	acct := mustAccount(b, c, "Bench Acme")
	cr, err := c.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "basic",
		Config: &credential.BasicCredential{Username: "u", Secret: "p"}})
	if err != nil {
		b.Fatal(err)
	}
	ref := credential.RefTo(cr.ID, credential.TypeBasic)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if _, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "jira-" + strconv.Itoa(i),
			ProviderConfig: jiraConfig(ref)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccountsPatch patches one account's fullname: read, patch,
// compare-and-swap write and audit event in one transaction.
func BenchmarkAccountsPatch(b *testing.B) {
	ctx := context.Background()
	c, _ := newClient(b)
	acct := mustAccount(b, c, "Bench Acme")
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if _, err := c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "Acme " + strconv.Itoa(i)}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTicketingCreateMock creates mock tickets through Client.Ticketing:
// the id counter and the ticket are written in one State.Update of the
// store.
func BenchmarkTicketingCreateMock(b *testing.B) {
	ctx := context.Background()
	c, _ := newClient(b)
	acct := mustAccount(b, c, "Bench Acme")
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	if err != nil {
		b.Fatal(err)
	}
	tk, err := ticketing.Open(ctx, c, res.Integration.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIntegrationsPatchDelete creates a mock integration, patches it
// and deletes it: the write paths of the soak benchmark, one at a time.
func BenchmarkIntegrationsPatchDelete(b *testing.B) {
	ctx := context.Background()
	c, _ := newClient(b)
	acct := mustAccount(b, c, "Bench Acme")
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock-" + strconv.Itoa(i), ProviderConfig: mockConfig()})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Integrations.Patch(ctx, acct.ID, res.Integration.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "patched"}}); err != nil {
			b.Fatal(err)
		}
		if err := c.Integrations.Delete(ctx, acct.ID, res.Integration.ID); err != nil {
			b.Fatal(err)
		}
	}
}
