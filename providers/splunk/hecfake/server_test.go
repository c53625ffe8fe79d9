package hecfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

const channel = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

type answer struct {
	Text   string `json:"text"`
	Code   int    `json:"code"`
	Number *int   `json:"invalid-event-number"`
	AckID  *int64 `json:"ackId"`
}

// post sends body to path with the headers (auth "Splunk <Token>" unless
// auth is given) and returns the status and HEC's answer.
func post(t *testing.T, srv *hecfake.Server, path, body string, hdr ...string) (int, answer, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Splunk "+hecfake.Token)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := srv.Client()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var a answer
	_ = json.Unmarshal(data, &a)
	return resp.StatusCode, a, data
}

func newServer(t *testing.T, opts ...hecfake.Option) *hecfake.Server {
	srv := hecfake.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func TestAuthentication(t *testing.T) {
	srv := newServer(t)
	ev := `{"event":"x"}`
	for _, c := range []struct {
		auth         string
		status, code int
	}{
		{"", 401, 2},
		{"Bearer " + hecfake.Token, 401, 3},
		{"Splunk ", 401, 3},
		{"Splunk wrong-token", 403, 4},
		{"Splunk " + hecfake.Token, 200, 0},
	} {
		st, a, _ := post(t, srv, hecfake.EventPath, ev, "Authorization", c.auth)
		assert.Equal(t, c.status, st, c.auth)
		assert.Equal(t, c.code, a.Code, c.auth)
	}
	srv.DisableToken()
	st, a, _ := post(t, srv, hecfake.EventPath, ev)
	assert.Equal(t, 403, st)
	assert.Equal(t, answer{Text: "Token disabled", Code: 1}, a)
}

func TestEvents(t *testing.T) {
	srv := newServer(t)
	st, a, raw := post(t, srv, hecfake.EventPath,
		`{"time":1764650000.123,"index":"security","host":"h","source":"s","sourcetype":"ocsf","event":{"a":1}}`+
			"\n"+`{"event":"plain","time":"1764650001"}{"fields":{"k":"v"}}  {"event":[1]}`, hdrChannel()...)
	require.Equal(t, 200, st, string(raw))
	assert.JSONEq(t, `{"text":"Success","code":0}`, string(raw))
	assert.Equal(t, 0, a.Code)
	evs := srv.Events()
	require.Len(t, evs, 3, "a fields-only object indexes nothing")
	assert.Equal(t, hecfake.Event{Index: "security", Host: "h", Source: "s", SourceType: "ocsf", Time: "1764650000.123",
		Channel: channel, Event: json.RawMessage(`{"a":1}`)}, evs[0])
	assert.Equal(t, hecfake.DefaultIndex, evs[1].Index)
	assert.Equal(t, "1764650001", evs[1].Time)
	assert.Equal(t, []string{"main", "security"}, srv.Indexes())
	assert.Len(t, srv.EventsIn("security"), 1)

	st, a, _ = post(t, srv, hecfake.EventPath, "  \n")
	assert.Equal(t, 400, st)
	assert.Equal(t, 5, a.Code)
}

// TestRefusals: HEC stops at the first event it refuses, keeps the ones
// before it and names it.
func TestRefusals(t *testing.T) {
	ok := `{"event":"ok"}`
	for _, c := range []struct {
		bad          string
		code, number int
	}{
		{`{"event":"x"`, 6, 1},
		{`[1,2]`, 6, 1},
		{`{"event":null}`, 6, 1},
		{`{"event":false}`, 6, 1},
		{`{"event":"x","time":"soon"}`, 6, 1},
		{`{"event":"x","host":7}`, 6, 1},
		{`{"event":"x","extra":1}`, 6, 1},
		{`{"time":1}`, 12, 1},
		{`{"event":"  "}`, 13, 1},
		{`{"event":"x","fields":{"n":{"deep":1}}}`, 15, 1},
		{`{"event":"x","index":"Bad"}`, 7, 2},
	} {
		srv := newServer(t)
		st, a, _ := post(t, srv, hecfake.EventPath, ok+c.bad+ok)
		assert.Equal(t, 400, st, c.bad)
		assert.Equal(t, c.code, a.Code, c.bad)
		require.NotNil(t, a.Number, c.bad)
		assert.Equal(t, c.number, *a.Number, c.bad)
		assert.Len(t, srv.Events(), 1, "the event before the refused one is kept: %s", c.bad)
	}

	srv := newServer(t, hecfake.WithIndexes("security"))
	srv.RefuseIndex("refused")
	srv.RejectUIDPrefix("bad-")
	for body, code := range map[string]int{
		`{"event":"x","index":"other"}`:                        7,
		`{"event":"x","index":"refused"}`:                      7,
		`{"event":"x","index":"_internal_kvstore"}`:            7,
		`{"event":{"metadata":{"uid":"bad-1"}}}`:               6,
		`{"event":{"metadata":{"uid":"good-1"}}}`:              0,
		`{"event":"x","index":"security"}`:                     0,
		`{"event":"x","index":"` + hecfake.DefaultIndex + `"}`: 0,
	} {
		_, a, _ := post(t, srv, hecfake.EventPath, body)
		assert.Equal(t, code, a.Code, body)
	}
}

func TestBusy(t *testing.T) {
	srv := newServer(t)
	srv.BusyAfter(2)
	st, a, _ := post(t, srv, hecfake.EventPath, strings.Repeat(`{"event":"e"}`, 4))
	assert.Equal(t, 503, st)
	assert.Equal(t, 9, a.Code)
	require.NotNil(t, a.Number)
	assert.Equal(t, 2, *a.Number)
	assert.Len(t, srv.Events(), 2)
	st, _, _ = post(t, srv, hecfake.EventPath, `{"event":"e"}`)
	assert.Equal(t, 200, st, "once")
}

func hdrChannel() []string { return []string{hecfake.ChannelHeader, channel} }

func TestAck(t *testing.T) {
	srv := newServer(t, hecfake.WithAck())
	st, a, _ := post(t, srv, hecfake.EventPath, `{"event":"e"}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, 10, a.Code, "a channel is required")
	st, a, _ = post(t, srv, hecfake.EventPath, `{"event":"e"}`, hecfake.ChannelHeader, "not-a-guid")
	assert.Equal(t, 400, st)
	assert.Equal(t, 11, a.Code)

	for want := int64(0); want < 2; want++ {
		st, a, _ = post(t, srv, hecfake.EventPath, `{"event":"e"}`, hdrChannel()...)
		require.Equal(t, 200, st)
		require.NotNil(t, a.AckID)
		assert.Equal(t, want, *a.AckID)
	}
	other := "ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	_, a, _ = post(t, srv, hecfake.EventPath+"?channel="+other, `{"event":"e"}`)
	assert.Equal(t, int64(0), *a.AckID, "ids count per channel")

	srv.AckAfter(1)
	_, _, raw := post(t, srv, hecfake.AckPath, `{"acks":[0,1,5]}`, hdrChannel()...)
	assert.JSONEq(t, `{"acks":{"0":false,"1":false,"5":false}}`, string(raw))
	_, _, raw = post(t, srv, hecfake.AckPath, `{"acks":[0,1,5]}`, hdrChannel()...)
	assert.JSONEq(t, `{"acks":{"0":true,"1":true,"5":false}}`, string(raw))
	_, _, raw = post(t, srv, hecfake.AckPath, `{"acks":[0,1]}`, hdrChannel()...)
	assert.JSONEq(t, `{"acks":{"0":false,"1":false}}`, string(raw), "forgotten once answered true")
	assert.Zero(t, srv.PendingAcks(channel))
	assert.Equal(t, 1, srv.PendingAcks(other))

	srv.HoldAcks(true)
	_, _, raw = post(t, srv, hecfake.AckPath+"?channel="+other, `{"acks":[0]}`)
	assert.JSONEq(t, `{"acks":{"0":false}}`, string(raw))
	srv.HoldAcks(false)
	_, _, raw = post(t, srv, hecfake.AckPath+"?channel="+other, `{"acks":[0]}`)
	assert.JSONEq(t, `{"acks":{"0":true}}`, string(raw))

	st, a, _ = post(t, srv, hecfake.AckPath, `{"acks":[0]}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, 10, a.Code)
	st, a, _ = post(t, srv, hecfake.AckPath, `{"ids":[0]}`, hdrChannel()...)
	assert.Equal(t, 400, st)
	assert.Equal(t, 6, a.Code)

	noAck := newServer(t)
	st, a, _ = post(t, noAck, hecfake.AckPath, `{"acks":[0]}`, hdrChannel()...)
	assert.Equal(t, 400, st)
	assert.Equal(t, answer{Text: "ACK is disabled", Code: 14}, a)
	_, a, _ = post(t, noAck, hecfake.EventPath, `{"event":"e"}`, hdrChannel()...)
	assert.Nil(t, a.AckID)
}

func TestHTTP(t *testing.T) {
	srv := newServer(t, hecfake.WithMaxContentLength(100))
	c := srv.Client()
	defer c.CloseIdleConnections()
	resp, err := c.Get(srv.URL + hecfake.HealthPath)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.JSONEq(t, `{"text":"HEC is healthy","code":17}`, string(body))

	st, a, _ := post(t, srv, "/services/collector/raw", "x")
	assert.Equal(t, 404, st)
	assert.Equal(t, answer{Text: "The requested URL was not found on this server.", Code: 404}, a)
	resp, err = c.Get(srv.URL + hecfake.EventPath)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 405, resp.StatusCode)

	st, _, _ = post(t, srv, hecfake.EventPath, strings.Repeat(`{"event":"e"}`, 10))
	assert.Equal(t, 413, st)
}

// TestFaults: injected statuses carry HEC's text and code.
func TestFaults(t *testing.T) {
	srv := newServer(t)
	for status, want := range map[int]answer{
		400: {Text: "Invalid data format", Code: 6},
		401: {Text: "Invalid authorization", Code: 3},
		403: {Text: "Invalid token", Code: 4},
		404: {Text: "The requested URL was not found on this server.", Code: 404},
		500: {Text: "Internal server error", Code: 8},
		503: {Text: "Server is busy", Code: 9},
		409: {Text: "Conflict", Code: 409},
	} {
		srv.FailNext(1, status)
		st, a, _ := post(t, srv, hecfake.EventPath, `{"event":"e"}`)
		assert.Equal(t, status, st)
		assert.Equal(t, want, a)
	}
	srv.Inject(fakekit.Fault{Status: 500, Message: "custom"})
	_, a, _ := post(t, srv, hecfake.EventPath, `{"event":"e"}`)
	assert.Equal(t, "custom", a.Text)
	assert.Empty(t, srv.Events())
}

func TestTLS(t *testing.T) {
	srv := newServer(t, hecfake.WithTLS())
	assert.True(t, strings.HasPrefix(srv.URL, "https://"))
	st, _, _ := post(t, srv, hecfake.EventPath, `{"event":"e"}`)
	assert.Equal(t, 200, st)
}
