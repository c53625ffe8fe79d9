package splunk_test

import (
	"context"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

// A Splunk sink driver built directly with the provider's one
// constructor, used through the portable Connector to post OCSF events to
// the fake collector of hecfake; against Splunk, hec_url is the
// collector's (https://splunk.example.com:8088) and the token a HEC
// token. The fake refuses one of the events, as HEC refuses an event it
// cannot take: the others are written.
func Example() {
	ctx := context.Background()
	srv := hecfake.New()
	defer srv.Close()
	srv.RejectUIDPrefix("broken-")

	tok := &credential.TokenCredential{Secret: hecfake.Token}
	d, err := splunk.Sink.Open(ctx, providers.OpenRequest{
		Config:      &splunk.SinkConfig{HECURL: srv.URL, HECCredential: credential.Inline(tok), Index: "security"},
		Credentials: map[string]credential.Config{"hec_credential": tok},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	sk := sink.NewConnector(splunk.Sink, d)

	finding := func(uid, title string) ocsf.Event {
		ev := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
		ev.Time, ev.SeverityID = 1764650000123, ocsf.SeverityIDHigh
		ev.Metadata = &ocsf.Metadata{UID: uid, Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "scanner", VendorName: "acme"}}
		ev.FindingInfo = &ocsf.FindingInfo{UID: "f-" + uid, Title: title}
		return ev
	}
	res, err := sk.PostEvents(ctx, []ocsf.Event{
		finding("evt-1", "Suspicious login"),
		finding("broken-2", "Refused by the collector"),
		finding("evt-3", "Malware detected"),
	}, sink.PostOptions{})
	fmt.Printf("%d of %d written in %d requests\n", res.Written, res.Events, res.Batches)
	if err != nil {
		fmt.Println("event", res.Failed[0].Index, "failed:", res.Failed[0].Err)
	}
	for _, e := range srv.EventsIn("security") {
		fmt.Println(e.Time, e.SourceType, len(e.Event) > 0)
	}
	// Output:
	// 2 of 3 written in 2 requests
	// event 1 failed: invalid_input: sink_splunk post_events: splunk: HEC refused the event: HTTP 400: 6: Invalid data format (invalid-event-number 1)
	// 1764650000.123 ocsf true
	// 1764650000.123 ocsf true
}
