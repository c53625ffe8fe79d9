package synqly_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// benchTickets is the number of tickets the iteration benchmarks walk;
// SYNQLY_BENCH_TICKETS overrides the default 50,000.
func benchTickets() int {
	if n, err := strconv.Atoi(os.Getenv("SYNQLY_BENCH_TICKETS")); err == nil && n > 0 {
		return n
	}
	return 50_000
}

// iterate walks every ticket of tk, reporting bytes allocated per ticket and
// the peak heap (sampled every 1,000 tickets).
func iterate(b *testing.B, tk *ticketing.Connector, want int) {
	ctx := context.Background()
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: 1000}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
			if n%1000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		if n != want {
			b.Fatalf("iterated %d tickets, want %d", n, want)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.TotalAlloc-before)/float64(b.N*want), "B/ticket")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkTicketingIterateMock walks benchTickets tickets of the mock
// provider, whose state lives in the SQLite store, through
// Client.Ticketing: memory stays flat while time grows with the count.
func BenchmarkTicketingIterateMock(b *testing.B) {
	c, _ := newClient(b)
	ctx := context.Background()
	a := mustAccount(b, c, "Acme")
	res, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	if err != nil {
		b.Fatal(err)
	}
	tk, err := ticketing.Open(ctx, c, res.Integration.ID)
	if err != nil {
		b.Fatal(err)
	}
	n := benchTickets()
	for i := range n {
		if _, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "ticket " + strconv.Itoa(i), Project: "SEC"}); err != nil {
			b.Fatal(err)
		}
	}
	iterate(b, tk, n)
}

// jiraBench opens a client with a Jira integration pointing at a fake Jira
// on loopback.
func jiraBench(b *testing.B) (*synqly.Client, string, *jirafake.Server, *http.Client) {
	f := jirafake.New(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	c, _ := newClient(b, synqly.WithHTTPClient(hc))
	ctx := context.Background()
	a := mustAccount(b, c, "Acme")
	res, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "jira", ProviderConfig: &synqly.ProviderConfig{
		Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: f.URL, Credential: credential.Inline(
			&credential.BasicCredential{Username: f.Email, Secret: credential.Secret(f.Token)})}}})
	if err != nil {
		b.Fatal(err)
	}
	return c, res.Integration.ID, f, hc
}

var benchJiraTicket = ticketing.CreateTicketRequest{Summary: "CVE-2026-1234 on web-01", Description: "Found **CVE-2026-1234** on `web-01`.",
	Project: "SEC", IssueType: "Task", Priority: ticketing.PriorityHigh, Tags: []string{"cve", "web"}}

// BenchmarkTicketingCreateJira creates a ticket through Client.Ticketing and
// the Jira driver against the fake Jira: resolution of the cached driver,
// validation, markdown → ADF, POST /rest/api/3/issue and the read-back GET
// of the new issue (Jira answers a create with its key only).
func BenchmarkTicketingCreateJira(b *testing.B) {
	c, id, _, _ := jiraBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		tk, err := ticketing.Open(ctx, c, id)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tk.CreateTicket(ctx, benchJiraTicket); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTicketingCreateJiraRawHTTP is the same work by hand with
// net/http: the same POST, then the GET of the new issue, decoded into maps.
func BenchmarkTicketingCreateJiraRawHTTP(b *testing.B) {
	_, _, f, hc := jiraBench(b)
	const payload = `{"fields":{"project":{"key":"SEC"},"issuetype":{"name":"Task"},"summary":"CVE-2026-1234 on web-01",` +
		`"description":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[` +
		`{"type":"text","text":"Found "},{"type":"text","text":"CVE-2026-1234","marks":[{"type":"strong"}]},` +
		`{"type":"text","text":" on "},{"type":"text","text":"web-01","marks":[{"type":"code"}]},{"type":"text","text":"."}]}]},` +
		`"priority":{"name":"High"},"labels":["cve","web"]}}`
	auth := f.BasicAuthorization()
	do := func(method, url string, body io.Reader, want int) map[string]any {
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != want {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		return out
	}
	b.ReportAllocs()
	for b.Loop() {
		created := do(http.MethodPost, f.URL+"/rest/api/3/issue", strings.NewReader(payload), http.StatusCreated)
		key, _ := created["key"].(string)
		do(http.MethodGet, f.URL+"/rest/api/3/issue/"+key+"?fields=*navigable,attachment", nil, http.StatusOK)
	}
}

// BenchmarkTicketingResolve measures Client.Ticketing for an integration
// whose driver is already built: compare with one CreateTicket round trip.
func BenchmarkTicketingResolve(b *testing.B) {
	c, id, _, _ := jiraBench(b)
	ctx := context.Background()
	if _, err := ticketing.Open(ctx, c, id); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ticketing.Open(ctx, c, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTicketingIterateJira walks benchTickets tickets of the fake Jira
// through Client.Ticketing, 100 per page (Jira's cap).
func BenchmarkTicketingIterateJira(b *testing.B) {
	c, id, f, _ := jiraBench(b)
	n := benchTickets()
	if err := f.AddIssues(n, func(i int) jirafake.Issue {
		return jirafake.Issue{Project: "SEC", Summary: "ticket " + strconv.Itoa(i)}
	}); err != nil {
		b.Fatal(err)
	}
	tk, err := ticketing.Open(context.Background(), c, id)
	if err != nil {
		b.Fatal(err)
	}
	iterate(b, tk, n)
}
