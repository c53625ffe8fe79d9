package pagerduty_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// incidentsTitled returns the incidents of the account with a title.
func incidentsTitled(t *testing.T, c *ticketing.Connector, title string) []ticketing.Ticket {
	t.Helper()
	var out []ticketing.Ticket
	for tk, err := range c.AllTickets(t.Context(), ticketing.QueryTicketsRequest{}) {
		if err != nil {
			t.Fatal(err)
		}
		if tk.Summary == title {
			out = append(out, *tk)
		}
	}
	return out
}

// TestCreateRetriedWithItsIncidentKey: every create carries an
// incident_key, so a create whose fate is unknown (PagerDuty wrote the
// incident, then the connection dropped; or it answered 5xx) is retried,
// and a retry refused because the key's incident exists answers that
// incident. The caller sees one incident and a success.
func TestCreateRetriedWithItsIncidentKey(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults []fakekit.Fault
		posts  int
	}{
		{"written, then the connection dropped", []fakekit.Fault{{Body: fakekit.BodyLost}}, 2},
		{"written, dropped, then 503s past the retries", []fakekit.Fault{{Body: fakekit.BodyLost},
			{Status: http.StatusServiceUnavailable}, {Status: http.StatusServiceUnavailable}, {Status: http.StatusServiceUnavailable}}, 4},
		{"a 500 before writing", []fakekit.Fault{{Status: http.StatusInternalServerError}}, 2},
		{"a 502 and a dropped connection", []fakekit.Fault{{Status: http.StatusBadGateway}, {Body: fakekit.BodyLost}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fake(t)
			c := connector(t, srv)
			for _, f := range tc.faults {
				f.Method, f.Path = http.MethodPost, "/incidents"
				srv.Inject(f)
			}
			tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: tc.name, Description: "once"})
			if err != nil {
				t.Fatalf("CreateTicket: %v", err)
			}
			if n := srv.Count(http.MethodPost, "/incidents"); n != tc.posts {
				t.Errorf("POST /incidents sent %d times, want %d", n, tc.posts)
			}
			got := incidentsTitled(t, c, tc.name)
			if len(got) != 1 || got[0].ID != tk.ID {
				t.Fatalf("%d incidents titled %q (want 1, the one returned, %s): %+v", len(got), tc.name, tk.ID, got)
			}
			if key, _ := tk.Unmapped["incident_key"].(string); key == "" {
				t.Errorf("the incident has no incident_key: %v", tk.Unmapped)
			}
			if tk.Description != "once" || tk.Creator != pdfake.EmailAlice || tk.Status != "triggered" {
				t.Errorf("the ticket: %+v", tk)
			}
		})
	}
}

// TestCreateIdempotencyKey: a caller's key is the incident_key, so a
// repeated create answers the incident the first one made; another key,
// or the key of an incident resolved since, creates anew.
func TestCreateIdempotencyKey(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	ctx := t.Context()
	req := ticketing.CreateTicketRequest{Summary: "keyed", IdempotencyKey: "order-42/retry"}
	first, err := c.CreateTicket(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Unmapped["incident_key"] != "order-42/retry" {
		t.Errorf("incident_key %v, want the caller's key", first.Unmapped["incident_key"])
	}
	again, err := c.CreateTicket(ctx, req)
	if err != nil || again.ID != first.ID {
		t.Fatalf("the same key again: %v, %v (want incident %s)", again, err, first.ID)
	}
	if n := len(incidentsTitled(t, c, "keyed")); n != 1 {
		t.Errorf("%d incidents after two creates with one key", n)
	}
	other, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "keyed", IdempotencyKey: "order-43"})
	if err != nil || other.ID == first.ID {
		t.Fatalf("another key: %v, %v", other, err)
	}
	if _, err := c.PatchTicket(ctx, first.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "resolved"}}); err != nil {
		t.Fatal(err)
	}
	anew, err := c.CreateTicket(ctx, req)
	if err != nil || anew.ID == first.ID {
		t.Fatalf("the key of a resolved incident: %v, %v", anew, err)
	}

	srv.ResetRequests()
	for _, bad := range []string{"line\nbreak", strings.Repeat("k", 256), "nul\x00", "\xff"} {
		_, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "bad key", IdempotencyKey: bad})
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidInput || e.Field != "idempotency_key" {
			t.Errorf("key %q: want ErrInvalidInput on idempotency_key, got %v", bad, err)
		}
	}
	if n := srv.Count(http.MethodPost, ""); n != 0 {
		t.Errorf("bad keys sent %d POSTs", n)
	}
}

// TestDuplicateRefusalWithoutIncident: a refusal for the key when no open
// incident of the key can be found is reported as PagerDuty sent it.
func TestDuplicateRefusalWithoutIncident(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	srv.Inject(fakekit.Fault{Times: 1, Method: http.MethodPost, Path: "/incidents", Status: http.StatusBadRequest,
		Message: "Open incident with matching dedup key already exists on this service"})
	_, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "refused"})
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.InvalidInput || e.Status != http.StatusBadRequest || !strings.Contains(err.Error(), "dedup key") {
		t.Fatalf("want the 400 as sent, got %v", err)
	}
	if n := srv.Count(http.MethodGet, "/incidents"); n != 1 {
		t.Errorf("%d lookups of the key, want 1", n)
	}
	if n := len(incidentsTitled(t, c, "refused")); n != 0 {
		t.Errorf("%d incidents", n)
	}
}

// TestCommentNotRetried: notes have no deduplication, so a POST of a note
// is not retried after a 5xx.
func TestCommentNotRetried(t *testing.T) {
	srv, c, id, _ := seeded(t, providers.HTTPOptions{})
	notes := "/incidents/" + id + "/notes"
	srv.Inject(fakekit.Fault{Times: 1, Status: http.StatusBadGateway, Method: http.MethodPost})
	if _, err := c.CreateComment(t.Context(), id, ticketing.CreateCommentRequest{Content: "maybe posted"}); !errors.Is(err, errs.ErrProvider) {
		t.Fatalf("CreateComment on a 502: want ErrProvider, got %v", err)
	}
	if n := srv.Count(http.MethodPost, notes); n != 1 {
		t.Errorf("POST %s was sent %d times, want 1", notes, n)
	}
}

// seeded returns a fake with one incident, a Connector over it, and the
// incident's id and API path.
func seeded(t *testing.T, opts providers.HTTPOptions) (*pdfake.Server, *ticketing.Connector, string, string) {
	t.Helper()
	srv := fake(t)
	id := srv.SeedIncident(pdfake.IncidentSeed{Title: "seeded", Details: "details"})
	d := driverFor(t, srv, pagerduty.TicketingConfig{DefaultCreator: pdfake.EmailAlice, DefaultProject: pdfake.ServiceWeb}, opts)
	return srv, ticketing.NewConnector(pagerduty.Ticketing, d), id, "/incidents/" + id
}
