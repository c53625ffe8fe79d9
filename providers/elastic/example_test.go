package elastic_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
	"github.com/seed-e6251c81/synqly/providers/elastic/bulkfake"
)

// An Elasticsearch sink driver built directly with the provider's one
// constructor, used through the portable Connector. The example writes to
// the fake cluster of bulkfake; against Elasticsearch, the url is the
// cluster's (https://...:9200 or an Elastic Cloud endpoint) and the token
// credential holds an API key with the create_doc privilege.
func Example() {
	ctx := context.Background()
	srv := bulkfake.New(bulkfake.Elasticsearch)
	defer srv.Close()
	srv.RejectUIDPrefix("bad-") // the fake's stand-in for a mapping conflict

	key := &credential.TokenCredential{Secret: bulkfake.APIKey}
	d, err := elastic.Elasticsearch.Open(ctx, providers.OpenRequest{
		Config:      &elastic.ElasticsearchConfig{URL: srv.URL, CreateIndex: "ocsf-events", Credential: credential.Inline(key)},
		Credentials: map[string]credential.Config{"credential": key},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	sk := sink.NewConnector(elastic.Elasticsearch, d)

	evs := []ocsf.Event{sinktest.Event("finding-1"), sinktest.Event("finding-2")}
	res, err := sk.PostEvents(ctx, evs, sink.PostOptions{})
	fmt.Println(res.Written, err)
	// The same events again: their documents exist (the _ids are the
	// events'), so nothing is written twice.
	res, err = sk.PostEvents(ctx, evs, sink.PostOptions{})
	fmt.Println(res.Written, err, srv.DocumentCount("ocsf-events"))

	// Another index, and an event the cluster refuses.
	res, err = sk.PostEvents(ctx, []ocsf.Event{sinktest.Event("finding-3"), sinktest.Event("bad-4")},
		sink.PostOptions{Location: "ocsf-archive"})
	fmt.Println(res.Written, res.Failed[0].Index, errors.Is(err, errs.ErrInvalidInput), srv.Indices())
	// Output:
	// 2 <nil>
	// 2 <nil> 2
	// 1 1 true [ocsf-archive ocsf-events]
}
