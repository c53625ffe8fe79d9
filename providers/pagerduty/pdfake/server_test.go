package pdfake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// call sends one request with the headers PagerDuty's documentation asks
// for (those in hdr replace them; an empty value removes one) and returns
// the status, headers and decoded JSON body.
func call(t *testing.T, srv *pdfake.Server, method, path, body string, hdr map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Token token="+pdfake.Token)
	req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("From", pdfake.EmailAlice)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	client := srv.Client()
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s answered %d with a body that is not JSON: %q", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func errorBody(m map[string]any) (code float64, message string) {
	e, _ := m["error"].(map[string]any)
	code, _ = e["code"].(float64)
	message, _ = e["message"].(string)
	return code, message
}

const createBody = `{"incident":{"type":"incident","title":"The server is on fire.","service":{"id":"PSVCWEB","type":"service_reference"},"body":{"type":"incident_body","details":"A disk is full."}}}`

func TestAuthAndHeaders(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	for name, hdr := range map[string]map[string]string{
		"no Authorization":   {"Authorization": ""},
		"a Bearer token":     {"Authorization": "Bearer " + pdfake.Token},
		"a wrong token":      {"Authorization": "Token token=nope"},
		"the token, no type": {"Authorization": pdfake.Token},
	} {
		status, _, body := call(t, srv, http.MethodGet, "/services", "", hdr)
		if code, msg := errorBody(body); status != http.StatusUnauthorized || code != 2006 || msg != "Unauthorized" {
			t.Errorf("%s: %d %v", name, status, body)
		}
	}
	status, _, body := call(t, srv, http.MethodGet, "/services", "", map[string]string{"Accept": "application/json"})
	if code, _ := errorBody(body); status != http.StatusBadRequest || code != 2001 {
		t.Errorf("an unversioned Accept header: %d %v", status, body)
	}
	status, _, body = call(t, srv, http.MethodPost, "/incidents", createBody, map[string]string{"From": ""})
	if code, msg := errorBody(body); status != http.StatusBadRequest || code != 2016 || !strings.Contains(msg, `"From" header`) {
		t.Errorf("a create without From: %d %v", status, body)
	}
	status, _, body = call(t, srv, http.MethodPost, "/incidents", createBody, map[string]string{"From": "nobody@example.com"})
	if code, _ := errorBody(body); status != http.StatusBadRequest || code != 1008 {
		t.Errorf("a create From an unknown user: %d %v", status, body)
	}
	status, _, body = call(t, srv, http.MethodGet, "/incidents/QNOSUCH", "", nil)
	if code, msg := errorBody(body); status != http.StatusNotFound || code != 2100 || msg != "Not Found" {
		t.Errorf("an unknown incident: %d %v", status, body)
	}
	if n := srv.Count("", ""); n != 8 {
		t.Errorf("Count = %d, want 8", n)
	}
}

func TestIncidentLifecycle(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	status, _, body := call(t, srv, http.MethodPost, "/incidents", createBody, nil)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	in, _ := body["incident"].(map[string]any)
	id, _ := in["id"].(string)
	if in["status"] != "triggered" || in["incident_number"] != 1.0 || in["summary"] != "[#1] The server is on fire." || in["body"] != nil {
		t.Errorf("the created incident: %v", in)
	}
	_, _, body = call(t, srv, http.MethodGet, "/incidents/1?include[]=body&include[]=assignees", "", nil)
	in, _ = body["incident"].(map[string]any)
	details, _ := in["body"].(map[string]any)
	assignments, _ := in["assignments"].([]any)
	if in["id"] != id || details["details"] != "A disk is full." || len(assignments) != 2 {
		t.Errorf("GET by number with body and assignees: %v", in)
	}
	status, _, body = call(t, srv, http.MethodPut, "/incidents/"+id,
		`{"incident":{"type":"incident_reference","status":"resolved","priority":"P2"}}`, nil)
	in, _ = body["incident"].(map[string]any)
	prio, _ := in["priority"].(map[string]any)
	if status != http.StatusOK || in["status"] != "resolved" || in["resolved_at"] == nil || prio["id"] != pdfake.PriorityP2 {
		t.Errorf("resolve with a priority name: %d %v", status, in)
	}
	status, _, body = call(t, srv, http.MethodPost, "/incidents/"+id+"/notes", `{"note":{"content":"Firefighters are on the scene."}}`, nil)
	note, _ := body["note"].(map[string]any)
	if status != http.StatusOK || note["content"] != "Firefighters are on the scene." {
		t.Errorf("create a note: %d %v", status, body)
	}
	status, _, _ = call(t, srv, http.MethodDelete, "/incidents/"+id+"/notes/"+note["id"].(string), "", nil)
	if status != http.StatusNoContent {
		t.Errorf("delete a note: %d", status)
	}
	status, _, body = call(t, srv, http.MethodPut, "/incidents/"+id, `{"incident":{"type":"incident_reference","status":"closed"}}`, nil)
	if code, _ := errorBody(body); status != http.StatusBadRequest || code != 2001 {
		t.Errorf("an unknown status: %d %v", status, body)
	}
}

func TestListPagingAndDateRange(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	for range 5 {
		srv.SeedIncident(pdfake.IncidentSeed{})
	}
	srv.SeedIncident(pdfake.IncidentSeed{CreatedAt: time.Now().Add(-90 * 24 * time.Hour)})
	_, _, body := call(t, srv, http.MethodGet, "/incidents?limit=2&offset=2&total=true", "", nil)
	if list, _ := body["incidents"].([]any); len(list) != 2 || body["more"] != true || body["total"] != 5.0 || body["offset"] != 2.0 {
		t.Errorf("a page of the last month's incidents: %v", body)
	}
	_, _, body = call(t, srv, http.MethodGet, "/incidents?date_range=all&limit=100", "", nil)
	if list, _ := body["incidents"].([]any); len(list) != 6 || body["more"] != false || body["total"] != nil {
		t.Errorf("date_range=all: %d incidents, %v", len(list), body["more"])
	}
	status, _, body := call(t, srv, http.MethodGet, "/incidents?since=2020-01-01T00:00:00Z&until=2021-01-01T00:00:00Z", "", nil)
	if code, _ := errorBody(body); status != http.StatusBadRequest || code != 2004 {
		t.Errorf("a range over six months: %d %v", status, body)
	}
	status, _, _ = call(t, srv, http.MethodGet, "/incidents?sort_by=title", "", nil)
	if status != http.StatusBadRequest {
		t.Errorf("sort_by=title: %d", status)
	}
}

func TestFaults(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	srv.Inject(fakekit.Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond})
	status, hdr, body := call(t, srv, http.MethodGet, "/services", "", nil)
	if code, _ := errorBody(body); status != 429 || code != 2020 || hdr.Get("Retry-After") != "2" || hdr.Get("ratelimit-reset") != "2" {
		t.Errorf("429: %d %v %v", status, hdr, body)
	}
	srv.Inject(fakekit.Fault{Times: 1, Status: http.StatusTooManyRequests, OmitRetryAfter: true, RetryAfter: time.Second})
	if _, hdr, _ := call(t, srv, http.MethodGet, "/services", "", nil); hdr.Get("Retry-After") != "" || hdr.Get("ratelimit-reset") != "1" {
		t.Errorf("429 like the real API: %v", hdr)
	}
	srv.Inject(fakekit.Fault{Times: 1, Status: http.StatusBadGateway, Method: http.MethodPost})
	if status, _, _ := call(t, srv, http.MethodGet, "/services", "", nil); status != http.StatusOK {
		t.Errorf("a POST fault hit a GET: %d", status)
	}
	srv.ClearFaults()
	if status, _, _ := call(t, srv, http.MethodPost, "/incidents", createBody, nil); status != http.StatusCreated {
		t.Errorf("ClearFaults left a fault: %d", status)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if status, _, body := call(t, srv, http.MethodPost, "/incidents", createBody, nil); status != http.StatusCreated {
					t.Errorf("create: %d %v", status, body)
				}
				call(t, srv, http.MethodGet, "/incidents?limit=5", "", nil)
			}
		})
	}
	wg.Wait()
	_, _, body := call(t, srv, http.MethodGet, "/incidents?limit=1&total=true", "", nil)
	if body["total"] != 40.0 {
		t.Errorf("total after concurrent creates: %v", body["total"])
	}
}

// keyedCreate is a create body with an incident_key on a service.
func keyedCreate(service, key string) string {
	return `{"incident":{"type":"incident","title":"Keyed","service":{"id":"` + service + `","type":"service_reference"},"incident_key":"` + key + `"}}`
}

// TestIncidentKeyDeduplication follows PagerDuty's documentation of
// incident_key: a create on a service that has an open incident with the
// same key is refused with 400 (PagerDuty's "Open incident with matching
// dedup key already exists on this service"); another service, or a
// resolved incident, does not block it; GET /incidents?incident_key= finds
// the incidents of a key.
func TestIncidentKeyDeduplication(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	status, _, body := call(t, srv, http.MethodPost, "/incidents", keyedCreate(pdfake.ServiceWeb, "k-1"), nil)
	in, _ := body["incident"].(map[string]any)
	if status != http.StatusCreated || in["incident_key"] != "k-1" {
		t.Fatalf("create with a key: %d %v", status, body)
	}
	id, _ := in["id"].(string)
	status, _, body = call(t, srv, http.MethodPost, "/incidents", keyedCreate(pdfake.ServiceWeb, "k-1"), nil)
	e, _ := body["error"].(map[string]any)
	details, _ := e["errors"].([]any)
	if code, msg := errorBody(body); status != http.StatusBadRequest || code != 2002 || msg != "Arguments Caused Error" ||
		len(details) != 1 || details[0] != "Open incident with matching dedup key already exists on this service" {
		t.Errorf("the same key again: %d %v", status, body)
	}
	if status, _, body := call(t, srv, http.MethodPost, "/incidents", keyedCreate(pdfake.ServicePayments, "k-1"), nil); status != http.StatusCreated {
		t.Errorf("the same key on another service: %d %v", status, body)
	}
	_, _, body = call(t, srv, http.MethodGet, "/incidents?incident_key=k-1&service_ids[]="+pdfake.ServiceWeb, "", nil)
	if list, _ := body["incidents"].([]any); len(list) != 1 || list[0].(map[string]any)["id"] != id {
		t.Errorf("list by incident_key and service: %v", body)
	}
	_, _, body = call(t, srv, http.MethodGet, "/incidents?incident_key=k-1", "", nil)
	if list, _ := body["incidents"].([]any); len(list) != 2 {
		t.Errorf("list by incident_key: %v", body)
	}
	// Once resolved, the key is free on the service again.
	call(t, srv, http.MethodPut, "/incidents/"+id, `{"incident":{"type":"incident_reference","status":"resolved"}}`, nil)
	if status, _, body := call(t, srv, http.MethodPost, "/incidents", keyedCreate(pdfake.ServiceWeb, "k-1"), nil); status != http.StatusCreated {
		t.Errorf("the key of a resolved incident: %d %v", status, body)
	}
}

// TestDroppedAnswer: BodyLost serves the request, then closes the
// connection without answering: the client gets no response, the
// incident exists.
func TestDroppedAnswer(t *testing.T) {
	srv := pdfake.New()
	defer srv.Close()
	srv.Inject(fakekit.Fault{Times: 1, Method: http.MethodPost, Path: "/incidents", Body: fakekit.BodyLost})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/incidents", strings.NewReader(keyedCreate(pdfake.ServiceWeb, "lost")))
	req.Header.Set("Authorization", "Token token="+pdfake.Token)
	req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("From", pdfake.EmailAlice)
	client := srv.Client()
	defer client.CloseIdleConnections()
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped answer arrived: %d", resp.StatusCode)
	}
	_, _, body := call(t, srv, http.MethodGet, "/incidents?incident_key=lost", "", nil)
	if list, _ := body["incidents"].([]any); len(list) != 1 {
		t.Errorf("the incident whose answer was dropped: %v", body)
	}
	if rs := srv.Requests(); len(rs) != 2 || rs[0].Status != 0 {
		t.Errorf("the dropped request is logged without a status: %+v", rs)
	}
}
