package snowfake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// call sends a request with basic authentication and decodes the JSON
// answer (nil for an empty body).
func call(t *testing.T, f *snowfake.Server, method, path string, query url.Values, body any) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	u := f.URL + path
	if query != nil {
		u += "?" + query.Encode()
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, u, rd)
	req.SetBasicAuth(snowfake.BasicUsername, snowfake.BasicPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s: body %q is not JSON", method, path, data)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func newFake(t *testing.T) *snowfake.Server {
	f := snowfake.New()
	t.Cleanup(f.Close)
	return f
}

func wantError(t *testing.T, status, wantStatus int, body map[string]any, message string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status %d, want %d", status, wantStatus)
	}
	e, _ := body["error"].(map[string]any)
	if body["status"] != "failure" || e == nil || (message != "" && e["message"] != message) {
		t.Errorf("error body %v, want ServiceNow's shape with message %q", body, message)
	}
}

func TestAuthentication(t *testing.T) {
	f := newFake(t)
	for name, set := range map[string]func(*http.Request){
		"none":         func(*http.Request) {},
		"bad password": func(r *http.Request) { r.SetBasicAuth(snowfake.BasicUsername, "x") },
		"bad bearer":   func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") },
	} {
		req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/now/table/incident", nil)
		set(req)
		resp, err := f.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		t.Run(name, func(t *testing.T) { wantError(t, resp.StatusCode, 401, body, "User Not Authenticated") })
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/now/table/incident", nil)
	req.Header.Set("Authorization", "Bearer "+snowfake.BearerToken)
	if resp, err := f.Client().Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("static bearer token refused: %v", err)
	} else {
		resp.Body.Close()
	}
}

func token(t *testing.T, f *snowfake.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := f.Client().PostForm(f.URL+"/oauth_token.do", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestOAuth(t *testing.T) {
	f := newFake(t)
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {snowfake.ClientID}, "client_secret": {snowfake.ClientSecret}}
	status, out := token(t, f, good)
	if status != 200 || out["token_type"] != "Bearer" || out["expires_in"] != float64(1799) || out["access_token"] == "" {
		t.Fatalf("token response %d %v", status, out)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/now/table/incident", nil)
	req.Header.Set("Authorization", "Bearer "+out["access_token"].(string))
	resp, err := f.Client().Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("issued token refused: %v", err)
	}
	resp.Body.Close()
	bad := url.Values{"grant_type": {"client_credentials"}, "client_id": {snowfake.ClientID}, "client_secret": {"x"}}
	if status, _ := token(t, f, bad); status != 401 {
		t.Errorf("wrong secret: status %d", status)
	}
	if status, _ := token(t, f, url.Values{"grant_type": {"password"}}); status != 400 {
		t.Errorf("password grant: status %d", status)
	}
	if f.TokenRequests() != 3 {
		t.Errorf("TokenRequests = %d, want 3", f.TokenRequests())
	}
	f.SetTokenLifetime(0)
	_, out = token(t, f, good)
	req.Header.Set("Authorization", "Bearer "+out["access_token"].(string))
	resp, _ = f.Client().Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("an expired token: status %d, want 401", resp.StatusCode)
	}
}

func TestIncidentLifecycle(t *testing.T) {
	f := newFake(t)
	status, hdr, out := call(t, f, http.MethodPost, "/api/now/table/incident", nil, map[string]any{
		"short_description": "disk full", "impact": "1", "urgency": 2, "priority": "5", "number": "X", "bogus": "ignored",
		"assignment_group": snowfake.GroupNetwork, "comments": "hello caller", "work_notes": "internal",
	})
	if status != 201 || hdr.Get("Location") == "" {
		t.Fatalf("POST: %d %v", status, out)
	}
	r := out["result"].(map[string]any)
	if r["priority"] != "2" || r["number"] != "INC0010001" || r["state"] != "1" || r["active"] != "true" {
		t.Errorf("created %v: want priority 2 (from impact 1, urgency 2), number INC0010001, state 1", r)
	}
	ref, _ := r["assignment_group"].(map[string]any)
	if ref["value"] != snowfake.GroupNetwork || !strings.HasSuffix(ref["link"].(string), "/api/now/table/sys_user_group/"+snowfake.GroupNetwork) {
		t.Errorf("reference shape %v", r["assignment_group"])
	}
	if _, ok := r["bogus"]; ok {
		t.Errorf("unknown column kept")
	}
	id := r["sys_id"].(string)
	// Journal entries.
	_, _, out = call(t, f, http.MethodGet, "/api/now/table/sys_journal_field", url.Values{"sysparm_query": {"element_id=" + id + "^ORDERBYelement"}}, nil)
	js := out["result"].([]any)
	if len(js) != 2 || js[0].(map[string]any)["element"] != "comments" || js[1].(map[string]any)["value"] != "internal" {
		t.Errorf("journal entries %v", js)
	}
	// Resolving needs the resolution fields.
	status, _, out = call(t, f, http.MethodPatch, "/api/now/table/incident/"+id, nil, map[string]any{"state": "6"})
	wantError(t, status, 403, out, "Operation Failed")
	status, _, out = call(t, f, http.MethodPatch, "/api/now/table/incident/"+id, url.Values{"sysparm_display_value": {"all"}},
		map[string]any{"state": "6", "close_code": "Solution provided", "close_notes": "done"})
	r = out["result"].(map[string]any)
	st, _ := r["state"].(map[string]any)
	if status != 200 || st["display_value"] != "Resolved" || st["value"] != "6" {
		t.Errorf("resolve: %d %v", status, r["state"])
	}
	if ra, _ := r["resolved_at"].(map[string]any); ra["value"] == "" {
		t.Errorf("resolved_at not stamped: %v", r["resolved_at"])
	}
	ag, _ := r["assignment_group"].(map[string]any)
	if ag["display_value"] != "Network" || ag["value"] != snowfake.GroupNetwork || ag["link"] == nil {
		t.Errorf("display_value=all reference %v", ag)
	}
	_, _, out = call(t, f, http.MethodGet, "/api/now/table/incident/"+id, url.Values{"sysparm_display_value": {"true"},
		"sysparm_exclude_reference_link": {"true"}, "sysparm_fields": {"assignment_group,opened_by.user_name,priority,nope"}}, nil)
	r = out["result"].(map[string]any)
	if r["assignment_group"] != "Network" || r["opened_by.user_name"] != snowfake.BasicUsername || r["priority"] != "2 - High" || len(r) != 3 {
		t.Errorf("display values with fields: %v", r)
	}
	status, _, _ = call(t, f, http.MethodDelete, "/api/now/table/incident/"+id, nil, nil)
	if status != 204 {
		t.Errorf("DELETE: %d", status)
	}
	status, _, out = call(t, f, http.MethodGet, "/api/now/table/incident/"+id, nil, nil)
	wantError(t, status, 404, out, "No Record found")
	status, _, out = call(t, f, http.MethodGet, "/api/now/table/no_such_table", nil, nil)
	wantError(t, status, 400, out, "Invalid table no_such_table")
	status, _, out = call(t, f, http.MethodPost, "/api/now/table/incident", nil, []int{1})
	wantError(t, status, 400, out, "")
}

func TestEncodedQueries(t *testing.T) {
	f := newFake(t)
	beth, _ := f.UserSysID(snowfake.UserBeth)
	for i, s := range []string{"Disk full", "disk slow", "Network down", "printer jam", "DISK FULL again"} {
		fields := map[string]string{"short_description": s, "impact": fmt.Sprint(i%3 + 1)}
		if i%2 == 0 {
			fields["assigned_to"] = beth
		}
		f.AddIncident(fields)
	}
	numbers := func(q string, extra url.Values) ([]string, http.Header) {
		t.Helper()
		v := url.Values{"sysparm_query": {q}, "sysparm_fields": {"number"}}
		for k, vs := range extra {
			v[k] = vs
		}
		status, hdr, out := call(t, f, http.MethodGet, "/api/now/table/incident", v, nil)
		if status != 200 {
			t.Fatalf("query %q: %d %v", q, status, out)
		}
		var got []string
		for _, r := range out["result"].([]any) {
			got = append(got, r.(map[string]any)["number"].(string))
		}
		return got, hdr
	}
	for _, tc := range []struct {
		q    string
		want string
	}{
		{"short_descriptionLIKEdisk^ORDERBYnumber", "INC0010001 INC0010002 INC0010005"},
		{"short_description=disk full", "INC0010001"},
		{"short_descriptionSTARTSWITHdisk^ORDERBYDESCnumber", "INC0010005 INC0010002 INC0010001"},
		{"short_descriptionENDSWITHjam", "INC0010004"},
		{"short_descriptionNOT LIKEdisk^ORDERBYnumber", "INC0010003 INC0010004"},
		{"short_descriptionINprinter jam,network DOWN^ORDERBYnumber", "INC0010003 INC0010004"},
		{"numberNOT ININC0010001,INC0010002^ORDERBYnumber", "INC0010003 INC0010004 INC0010005"},
		{"assigned_to.user_name=" + snowfake.UserBeth + "^ORDERBYnumber", "INC0010001 INC0010003 INC0010005"},
		{"assigned_toISEMPTY^ORDERBYnumber", "INC0010002 INC0010004"},
		{"assigned_to!=" + beth + "^ORassigned_toISEMPTY^ORDERBYnumber", "INC0010002 INC0010004"},
		{"assigned_to!=" + beth, ""}, // an empty value is not != anything
		{"priority<5^priority>=3^ORDERBYnumber", "INC0010001 INC0010002 INC0010004 INC0010005"}, // urgency 3: impact 1→3, 2→4, 3→5
		{"short_descriptionLIKEdisk^ORshort_descriptionLIKEprinter^impact=1^ORDERBYnumber", "INC0010001 INC0010004"},
		{"sys_created_on>2000-01-01 00:00:00^ORDERBYnumber^EQ", "INC0010001 INC0010002 INC0010003 INC0010004 INC0010005"},
	} {
		got, _ := numbers(tc.q, nil)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("query %q = %v, want %s", tc.q, got, tc.want)
		}
	}
	got, hdr := numbers("ORDERBYnumber", url.Values{"sysparm_limit": {"2"}, "sysparm_offset": {"2"}})
	if strings.Join(got, " ") != "INC0010003 INC0010004" || hdr.Get("X-Total-Count") != "5" ||
		!strings.Contains(hdr.Get("Link"), `sysparm_offset=4&sysparm_query=ORDERBYnumber>;rel="next"`) || !strings.Contains(hdr.Get("Link"), `rel="prev"`) {
		t.Errorf("page: %v, headers %v", got, hdr)
	}
	for _, q := range []string{"activeNQ", "short_description=a^NQshort_description=b", "nosuchfield=1", "short_descriptionSOUNDSLIKEx",
		"sys_created_on>javascript:gs.daysAgo(1)", "^ORshort_description=x", "ORDERBYnosuch", "short_descriptionISEMPTYx",
		"caller_id.nosuch=1", "number.user_name=1"} {
		status, _, out := call(t, f, http.MethodGet, "/api/now/table/incident", url.Values{"sysparm_query": {q}}, nil)
		wantError(t, status, 400, out, "Invalid query")
	}
	status, _, out := call(t, f, http.MethodGet, "/api/now/table/incident", url.Values{"sysparm_limit": {"-1"}}, nil)
	wantError(t, status, 400, out, "")
}

func TestAttachments(t *testing.T) {
	f := newFake(t)
	id := f.AddIncident(map[string]string{"short_description": "x"})
	upload := func(q url.Values, ctype string, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/now/attachment/file?"+q.Encode(), strings.NewReader(body))
		req.SetBasicAuth(snowfake.BasicUsername, snowfake.BasicPassword)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := f.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	q := url.Values{"table_name": {"incident"}, "table_sys_id": {id}, "file_name": {"log.txt"}}
	status, out := upload(q, "text/plain", "hello")
	meta, _ := out["result"].(map[string]any)
	if status != 201 || meta["size_bytes"] != "5" || meta["table_sys_id"] != id || meta["content_type"] != "text/plain" ||
		!strings.HasSuffix(meta["download_link"].(string), "/file") {
		t.Fatalf("upload: %d %v", status, out)
	}
	if status, out := upload(q, "", "x"); status != 400 {
		t.Errorf("upload without Content-Type: %d %v", status, out)
	}
	q.Set("table_sys_id", "0123456789abcdef0123456789abcdef")
	if status, out := upload(q, "text/plain", "x"); status != 404 {
		t.Errorf("upload to a missing record: %d %v", status, out)
	}
	aid := meta["sys_id"].(string)
	_, hdr, out := call(t, f, http.MethodGet, "/api/now/attachment", url.Values{"sysparm_query": {"table_sys_id=" + id}}, nil)
	if list := out["result"].([]any); len(list) != 1 || hdr.Get("X-Total-Count") != "1" {
		t.Errorf("list: %v", out)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/now/attachment/"+aid+"/file", nil)
	req.SetBasicAuth(snowfake.BasicUsername, snowfake.BasicPassword)
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "hello" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("file: %q %s", data, resp.Header.Get("Content-Type"))
	}
	if status, _, _ := call(t, f, http.MethodDelete, "/api/now/attachment/"+aid, nil, nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	status, _, out = call(t, f, http.MethodGet, "/api/now/attachment/"+aid+"/file", nil, nil)
	wantError(t, status, 404, out, "No Record found")
}

func TestFaults(t *testing.T) {
	f := newFake(t)
	f.RateLimit(1, 7*time.Second)
	before := time.Now().Unix()
	status, hdr, out := call(t, f, http.MethodGet, "/api/now/table/incident", nil, nil)
	if status != 429 || hdr.Get("Retry-After") != "7" || hdr.Get("X-RateLimit-Limit") == "" || hdr.Get("X-RateLimit-Rule") == "" {
		t.Errorf("rate limit: %d %v", status, hdr)
	}
	if reset, err := strconv.ParseInt(hdr.Get("X-RateLimit-Reset"), 10, 64); err != nil || reset < before+7 || reset > time.Now().Unix()+8 {
		t.Errorf("X-RateLimit-Reset %q: want the Unix time 7 s from now", hdr.Get("X-RateLimit-Reset"))
	}
	wantError(t, status, 429, out, "Rate limit exceeded")
	if e, _ := out["error"].(map[string]any); e["detail"] != "Rate limit of 5000 requests per hour for Table API exceeded" {
		t.Errorf("rate limit detail %v", e["detail"])
	}
	f.FailNext(2, 503)
	for range 2 {
		if status, _, _ := call(t, f, http.MethodGet, "/api/now/table/incident", nil, nil); status != 503 {
			t.Errorf("burst: %d", status)
		}
	}
	if status, _, _ := call(t, f, http.MethodGet, "/api/now/table/incident", nil, nil); status != 200 {
		t.Errorf("after the burst: %d", status)
	}
	// A method-scoped fault leaves other methods alone.
	f.Inject(fakekit.Fault{Method: http.MethodPost, Status: 500})
	if status, _, _ := call(t, f, http.MethodGet, "/api/now/table/incident", nil, nil); status != 200 {
		t.Errorf("GET under a POST fault: %d", status)
	}
	f.ClearFaults()
	// A fault's message is the detail of ServiceNow's error body.
	f.Inject(fakekit.Fault{Status: http.StatusBadRequest, Message: "echo"})
	status, _, out = call(t, f, http.MethodGet, "/api/now/table/incident", nil, nil)
	wantError(t, status, 400, out, "Bad Request")
	if e, _ := out["error"].(map[string]any); e["detail"] != "echo" {
		t.Errorf("detail %v, want the fault's message", e["detail"])
	}
	// A fault aimed at /api/ leaves the OAuth token endpoint alone.
	f.Inject(fakekit.Fault{Path: "/api/", Status: 500})
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {snowfake.ClientID}, "client_secret": {snowfake.ClientSecret}}
	if status, _ := token(t, f, good); status != 200 {
		t.Errorf("token request under an /api/ fault: %d", status)
	}
	if status, _, _ := call(t, f, http.MethodGet, "/api/now/table/incident", nil, nil); status != 500 {
		t.Errorf("the /api/ fault: %d", status)
	}

	get := func() (*http.Response, []byte, error) {
		req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/now/table/sys_user", nil)
		req.SetBasicAuth(snowfake.BasicUsername, snowfake.BasicPassword)
		resp, err := f.Client().Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		return resp, data, err
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyMalformed})
	if _, data, err := get(); err != nil || json.Valid(data) {
		t.Errorf("malformed: %v %q", err, data)
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyTruncated})
	if _, _, err := get(); err == nil {
		t.Errorf("truncated: no error")
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyOversized, Size: 5000})
	if _, data, err := get(); err != nil || len(data) != 5000 || !json.Valid(data) {
		t.Errorf("oversized: %v %d", err, len(data))
	}
	f.SetDelay(100 * time.Millisecond)
	start := time.Now()
	if _, _, err := get(); err != nil || time.Since(start) < 100*time.Millisecond {
		t.Errorf("delay: %v after %v", err, time.Since(start))
	}
}

// TestRequestLog: every answer carries an X-Transaction-ID, and the kit's
// log has every request, token requests included.
func TestRequestLog(t *testing.T) {
	f := newFake(t)
	_, hdr, _ := call(t, f, http.MethodGet, "/api/now/table/incident", url.Values{"sysparm_limit": {"1"}}, nil)
	id := hdr.Get("X-Transaction-ID")
	if id == "" {
		t.Fatal("no X-Transaction-ID")
	}
	token(t, f, url.Values{"grant_type": {"client_credentials"}, "client_id": {snowfake.ClientID}, "client_secret": {snowfake.ClientSecret}})
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].RequestID != id || reqs[0].Status != 200 || reqs[0].Query.Get("sysparm_limit") != "1" ||
		reqs[1].Path != "/oauth_token.do" || reqs[1].RequestID == id {
		t.Errorf("log %+v", reqs)
	}
	if f.Count(http.MethodGet, "/api/now/table/incident") != 1 || f.TokenRequests() != 1 || len(f.Queries()) != 0 {
		t.Errorf("Count %d, TokenRequests %d, Queries %v", f.Count(http.MethodGet, "/api/now/table/incident"), f.TokenRequests(), f.Queries())
	}
	f.ResetRequests()
	if len(f.Requests()) != 0 || f.TokenRequests() != 0 {
		t.Error("ResetRequests")
	}
}

func TestConcurrentWrites(t *testing.T) {
	f := newFake(t)
	var wg sync.WaitGroup
	numbers := make(chan string, 40)
	for range 8 {
		wg.Go(func() {
			for range 5 {
				status, _, out := call(t, f, http.MethodPost, "/api/now/table/incident", nil, map[string]any{"short_description": "c"})
				if status != 201 {
					t.Errorf("POST: %d", status)
					return
				}
				numbers <- out["result"].(map[string]any)["number"].(string)
			}
		})
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		if seen[n] {
			t.Errorf("number %s given twice", n)
		}
		seen[n] = true
	}
	if len(seen) != 40 {
		t.Errorf("%d numbers, want 40", len(seen))
	}
}

func TestHugePagingParameters(t *testing.T) {
	f := newFake(t)
	f.AddIncident(map[string]string{"short_description": "x"})
	for _, v := range []url.Values{
		{"sysparm_limit": {"9223372036854775807"}},
		{"sysparm_limit": {"9223372036854775807"}, "sysparm_offset": {"9223372036854775807"}},
		{"sysparm_offset": {"5"}},
		{"sysparm_limit": {"0"}},
	} {
		if status, _, out := call(t, f, http.MethodGet, "/api/now/table/incident", v, nil); status != 200 {
			t.Errorf("%v: %d %v", v, status, out)
		}
	}
}
