package splunk_test

import (
	"bytes"
	"encoding/json"
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
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

// benchEvents is the size of the post of BenchmarkPostEvents.
const benchEvents = 100_000

// cheapHEC is a collector that accepts every batch cheaply: it reads the
// body, counts its lines (one event each) and answers HEC's success.
type cheapHEC struct {
	events, requests atomic.Int64
}

func (h *cheapHEC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf [64 << 10]byte
	n := 0
	for {
		k, err := r.Body.Read(buf[:])
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			break
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	h.events.Add(int64(n))
	h.requests.Add(1)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_, _ = io.WriteString(w, `{"text":"Success","code":0}`)
}

// BenchmarkPostEvents posts 100,000 events (sinktest.Event, about 510
// bytes of OCSF JSON each) to a collector that accepts batches cheaply:
// through sink.Connector.PostEvents and the driver ("connector":
// validation and encoding of every event, batching within the driver's
// Limits, HEC's envelopes, the shared HTTP client with its retry
// machinery and redaction, the connector's span and metrics), and with a
// hand-written minimal HEC client ("raw": each event encoded with
// MarshalJSON into the same envelope, batches of the same 1,000 events,
// plain net/http, HEC's answer decoded and checked), and with that client
// validating each event first, as the connector must ("raw_validated").
// connector/raw is the library's overhead, connector/raw_validated the
// share of it that is not the validation every post owes; all report
// events/s. The machines are shared: compare the three in one run.
func BenchmarkPostEvents(b *testing.B) {
	evs := make([]ocsf.Event, benchEvents)
	for i := range evs {
		evs[i] = sinktest.Event(fmt.Sprintf("bench-%06d", i))
	}
	h := &cheapHEC{}
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)

	b.Run("connector", func(b *testing.B) {
		client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		b.Cleanup(client.CloseIdleConnections)
		ref, tok := tokenRef(hecfake.Token)
		d, err := splunk.Sink.Open(b.Context(), providers.OpenRequest{
			Config:      &splunk.SinkConfig{HECURL: ts.URL, HECCredential: ref},
			Credentials: map[string]credential.Config{"hec_credential": tok},
			HTTPClient:  client,
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = d.Close() })
		c := sink.NewConnector(splunk.Sink, d)
		ctx := b.Context()
		h.events.Store(0)
		h.requests.Store(0)
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			res, err := c.PostEvents(ctx, evs, sink.PostOptions{})
			if err != nil || res.Written != benchEvents || res.Batches != benchEvents/splunk.MaxBatchEvents {
				b.Fatalf("%d written in %d batches: %v", res.Written, res.Batches, err)
			}
		}
		report(b, h, cpu)
	})

	// The baseline, and the baseline validating each event as the
	// connector does (Event.Validate) before it is encoded: the share of
	// the connector's validation in the gap.
	b.Run("raw", func(b *testing.B) { rawPost(b, ts.URL, h, evs, false) })
	b.Run("raw_validated", func(b *testing.B) { rawPost(b, ts.URL, h, evs, true) })
}

// rawPost is the hand-written minimal HEC client of BenchmarkPostEvents:
// batches of MaxBatchEvents events, each encoded with MarshalJSON into
// HEC's envelope, POSTed with plain net/http, HEC's answer decoded and
// checked.
func rawPost(b *testing.B, base string, h *cheapHEC, evs []ocsf.Event, validate bool) {
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(client.CloseIdleConnections)
	url := base + "/services/collector/event"
	ctx := b.Context()
	h.events.Store(0)
	h.requests.Store(0)
	var body []byte
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		for start := 0; start < len(evs); start += splunk.MaxBatchEvents {
			body = body[:0]
			for _, ev := range evs[start:min(start+splunk.MaxBatchEvents, len(evs))] {
				if validate {
					if err := ev.Validate(); err != nil {
						b.Fatal(err)
					}
				}
				js, err := ev.MarshalJSON()
				if err != nil {
					b.Fatal(err)
				}
				ms := int64(ev.EventBase().Time)
				body = append(body, `{"time":`...)
				body = strconv.AppendInt(body, ms/1000, 10)
				body = append(body, '.', byte('0'+ms%1000/100), byte('0'+ms%100/10), byte('0'+ms%10))
				body = append(body, `,"sourcetype":"ocsf","event":`...)
				body = append(body, js...)
				body = append(body, "}\n"...)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Splunk "+hecfake.Token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(hecfake.ChannelHeader, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			var ans struct {
				Text string `json:"text"`
				Code *int   `json:"code"`
			}
			if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(data, &ans) != nil || ans.Code == nil || *ans.Code != 0 {
				b.Fatalf("HTTP %d %q: %v", resp.StatusCode, data, err)
			}
		}
	}
	report(b, h, cpu)
}

// report adds events/s and the process's CPU time per op since cpu0
// (client, server and GC: less sensitive than the wall clock to what else
// the machine runs), and checks that the collector got every event.
func report(b *testing.B, h *cheapHEC, cpu0 time.Duration) {
	b.Helper()
	cpu := cpuTime() - cpu0
	if got, want := h.events.Load(), int64(b.N)*benchEvents; got != want {
		b.Fatalf("the collector got %d events, want %d", got, want)
	}
	b.ReportMetric(float64(b.N)*benchEvents/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
