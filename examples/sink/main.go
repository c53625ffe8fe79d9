// Command sink posts OCSF security events through the portable Sink
// connector. It runs on the mock provider by default (no network; the
// events are kept in the embedded SQLite store, and read back), and
// against a real receiver with flags and environment variables:
//
//	go run ./examples/sink                                      # mock provider, 2500 events
//	go run ./examples/sink -n 100000                            # more events, same bounded memory
//	SINK_HTTP_TOKEN=... go run ./examples/sink -provider http -url https://receiver.example.com/ingest
//
// Secrets are read from the environment only, stored sealed as credentials,
// and never printed. Tests never run this program against a real vendor.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/examples/internal/setup"
	"github.com/seed-e6251c81/synqly/ocsf"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/httpsink"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

type flags struct {
	provider, url, location, db string
	n                           int
}

func main() {
	var f flags
	flag.StringVar(&f.provider, "provider", "mock", "mock or http")
	flag.StringVar(&f.url, "url", "", "the receiver's URL (http)")
	flag.StringVar(&f.location, "location", "", "where in the sink the events go (an index, a path), in the provider's terms")
	flag.StringVar(&f.db, "db", "", "SQLite database file (default: $SYNQLY_DB or synqly.DefaultDatabasePath())")
	flag.IntVar(&f.n, "n", 2500, "how many events to post")
	flag.Parse()
	if err := run(context.Background(), f); err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		os.Exit(1)
	}
}

func providerConfig(f flags) (*synqly.ProviderConfig, error) {
	switch f.provider {
	case "mock":
		return &synqly.ProviderConfig{Type: mock.SinkID, Config: &mock.SinkConfig{Destination: "example"}}, nil
	case "http":
		if f.url == "" {
			return nil, errors.New("http needs -url")
		}
		cfg := &httpsink.SinkConfig{URL: f.url, RequestBodyFormat: httpsink.FormatJSONL}
		if tok := os.Getenv("SINK_HTTP_TOKEN"); tok != "" {
			cfg.Authorization = &httpsink.Authorization{Type: httpsink.AuthToken,
				Credential: credential.Inline(&credential.TokenCredential{Secret: credential.Secret(tok)})}
		}
		return &synqly.ProviderConfig{Type: httpsink.ID, Config: cfg}, nil
	}
	return nil, fmt.Errorf("unknown provider %q: use mock or http", f.provider)
}

// event returns the i-th event of a run: detection findings and logons,
// with a member the schema does not define (kept as it is).
func event(i int, run string, now ocsf.Timestamp) ocsf.Event {
	meta := &ocsf.Metadata{UID: fmt.Sprintf("%s-%06d", run, i), Version: ocsf.SchemaVersion,
		Product: &ocsf.Product{Name: "examples/sink", VendorName: "synqly"}}
	if i%4 == 3 {
		ev := &ocsf.Authentication{ActivityID: ocsf.AuthenticationActivityIDLogon, StatusID: ocsf.StatusIDFailure}
		ev.Time, ev.Metadata, ev.SeverityID = now, meta, ocsf.SeverityIDMedium
		ev.User = &ocsf.User{Name: fmt.Sprintf("user%03d", i%100)}
		ev.DstEndpoint = &ocsf.NetworkEndpoint{Hostname: "vpn.example.com"}
		return ev
	}
	ev := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
	ev.ConfidenceID = ocsf.ConfidenceIDHigh
	ev.Time, ev.Metadata, ev.SeverityID = now, meta, ocsf.SeverityIDHigh
	ev.Message = fmt.Sprintf("Encoded PowerShell on host-%03d", i%250)
	ev.FindingInfo = &ocsf.FindingInfo{UID: meta.UID, Title: "Encoded PowerShell", Types: []string{"Execution"}}
	ev.Device = &ocsf.Device{Hostname: fmt.Sprintf("host-%03d.corp", i%250), TypeID: ocsf.DeviceTypeIDDesktop}
	ev.Extra = map[string]json.RawMessage{"x_example_run": json.RawMessage(fmt.Sprintf("%q", run))}
	ev.FillCaptions()
	return ev
}

func run(ctx context.Context, f flags) error {
	cfg, err := providerConfig(f)
	if err != nil {
		return err
	}
	c, ctx, err := setup.Open(ctx, f.db, "examples/sink")
	if err != nil {
		return err
	}
	defer c.Close()
	tenant, integrationID, err := setup.Integration(ctx, c, "sink-example", "example-"+f.provider, cfg)
	if err != nil {
		return err
	}

	sk, err := sink.Open(ctx, tenant, integrationID)
	if err != nil {
		return err
	}
	// The events are made as they are written: a Writer holds one batch
	// being filled and one being sent, so memory does not grow with -n.
	// (For a slice in hand, sk.PostEvents does the same in one call.)
	runID := time.Now().UTC().Format("20060102T150405.000")
	now := ocsf.TimestampOf(time.Now())
	start := time.Now()
	w, err := sk.NewWriter(ctx, sink.PostOptions{Location: f.location})
	if err != nil {
		return err
	}
	for i := range f.n {
		if err := w.Write(event(i, runID, now)); err != nil {
			break // Close reports it, with every event not written
		}
	}
	res, err := w.Close()
	if res != nil {
		fmt.Printf("posted   %d events in %d batches (%s): written %d, failed %d\n",
			res.Events, res.Batches, time.Since(start).Round(time.Millisecond), res.Written, len(res.Failed))
		for i, fl := range res.Failed {
			if i == 5 {
				fmt.Printf("         ... and %d more\n", len(res.Failed)-5)
				break
			}
			fmt.Printf("         events[%d]: %v\n", fl.Index, fl.Err)
		}
	}
	if err != nil {
		return err
	}

	// The mock keeps what it received: count this run's events.
	var log mock.SinkLog
	if ok, _ := sk.As(ctx, &log); ok {
		total, mine := 0, 0
		var after int64
		for {
			recs, err := log.Posted(ctx, after, 10_000)
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				break
			}
			for _, r := range recs {
				total++
				ev, err := ocsf.Decode(r.Event)
				if err != nil {
					return err
				}
				if m := ev.EventBase().Metadata; m != nil && len(m.UID) > len(runID) && m.UID[:len(runID)] == runID {
					mine++
				}
				after = r.Seq
			}
		}
		fmt.Printf("received %d events of this run (%d in the sink in all)\n", mine, total)
		if mine != f.n {
			return fmt.Errorf("the sink holds %d events of this run, want %d", mine, f.n)
		}
	}
	return nil
}
