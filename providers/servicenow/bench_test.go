package servicenow

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// benchRequest is the ticket both benchmarks create.
var benchRequest = ticketing.CreateTicketRequest{
	Summary:     "CVE-2026-1234 on web-01",
	Description: "Found **CVE-2026-1234** on `web-01`.\n\nPatch the host.",
	Priority:    ticketing.PriorityHigh,
	Project:     snowfake.GroupServiceDesk,
	IssueType:   snowfake.CategorySoftware,
}

// BenchmarkCreateTicket creates incidents through the Connector and the
// driver (validation, mapping, httpx with retries and redaction, decoding
// into a Ticket). Compare with BenchmarkCreateTicketRawHTTP, run in the
// same process: the ratio is the library's overhead.
func BenchmarkCreateTicket(b *testing.B) {
	f := newFake(b)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	req := fakeRequest(f, testConfig(f), credentialFor(modeBasic))
	req.HTTPClient = hc
	c := connector(openWith(b, req))
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CreateTicket(ctx, benchRequest); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateTicketRawHTTP posts the same incident to the same fake
// with a hand-written net/http request: the body the driver sends, the
// same query parameters, basic authentication, the response read and
// decoded.
func BenchmarkCreateTicketRawHTTP(b *testing.B) {
	f := newFake(b)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	d := openDriver(b, f, modeBasic)
	body, err := json.Marshal(map[string]any{"short_description": benchRequest.Summary, "description": benchRequest.Description,
		"impact": "1", "urgency": "2", "assignment_group": benchRequest.Project, "category": benchRequest.IssueType})
	if err != nil {
		b.Fatal(err)
	}
	u := f.URL + incidentPath + "?" + url.Values{"sysparm_fields": {d.fields}, "sysparm_exclude_reference_link": {"true"}}.Encode()
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.SetBasicAuth(snowfake.BasicUsername, snowfake.BasicPassword)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			b.Fatalf("status %d: %v", resp.StatusCode, err)
		}
		var out struct {
			Result map[string]any `json:"result"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.Result["sys_id"] == "" {
			b.Fatalf("decoding: %v", err)
		}
	}
}
