package splunk_test

import (
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

// fake starts a fake collector closed with the test.
func fake(t testing.TB, opts ...hecfake.Option) *hecfake.Server {
	t.Helper()
	srv := hecfake.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// fastRetries keep fault tests quick.
var fastRetries = providers.HTTPOptions{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// fastAcks makes acknowledgement polls quick for the test.
func fastAcks(t testing.TB) {
	t.Helper()
	t.Cleanup(splunk.SetAckPolls(time.Millisecond, 5*time.Millisecond))
}

func tokenRef(tok string) (*credential.Ref, *credential.TokenCredential) {
	c := &credential.TokenCredential{Secret: credential.Secret(tok)}
	return credential.Inline(c), c
}

// request returns the OpenRequest of a sink_splunk integration of srv: cfg
// (a fresh one if nil) with srv's URL and the token (hecfake.Token if
// ""), the fake's HTTP client (its idle connections closed with the test)
// and fastRetries unless req sets retry waits.
func request(t testing.TB, srv *hecfake.Server, cfg *splunk.SinkConfig, token string, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	if cfg == nil {
		cfg = &splunk.SinkConfig{}
	}
	if token == "" {
		token = hecfake.Token
	}
	ref, tok := tokenRef(token)
	c := *cfg
	if c.HECURL == "" {
		c.HECURL = srv.URL
	}
	c.HECCredential = ref
	req.Config = &c
	req.Credentials = map[string]credential.Config{"hec_credential": tok}
	if req.HTTPClient == nil {
		req.HTTPClient = srv.Client()
		t.Cleanup(req.HTTPClient.CloseIdleConnections)
	}
	if req.RetryWaitMin == 0 && req.RetryWaitMax == 0 {
		req.HTTPOptions = fastRetries
	}
	return req
}

// open builds a driver, closed with the test.
func open(t testing.TB, req providers.OpenRequest) sink.Driver {
	t.Helper()
	d, err := splunk.Sink.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("Sink.Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// openFake builds a driver over srv with cfg.
func openFake(t testing.TB, srv *hecfake.Server, cfg *splunk.SinkConfig) sink.Driver {
	t.Helper()
	return open(t, request(t, srv, cfg, "", providers.OpenRequest{}))
}

// received reads what srv holds as the conformance suite's records: the
// events of def (the integration's index) at location "", the others at
// their index.
func received(srv *hecfake.Server, def string) sinktest.Received {
	return func(t *testing.T) []sinktest.Record {
		evs := srv.Events()
		out := make([]sinktest.Record, len(evs))
		for i, e := range evs {
			loc := e.Index
			if loc == def {
				loc = ""
			}
			out[i] = sinktest.Record{Location: loc, Event: e.Event}
		}
		return out
	}
}

// batch returns a batch of the events, encoded as the connector encodes
// them.
func batch(t testing.TB, location string, evs ...ocsf.Event) *sink.Batch {
	t.Helper()
	b := &sink.Batch{Location: location}
	for i, ev := range evs {
		js, err := ev.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		b.Items = append(b.Items, sink.Item{Index: i, Event: ev, JSON: js})
		b.Bytes += len(js)
	}
	return b
}
