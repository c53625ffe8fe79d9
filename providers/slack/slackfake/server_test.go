package slackfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/slack/slackfake"
)

type answer struct {
	status int
	header http.Header
	body   []byte
	obj    map[string]any
}

func (a answer) str(key string) string { s, _ := a.obj[key].(string); return s }

func (a answer) messages() []any {
	meta, _ := a.obj["response_metadata"].(map[string]any)
	m, _ := meta["messages"].([]any)
	return m
}

// call sends a request to the fake: a JSON body (a map), a form body
// (url.Values) or none, with the bot token unless token is "-".
func call(t *testing.T, srv *slackfake.Server, method, path string, body any, token string) answer {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ctype = strings.NewReader(b), "application/json; charset=utf-8"
	default:
		js, err := json.Marshal(b)
		require.NoError(t, err)
		rd, ctype = strings.NewReader(string(js)), "application/json; charset=utf-8"
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	switch token {
	case "":
		req.Header.Set("Authorization", "Bearer "+slackfake.BotToken)
	case "-":
	default:
		req.Header.Set("Authorization", "Bearer "+token)
	}
	hc := srv.Client()
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, body: data}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(data, &a.obj), "%s", data)
	}
	return a
}

func newServer(t *testing.T) *slackfake.Server {
	srv := slackfake.New()
	t.Cleanup(srv.Close)
	return srv
}

func wantError(t *testing.T, a answer, code string) {
	t.Helper()
	assert.Equal(t, http.StatusOK, a.status, "Slack answers errors with HTTP 200: %s", a.body)
	assert.Equal(t, false, a.obj["ok"], "%s", a.body)
	assert.Equal(t, code, a.str("error"), "%s", a.body)
}

func TestAuth(t *testing.T) {
	srv := newServer(t)
	post := map[string]any{"channel": slackfake.ChannelSecurity, "text": "hi"}
	wantError(t, call(t, srv, "POST", "/api/chat.postMessage", post, "-"), "not_authed")
	wantError(t, call(t, srv, "POST", "/api/chat.postMessage", post, "xoxb-wrong"), "invalid_auth")
	// The token as a POST parameter.
	a := call(t, srv, "POST", "/api/chat.postMessage", url.Values{"token": {slackfake.BotToken}, "channel": {"#general"}, "text": {"hi"}}, "-")
	assert.Equal(t, true, a.obj["ok"], "%s", a.body)
	assert.Regexp(t, `^slack-req-\d+$`, a.header.Get("X-Slack-Req-Id"))
}

func TestPostMessage(t *testing.T) {
	srv := newServer(t)
	blocks := []any{map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": "Hello", "emoji": true}}}
	meta := map[string]any{"event_type": "test_event", "event_payload": map[string]any{"k": "v"}}
	a := call(t, srv, "POST", "/api/chat.postMessage", map[string]any{"channel": "#security", "text": "fallback", "blocks": blocks, "metadata": meta}, "")
	require.Equal(t, true, a.obj["ok"], "%s", a.body)
	assert.Equal(t, slackfake.ChannelSecurity, a.str("channel"), "a name is answered with the channel's id")
	ts := a.str("ts")
	assert.Regexp(t, `^\d{10}\.\d{6}$`, ts)
	assert.Nil(t, a.obj["warning"])
	m, ok := srv.Message(slackfake.ChannelSecurity, ts)
	require.True(t, ok)
	assert.Equal(t, "fallback", m.Text)
	assert.JSONEq(t, `[{"type":"header","text":{"type":"plain_text","text":"Hello","emoji":true}}]`, string(m.Blocks))
	require.NotNil(t, m.Metadata)
	assert.Equal(t, "test_event", m.Metadata.EventType)

	// Form-encoded, blocks and metadata as JSON strings.
	bs, _ := json.Marshal(blocks)
	ms, _ := json.Marshal(meta)
	a = call(t, srv, "POST", "/api/chat.postMessage", url.Values{"channel": {slackfake.ChannelGeneral}, "blocks": {string(bs)}, "metadata": {string(ms)}}, "")
	assert.Equal(t, true, a.obj["ok"], "%s", a.body)

	// A JSON body without a charset is accepted with Slack's warning.
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.APIURL+"/chat.postMessage", strings.NewReader(`{"channel":"#general","text":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+slackfake.BotToken)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	resp.Body.Close()
	assert.Equal(t, "missing_charset", out["warning"])

	// Too long a text is cut, with a warning.
	a = call(t, srv, "POST", "/api/chat.postMessage", map[string]any{"channel": "#general", "text": strings.Repeat("é", 40_001)}, "")
	assert.Equal(t, "message_truncated", a.str("warning"))
	require.Len(t, a.messages(), 1)

	for _, tc := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"channel": "#nowhere", "text": "x"}, "channel_not_found"},
		{map[string]any{"text": "x"}, "channel_not_found"},
		{map[string]any{"channel": "#outside", "text": "x"}, "not_in_channel"},
		{map[string]any{"channel": slackfake.ChannelArchived, "text": "x"}, "is_archived"},
		{map[string]any{"channel": "#general"}, "no_text"},
		{map[string]any{"channel": "#general", "blocks": "not json"}, "invalid_blocks_format"},
		{map[string]any{"channel": "#general", "blocks": []any{map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": strings.Repeat("h", 151)}}}}, "invalid_blocks"},
		{map[string]any{"channel": "#general", "blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": strings.Repeat("s", 3001)}}}}, "invalid_blocks"},
		{map[string]any{"channel": "#general", "blocks": []any{map[string]any{"type": "header", "text": map[string]any{"type": "mrkdwn", "text": "x"}}}}, "invalid_blocks"},
		{map[string]any{"channel": "#general", "blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "x", "emoji": true}}}}, "invalid_blocks"},
		{map[string]any{"channel": "#general", "blocks": []any{map[string]any{"type": "wat"}}}, "invalid_blocks"},
		{map[string]any{"channel": "#general", "blocks": make([]any, 51)}, "invalid_blocks"},
		{map[string]any{"channel": "#general", "text": "x", "metadata": map[string]any{"event_payload": map[string]any{}}}, "invalid_metadata_format"},
		{map[string]any{"channel": "#general", "text": "x", "metadata": map[string]any{"event_type": "e", "event_payload": "str"}}, "invalid_metadata_format"},
	} {
		wantError(t, call(t, srv, "POST", "/api/chat.postMessage", tc.body, ""), tc.code)
	}
	wantError(t, call(t, srv, "POST", "/api/chat.postMessage", `[1,2]`, ""), "json_not_object")
	wantError(t, call(t, srv, "POST", "/api/chat.postMessage", `{"channel":`, ""), "invalid_json")
	wantError(t, call(t, srv, "POST", "/api/chat.nothing", nil, ""), "unknown_method")
}

func TestUpdateAndHistory(t *testing.T) {
	srv := newServer(t)
	meta := map[string]any{"event_type": "e", "event_payload": map[string]any{"status": "OPEN"}}
	var tss []string
	for _, text := range []string{"one", "two", "three"} {
		a := call(t, srv, "POST", "/api/chat.postMessage", map[string]any{"channel": slackfake.ChannelSecurity, "text": text, "metadata": meta}, "")
		require.Equal(t, true, a.obj["ok"], "%s", a.body)
		tss = append(tss, a.str("ts"))
	}

	history := func(q url.Values) answer {
		return call(t, srv, "GET", "/api/conversations.history?"+q.Encode(), nil, "")
	}
	a := history(url.Values{"channel": {slackfake.ChannelSecurity}})
	msgs, _ := a.obj["messages"].([]any)
	require.Len(t, msgs, 3)
	assert.Equal(t, "three", msgs[0].(map[string]any)["text"], "newest first")
	assert.Nil(t, msgs[0].(map[string]any)["metadata"], "metadata only when asked for")
	assert.Equal(t, false, a.obj["has_more"])

	a = history(url.Values{"channel": {slackfake.ChannelSecurity}, "latest": {tss[1]}, "inclusive": {"true"}, "limit": {"1"}, "include_all_metadata": {"true"}})
	msgs, _ = a.obj["messages"].([]any)
	require.Len(t, msgs, 1)
	m := msgs[0].(map[string]any)
	assert.Equal(t, tss[1], m["ts"])
	assert.NotNil(t, m["metadata"])
	assert.Equal(t, true, a.obj["has_more"])
	a = history(url.Values{"channel": {slackfake.ChannelSecurity}, "latest": {tss[1]}, "limit": {"1"}})
	msgs, _ = a.obj["messages"].([]any)
	assert.Equal(t, tss[0], msgs[0].(map[string]any)["ts"], "latest is exclusive unless inclusive")
	a = call(t, srv, "POST", "/api/conversations.history", url.Values{"channel": {slackfake.ChannelSecurity}, "oldest": {tss[1]}}, "")
	msgs, _ = a.obj["messages"].([]any)
	assert.Len(t, msgs, 1, "form arguments, oldest exclusive")

	wantError(t, history(url.Values{"channel": {"#security"}}), "channel_not_found")
	wantError(t, history(url.Values{"channel": {slackfake.ChannelOutside}}), "not_in_channel")
	wantError(t, history(url.Values{"channel": {slackfake.ChannelSecurity}, "latest": {"soon"}}), "invalid_ts_latest")
	wantError(t, history(url.Values{"channel": {slackfake.ChannelSecurity}, "oldest": {"1.2.3"}}), "invalid_ts_oldest")

	a = call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": slackfake.ChannelSecurity, "ts": tss[0], "text": "uno",
		"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*uno*"}}}}, "")
	require.Equal(t, true, a.obj["ok"], "%s", a.body)
	assert.Equal(t, "uno", a.str("text"))
	got, _ := srv.Message(slackfake.ChannelSecurity, tss[0])
	assert.Equal(t, "uno", got.Text)
	assert.NotEmpty(t, got.Edited)
	require.NotNil(t, got.Metadata, "metadata is kept unless replaced")
	// Only a text: the blocks go.
	call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": slackfake.ChannelSecurity, "ts": tss[0], "text": "only text"}, "")
	got, _ = srv.Message(slackfake.ChannelSecurity, tss[0])
	assert.Nil(t, got.Blocks)

	wantError(t, call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": slackfake.ChannelSecurity, "ts": "1000000000.000000", "text": "x"}, ""), "message_not_found")
	wantError(t, call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": "#security", "ts": tss[0], "text": "x"}, ""), "channel_not_found")
	wantError(t, call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": slackfake.ChannelSecurity, "ts": tss[0]}, ""), "no_text")

	a = call(t, srv, "GET", "/api/conversations.info?channel="+slackfake.ChannelOutside, nil, "")
	ch, _ := a.obj["channel"].(map[string]any)
	assert.Equal(t, "outside", ch["name"])
	assert.Equal(t, false, ch["is_member"])
	assert.Equal(t, slackfake.ChannelArchived, srv.ChannelID("#archived"))
	assert.Empty(t, srv.ChannelID("nowhere"))
}

func TestWebhook(t *testing.T) {
	srv := newServer(t)
	a := call(t, srv, "POST", slackfake.WebhookPath, map[string]any{"text": "via hook"}, "-")
	assert.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, "ok", string(a.body))
	msgs := srv.Messages(slackfake.ChannelSecurity)
	require.Len(t, msgs, 1)
	assert.True(t, msgs[0].Webhook)
	// Updating a webhook's message is not the bot's to do.
	wantError(t, call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": slackfake.ChannelSecurity, "ts": msgs[0].TS, "text": "x"}, ""), "cant_update_message")

	a = call(t, srv, "POST", slackfake.WebhookPath, url.Values{"payload": {`{"text":"legacy form"}`}}, "-")
	assert.Equal(t, "ok", string(a.body))

	for _, tc := range []struct {
		path   string
		body   any
		status int
		code   string
	}{
		{slackfake.WebhookPath, `not json`, http.StatusBadRequest, "invalid_payload"},
		{slackfake.WebhookPath, map[string]any{}, http.StatusBadRequest, "missing_text_or_fallback_or_attachments"},
		{slackfake.WebhookPath, map[string]any{"blocks": []any{map[string]any{"type": "wat"}}}, http.StatusBadRequest, "invalid_blocks"},
		{strings.Replace(slackfake.WebhookPath, slackfake.WebhookSecret, "wrongwrongwrong", 1), map[string]any{"text": "x"}, http.StatusForbidden, "invalid_token"},
		{"/services/T1/B1", map[string]any{"text": "x"}, http.StatusForbidden, "invalid_token"},
	} {
		a := call(t, srv, "POST", tc.path, tc.body, "-")
		assert.Equal(t, tc.status, a.status, "%s: %s", tc.path, a.body)
		assert.Equal(t, tc.code, string(a.body))
	}
	srv.DisableWebhook()
	a = call(t, srv, "POST", slackfake.WebhookPath, map[string]any{"text": "x"}, "-")
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Equal(t, "no_service", string(a.body))
}

// TestFaults: injected statuses, answered the way Slack answers them.
func TestFaults(t *testing.T) {
	srv := newServer(t)
	post := map[string]any{"channel": slackfake.ChannelSecurity, "text": "x"}
	for status, code := range map[int]string{
		http.StatusUnauthorized: "invalid_auth",
		http.StatusForbidden:    "missing_scope",
		http.StatusNotFound:     "channel_not_found",
		http.StatusBadRequest:   "invalid_arguments",
		http.StatusConflict:     "already_reacted",
	} {
		srv.Inject(fakekit.Fault{Path: "/api/chat.postMessage", Status: status, Message: "explained"})
		a := call(t, srv, "POST", "/api/chat.postMessage", post, "")
		wantError(t, a, code)
		assert.Equal(t, []any{"[ERROR] explained"}, a.messages())
	}
	srv.Inject(fakekit.Fault{Path: "/api/chat.update", Status: http.StatusNotFound})
	wantError(t, call(t, srv, "POST", "/api/chat.update", map[string]any{"channel": slackfake.ChannelSecurity, "ts": "1", "text": "x"}, ""), "message_not_found")

	srv.Inject(fakekit.Fault{Path: "/api/chat.postMessage", Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second})
	a := call(t, srv, "POST", "/api/chat.postMessage", post, "")
	assert.Equal(t, http.StatusTooManyRequests, a.status)
	assert.Equal(t, "3", a.header.Get("Retry-After"))
	assert.Equal(t, "ratelimited", a.str("error"))
	for status, code := range map[int]string{500: "internal_error", 502: "internal_error", 503: "service_unavailable"} {
		srv.Inject(fakekit.Fault{Path: "/api/chat.postMessage", Status: status})
		a := call(t, srv, "POST", "/api/chat.postMessage", post, "")
		assert.Equal(t, status, a.status)
		assert.Equal(t, code, a.str("error"))
	}

	for status, want := range map[int]struct {
		status int
		code   string
	}{
		http.StatusUnauthorized:        {http.StatusForbidden, "invalid_token"},
		http.StatusForbidden:           {http.StatusForbidden, "action_prohibited"},
		http.StatusNotFound:            {http.StatusNotFound, "channel_not_found"},
		http.StatusConflict:            {http.StatusGone, "channel_is_archived"},
		http.StatusBadRequest:          {http.StatusBadRequest, "invalid_payload"},
		http.StatusTooManyRequests:     {http.StatusTooManyRequests, "rate_limited"},
		http.StatusInternalServerError: {http.StatusInternalServerError, "rollup_error"},
	} {
		srv.Inject(fakekit.Fault{Path: slackfake.WebhookPath, Status: status, Message: "explained"})
		a := call(t, srv, "POST", slackfake.WebhookPath, map[string]any{"text": "x"}, "-")
		assert.Equal(t, want.status, a.status, "%d", status)
		assert.Equal(t, want.code+"\nexplained", string(a.body))
	}
}
