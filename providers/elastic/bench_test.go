package elastic_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
)

// benchEvents is the size of one benchmarked post.
const benchEvents = 100_000

// cheapBulk is a bulk endpoint that costs as little as can be: it counts
// the body's lines (two an action) and answers each action a created item,
// with the product header the Elasticsearch client checks.
type cheapBulk struct{ actions atomic.Int64 }

func (h *cheapBulk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf [64 << 10]byte
	lines := 0
	for {
		k, err := r.Body.Read(buf[:])
		lines += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			break
		}
		if err != nil {
			return
		}
	}
	n := lines / 2
	h.actions.Add(int64(n))
	const item = `{"create":{"status":201}}`
	out := make([]byte, 0, 40+n*(len(item)+1))
	out = append(out, `{"took":1,"errors":false,"items":[`...)
	for i := range n {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, item...)
	}
	out = append(out, "]}"...)
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, _ = w.Write(out)
}

func startCheapBulk(tb testing.TB) (*httptest.Server, *cheapBulk) {
	tb.Helper()
	h := &cheapBulk{}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv, h
}

func benchEventSet() []ocsf.Event {
	evs := make([]ocsf.Event, benchEvents)
	for i := range evs {
		evs[i] = sinktest.Event(fmt.Sprintf("bench-%06d", i))
	}
	return evs
}

// benchDriver opens sink_elasticsearch over srv.
func benchDriver(b *testing.B, srv *httptest.Server) sink.Driver {
	b.Helper()
	cred := &credential.BasicCredential{Username: "elastic", Secret: "bench-password"}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(hc.CloseIdleConnections)
	d, err := elastic.Elasticsearch.Open(b.Context(), providers.OpenRequest{HTTPClient: hc,
		Config: &elastic.ElasticsearchConfig{URL: srv.URL, CreateIndex: "bench", Credential: credential.Inline(cred)}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = d.Close() })
	return d
}

// BenchmarkPostEvents posts 100,000 events (sinktest.Event, about 510
// bytes of OCSF JSON each) to a bulk endpoint that accepts them cheaply:
//
//   - "connector": sink.Connector.PostEvents over the sink_elasticsearch
//     driver (validation and encoding of every event, batches within
//     Limits, the NDJSON with the events' _ids, the Go client, the shared
//     retrying transport, the answer read, the connector's span and
//     metrics);
//   - "baseline": the same events as hand-written NDJSON bulk requests of
//     the same batches and the same bodies (each event encoded with
//     MarshalJSON, the same create actions and _ids) with plain net/http,
//     checking only the status and "errors":false;
//   - "baseline_validated": the baseline validating each event first, as
//     the connector must (the sink package's own benchmark calls that what
//     any sender owes);
//   - "interleaved": one post of each per iteration, so that all three see
//     the same machine load, and the ratios of their throughputs.
//
// Each reports events/s and the process's CPU time per op (client, server
// and GC: less sensitive than the wall clock to what else the machine
// runs; the machines are shared).
func BenchmarkPostEvents(b *testing.B) {
	evs := benchEventSet()
	srv, h := startCheapBulk(b)
	connector := func(b *testing.B) func() {
		c := sink.NewConnector(elastic.Elasticsearch, benchDriver(b, srv))
		return func() {
			res, err := c.PostEvents(b.Context(), evs, sink.PostOptions{})
			if err != nil || res.Written != benchEvents {
				b.Fatalf("%d written: %v", res.Written, err)
			}
		}
	}
	baseline := func(validate bool) func(b *testing.B) func() {
		return func(b *testing.B) func() {
			hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
			b.Cleanup(hc.CloseIdleConnections)
			return func() {
				if err := baselinePost(b.Context(), hc, srv.URL+"/bench/_bulk", evs, validate); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	posts := []struct {
		name string
		post func(*testing.B) func()
	}{{"connector", connector}, {"baseline", baseline(false)}, {"baseline_validated", baseline(true)}}
	for _, c := range posts {
		b.Run(c.name, func(b *testing.B) {
			post := c.post(b)
			h.actions.Store(0)
			cpu0 := cpuTime()
			b.ReportAllocs()
			for b.Loop() {
				post()
			}
			report(b, h, int64(b.N), cpu0)
		})
	}
	b.Run("interleaved", func(b *testing.B) {
		var run [3]func()
		for i, c := range posts {
			run[i] = c.post(b)
		}
		var wall, cpu [3]time.Duration
		n := 0
		for b.Loop() {
			for i := range run {
				w0, c0 := time.Now(), cpuTime()
				run[i]()
				wall[i] += time.Since(w0)
				cpu[i] += cpuTime() - c0
			}
			n++
		}
		b.ReportMetric(float64(benchEvents*n)/wall[0].Seconds(), "connector-events/s")
		b.ReportMetric(float64(benchEvents*n)/wall[1].Seconds(), "baseline-events/s")
		b.ReportMetric(wall[1].Seconds()/wall[0].Seconds(), "ratio")
		b.ReportMetric(wall[2].Seconds()/wall[0].Seconds(), "ratio-validated")
		b.ReportMetric(cpu[1].Seconds()/cpu[0].Seconds(), "cpu-ratio")
		b.ReportMetric(cpu[2].Seconds()/cpu[0].Seconds(), "cpu-ratio-validated")
	})
}

// BenchmarkWriteBatch isolates what this package adds: the driver's
// WriteBatch of 100 batches of 1,000 events already encoded (the NDJSON
// with the _ids, the Go client, the shared retrying transport, the answer
// read) against hand-written bulk requests of the same bodies, one of each
// per iteration; it reports their events/s and the ratios driver/baseline
// of throughput and of CPU time. The rest of BenchmarkPostEvents' gap is
// the connector's (validating and encoding each event, batching,
// telemetry).
func BenchmarkWriteBatch(b *testing.B) {
	evs := benchEventSet()
	srv, _ := startCheapBulk(b)
	var batches []*sink.Batch
	for i := 0; i < len(evs); i += elastic.Limits.MaxEvents {
		bt := &sink.Batch{}
		for j, ev := range evs[i:min(i+elastic.Limits.MaxEvents, len(evs))] {
			js, err := ev.MarshalJSON()
			if err != nil {
				b.Fatal(err)
			}
			bt.Items = append(bt.Items, sink.Item{Index: i + j, Event: ev, JSON: js})
			bt.Bytes += len(js)
		}
		batches = append(batches, bt)
	}
	d := benchDriver(b, srv)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	var body []byte
	var wall, cpu [2]time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		w0, c0 := time.Now(), cpuTime()
		for _, bt := range batches {
			if err := d.WriteBatch(b.Context(), bt); err != nil {
				b.Fatal(err)
			}
		}
		w1, c1 := time.Now(), cpuTime()
		for _, bt := range batches {
			body = body[:0]
			for _, it := range bt.Items {
				body = appendAction(body, it.JSON)
			}
			if err := baselineSend(b.Context(), hc, srv.URL+"/bench/_bulk", body); err != nil {
				b.Fatal(err)
			}
		}
		wall[0], wall[1] = wall[0]+w1.Sub(w0), wall[1]+time.Since(w1)
		cpu[0], cpu[1] = cpu[0]+c1-c0, cpu[1]+cpuTime()-c1
		n++
	}
	b.ReportMetric(float64(benchEvents*n)/wall[0].Seconds(), "driver-events/s")
	b.ReportMetric(float64(benchEvents*n)/wall[1].Seconds(), "baseline-events/s")
	b.ReportMetric(wall[1].Seconds()/wall[0].Seconds(), "ratio")
	b.ReportMetric(cpu[1].Seconds()/cpu[0].Seconds(), "cpu-ratio")
}

// appendAction appends a create action with the event's _id and the
// event's JSON, by hand.
func appendAction(body, js []byte) []byte {
	sum := sha256.Sum256(js)
	body = append(body, `{"create":{"_id":"`...)
	body = hex.AppendEncode(body, sum[:20])
	body = append(body, "\"}}\n"...)
	body = append(body, js...)
	return append(body, '\n')
}

// baselineSend posts one NDJSON bulk body with plain net/http and checks
// only the status and "errors":false.
func baselineSend(ctx context.Context, hc *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.SetBasicAuth("elastic", "bench-password")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	ans, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(ans[:min(len(ans), 64)], []byte(`"errors":false`)) {
		return fmt.Errorf("HTTP %d: %v", resp.StatusCode, err)
	}
	return nil
}

// baselinePost sends evs as bulk requests of elastic.Limits' batches, by
// hand, validating each event first if validate is set.
func baselinePost(ctx context.Context, hc *http.Client, url string, evs []ocsf.Event, validate bool) error {
	lim := elastic.Limits
	var body []byte
	n, size := 0, 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		if err := baselineSend(ctx, hc, url, body); err != nil {
			return err
		}
		body, n, size = body[:0], 0, 0
		return nil
	}
	if validate {
		for _, ev := range evs {
			if err := ev.Validate(); err != nil {
				return err
			}
		}
	}
	for _, ev := range evs {
		j, err := ev.MarshalJSON()
		if err != nil {
			return err
		}
		if n == lim.MaxEvents || size+len(j) > lim.MaxBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		body = appendAction(body, j)
		n, size = n+1, size+len(j)
	}
	return flush()
}

// report adds events/s and the process's CPU time per op since cpu0, and
// checks that the endpoint got every event.
func report(b *testing.B, h *cheapBulk, ops int64, cpu0 time.Duration) {
	b.Helper()
	cpu := cpuTime() - cpu0
	if got, want := h.actions.Load(), ops*benchEvents; got != want {
		b.Fatalf("the endpoint got %d actions, want %d", got, want)
	}
	b.ReportMetric(float64(ops)*benchEvents/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(ops), "cpu-ns/op")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
