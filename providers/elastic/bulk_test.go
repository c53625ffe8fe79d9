package elastic_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
	"github.com/seed-e6251c81/synqly/providers/elastic/bulkfake"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// flavors are both providers, each over its fake.
var flavors = []struct {
	name   string
	reg    sink.Registration
	flavor bulkfake.Flavor
}{
	{"Elasticsearch", elastic.Elasticsearch, bulkfake.Elasticsearch},
	{"OpenSearch", elastic.OpenSearch, bulkfake.OpenSearch},
}

// openFlavor opens the provider over a fresh fake with the basic
// credential.
func openFlavor(t *testing.T, reg sink.Registration, flavor bulkfake.Flavor, opts ...bulkfake.Option) (*sink.Connector, *bulkfake.Server) {
	t.Helper()
	srv := fake(t, flavor, opts...)
	var req providers.OpenRequest
	if flavor == bulkfake.OpenSearch {
		req = osRequest(t, srv, basic(""), req)
	} else {
		req = esRequest(t, srv, basic(""), req)
	}
	return sink.NewConnector(reg, open(t, reg, req)), srv
}

func events(prefix string, n int) []ocsf.Event {
	evs := make([]ocsf.Event, n)
	for i := range evs {
		evs[i] = sinktest.Event(fmt.Sprintf("%s%03d", prefix, i))
	}
	return evs
}

// TestItemRetried: items the cluster answers 429 are sent again by the
// connector, alone, and written once.
func TestItemRetried(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			c, srv := openFlavor(t, f.reg, f.flavor)
			srv.BusyOnce("busy-")
			evs := append(events("ok-", 3), events("busy-", 2)...)
			res, err := c.PostEvents(t.Context(), evs, sink.PostOptions{})
			if err != nil {
				t.Fatalf("PostEvents: %v", err)
			}
			if res.Written != 5 || res.Batches != 2 || len(res.Failed) != 0 {
				t.Errorf("Result %+v, want 5 written in 2 batches", res)
			}
			if n := srv.DocumentCount(defaultIndex); n != 5 {
				t.Errorf("the cluster holds %d documents, want 5", n)
			}
			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(reqs))
			}
			if lines := bytes.Count(reqs[1].Body, []byte("\n")); lines != 4 {
				t.Errorf("the second request has %d lines, want the 2 refused events' 4", lines)
			}
		})
	}
}

// TestItemRefused: an item the cluster refuses on its own is reported, not
// sent again, and its error neither quotes the document's value nor holds
// the vendor's reason unclipped.
func TestItemRefused(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			c, srv := openFlavor(t, f.reg, f.flavor)
			const value = "rejected-field-value-do-not-show"
			srv.RejectUIDPrefix("rejected-")
			evs := []ocsf.Event{sinktest.Event("ok-1"), sinktest.Event(value)}
			res, err := c.PostEvents(t.Context(), evs, sink.PostOptions{})
			if !errors.Is(err, errs.ErrInvalidInput) {
				t.Fatalf("got %v, want an InvalidInput post error", err)
			}
			if res.Written != 1 || len(res.Failed) != 1 || res.Failed[0].Index != 1 || res.Batches != 1 {
				t.Fatalf("Result %+v", res)
			}
			text := fmt.Sprintf("%v %+v", res.Failed[0].Err, res.Failed[0].Err)
			if strings.Contains(text, value) {
				t.Errorf("the error quotes the document's value: %s", text)
			}
			var pe *errs.ProviderError
			if !errors.As(res.Failed[0].Err, &pe) || pe.Status != 400 || !strings.HasSuffix(pe.Code, "parsing_exception") {
				t.Errorf("ProviderError %+v, want status 400 and the parsing exception", pe)
			}
			if !strings.Contains(pe.Message, "the value is not shown") {
				t.Errorf("ProviderError.Message %q", pe.Message)
			}
		})
	}
}

// TestBulkResentSafely: a bulk request is sent again after a 5xx or an
// answer lost after the cluster wrote it, and nothing is written twice:
// the documents' ids are the events', and an item answered 409 (the
// document exists) counts as written. Posting the same events again
// writes nothing new either.
func TestBulkResentSafely(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			c, srv := openFlavor(t, f.reg, f.flavor)
			evs := events("resend-", 3)
			path := "/" + defaultIndex + "/_bulk"
			for _, fault := range []fakekit.Fault{
				{Method: http.MethodPost, Path: path, Status: http.StatusInternalServerError},
				{Method: http.MethodPost, Path: path, Status: http.StatusServiceUnavailable},
				{Method: http.MethodPost, Path: path, Body: fakekit.BodyLost},
				{Method: http.MethodPost, Path: path, Body: fakekit.BodyDropped},
			} {
				srv.ResetRequests()
				srv.Inject(fault)
				res, err := c.PostEvents(t.Context(), evs, sink.PostOptions{})
				if err != nil || res.Written != 3 || res.Batches != 1 {
					t.Errorf("after %s: %+v, %v; want 3 written in one batch", srv.Requests()[0].Fault, res, err)
				}
				if n := srv.Count(http.MethodPost, path); n != 2 {
					t.Errorf("after %s: %d requests, want 2", srv.Requests()[0].Fault, n)
				}
				if n := srv.DocumentCount(defaultIndex); n != 3 {
					t.Errorf("after %s: the cluster holds %d documents, want 3", srv.Requests()[0].Fault, n)
				}
			}
		})
	}
}

// TestRequest checks the bulk request as the cluster receives it.
func TestRequest(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			c, srv := openFlavor(t, f.reg, f.flavor)
			evs := events("req-", 2)
			if _, err := c.PostEvents(t.Context(), evs, sink.PostOptions{Location: otherIndex}); err != nil {
				t.Fatal(err)
			}
			r := srv.Requests()[0]
			if r.Method != http.MethodPost || r.Path != "/"+otherIndex+"/_bulk" {
				t.Errorf("%s %s, want POST /%s/_bulk", r.Method, r.Path, otherIndex)
			}
			wantQuery := "include_source_on_error=false"
			if f.flavor == bulkfake.OpenSearch {
				wantQuery = "" // OpenSearch has no such parameter
			}
			if q := r.Query.Encode(); q != wantQuery {
				t.Errorf("query %q, want %q", q, wantQuery)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.Contains(ct, "ndjson") {
				t.Errorf("Content-Type %q", ct)
			}
			if r.Header.Get("Content-Length") != fmt.Sprint(len(r.Body)) {
				t.Errorf("Content-Length %q for a %d-byte body", r.Header.Get("Content-Length"), len(r.Body))
			}
			var want bytes.Buffer
			for _, ev := range evs {
				j, _ := ev.MarshalJSON()
				fmt.Fprintf(&want, "{\"create\":{\"_id\":%q}}\n%s\n", elastic.DocumentID(j), j)
			}
			if string(r.Body) != want.String() {
				t.Errorf("body\n%s\nwant\n%s", r.Body, want.Bytes())
			}
			docs := srv.Documents(otherIndex)
			if len(docs) != 2 {
				t.Fatalf("%d documents in %s", len(docs), otherIndex)
			}
			j, _ := evs[0].MarshalJSON()
			if docs[0].ID != elastic.DocumentID(j) || len(docs[0].ID) != 40 {
				t.Errorf("the document's id %q, want %q", docs[0].ID, elastic.DocumentID(j))
			}
		})
	}
}

// TestAPIKeyForms: an API key is taken encoded or as <id>:<api_key>, and
// sent encoded; run_as goes in es-security-runas-user.
func TestAPIKeyForms(t *testing.T) {
	srv := fake(t, bulkfake.Elasticsearch)
	for _, key := range []string{bulkfake.APIKey, bulkfake.APIKeyID + ":" + bulkfake.APIKeySecret} {
		req := esRequest(t, srv, apiKey(key), providers.OpenRequest{})
		req.Config.(*elastic.ElasticsearchConfig).AuthOptions = &elastic.AuthOptions{RunAs: "ingest-bot"}
		c := sink.NewConnector(elastic.Elasticsearch, open(t, elastic.Elasticsearch, req))
		srv.ResetRequests()
		if _, err := c.PostEvents(t.Context(), events("key-", 1), sink.PostOptions{}); err != nil {
			t.Fatalf("with the key as %q...: %v", key[:8], err)
		}
		h := srv.Requests()[0].Header
		if got := h.Get("Authorization"); !strings.EqualFold(got, "ApiKey "+bulkfake.APIKey) {
			t.Errorf("Authorization %q", got)
		}
		if got := h.Get("Es-Security-Runas-User"); got != "ingest-bot" {
			t.Errorf("es-security-runas-user %q", got)
		}
	}
}

// TestWholeRequestErrors: answers of the whole request map to coded errors
// whose cause is the vendor's answer.
func TestWholeRequestErrors(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			c, srv := openFlavor(t, f.reg, f.flavor)
			for _, st := range []struct {
				status int
				code   errs.Code
			}{{400, errs.InvalidInput}, {401, errs.Unauthorized}, {403, errs.Forbidden}, {404, errs.NotFound}, {413, errs.InvalidInput}, {429, errs.RateLimited}} {
				srv.Inject(fakekit.Fault{Status: st.status, Times: 4, RetryAfter: 60e9})
				_, err := c.PostEvents(t.Context(), events("whole-", 1), sink.PostOptions{})
				var pe *errs.ProviderError
				if !errors.Is(err, st.code) || !errors.As(err, &pe) || pe.Status != st.status || pe.Code == "" {
					t.Errorf("HTTP %d: %v (%+v), want %s with the vendor's answer", st.status, err, pe, st.code)
				}
				srv.ClearFaults()
			}
		})
	}
}

// TestNotElasticsearch: the Elasticsearch driver refuses a server whose
// answers do not say it is Elasticsearch (the Go client's product check).
func TestNotElasticsearch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"took":1,"errors":false,"items":[{"create":{"status":201}}]}`)
	}))
	t.Cleanup(srv.Close)
	cred := basic("")
	req := providers.OpenRequest{Config: &elastic.ElasticsearchConfig{URL: srv.URL, CreateIndex: defaultIndex, Credential: credential.Inline(cred)}}
	c := sink.NewConnector(elastic.Elasticsearch, open(t, elastic.Elasticsearch, req))
	_, err := c.PostEvents(t.Context(), events("product-", 1), sink.PostOptions{})
	if !errors.Is(err, errs.ErrProvider) || !strings.Contains(err.Error(), "X-Elastic-Product") {
		t.Errorf("got %v, want a provider error about the product header", err)
	}
}

// TestMissingIndex: with automatic index creation off, a post to a missing
// index is refused item by item (404), not retried.
func TestMissingIndex(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			c, srv := openFlavor(t, f.reg, f.flavor, bulkfake.WithoutAutoCreate())
			res, err := c.PostEvents(t.Context(), events("missing-", 2), sink.PostOptions{})
			if !errors.Is(err, errs.ErrNotFound) || len(res.Failed) != 2 || res.Batches != 1 {
				t.Fatalf("%+v, %v; want 2 not-found failures in one batch", res, err)
			}
			srv.CreateIndex(defaultIndex)
			if _, err := c.PostEvents(t.Context(), events("missing-", 2), sink.PostOptions{}); err != nil {
				t.Fatalf("once the index exists: %v", err)
			}
		})
	}
}

// TestBadLocation: a location that is not an index name is refused before
// anything is sent.
func TestBadLocation(t *testing.T) {
	c, srv := openFlavor(t, elastic.Elasticsearch, bulkfake.Elasticsearch)
	for _, loc := range []string{"UPPER", "_internal", "a,b", "logs-*", "<logs-{now/d}>", "a/b", "a b"} {
		res, err := c.PostEvents(t.Context(), events("loc-", 1), sink.PostOptions{Location: loc})
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidInput || e.Field != "location" || res.Written != 0 {
			t.Errorf("location %q: %v", loc, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestMalformedAnswer: a 200 that is not a bulk answer, or answers another
// number of items, fails the batch as a whole.
func TestMalformedAnswer(t *testing.T) {
	c, srv := openFlavor(t, elastic.Elasticsearch, bulkfake.Elasticsearch)
	for _, body := range []string{`{"took":1}`, `{"took":1,"errors":false,"items":[]}`, `[1,2]`, `{"errors":true,"items":[{"frobnicate":{"status":201}}]}`} {
		srv.Inject(fakekit.Fault{Body: fakekit.BodyMalformed, Message: body})
		_, err := c.PostEvents(t.Context(), events("malformed-", 1), sink.PostOptions{})
		if !errors.Is(err, errs.ErrProvider) || !strings.Contains(err.Error(), "the response") {
			t.Errorf("answer %s: %v", body, err)
		}
	}
}

// TestEventJSONWithNewline: an event whose JSON holds a raw newline (a raw
// member of an Extra) is compacted onto one NDJSON line.
func TestEventJSONWithNewline(t *testing.T) {
	c, srv := openFlavor(t, elastic.Elasticsearch, bulkfake.Elasticsearch)
	ev := sinktest.Event("newline")
	ev.Extra = map[string]json.RawMessage{"x_vendor": json.RawMessage("{\n  \"a\": 1\n}")}
	if _, err := c.PostEvents(t.Context(), []ocsf.Event{ev}, sink.PostOptions{}); err != nil {
		t.Fatal(err)
	}
	docs := srv.Documents(defaultIndex)
	if len(docs) != 1 || bytes.Contains(docs[0].Source, []byte("\n")) {
		t.Fatalf("documents %+v", docs)
	}
}

// TestCredentialRefusedAtOpen: credentials the drivers cannot send.
func TestCredentialRefusedAtOpen(t *testing.T) {
	srv := fake(t, bulkfake.Elasticsearch)
	for _, cred := range []credential.Config{
		&credential.TokenCredential{Secret: "has spaces in it"},
		&credential.SecretCredential{Secret: "a-secret"},
	} {
		req := esRequest(t, srv, cred, providers.OpenRequest{})
		req.Config.(*elastic.ElasticsearchConfig).Credential = credential.Inline(apiKey(""))
		_, err := elastic.Elasticsearch.Open(t.Context(), req)
		if !errors.Is(err, errs.ErrInvalidInput) || strings.Contains(fmt.Sprint(err), "has spaces") {
			t.Errorf("%T: %v", cred, err)
		}
	}
	oauth := &credential.OAuthClientCredential{ClientID: "id", ClientSecret: "secret", TokenURL: "https://idp.example.com/token"}
	req := esRequest(t, srv, oauth, providers.OpenRequest{})
	if _, err := elastic.Elasticsearch.Open(t.Context(), req); !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("o_auth_client: %v, want Unsupported", err)
	}
}
