package pagerduty_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// A PagerDuty ticketing driver built directly with the provider's one
// constructor, and used through the portable Connector. The example talks
// to the fake PagerDuty of pdfake; against PagerDuty, the URL is
// https://api.pagerduty.com and the token a REST API key.
func Example() {
	ctx := context.Background()
	srv := pdfake.New()
	defer srv.Close()

	tok := &credential.TokenCredential{Secret: pdfake.Token}
	d, err := pagerduty.Ticketing.Open(ctx, providers.OpenRequest{
		Config: &pagerduty.TicketingConfig{URL: srv.URL, Credential: credential.Inline(tok),
			DefaultCreator: pdfake.EmailAlice, DefaultProject: pdfake.ServiceWeb},
		Credentials: map[string]credential.Config{"credential": tok},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	tk := ticketing.NewConnector(pagerduty.Ticketing, d)

	t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: "CVE-2026-1234 on web-01", Priority: ticketing.PriorityHigh, IdempotencyKey: "cve-2026-1234/web-01",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Status, t.Priority, t.Project == pdfake.ServiceWeb, t.Creator)

	t, err = tk.PatchTicket(ctx, t.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "resolved"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Status, t.CompletionDate != nil)

	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]resolved"}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.Summary)
	}

	// PagerDuty incidents have no attachments.
	_, err = tk.CreateAttachment(ctx, t.ID, ticketing.CreateAttachmentRequest{FileName: "scan.txt", Content: []byte("x")})
	fmt.Println(errors.Is(err, errs.ErrUnsupported))
	// Output:
	// triggered HIGH true alice@example.com
	// resolved true
	// CVE-2026-1234 on web-01
	// true
}
