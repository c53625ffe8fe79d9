package splunk_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

// refusedPrefix is the metadata.uid prefix of the events the fake refuses
// (as HEC refuses an event it cannot take: 400 code 6).
const refusedPrefix = "refused-"

func refusedEvent() ocsf.Event { return sinktest.Event(refusedPrefix + "1") }

// TestConformance runs the sink suite over the driver: no index
// configured (the token's default, "main"), posts with a Location land in
// that index ("alerts").
func TestConformance(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: splunk.Sink,
		Location:     "alerts",
		Refused:      refusedEvent,
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			srv := fake(t)
			srv.RejectUIDPrefix(refusedPrefix)
			return openFake(t, srv, nil), received(srv, hecfake.DefaultIndex)
		},
	})
}

// TestConformanceAck: an index configured, indexer acknowledgement on
// (each batch waits for its ackId).
func TestConformanceAck(t *testing.T) {
	fastAcks(t)
	sinktest.Run(t, sinktest.Harness{
		Registration: splunk.Sink,
		Location:     "alerts",
		Refused:      refusedEvent,
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			srv := fake(t, hecfake.WithAck())
			srv.RejectUIDPrefix(refusedPrefix)
			srv.AckAfter(1)
			cfg := &splunk.SinkConfig{Index: "security", UseACK: true, Source: "synqly", SourceType: "ocsf:finding"}
			return openFake(t, srv, cfg), received(srv, "security")
		},
	})
}
