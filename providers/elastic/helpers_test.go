package elastic_test

import (
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
	"github.com/seed-e6251c81/synqly/providers/elastic/bulkfake"
)

// defaultIndex is the create_index of the tests' integrations; otherIndex
// a location besides it.
const (
	defaultIndex = "ocsf-events"
	otherIndex   = "ocsf-other"
)

// fastRetries keep fault tests quick.
var fastRetries = providers.HTTPOptions{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// fake starts a fake cluster of the flavor, closed with the test.
func fake(t testing.TB, flavor bulkfake.Flavor, opts ...bulkfake.Option) *bulkfake.Server {
	t.Helper()
	srv := bulkfake.New(flavor, opts...)
	t.Cleanup(srv.Close)
	return srv
}

// basic is the fake's basic credential, or one with another password.
func basic(password string) *credential.BasicCredential {
	if password == "" {
		password = bulkfake.Password
	}
	return &credential.BasicCredential{Username: bulkfake.Username, Secret: credential.Secret(password)}
}

// apiKey is a token credential holding an API key (the fake's unless
// set).
func apiKey(key string) *credential.TokenCredential {
	if key == "" {
		key = bulkfake.APIKey
	}
	return &credential.TokenCredential{Secret: credential.Secret(key)}
}

// withClient fills req's HTTP client (the fake's, its idle connections
// closed with the test) and fastRetries unless req sets retry waits.
func withClient(t testing.TB, srv *bulkfake.Server, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	if req.HTTPClient == nil {
		req.HTTPClient = srv.Client()
		t.Cleanup(req.HTTPClient.CloseIdleConnections)
	}
	if req.RetryWaitMin == 0 && req.RetryWaitMax == 0 {
		req.HTTPOptions = fastRetries
	}
	return req
}

// esRequest returns the OpenRequest of a sink_elasticsearch integration of
// srv writing to defaultIndex with cred.
func esRequest(t testing.TB, srv *bulkfake.Server, cred credential.Config, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	req.Config = &elastic.ElasticsearchConfig{URL: srv.URL, CreateIndex: defaultIndex, Credential: credential.Inline(cred)}
	req.Credentials = map[string]credential.Config{"credential": cred}
	return withClient(t, srv, req)
}

// osRequest is esRequest's sink_opensearch twin.
func osRequest(t testing.TB, srv *bulkfake.Server, cred *credential.BasicCredential, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	req.Config = &elastic.OpenSearchConfig{URL: srv.URL, CreateIndex: defaultIndex, Credential: credential.Inline(cred)}
	req.Credentials = map[string]credential.Config{"credential": cred}
	return withClient(t, srv, req)
}

// open builds a driver with r, closed with the test.
func open(t testing.TB, r sink.Registration, req providers.OpenRequest) sink.Driver {
	t.Helper()
	d, err := r.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("%s.Open: %v", r.ID, err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// received reads what srv holds, as the sink suite's Records: the
// default index is location "".
func received(srv *bulkfake.Server) sinktest.Received {
	return func(t *testing.T) []sinktest.Record {
		var out []sinktest.Record
		for _, ix := range srv.Indices() {
			loc := ix
			if ix == defaultIndex {
				loc = ""
			}
			for _, d := range srv.Documents(ix) {
				out = append(out, sinktest.Record{Location: loc, Event: d.Source})
			}
		}
		return out
	}
}
