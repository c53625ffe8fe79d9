package elastic_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
	"github.com/seed-e6251c81/synqly/providers/elastic/bulkfake"
)

// rejectedPrefix is the metadata.uid prefix of the events the fakes refuse
// (a mapping conflict).
const rejectedPrefix = "rejected-"

func refused() ocsf.Event { return sinktest.Event(rejectedPrefix + "1") }

// TestConformance runs the sink suite over sink_elasticsearch, with basic
// authentication and with an API key.
func TestConformance(t *testing.T) {
	for _, c := range []struct {
		name string
		cred credential.Config
	}{{"Basic", basic("")}, {"APIKey", apiKey("")}} {
		t.Run(c.name, func(t *testing.T) {
			sinktest.Run(t, sinktest.Harness{
				Registration: elastic.Elasticsearch,
				Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
					srv := fake(t, bulkfake.Elasticsearch)
					srv.RejectUIDPrefix(rejectedPrefix)
					req := esRequest(t, srv, c.cred, providers.OpenRequest{})
					return open(t, elastic.Elasticsearch, req), received(srv)
				},
				Location: otherIndex,
				Refused:  refused,
			})
		})
	}
}

// TestConformanceOpenSearch runs the sink suite over sink_opensearch.
func TestConformanceOpenSearch(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: elastic.OpenSearch,
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			srv := fake(t, bulkfake.OpenSearch)
			srv.RejectUIDPrefix(rejectedPrefix)
			return open(t, elastic.OpenSearch, osRequest(t, srv, basic(""), providers.OpenRequest{})), received(srv)
		},
		Location: otherIndex,
		Refused:  refused,
	})
}
