package bulkfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/providers/elastic/bulkfake"
)

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

func do(t *testing.T, srv *bulkfake.Server, method, path, ctype, body string, auth func(*http.Request)) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth == nil {
		auth = func(r *http.Request) { r.SetBasicAuth(bulkfake.Username, bulkfake.Password) }
	}
	auth(req)
	hc := srv.Client()
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &r.body); err != nil {
			t.Fatalf("%s %s: the answer is not a JSON object: %s", method, path, b)
		}
	}
	return r
}

func items(t *testing.T, r reply) []map[string]any {
	t.Helper()
	list, _ := r.body["items"].([]any)
	out := make([]map[string]any, len(list))
	for i, it := range list {
		m := it.(map[string]any)
		if len(m) != 1 {
			t.Fatalf("item %d has %d actions", i, len(m))
		}
		for _, v := range m {
			out[i] = v.(map[string]any)
		}
	}
	return out
}

func TestBulk(t *testing.T) {
	srv := bulkfake.New(bulkfake.Elasticsearch)
	defer srv.Close()
	body := `{"create":{"_id":"1"}}
{"a":1}
{"create":{"_id":"1"}}
{"a":2}
{"index":{"_index":"other","_id":"2"}}
{"b":1}
{"create":{}}
{"c":1}
{"create":{"_index":"Bad"}}
{"d":1}
{"delete":{"_id":"1"}}
`
	r := do(t, srv, "POST", "/logs/_bulk", "application/x-ndjson", body, nil)
	if r.status != 200 || r.body["errors"] != true || r.header.Get(bulkfake.ProductHeader) != "Elasticsearch" {
		t.Fatalf("%+v", r)
	}
	its := items(t, r)
	want := []float64{201, 409, 201, 201, 400, 200}
	for i, st := range want {
		if its[i]["status"] != st {
			t.Errorf("item %d: %v, want status %v", i, its[i], st)
		}
	}
	if e := its[1]["error"].(map[string]any); e["type"] != "version_conflict_engine_exception" {
		t.Errorf("item 1: %v", e)
	}
	if e := its[4]["error"].(map[string]any); e["type"] != "invalid_index_name_exception" {
		t.Errorf("item 4: %v", e)
	}
	if got := srv.Indices(); len(got) != 2 || got[0] != "logs" || got[1] != "other" {
		t.Errorf("indices %v", got)
	}
	if n := srv.DocumentCount("logs"); n != 1 { // 1 deleted, the auto-id one left
		t.Errorf("%d documents in logs", n)
	}
	if _, ok := srv.Document("other", "2"); !ok {
		t.Error("other/2 missing")
	}
}

func TestBulkRefusedWhole(t *testing.T) {
	srv := bulkfake.New(bulkfake.OpenSearch)
	defer srv.Close()
	for _, c := range []struct {
		name, path, ctype, body string
		status                  int
	}{
		{"no newline at the end", "/logs/_bulk", "application/json", `{"create":{}}` + "\n" + `{"a":1}`, 400},
		{"malformed action", "/logs/_bulk", "application/json", "nope\n", 400},
		{"unknown action", "/logs/_bulk", "application/json", `{"upsert":{}}` + "\n{}\n", 400},
		{"unknown action member", "/logs/_bulk", "application/json", `{"create":{"dynamic_templates":{}}}` + "\n{}\n", 400},
		{"no index", "/_bulk", "application/json", `{"create":{}}` + "\n{}\n", 400},
		{"source missing", "/logs/_bulk", "application/json", `{"create":{}}` + "\n", 400},
		{"unknown parameter", "/logs/_bulk?include_source_on_error=false", "application/json", `{"create":{}}` + "\n{}\n", 400},
		{"no content type", "/logs/_bulk", "", `{"create":{}}` + "\n{}\n", 406},
		{"empty", "/logs/_bulk", "application/json", "", 400},
	} {
		r := do(t, srv, "POST", c.path, c.ctype, c.body, nil)
		if r.status != c.status || r.body["error"] == nil {
			t.Errorf("%s: %+v, want %d with an error", c.name, r, c.status)
		}
	}
	if n := srv.Bulks(); n != 0 {
		t.Errorf("%d bulks served", n)
	}
	if r := do(t, srv, "GET", "/", "", "", nil); r.header.Get(bulkfake.ProductHeader) != "" {
		t.Error("OpenSearch sends the product header")
	}
}

func TestAuthentication(t *testing.T) {
	es := bulkfake.New(bulkfake.Elasticsearch)
	defer es.Close()
	os := bulkfake.New(bulkfake.OpenSearch)
	defer os.Close()
	key := func(k string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "ApiKey "+k) }
	}
	none := func(*http.Request) {}
	wrong := func(r *http.Request) { r.SetBasicAuth(bulkfake.Username, "nope") }
	for _, c := range []struct {
		srv    *bulkfake.Server
		auth   func(*http.Request)
		status int
	}{
		{es, nil, 200}, {es, key(bulkfake.APIKey), 200}, {es, key("d3Jvbmc="), 401}, {es, none, 401}, {es, wrong, 401},
		{os, nil, 200}, {os, key(bulkfake.APIKey), 401},
	} {
		r := do(t, c.srv, "GET", "/", "", "", c.auth)
		if r.status != c.status {
			t.Errorf("%s: %d, want %d", c.srv.Flavor(), r.status, c.status)
		}
		if r.status == 401 && (r.header.Get("WWW-Authenticate") == "" || r.body["status"] != 401.0) {
			t.Errorf("401 without its challenge or body: %+v", r)
		}
		if r.status == 200 && r.body["cluster_name"] != "bulkfake" {
			t.Errorf("info %+v", r.body)
		}
	}
}

func TestRejectAndBusy(t *testing.T) {
	srv := bulkfake.New(bulkfake.Elasticsearch)
	defer srv.Close()
	srv.RejectUIDPrefix("bad-")
	srv.BusyOnce("busy-")
	body := `{"create":{"_id":"1"}}
{"metadata":{"uid":"bad-1"}}
{"create":{"_id":"2"}}
{"metadata":{"uid":"busy-1"}}
`
	its := items(t, do(t, srv, "PUT", "/logs/_bulk", "application/json", body, nil))
	if its[0]["status"] != 400.0 || its[1]["status"] != 429.0 {
		t.Fatalf("%v", its)
	}
	if reason := its[0]["error"].(map[string]any)["reason"].(string); !strings.Contains(reason, "Preview of field's value: 'bad-1'") {
		t.Errorf("reason %q", reason)
	}
	its = items(t, do(t, srv, "PUT", "/logs/_bulk", "application/json", body, nil))
	if its[0]["status"] != 400.0 || its[1]["status"] != 201.0 {
		t.Fatalf("again: %v", its)
	}
}
