package mock_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
)

// benchTickets returns the number of tickets BenchmarkIterate walks:
// SYNQLY_BENCH_TICKETS, default 50000.
func benchTickets(b *testing.B) int {
	n := 50_000
	if s := os.Getenv("SYNQLY_BENCH_TICKETS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("SYNQLY_BENCH_TICKETS=%q is not a positive number", s)
		}
		n = v
	}
	return n
}

func benchRequest(i int) ticketing.CreateTicketRequest {
	return ticketing.CreateTicketRequest{
		Summary:     fmt.Sprintf("CVE-2026-%04d on web-%02d", i%10000, i%50),
		Description: "Found **CVE-2026** on `web-01`.\n\nPatch the host, then rotate its keys.",
		Priority:    ticketing.Priorities[i%len(ticketing.Priorities)],
		Project:     "SEC",
		IssueType:   "Incident",
		Tags:        []string{"vuln", "scanner"},
	}
}

func BenchmarkCreateTicket(b *testing.B) {
	ctx := b.Context()
	c := connect(newTicketing(providers.NewMemoryState(), nil, nil))
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CreateTicket(ctx, benchRequest(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkIterate walks every ticket of a State through Connector.Tickets
// in the default order, which streams. Besides time and allocations per
// walk it reports:
//
//   - B/ticket: bytes allocated per ticket walked;
//   - peak-heap-MB: the largest heap in use during the timed walks, sampled
//     every 1000 tickets (live data plus garbage not yet collected, so up
//     to about twice the live heap under the default GOGC; the live heap
//     holds the State itself);
//   - live-growth-MB: the largest growth of the live heap over the live heap
//     before the walk, measured in one more, untimed walk that collects
//     garbage at each quarter. Streaming keeps it at about one page of
//     tickets, whatever the number of tickets.
func BenchmarkIterate(b *testing.B) {
	iterate(b, ticketing.QueryTicketsRequest{Limit: ticketing.MaxTicketLimit})
}

// BenchmarkIterateSorted is BenchmarkIterate in an order that does not
// stream (summary descending): every page decodes and sorts all matching
// tickets, so a walk costs N²/limit decodes and B/ticket and ns/op grow
// with the number of tickets. The sorted tickets are dropped before the
// page is returned, so the heap between pages (what the samples see) does
// not show them.
func BenchmarkIterateSorted(b *testing.B) {
	iterate(b, ticketing.QueryTicketsRequest{Limit: ticketing.MaxTicketLimit, Order: []string{"summary[desc]"}})
}

func iterate(b *testing.B, req ticketing.QueryTicketsRequest) {
	n := benchTickets(b)
	ctx := b.Context()
	d := newTicketing(providers.NewMemoryState(), nil, nil)
	for i := range n {
		if _, err := d.CreateTicket(ctx, benchRequest(i)); err != nil {
			b.Fatal(err)
		}
	}
	c := connect(d)
	// walk iterates every ticket, calling sample every every tickets.
	walk := func(every int, sample func()) {
		seen := 0
		for _, err := range c.AllTickets(ctx, req) {
			if err != nil {
				b.Fatal(err)
			}
			if seen++; seen%every == 0 {
				sample()
			}
		}
		if seen != n {
			b.Fatalf("iterated %d tickets, want %d", seen, n)
		}
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, allocStart, peak := ms.HeapAlloc, ms.TotalAlloc, ms.HeapAlloc
	b.ReportAllocs()
	for b.Loop() {
		walk(1000, func() {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		})
	}
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.TotalAlloc-allocStart)/float64(b.N)/float64(n), "B/ticket")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")

	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base = ms.HeapAlloc
	liveGrowth := uint64(0)
	walk(max(n/4, 1), func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		liveGrowth = max(liveGrowth, ms.HeapAlloc-min(base, ms.HeapAlloc))
	})
	b.ReportMetric(float64(liveGrowth)/(1<<20), "live-growth-MB")
	b.ReportMetric(float64(n), "tickets")
}
