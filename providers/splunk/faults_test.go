package splunk_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

// wrongToken is a well-formed HEC token the fake does not know (403 code
// 4 "Invalid token").
const wrongToken = "11111111-dead-4bad-8bad-wronghectoken"

func faultHarness(cfg *splunk.SinkConfig, opts ...hecfake.Option) sinktest.FaultHarness {
	open := func(token string) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			srv := fake(t, opts...)
			d, err := splunk.Sink.Open(t.Context(), request(t, srv, cfg, token, req))
			if err != nil {
				t.Fatal(err)
			}
			return d, srv.Kit
		}
	}
	return sinktest.FaultHarness{
		Registration:        splunk.Sink,
		Open:                open(hecfake.Token),
		OpenUnauthorized:    open(wrongToken),
		Secrets:             []string{hecfake.Token},
		UnauthorizedSecrets: []string{wrongToken},
	}
}

// TestFaults runs the shared fault and secret-leak suite: PostEvents is
// the write (HEC does not deduplicate it), HEC sends Retry-After with a
// 429.
func TestFaults(t *testing.T) { sinktest.RunFaults(t, faultHarness(nil)) }

// TestFaultsWithAck: the same with indexer acknowledgement on, every
// batch followed by its ack polls.
func TestFaultsWithAck(t *testing.T) {
	fastAcks(t)
	sinktest.RunFaults(t, faultHarness(&splunk.SinkConfig{UseACK: true}, hecfake.WithAck()))
}
