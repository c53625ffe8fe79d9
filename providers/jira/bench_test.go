package jira_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// The ticket both create benchmarks create.
var benchTicket = ticketing.CreateTicketRequest{
	Summary:     "CVE-2026-1234 on web-01",
	Description: "Found **CVE-2026-1234** on `web-01`.",
	Project:     "SEC",
	IssueType:   "Task",
	Priority:    ticketing.PriorityHigh,
	Tags:        []string{"cve", "web"},
}

// benchPayload is the JSON the driver sends for benchTicket, written by
// hand (TestBenchPayload checks it is the same).
const benchPayload = `{"fields":{` +
	`"project":{"key":"SEC"},"issuetype":{"name":"Task"},"summary":"CVE-2026-1234 on web-01",` +
	`"description":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[` +
	`{"type":"text","text":"Found "},{"type":"text","text":"CVE-2026-1234","marks":[{"type":"strong"}]},` +
	`{"type":"text","text":" on "},{"type":"text","text":"web-01","marks":[{"type":"code"}]},{"type":"text","text":"."}]}]},` +
	`"priority":{"name":"High"},"labels":["cve","web"]}}`

// newClient returns a keep-alive HTTP client of its own.
func newClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// benchDriver returns a Connector over a driver for the fake, built with
// Ticketing.Open, calling through a keep-alive client of its own (as the
// raw baselines do).
func benchDriver(tb testing.TB, f *jirafake.Server) *ticketing.Connector {
	tb.Helper()
	cred := &credential.BasicCredential{Username: f.Email, Secret: credential.Secret(f.Token)}
	d, err := jira.Ticketing.Open(context.Background(), providers.OpenRequest{
		Config:      &jira.TicketingConfig{URL: f.URL, Credential: credential.Inline(cred)},
		Credentials: map[string]credential.Config{"credential": cred},
		HTTPClient:  newClient(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ticketing.NewConnector(jira.Ticketing, d)
}

func TestBenchPayload(t *testing.T) {
	f := jirafake.New(t)
	if _, err := benchDriver(t, f).CreateTicket(context.Background(), benchTicket); err != nil {
		t.Fatal(err)
	}
	var sent []byte
	for _, r := range f.Requests() {
		if r.Method == http.MethodPost && r.Path == "/rest/api/3/issue" {
			sent = r.Body
		}
	}
	var a, b any
	if err := json.Unmarshal(sent, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(benchPayload), &b); err != nil {
		t.Fatal(err)
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	if !bytes.Equal(x, y) {
		t.Fatalf("the driver sends\n%s\nthe raw benchmark sends\n%s", x, y)
	}
}

// BenchmarkCreateTicket creates tickets through the Connector and the
// driver: validation, ADF conversion, POST /issue, then the read-back of
// the new issue (GET /issue/{key}) and its conversion to a Ticket.
func BenchmarkCreateTicket(b *testing.B) {
	f := jirafake.New(b)
	c := benchDriver(b, f)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CreateTicket(ctx, benchTicket); err != nil {
			b.Fatal(err)
		}
	}
}

// rawPost sends benchPayload as the driver does and decodes the answer.
func rawPost(b *testing.B, hc *http.Client, f *jirafake.Server, auth string) map[string]any {
	req, err := http.NewRequest(http.MethodPost, f.URL+"/rest/api/3/issue", bytes.NewReader([]byte(benchPayload)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		b.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	return out
}

// BenchmarkCreateTicketRawHTTP is the baseline: the same JSON payload
// POSTed by hand to the same endpoint with the same authentication, the
// answer decoded into a map.
func BenchmarkCreateTicketRawHTTP(b *testing.B) {
	f := jirafake.New(b)
	hc := newClient()
	auth := f.BasicAuthorization()
	b.ReportAllocs()
	for b.Loop() {
		rawPost(b, hc, f, auth)
	}
}

// BenchmarkCreateTicketRawHTTPWithRead is the baseline for the same work
// as the driver's: the POST, then GET /issue/{key} decoded into a map
// (Jira answers a create with the key only, so the driver reads the issue
// back to return a whole ticket).
func BenchmarkCreateTicketRawHTTPWithRead(b *testing.B) {
	f := jirafake.New(b)
	hc := newClient()
	auth := f.BasicAuthorization()
	b.ReportAllocs()
	for b.Loop() {
		created := rawPost(b, hc, f, auth)
		key, _ := created["key"].(string)
		req, err := http.NewRequest(http.MethodGet, f.URL+"/rest/api/3/issue/"+key+"?fields=*navigable,attachment", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out map[string]any
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
	}
}

// BenchmarkIterateTickets iterates over every ticket of a site holding
// SYNQLY_BENCH_TICKETS tickets (default 50000) through Connector.AllTickets,
// page by page. It reports the bytes allocated per ticket and the peak
// heap, sampled every 1000 tickets (both include the in-process fake's
// rendering of its JSON), the peak heap growth over the heap before the
// iteration (which holds the fake's tickets), and the live heap growth.
func BenchmarkIterateTickets(b *testing.B) {
	n := 50000
	if v := os.Getenv("SYNQLY_BENCH_TICKETS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("SYNQLY_BENCH_TICKETS=%q is not a positive number", v)
		}
	}
	f := jirafake.New() // not New(b): a cleanup would keep the site alive across -count runs
	defer f.Close()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	err := f.AddIssues(n, func(i int) jirafake.Issue {
		return jirafake.Issue{
			Summary:     "Vulnerability " + strconv.Itoa(i) + " on host-" + strconv.Itoa(i%500),
			Description: "Scanner finding " + strconv.Itoa(i) + ".\n\nPatch and rescan.",
			Labels:      []string{"scanner", "cve"},
			Priority:    []string{"Highest", "High", "Medium", "Low"}[i%4],
			Created:     base.Add(time.Duration(i) * time.Second),
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	c := benchDriver(b, f)
	ctx := context.Background()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before, allocStart := ms.HeapAlloc, ms.TotalAlloc
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		count := 0
		for _, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: 1000}) {
			if err != nil {
				b.Fatal(err)
			}
			count++
			if count%1000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if count != n {
			b.Fatalf("iterated %d tickets, want %d", count, n)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.TotalAlloc-allocStart)/float64(b.N*n), "B/ticket")
	b.ReportMetric(float64(peak), "peak-heap-B")
	b.ReportMetric(float64(peak-min(peak, before)), "peak-heap-growth-B")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/ticket")

	// HeapAlloc includes garbage the collector has not reclaimed yet, so
	// the peak above mostly shows GOGC's headroom. One more, untimed pass
	// collects before each sample, to show what the iteration keeps live:
	// about one page.
	var live uint64
	count := 0
	for _, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: 1000}) {
		if err != nil {
			b.Fatal(err)
		}
		if count++; count%10000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = max(live, ms.HeapAlloc-min(ms.HeapAlloc, before))
		}
	}
	b.ReportMetric(float64(live), "live-heap-growth-B")
}
