package pagerduty_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// The two benchmarks create the same incident on the same fake: through
// the Connector and the driver, and with a hand-written net/http request.
// Their ratio is the driver's overhead (validation, the shared HTTP
// client's retry machinery, mapping to a ticket).

const benchSummary, benchDetails = "CVE-2026-1234 on web-01", "Patch **web-01** and rotate its keys."

func BenchmarkCreateTicket(b *testing.B) {
	srv := fake(b)
	c := ticketing.NewConnector(pagerduty.Ticketing, driverFor(b, srv, pagerduty.TicketingConfig{}, providers.HTTPOptions{}))
	req := ticketing.CreateTicketRequest{Summary: benchSummary, Description: benchDetails, Project: pdfake.ServiceWeb,
		Creator: pdfake.EmailAlice}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CreateTicket(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateTicketRawHTTP(b *testing.B) {
	srv := fake(b)
	client := srv.Client()
	defer client.CloseIdleConnections()
	payload := map[string]any{"incident": map[string]any{
		"type": "incident", "title": benchSummary,
		"service": map[string]string{"id": pdfake.ServiceWeb, "type": "service_reference"},
		"body":    map[string]string{"type": "incident_body", "details": benchDetails},
	}}
	b.ReportAllocs()
	for b.Loop() {
		body, err := json.Marshal(payload)
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, srv.URL+"/incidents", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Token token="+pdfake.Token)
		req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("From", pdfake.EmailAlice)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		var out struct {
			Incident struct {
				ID string `json:"id"`
			} `json:"incident"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.Incident.ID == "" {
			b.Fatalf("decoding %q: %v", data, err)
		}
	}
}
