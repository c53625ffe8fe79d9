package teamsfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/teams/teamsfake"
)

func newFake(t *testing.T) *teamsfake.Server {
	t.Helper()
	f := teamsfake.New()
	t.Cleanup(f.Close)
	return f
}

// call sends a request and returns the status, headers and decoded body
// (nil if the body is not JSON).
func call(t *testing.T, f *teamsfake.Server, method, target, ctype, body, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, resp.Header, out
}

func tokenForm(secret, scope string) string {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {teamsfake.ClientID}, "client_secret": {secret}, "scope": {scope}}.Encode()
}

const form = "application/x-www-form-urlencoded"

func getToken(t *testing.T, f *teamsfake.Server) string {
	t.Helper()
	st, h, out := call(t, f, http.MethodPost, f.TokenURL(teamsfake.TenantID), form, tokenForm(teamsfake.ClientSecret, teamsfake.Scope), "")
	if st != http.StatusOK || out["token_type"] != "Bearer" || out["expires_in"] != float64(3599) {
		t.Fatalf("token: %d %v", st, out)
	}
	if h.Get("X-Ms-Request-Id") == "" || h.Get("MS-CV") != "" {
		t.Errorf("the identity platform names its answers with x-ms-request-id: %v", h)
	}
	return out["access_token"].(string)
}

// TestToken: the token endpoint issues tokens to the bot and refuses
// others with the identity platform's errors.
func TestToken(t *testing.T) {
	f := newFake(t)
	getToken(t, f)
	for name, tc := range map[string]struct {
		tenant, body string
		status, code int
		err          string
	}{
		"wrong secret": {teamsfake.TenantID, tokenForm("nope", teamsfake.Scope), 401, 7000215, "invalid_client"},
		"wrong scope":  {teamsfake.TenantID, tokenForm(teamsfake.ClientSecret, "https://graph.microsoft.com/.default"), 400, 1002012, "invalid_scope"},
		"wrong tenant": {"00000000-0000-0000-0000-000000000000", tokenForm(teamsfake.ClientSecret, teamsfake.Scope), 400, 90002, "invalid_request"},
		"wrong grant":  {teamsfake.TenantID, "grant_type=password&client_id=x", 400, 70003, "unsupported_grant_type"},
		"wrong client": {teamsfake.TenantID, "grant_type=client_credentials&client_id=x&client_secret=y", 400, 700016, "unauthorized_client"},
		"no secret":    {teamsfake.TenantID, "grant_type=client_credentials&client_id=" + teamsfake.ClientID, 401, 7000218, "invalid_client"},
	} {
		st, _, out := call(t, f, http.MethodPost, f.TokenURL(tc.tenant), form, tc.body, "")
		if st != tc.status || out["error"] != tc.err {
			t.Errorf("%s: %d %v", name, st, out)
			continue
		}
		codes, _ := out["error_codes"].([]any)
		desc, _ := out["error_description"].(string)
		if len(codes) != 1 || codes[0] != float64(tc.code) || !strings.HasPrefix(desc, "AADSTS") || !strings.Contains(desc, "\r\nTrace ID: ") ||
			out["trace_id"] == "" || out["correlation_id"] == "" {
			t.Errorf("%s: not the identity platform's error: %v", name, out)
		}
	}
	f.RequireSingleTenant(true)
	if st, _, out := call(t, f, http.MethodPost, f.TokenURL(teamsfake.BotDirectory), form, tokenForm(teamsfake.ClientSecret, teamsfake.Scope), ""); st != 400 || out["error"] != "unauthorized_client" {
		t.Errorf("a single-tenant bot from botframework.com: %d %v", st, out)
	}
	if got := f.TokenTenants(); len(got) == 0 || got[len(got)-1] != teamsfake.BotDirectory {
		t.Errorf("TokenTenants %v", got)
	}
}

// TestBotConnector: conversations are created in the team's channels with
// a token, and updated; the rest is refused in the Bot Connector's shape.
func TestBotConnector(t *testing.T) {
	f := newFake(t)
	base := f.ServiceURL() + "v3/"
	card := `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","version":"1.4","body":[]}}]}`
	create := `{"isGroup":true,"channelData":{"channel":{"id":"` + teamsfake.ChannelID + `"}},"tenantId":"` + teamsfake.TenantID + `","activity":` + card + `}`

	st, h, out := call(t, f, http.MethodPost, base+"conversations", "application/json", create, "")
	if st != 401 || out["message"] != "Authorization has been denied for this request." || h.Get("MS-CV") == "" {
		t.Errorf("no token: %d %v %v", st, out, h)
	}
	tok := getToken(t, f)
	st, _, out = call(t, f, http.MethodPost, base+"conversations", "application/json", create, tok)
	if st != 201 {
		t.Fatalf("create: %d %v", st, out)
	}
	conv, act := out["id"].(string), out["activityId"].(string)
	if conv != teamsfake.ChannelID+";messageid="+act {
		t.Errorf("conversation %q, activity %q", conv, act)
	}
	st, _, _ = call(t, f, http.MethodPut, base+"conversations/"+conv+"/activities/"+act, "application/json", card, tok)
	if st != 200 {
		t.Errorf("update: %d", st)
	}
	if m := f.Messages(teamsfake.ChannelID); len(m) != 1 || m[0].Versions != 2 || m[0].Via != "bot" {
		t.Errorf("messages %+v", m)
	}
	for name, tc := range map[string]struct {
		method, path, body string
		status             int
		code               string
	}{
		"unknown channel":  {http.MethodPost, "conversations", strings.Replace(create, teamsfake.ChannelID, "19:x@thread.tacv2", 1), 404, "ConversationNotFound"},
		"no activity":      {http.MethodPost, "conversations", `{"isGroup":true,"channelData":{"channel":{"id":"` + teamsfake.ChannelID + `"}}}`, 400, "BadSyntax"},
		"not a group":      {http.MethodPost, "conversations", strings.Replace(create, `"isGroup":true`, `"isGroup":false`, 1), 400, "BadSyntax"},
		"other tenant":     {http.MethodPost, "conversations", strings.Replace(create, teamsfake.TenantID, "00000000-0000-0000-0000-000000000000", 1), 403, "Forbidden"},
		"too large":        {http.MethodPost, "conversations", strings.Replace(create, `"body":[]`, `"body":[{"type":"TextBlock","text":"`+strings.Repeat("x", 30000)+`"}]`, 1), 413, "MessageSizeTooBig"},
		"unknown activity": {http.MethodPut, "conversations/" + conv + "/activities/1", card, 404, "ActivityNotFoundInConversation"},
		"unknown conv":     {http.MethodPut, "conversations/19:y@thread.tacv2;messageid=1/activities/1", card, 404, "ConversationNotFound"},
		"other team":       {http.MethodGet, "teams/19:z@thread.tacv2/conversations", "", 403, "BotNotInConversationRoster"},
	} {
		st, _, out := call(t, f, tc.method, base+tc.path, "application/json", tc.body, tok)
		e, _ := out["error"].(map[string]any)
		if st != tc.status || e["code"] != tc.code || e["message"] == "" {
			t.Errorf("%s: %d %v", name, st, out)
		}
	}
	st, _, out = call(t, f, http.MethodGet, base+"teams/"+teamsfake.TeamID+"/conversations", "", "", tok)
	if list, _ := out["conversations"].([]any); st != 200 || len(list) != 2 {
		t.Errorf("channels: %d %v", st, out)
	}
	f.ExpireTokens()
	if st, _, _ := call(t, f, http.MethodPost, base+"conversations", "application/json", create, tok); st != 401 {
		t.Errorf("an expired token: %d", st)
	}
}

// TestWebhook: the signature is checked; a good request is accepted and
// its card posted; a bad card fails the run after the 202.
func TestWebhook(t *testing.T) {
	f := newFake(t)
	card := `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"hi"}]}}]}`
	st, h, out := call(t, f, http.MethodPost, f.WebhookURLWithSig("wrong"), "application/json", card, "")
	if e, _ := out["error"].(map[string]any); st != 401 || e["code"] != "DirectApiInvalidAuthorizationSignature" || h.Get("X-Ms-Request-Id") == "" {
		t.Errorf("wrong sig: %d %v %v", st, out, h)
	}
	st, h, _ = call(t, f, http.MethodPost, f.WebhookURL(), "application/json", card, "")
	if st != 202 || h.Get("X-Ms-Workflow-Run-Id") == "" {
		t.Errorf("post: %d %v", st, h)
	}
	if m := f.Messages(teamsfake.ChannelID); len(m) != 1 || m[0].Texts()[0] != "hi" || m[0].Via != "webhook" {
		t.Errorf("messages %+v", m)
	}
	st, _, _ = call(t, f, http.MethodPost, f.WebhookURL(), "application/json", `{"text":"a connector card"}`, "")
	if st != 202 || len(f.FailedRuns()) != 1 {
		t.Errorf("a body the flow cannot post: %d %v", st, f.FailedRuns())
	}
	st, _, out = call(t, f, http.MethodPost, f.WebhookURL(), "application/json", `not json`, "")
	if e, _ := out["error"].(map[string]any); st != 400 || e["code"] != "InvalidRequestContent" {
		t.Errorf("not JSON: %d %v", st, out)
	}
}

// TestFaultShapes: injected statuses are answered in the shape of the
// endpoint hit.
func TestFaultShapes(t *testing.T) {
	f := newFake(t)
	f.Inject(fakekit.Fault{Status: 503, Times: 3, RetryAfter: time.Second, Message: "busy"})
	_, _, bot := call(t, f, http.MethodPost, f.ServiceURL()+"v3/conversations", "application/json", "{}", "")
	_, _, tok := call(t, f, http.MethodPost, f.TokenURL(teamsfake.TenantID), form, "", "")
	_, _, hook := call(t, f, http.MethodPost, f.WebhookURL(), "application/json", "{}", "")
	if e, _ := bot["error"].(map[string]any); e["code"] != "ServiceError" || e["message"] != "busy" {
		t.Errorf("bot connector: %v", bot)
	}
	if tok["error"] != "server_error" || !strings.HasPrefix(tok["error_description"].(string), "busy") {
		t.Errorf("identity platform: %v", tok)
	}
	if e, _ := hook["error"].(map[string]any); e["message"] != "busy" {
		t.Errorf("webhook: %v", hook)
	}
	f.RateLimit(1, 2*time.Second)
	st, h, _ := call(t, f, http.MethodPost, f.WebhookURL(), "application/json", "{}", "")
	if st != 429 || h.Get("Retry-After") != "2" {
		t.Errorf("rate limit: %d %v", st, h)
	}
}
