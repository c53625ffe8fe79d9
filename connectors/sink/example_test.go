package sink_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func finding(uid string) *ocsf.DetectionFinding {
	ev := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
	ev.Time = ocsf.Timestamp(1764650000000)
	ev.SeverityID = ocsf.SeverityIDHigh
	ev.Metadata = &ocsf.Metadata{UID: uid, Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "Guardian EDR", VendorName: "Example"}}
	ev.FindingInfo = &ocsf.FindingInfo{UID: "f-" + uid, Title: "Encoded PowerShell"}
	return ev
}

// ExampleOpen posts OCSF events through a sink integration of the
// management plane. The mock sink keeps what it receives in the store.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "synqly-example")
	defer os.RemoveAll(dir)
	c, err := synqly.Open(ctx, synqly.WithDatabasePath(filepath.Join(dir, "synqly.db")),
		synqly.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	acct, _ := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme"})
	tenant := c.Account(acct.ID)
	res, err := tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "siem",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.SinkID, Config: &mock.SinkConfig{}}})
	if err != nil {
		log.Fatal(err)
	}

	sk, err := sink.Open(ctx, tenant, res.Integration.ID)
	if err != nil {
		log.Fatal(err)
	}
	out, err := sk.PostEvents(ctx, []ocsf.Event{finding("evt-1"), finding("evt-2")}, sink.PostOptions{Location: "edr"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("written:", out.Written, "batches:", out.Batches)

	var log mock.SinkLog
	if ok, _ := sk.As(ctx, &log); ok {
		recs, _ := log.Posted(ctx, 0, 10)
		for _, r := range recs {
			ev, _ := ocsf.Decode(r.Event)
			fmt.Println(r.Seq, r.Location, ev.ClassName(), ev.EventBase().Metadata.UID)
		}
	}
	// Output:
	// written: 2 batches: 1
	// 1 edr Detection Finding evt-1
	// 2 edr Detection Finding evt-2
}

// ExampleConnector_PostEvents shows a post whose events are partly
// refused: every event that was not written is reported, by index.
func ExampleConnector_PostEvents() {
	ctx := context.Background()
	// The mock refuses Authentication events when told to.
	d, err := mock.Sink.Open(ctx, providers.OpenRequest{Config: &mock.SinkConfig{RejectClasses: []int32{3002}}})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	sk := sink.NewConnector(mock.Sink, d)

	login := &ocsf.Authentication{ActivityID: ocsf.AuthenticationActivityIDLogon}
	login.Time = 1764650000000
	login.Metadata = &ocsf.Metadata{Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "IdP"}}
	login.User = &ocsf.User{Name: "alice"}
	login.DstEndpoint = &ocsf.NetworkEndpoint{Hostname: "vpn.example.com"}

	res, err := sk.PostEvents(ctx, []ocsf.Event{finding("a"), login, finding("b")}, sink.PostOptions{})
	var pe *sink.PostError
	fmt.Println(errors.As(err, &pe), res.Written)
	for _, f := range res.Failed {
		fmt.Println(f.Index, f.Err)
	}
	// Output:
	// true 2
	// 1 invalid_input: sink_mock_sink post_events: the mock sink is configured to refuse Authentication events (class_uid 3002)
}

// ExampleConnector_NewWriter streams events with bounded memory: Write
// blocks while a batch is being sent.
func ExampleConnector_NewWriter() {
	ctx := context.Background()
	d, _ := mock.Sink.Open(ctx, providers.OpenRequest{})
	defer d.Close()
	w, err := sink.NewConnector(mock.Sink, d).NewWriter(ctx, sink.PostOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for i := range 1000 {
		if err := w.Write(finding(fmt.Sprint(i))); err != nil {
			log.Fatal(err)
		}
	}
	res, err := w.Close()
	fmt.Println(res.Written, res.Batches, err)
	// Output:
	// 1000 5 <nil>
}
