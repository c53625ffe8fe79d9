package jirafake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// call sends a request with the fake's basic credentials and decodes a
// JSON answer into a map or a list (nil for other bodies).
func call(t *testing.T, s *Server, method, path string, body any) (int, any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", s.BasicAuthorization())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out any
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	}
	return resp.StatusCode, out, resp.Header
}

func errorBody(messages []string, errs map[string]string) map[string]any {
	m := []any{}
	for _, s := range messages {
		m = append(m, s)
	}
	e := map[string]any{}
	for k, v := range errs {
		e[k] = v
	}
	return map[string]any{"errorMessages": m, "errors": e}
}

func TestAuth(t *testing.T) {
	s := New(t)
	for _, h := range []string{"", "Basic " + "Zm9vOmJhcg==", "Bearer nope"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/rest/api/3/myself", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := s.Client().Do(req)
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, h)
		assert.JSONEq(t, `{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}`, string(raw))
		if h != "" {
			assert.Equal(t, "AUTHENTICATED_FAILED", resp.Header.Get("X-Seraph-LoginReason"))
		}
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/rest/api/3/myself", nil)
	req.Header.Set("Authorization", "Bearer "+s.BearerToken)
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	status, body, _ := call(t, s, http.MethodGet, "/rest/api/3/myself", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, s.AccountID, body.(map[string]any)["accountId"])
}

func TestIssueLifecycle(t *testing.T) {
	s := New(t)
	doc := map[string]any{"type": "doc", "version": 1, "content": []any{
		map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": "Order entry fails"}}}}}
	status, body, _ := call(t, s, http.MethodPost, "/rest/api/3/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"key": "SEC"}, "issuetype": map[string]any{"name": "Bug"}, "summary": "Main order flow broken",
		"description": doc, "labels": []string{"bugfix"}, "duedate": "2026-05-11", "priority": map[string]any{"id": "2"},
		"assignee": map[string]any{"accountId": "557058:alice"}, "customfield_10020": map[string]any{"value": "red"},
	}})
	require.Equal(t, http.StatusCreated, status, body)
	created := body.(map[string]any)
	assert.Equal(t, "SEC-1", created["key"])
	assert.Equal(t, s.URL+"/rest/api/3/issue/"+created["id"].(string), created["self"])

	status, body, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/sec-1", nil)
	require.Equal(t, http.StatusOK, status)
	is := body.(map[string]any)
	f := is["fields"].(map[string]any)
	assert.Equal(t, "SEC-1", is["key"])
	assert.Equal(t, "Main order flow broken", f["summary"])
	assert.Equal(t, doc["type"], f["description"].(map[string]any)["type"])
	assert.Equal(t, "To Do", f["status"].(map[string]any)["name"])
	assert.Equal(t, "new", f["status"].(map[string]any)["statusCategory"].(map[string]any)["key"])
	assert.Equal(t, "High", f["priority"].(map[string]any)["name"])
	assert.Equal(t, "Bug", f["issuetype"].(map[string]any)["name"])
	assert.Equal(t, "SEC", f["project"].(map[string]any)["key"])
	assert.Equal(t, []any{"bugfix"}, f["labels"])
	assert.Equal(t, "2026-05-11", f["duedate"])
	assert.Equal(t, "red", f["customfield_10020"].(map[string]any)["value"])
	assert.Nil(t, f["customfield_10010"])
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$`, f["created"])
	assert.Contains(t, f, "comment")

	status, body, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1?fields=summary,-labels", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"summary": "Main order flow broken"}, body.(map[string]any)["fields"])

	status, body, _ = call(t, s, http.MethodPut, "/rest/api/3/issue/SEC-1?returnIssue=true", map[string]any{
		"fields": map[string]any{"summary": "Renamed"}, "update": map[string]any{"labels": []any{map[string]any{"add": "triaged"}, map[string]any{"remove": "bugfix"}}}})
	require.Equal(t, http.StatusOK, status, body)
	f = body.(map[string]any)["fields"].(map[string]any)
	assert.Equal(t, "Renamed", f["summary"])
	assert.Equal(t, []any{"triaged"}, f["labels"])

	status, body, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1/transitions", nil)
	require.Equal(t, http.StatusOK, status)
	trs := body.(map[string]any)["transitions"].([]any)
	require.Len(t, trs, 2)
	var done string
	for _, tr := range trs {
		m := tr.(map[string]any)
		if m["to"].(map[string]any)["name"] == "Done" {
			done = m["id"].(string)
		}
	}
	status, _, _ = call(t, s, http.MethodPost, "/rest/api/3/issue/SEC-1/transitions", map[string]any{"transition": map[string]any{"id": done}})
	assert.Equal(t, http.StatusNoContent, status)
	status, body, _ = call(t, s, http.MethodPost, "/rest/api/3/issue/SEC-1/transitions", map[string]any{"transition": map[string]any{"id": "99"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, errorBody([]string{"Transition id '99' is not valid for this issue."}, nil), body)
	fields, _ := s.IssueFields("SEC-1")
	assert.NotNil(t, fields["resolutiondate"])

	status, body, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-99", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, errorBody([]string{"Issue does not exist or you do not have permission to see it."}, nil), body)

	status, _, _ = call(t, s, http.MethodDelete, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusNoContent, status)
	assert.Equal(t, 0, s.IssueCount())
}

func TestCreateValidation(t *testing.T) {
	s := New(t)
	tests := []struct {
		fields map[string]any
		errors map[string]string
	}{
		{map[string]any{}, map[string]string{"project": "Specify a valid project ID or key", "issuetype": "Specify an issue type",
			"summary": "You must specify a summary of the issue."}},
		{map[string]any{"project": map[string]any{"key": "NOPE"}, "issuetype": map[string]any{"name": "Task"}, "summary": "s"},
			map[string]string{"project": "Specify a valid project ID or key"}},
		{map[string]any{"project": map[string]any{"id": "10000"}, "issuetype": map[string]any{"id": "10001"}, "summary": strings.Repeat("s", 256)},
			map[string]string{"summary": "Summary must be less than 255 characters."}},
		{map[string]any{"project": map[string]any{"key": "SEC"}, "issuetype": map[string]any{"name": "Task"}, "summary": "s",
			"description": "plain text", "labels": []any{"two words"}, "duedate": "11/05/2026", "priority": map[string]any{"name": "P0"},
			"customfield_99999": "x", "customfield_10030": "not a number", "reporter": nil},
			map[string]string{"description": "Operation value must be an Atlassian Document (see the Atlassian Document Format)",
				"labels": "The label 'two words' contains spaces which is invalid.", "duedate": "Error parsing date string: 11/05/2026",
				"priority": "The priority selected is invalid.", "customfield_99999": cannotSet("customfield_99999"),
				"customfield_10030": "Operation value must be a number", "reporter": "Reporter is required."}},
	}
	for _, tc := range tests {
		status, body, _ := call(t, s, http.MethodPost, "/rest/api/3/issue", map[string]any{"fields": tc.fields})
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, errorBody(nil, tc.errors), body)
	}
	assert.Equal(t, 0, s.IssueCount())

	// JSON bodies must say so.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/rest/api/3/issue", strings.NewReader(`{"fields":{}}`))
	req.Header.Set("Authorization", s.BasicAuthorization())
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
}

func upload(t *testing.T, s *Server, key string, xsrf bool, name string, data []byte) (int, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, err := w.CreateFormFile("file", name)
	require.NoError(t, err)
	_, _ = part.Write(data)
	require.NoError(t, w.Close())
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/rest/api/3/issue/"+key+"/attachments", &b)
	req.Header.Set("Authorization", s.BasicAuthorization())
	req.Header.Set("Content-Type", w.FormDataContentType())
	if xsrf {
		req.Header.Set("X-Atlassian-Token", "no-check")
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func TestAttachmentsAndComments(t *testing.T) {
	s := New(t)
	key, err := s.AddIssue(Issue{Summary: "a"})
	require.NoError(t, err)

	status, body := upload(t, s, key, false, "a.txt", []byte("hello"))
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "XSRF check failed", body)

	status, body = upload(t, s, key, true, "a.txt", []byte("hello"))
	require.Equal(t, http.StatusOK, status, body)
	var atts []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &atts))
	require.Len(t, atts, 1)
	id, ok := atts[0]["id"].(string)
	require.True(t, ok, "the upload answer writes the id as a string")
	assert.EqualValues(t, 5, atts[0]["size"])

	status, meta, _ := call(t, s, http.MethodGet, "/rest/api/3/attachment/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	_, isNumber := meta.(map[string]any)["id"].(float64)
	assert.True(t, isNumber, "GET attachment writes the id as a number")

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/rest/api/3/attachment/content/"+id, nil)
	req.Header.Set("Authorization", s.BasicAuthorization())
	noRedirect := *s.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Location"), "/secure/attachment/"+id+"/a.txt")

	status, _, _ = call(t, s, http.MethodDelete, "/rest/api/3/attachment/"+id, nil)
	assert.Equal(t, http.StatusNoContent, status)
	status, _, _ = call(t, s, http.MethodDelete, "/rest/api/3/attachment/"+id, nil)
	assert.Equal(t, http.StatusNotFound, status)

	doc := map[string]any{"type": "doc", "version": 1, "content": []any{map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": "hi"}}}}}
	for range 3 {
		status, _, _ = call(t, s, http.MethodPost, "/rest/api/3/issue/"+key+"/comment", map[string]any{"body": doc})
		require.Equal(t, http.StatusCreated, status)
	}
	status, body2, _ := call(t, s, http.MethodGet, "/rest/api/3/issue/"+key+"/comment?startAt=1&maxResults=1", nil)
	require.Equal(t, http.StatusOK, status)
	page := body2.(map[string]any)
	assert.EqualValues(t, 3, page["total"])
	assert.EqualValues(t, 1, page["startAt"])
	assert.Len(t, page["comments"], 1)
	status, body2, _ = call(t, s, http.MethodPost, "/rest/api/3/issue/"+key+"/comment", map[string]any{"body": "plain"})
	assert.Equal(t, http.StatusBadRequest, status, body2)
}

func TestSearch(t *testing.T) {
	s := New(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, s.AddIssues(12, func(i int) Issue {
		is := Issue{Summary: fmt.Sprintf("Disk full on web-%02d", i), Created: base.Add(time.Duration(i) * time.Hour),
			Labels: []string{"disk"}}
		if i%3 == 0 {
			is.Status, is.Priority, is.Labels = "Done", "High", nil
		}
		if i%4 == 0 {
			is.Assignee = "557058:alice"
		}
		return is
	}))
	search := func(jql string, max int, token string) (int, map[string]any) {
		body := map[string]any{"jql": jql, "maxResults": max, "fields": []string{"summary", "status"}}
		if token != "" {
			body["nextPageToken"] = token
		}
		status, out, _ := call(t, s, http.MethodPost, "/rest/api/3/search/jql", body)
		m, _ := out.(map[string]any)
		return status, m
	}
	keys := func(res map[string]any) []string {
		var out []string
		for _, is := range res["issues"].([]any) {
			out = append(out, is.(map[string]any)["key"].(string))
		}
		return out
	}
	tests := []struct {
		jql  string
		want []string
	}{
		{`status = Done ORDER BY key ASC`, []string{"SEC-1", "SEC-4", "SEC-7", "SEC-10"}},
		{`status != "done" AND priority in (High, Medium) ORDER BY created DESC`, []string{"SEC-12", "SEC-11", "SEC-9", "SEC-8", "SEC-6", "SEC-5", "SEC-3", "SEC-2"}},
		{`labels is EMPTY AND key >= SEC-7 order by key`, []string{"SEC-7", "SEC-10"}},
		{`labels != disk ORDER BY key`, nil},
		{`assignee = "557058:alice" OR (summary ~ "web" AND summary ~ "11") ORDER BY key`, []string{"SEC-1", "SEC-5", "SEC-9", "SEC-12"}},
		{`assignee is not EMPTY and not status = Done order by key`, []string{"SEC-5", "SEC-9"}},
		{`created >= "2026-01-01 10:00" AND created < "2026/01/01 11:00" ORDER BY key`, []string{"SEC-11"}},
		{`summary ~ "disk web-0*" AND key in ("SEC-2", sec-3) ORDER BY priority DESC, key`, []string{"SEC-2", "SEC-3"}},
		{`priority is EMPTY ORDER BY key`, nil},
		{`summary ~ "Disk \"full\""  AND project = "Security" ORDER BY summary DESC`, []string{"SEC-12", "SEC-11", "SEC-10", "SEC-9", "SEC-8", "SEC-7", "SEC-6", "SEC-5", "SEC-4", "SEC-3", "SEC-2", "SEC-1"}},
	}
	for _, tc := range tests {
		status, res := search(tc.jql, 100, "")
		require.Equal(t, http.StatusOK, status, "%s: %v", tc.jql, res)
		assert.Equal(t, tc.want, keys(res), tc.jql)
		assert.Equal(t, true, res["isLast"])
	}

	// Paging.
	var all []string
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		status, res := search("project = SEC ORDER BY created ASC", 5, token)
		require.Equal(t, http.StatusOK, status)
		all = append(all, keys(res)...)
		next, _ := res["nextPageToken"].(string)
		if next == "" {
			assert.Equal(t, true, res["isLast"])
			break
		}
		assert.Equal(t, false, res["isLast"])
		token = next
	}
	assert.Len(t, all, 12)
	status, res := search("project = OPS", 5, token)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, []any{"The provided next page token is invalid or expired."}, res["errorMessages"])

	// The page cap.
	s.SetMaxResults(4)
	_, res = search("project = SEC", 1000, "")
	assert.Len(t, res["issues"], 4)

	// GET, ids only by default.
	status, out, _ := call(t, s, http.MethodGet, "/rest/api/3/search/jql?"+url.Values{"jql": {"key = SEC-1"}}.Encode(), nil)
	require.Equal(t, http.StatusOK, status)
	is := out.(map[string]any)["issues"].([]any)[0].(map[string]any)
	assert.NotContains(t, is, "fields")

	// Unknown body members are refused, as the schema says.
	status, _, _ = call(t, s, http.MethodPost, "/rest/api/3/search/jql", map[string]any{"jql": "key = SEC-1", "startAt": 5})
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestJQLErrors(t *testing.T) {
	s := New(t)
	_, err := s.AddIssue(Issue{Summary: "x"})
	require.NoError(t, err)
	tests := map[string]string{
		``:                                  msgUnbounded,
		`ORDER BY key DESC`:                 msgUnbounded,
		`status = Nope`:                     "The value 'Nope' does not exist for the field 'status'.",
		`status = "a\" OR \"b"`:             `The value 'a" OR "b' does not exist for the field 'status'.`,
		`project in (SEC, NOPE)`:            "The value 'NOPE' does not exist for the field 'project'.",
		`key = SEC-999`:                     "An issue with key 'SEC-999' does not exist for field 'key'.",
		`key = nokey`:                       "The issue key 'nokey' for field 'key' is invalid.",
		`foo = bar`:                         "Field 'foo' does not exist or you do not have permission to view it.",
		`status ~ Done`:                     "The operator '~' is not supported by the 'status' field.",
		`summary = x`:                       "The operator '=' is not supported by the 'summary' field.",
		`summary ~ "*x"`:                    "The text query '*x' for field 'summary' is not valid: probably your use of wildcard characters is incorrect.",
		`created > "yesterday"`:             "Date value 'yesterday' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
		`assignee = currentUser()`:          "Error in the JQL Query: the fake does not support the function 'currentUser'. (line 1, character 12)",
		`status = Done foo`:                 "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'foo'. (line 1, character 15)",
		`status Done`:                       "Error in the JQL Query: Expecting operator but got 'Done'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 8)",
		`summary ~ "open`:                   "Error in the JQL Query: The quoted string starting at character 11 is not terminated. (line 1, character 11)",
		`summary ~ "bad \q"`:                "Error in the JQL Query: Illegal escape sequence '\\q' in a quoted string. (line 1, character 17)",
		`labels = a@b`:                      "Error in the JQL Query: The character '@' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0040' instead. (line 1, character 11)",
		`status = Done ORDER BY labels`:     "Field 'labels' does not support sorting.",
		`(status = Done`:                    "Error in the JQL Query: Expecting ')' but got ''. (line 1, character 15)",
		`status was Done`:                   "The fake does not support the history operator 'WAS'.",
		`status = Done AND priority = Nope`: "The value 'Nope' does not exist for the field 'priority'.",
	}
	for jql, want := range tests {
		status, out, _ := call(t, s, http.MethodPost, "/rest/api/3/search/jql", map[string]any{"jql": jql})
		assert.Equal(t, http.StatusBadRequest, status, jql)
		assert.Equal(t, errorBody([]string{want}, nil), out, jql)
	}
}

func TestJQLStringEscapes(t *testing.T) {
	q, err := parseJQL(`summary ~ "a\"b\\c\n\u0041\ d" AND labels in ('x\'y', z)`)
	require.NoError(t, err)
	and := q.where.(andNode)
	assert.Equal(t, []string{"a\"b\\c\nA d"}, and.l.(*clause).vals)
	assert.Equal(t, []string{"x'y", "z"}, and.r.(*clause).vals)
	assert.Equal(t, "in", and.r.(*clause).op)
}

func TestFaults(t *testing.T) {
	s := New(t)
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	s.SetClock(func() time.Time { return at })
	_, err := s.AddIssue(Issue{Summary: "x"})
	require.NoError(t, err)

	// Jira Cloud's 429: Retry-After, its X-RateLimit-* headers (the reset
	// an ISO 8601 time to the minute) and RateLimit-Reason, before
	// authentication.
	s.RateLimit(1, 7*time.Minute)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/rest/api/3/issue/SEC-1", nil)
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "420", resp.Header.Get("Retry-After"))
	assert.Equal(t, "2026-02-03T04:12Z", resp.Header.Get("X-RateLimit-Reset"))
	assert.Equal(t, "350", resp.Header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "0", resp.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, "jira-burst-based", resp.Header.Get("RateLimit-Reason"))
	assert.JSONEq(t, `{"errorMessages":["Rate limit exceeded."],"errors":{}}`, string(raw))
	assert.NotEmpty(t, resp.Header.Get("X-AREQUESTID"))

	s.FailNext(1, http.StatusServiceUnavailable)
	status, body, _ := call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, errorBody([]string{"Service unavailable. Please try again later."}, nil), body)

	s.Inject(fakekit.Fault{Method: http.MethodPost, Status: http.StatusServiceUnavailable})
	status, _, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusOK, status, "the fault only hits POSTs")
	s.ClearFaults()

	// A message of the test's, and a raw body with a status.
	s.Inject(fakekit.Fault{Status: http.StatusBadRequest, Message: "no"})
	status, body, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, errorBody([]string{"no"}, nil), body)
	s.Inject(fakekit.Fault{Status: http.StatusBadRequest, Body: fakekit.BodyMalformed, Message: `{"errorMessages":[],"errors":{"summary":"raw"}}`})
	status, body, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, errorBody(nil, map[string]string{"summary": "raw"}), body)

	// An injected 401 is Jira's.
	s.Inject(fakekit.Fault{Status: http.StatusUnauthorized})
	status, body, h := call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, errorBody([]string{"Client must be authenticated to access this resource."}, nil), body)
	assert.Equal(t, "AUTHENTICATED_FAILED", h.Get("X-Seraph-LoginReason"))

	s.Inject(fakekit.Fault{Body: fakekit.BodyTruncated})
	req, _ = http.NewRequest(http.MethodGet, s.URL+"/rest/api/3/issue/SEC-1", nil)
	req.Header.Set("Authorization", s.BasicAuthorization())
	resp, err = s.Client().Do(req)
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)

	s.Inject(fakekit.Fault{Body: fakekit.BodyOversized, Size: 100_000})
	req, _ = http.NewRequest(http.MethodGet, s.URL+"/rest/api/3/field", nil)
	req.Header.Set("Authorization", s.BasicAuthorization())
	resp, err = s.Client().Do(req)
	require.NoError(t, err)
	raw, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Len(t, raw, 100_000)
	assert.True(t, json.Valid(raw))

	s.Inject(fakekit.Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	status, _, _ = call(t, s, http.MethodGet, "/rest/api/3/issue/SEC-1", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	assert.Equal(t, 8, s.Count(http.MethodGet, "/rest/api/3/issue/SEC-1"))

	// Every answer names its request, and the log has the ids.
	ids := map[string]bool{}
	for _, r := range s.Requests() {
		assert.NotEmpty(t, r.RequestID)
		assert.False(t, ids[r.RequestID], "request ids are unique")
		ids[r.RequestID] = true
	}
}

func TestConcurrentCreates(t *testing.T) {
	s := New(t)
	var wg sync.WaitGroup
	keys := make(chan string, 40)
	for range 8 {
		wg.Go(func() {
			for range 5 {
				status, body, _ := call(t, s, http.MethodPost, "/rest/api/3/issue", map[string]any{"fields": map[string]any{
					"project": map[string]any{"key": "OPS"}, "issuetype": map[string]any{"name": "Task"}, "summary": "c"}})
				if status == http.StatusCreated {
					keys <- body.(map[string]any)["key"].(string)
				}
				call(t, s, http.MethodPost, "/rest/api/3/search/jql", map[string]any{"jql": "project = OPS"})
			}
		})
	}
	wg.Wait()
	close(keys)
	seen := map[string]bool{}
	for k := range keys {
		assert.False(t, seen[k], k)
		seen[k] = true
	}
	assert.Len(t, seen, 40)
}
