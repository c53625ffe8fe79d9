package pagerduty_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
)

// FuzzVendorResponses feeds arbitrary 200 answers to every driver call: the
// driver must return a result or an error, never panic.
func FuzzVendorResponses(f *testing.F) {
	for _, s := range []string{
		`{"incident":{"id":"Q1","incident_number":1,"title":"t","created_at":"2024-01-01T00:00:00Z","assignments":[{"assignee":{"id":"U1","type":"user_reference"}}],"first_trigger_log_entry":{"agent":{"id":"U1","type":"user_reference"}},"priority":{"id":"P1"},"body":{"details":{"a":1}}}}`,
		`{"incidents":[{"id":"Q1"},{}],"more":true,"limit":1,"offset":0}`,
		`{"incidents":null,"more":"yes"}`,
		`{"notes":[{"id":"N1","user":{"id":"U1","type":"bot_user_reference","summary":"svc"},"content":"**t**\n\nc"}]}`,
		`{"oncalls":[{"user":{"id":"U1"},"escalation_level":1},{"user":null}],"more":false}`,
		`{"escalation_policies":[{"id":"E1","escalation_rules":[{"targets":[{"id":"S1","type":"schedule_reference"},{"type":"x"}]}]}]}`,
		`{"priorities":[{"id":"P1","name":"P1"}],"users":[{"id":"U1","email":"a@b"}],"user":{"id":"U1"}}`,
		`{"services":[{"id":"S1"}],"incident_types":[{"name":""},{"name":"x"}],"note":{"id":"N1"}}`,
		`[]`, `null`, `{"incident":{"created_at":"not a time"}}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
		defer srv.Close()
		tok := &credential.TokenCredential{Secret: "fuzz-token"}
		ref := credential.Inline(tok)
		d, err := pagerduty.Ticketing.Open(t.Context(), providers.OpenRequest{
			Config:      &pagerduty.TicketingConfig{URL: srv.URL, Credential: ref, DefaultCreator: "a@example.com", DefaultProject: "S1"},
			Credentials: map[string]credential.Config{"credential": tok},
			HTTPClient:  srv.Client(), // closed by srv.Close
			HTTPOptions: providers.HTTPOptions{MaxRetries: -1},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		c := ticketing.NewConnector(pagerduty.Ticketing, d)
		ctx := t.Context()
		_, _ = c.GetTicket(ctx, "Q1")
		_, _ = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 3})
		_, _ = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"description[like]*x*"}})
		_, _ = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Priority: ticketing.PriorityLow, Assignee: "b@example.com"})
		_, _ = c.PatchTicket(ctx, "Q1", []patch.Operation{{Op: "add", Path: "/summary", Value: "x"}})
		_, _ = c.ListNotes(ctx, "Q1", ticketing.ListRequest{})
		_, _ = c.ListComments(ctx, "Q1", ticketing.ListRequest{})
		_, _ = c.CreateNote(ctx, "Q1", ticketing.CreateNoteRequest{Content: "c", Title: "t"})
		_, _ = c.PatchNote(ctx, "Q1", "N1", []patch.Operation{{Op: "replace", Path: "/content", Value: "x"}})
		_, _ = c.ListProjects(ctx, ticketing.ListRequest{})
		_, _ = c.ListIssueTypes(ctx, "")
		_, _ = c.ListRemoteFields(ctx)
		_, _ = c.QueryEscalationPolicies(ctx, ticketing.ListRequest{})
		_, _ = c.ListOnCall(ctx, "E1")
	})
}
