package splunk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// events returns n events with uids prefix-0..prefix-n-1.
func events(prefix string, n int) []ocsf.Event {
	out := make([]ocsf.Event, n)
	for i := range out {
		out[i] = sinktest.Event(fmt.Sprintf("%s-%d", prefix, i))
	}
	return out
}

func uids(evs []hecfake.Event) []string {
	var out []string
	for _, e := range evs {
		var v struct {
			Metadata struct{ UID string } `json:"metadata"`
		}
		_ = json.Unmarshal(e.Event, &v)
		out = append(out, v.Metadata.UID)
	}
	return out
}

// TestEnvelope checks what one request carries: HEC's path, the token in
// "Authorization: Splunk", the data channel, and each event in its
// envelope with the time in seconds, the index, source and sourcetype.
func TestEnvelope(t *testing.T) {
	srv := fake(t)
	d := openFake(t, srv, &splunk.SinkConfig{Index: "security", Source: `synqly <"x">`})
	a, b, c := sinktest.Event("env-1"), sinktest.Event("env-2"), sinktest.Event("env-3")
	a.Time = 1764650000123
	b.Time = 5
	c.Time = -1 // no usable time: HEC's receipt time
	require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", a, b, c)))

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, hecfake.EventPath, r.Path)
	assert.Equal(t, "Splunk "+hecfake.Token, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	ch := r.Header.Get(hecfake.ChannelHeader)
	assert.Regexp(t, guid, ch)
	assert.Equal(t, splunk.Channel(d), ch)
	lines := strings.Split(strings.TrimSuffix(string(r.Body), "\n"), "\n")
	require.Len(t, lines, 3)
	js, _ := a.MarshalJSON()
	assert.Equal(t, `{"time":1764650000.123,"index":"security","source":"synqly <\"x\">","sourcetype":"ocsf","event":`+string(js)+`}`, lines[0])
	assert.True(t, strings.HasPrefix(lines[1], `{"time":0.005,"index":"security",`), lines[1])
	assert.True(t, strings.HasPrefix(lines[2], `{"index":"security",`), lines[2])

	got := srv.EventsIn("security")
	require.Len(t, got, 3)
	assert.Equal(t, "1764650000.123", got[0].Time)
	assert.Equal(t, `synqly <"x">`, got[0].Source)
	assert.Equal(t, splunk.DefaultSourceType, got[0].SourceType)
	assert.Equal(t, ch, got[0].Channel)
	assert.JSONEq(t, string(js), string(got[0].Event))
	assert.Equal(t, "", got[2].Time)

	// A Location overrides the index; no index at all is the token's.
	d2 := openFake(t, srv, &splunk.SinkConfig{SourceType: "ocsf:finding"})
	require.NoError(t, d2.WriteBatch(t.Context(), batch(t, "alerts", sinktest.Event("loc"))))
	require.NoError(t, d2.WriteBatch(t.Context(), batch(t, "", sinktest.Event("default"))))
	assert.Equal(t, []string{"loc"}, uids(srv.EventsIn("alerts")))
	assert.Equal(t, []string{"default"}, uids(srv.EventsIn(hecfake.DefaultIndex)))
	last := srv.Requests()[len(srv.Requests())-1]
	assert.NotContains(t, string(last.Body), `"index"`)
	assert.NotContains(t, string(last.Body), `"source"`)
	assert.Contains(t, string(last.Body), `"sourcetype":"ocsf:finding"`)
}

func TestInvalidLocation(t *testing.T) {
	srv := fake(t)
	d := openFake(t, srv, nil)
	for _, loc := range []string{"Alerts", "_internal", "a b", "kvstore", strings.Repeat("a", splunk.MaxIndexLen+1)} {
		err := d.WriteBatch(t.Context(), batch(t, loc, sinktest.Event("x")))
		assert.Equal(t, "location", fieldOf(t, err), loc)
	}
	assert.Zero(t, srv.Count("", ""), "no request for an invalid location")
}

// TestURLPaths: a hec_url with HEC's own path or a proxy's prefix.
func TestURLPaths(t *testing.T) {
	var paths []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		_, _ = w.Write([]byte(`{"text":"Success","code":0}`))
	}))
	defer ts.Close()
	for _, u := range []string{ts.URL, ts.URL + "/", ts.URL + "/services/collector", ts.URL + "/services/collector/event",
		ts.URL + "/proxy/splunk/services/collector/event/1.0", ts.URL + "/proxy/splunk/"} {
		cfg := goodConfig()
		cfg.HECURL = u
		d := open(t, providers.OpenRequest{Config: cfg, HTTPOptions: fastRetries})
		require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", sinktest.Event("p"))), u)
	}
	assert.Equal(t, []string{"/services/collector/event", "/services/collector/event", "/services/collector/event",
		"/services/collector/event", "/proxy/splunk/services/collector/event", "/proxy/splunk/services/collector/event"}, paths)
}

func TestLimits(t *testing.T) {
	srv := fake(t)
	l := openFake(t, srv, nil).Limits()
	assert.Equal(t, splunk.MaxBatchEvents, l.MaxEvents)
	assert.Equal(t, l.MaxBytes, l.MaxEventBytes)
	assert.Greater(t, l.MaxBytes, 800_000)
	// Longer sources and sourcetypes leave less room for the events.
	long := openFake(t, srv, &splunk.SinkConfig{Source: strings.Repeat("s", splunk.MaxFieldLen),
		SourceType: strings.Repeat(`"`, splunk.MaxFieldLen)}).Limits()
	assert.Less(t, long.MaxBytes, l.MaxBytes)
	assert.Greater(t, long.MaxBytes, 64<<10)

	// A full batch of the longest index fits the collector's 1 MB.
	big := sinktest.Event("big")
	big.RawData = strings.Repeat("x", l.MaxBytes/splunk.MaxBatchEvents-600)
	evs := make([]ocsf.Event, splunk.MaxBatchEvents)
	for i := range evs {
		evs[i] = big
	}
	b := batch(t, strings.Repeat("a", splunk.MaxIndexLen), evs...)
	require.LessOrEqual(t, b.Bytes, l.MaxBytes)
	d := openFake(t, srv, nil)
	require.NoError(t, d.WriteBatch(t.Context(), b))
	body := srv.Requests()[len(srv.Requests())-1].Body
	assert.LessOrEqual(t, len(body), splunk.MaxRequestBytes)
	assert.Greater(t, len(body), splunk.MaxRequestBytes*85/100)
}

// batchError returns err as a *sink.BatchError, or fails.
func batchError(t *testing.T, err error) *sink.BatchError {
	t.Helper()
	var be *sink.BatchError
	require.True(t, errors.As(err, &be), "want a *sink.BatchError, got %v", err)
	return be
}

// TestPartialFailure: HEC refuses event 2 of 5 (code 6, invalid-event-
// number 2): events 0 and 1 are indexed, 2 failed for good, 3 and 4 were
// not taken and are Retryable.
func TestPartialFailure(t *testing.T) {
	srv := fake(t)
	srv.RejectUIDPrefix("bad")
	d := openFake(t, srv, nil)
	evs := []ocsf.Event{sinktest.Event("ok-0"), sinktest.Event("ok-1"), sinktest.Event("bad-2"), sinktest.Event("ok-3"), sinktest.Event("ok-4")}
	be := batchError(t, d.WriteBatch(t.Context(), batch(t, "", evs...)))
	require.Len(t, be.Failures, 3)
	f := be.Failures[0]
	assert.Equal(t, 2, f.Item)
	assert.False(t, f.Retryable)
	assert.True(t, errors.Is(f.Err, errs.ErrInvalidInput), "%v", f.Err)
	var pe *errs.ProviderError
	require.True(t, errors.As(f.Err, &pe))
	assert.Equal(t, http.StatusBadRequest, pe.Status)
	assert.Equal(t, "6", pe.Code)
	assert.Contains(t, pe.Message, "Invalid data format")
	assert.Contains(t, f.Err.Error(), "invalid-event-number 2")
	for i, f := range be.Failures[1:] {
		assert.Equal(t, 3+i, f.Item)
		assert.True(t, f.Retryable)
		assert.Contains(t, f.Err.Error(), "stopped at event 2")
	}
	assert.Equal(t, []string{"ok-0", "ok-1"}, uids(srv.Events()))

	// Through the connector: the events after the refused one are sent
	// again, and only it fails.
	srv.Reset()
	c := sink.NewConnector(splunk.Sink, d)
	res, err := c.PostEvents(t.Context(), evs, sink.PostOptions{})
	var pErr *sink.PostError
	require.True(t, errors.As(err, &pErr), "%v", err)
	assert.Equal(t, 4, res.Written)
	assert.Equal(t, 2, res.Batches)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, 2, res.Failed[0].Index)
	assert.Equal(t, []string{"ok-0", "ok-1", "ok-3", "ok-4"}, uids(srv.Events()))

	// The refused event first: nothing taken, it fails, the rest retried.
	srv.Reset()
	be = batchError(t, d.WriteBatch(t.Context(), batch(t, "", sinktest.Event("bad-0"), sinktest.Event("ok-1"))))
	require.Len(t, be.Failures, 2)
	assert.Equal(t, sink.ItemFailure{Item: 0, Err: be.Failures[0].Err}, be.Failures[0])
	assert.True(t, be.Failures[1].Retryable)
	assert.Empty(t, srv.Events())
}

// TestOtherPerEventCodes: HEC's other per-event refusals (code 12, 13,
// 15) map the same way; a number outside the batch is the batch's error.
func TestOtherPerEventCodes(t *testing.T) {
	for _, c := range []struct {
		body  string
		batch bool
	}{
		{`{"text":"Event field is required","code":12,"invalid-event-number":1}`, false},
		{`{"text":"Event field cannot be blank","code":13,"invalid-event-number":1}`, false},
		{`{"text":"Error in handling indexed fields","code":15,"invalid-event-number":1}`, false},
		{`{"text":"Invalid data format","code":6,"invalid-event-number":7}`, true},
		{`{"text":"Invalid data format","code":6}`, true},
		{`{"text":"No data","code":5}`, true},
		{`<html>bad request</html>`, true},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(c.body))
		}))
		cfg := goodConfig()
		cfg.HECURL = ts.URL
		d := open(t, providers.OpenRequest{Config: cfg, HTTPOptions: fastRetries})
		err := d.WriteBatch(t.Context(), batch(t, "", sinktest.Event("a"), sinktest.Event("b"), sinktest.Event("c")))
		ts.Close()
		var be *sink.BatchError
		if c.batch {
			assert.False(t, errors.As(err, &be), "%s: %v", c.body, err)
			assert.True(t, errors.Is(err, errs.ErrInvalidInput), "%s: %v", c.body, err)
			continue
		}
		be = batchError(t, err)
		require.Len(t, be.Failures, 2, c.body)
		assert.Equal(t, 1, be.Failures[0].Item)
		assert.False(t, be.Failures[0].Retryable)
		assert.True(t, be.Failures[1].Retryable)
	}
}

// TestServerBusy: 503 "Server is busy" is errs.RateLimited and not sent
// again by the driver; when HEC took some events before it got busy,
// those are written and the rest Retryable.
func TestServerBusy(t *testing.T) {
	srv := fake(t)
	d := openFake(t, srv, nil)
	srv.BusyAfter(0)
	err := d.WriteBatch(t.Context(), batch(t, "", events("busy", 3)...))
	var be *sink.BatchError
	assert.False(t, errors.As(err, &be))
	assert.True(t, errors.Is(err, errs.ErrRateLimited), "%v", err)
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, http.StatusServiceUnavailable, e.Status)
	assert.Equal(t, 1, srv.Count("POST", hecfake.EventPath), "a 503 is not sent again")

	srv.BusyAfter(2)
	be = batchError(t, d.WriteBatch(t.Context(), batch(t, "", events("half", 5)...)))
	require.Len(t, be.Failures, 3)
	for i, f := range be.Failures {
		assert.Equal(t, 2+i, f.Item)
		assert.True(t, f.Retryable)
		assert.True(t, errors.Is(f.Err, errs.ErrRateLimited))
	}
	assert.Equal(t, []string{"half-0", "half-1"}, uids(srv.Events()))

	// An injected 503 (a gateway's): rate limited, sent once.
	srv.ResetRequests()
	srv.FailNext(1, http.StatusServiceUnavailable)
	err = d.WriteBatch(t.Context(), batch(t, "", events("gw", 1)...))
	assert.True(t, errors.Is(err, errs.ErrRateLimited), "%v", err)
	assert.Equal(t, 1, srv.Count("POST", hecfake.EventPath))

	// Through the connector: the post stops at the busy batch.
	srv.BusyAfter(0)
	res, err := sink.NewConnector(splunk.Sink, d).PostEvents(t.Context(), events("post", 3), sink.PostOptions{})
	assert.True(t, errors.Is(err, errs.ErrRateLimited), "%v", err)
	assert.Equal(t, 0, res.Written)
	assert.Len(t, res.Failed, 3)
}

// TestIncorrectIndex: an index the token may not write to fails the
// batch as a whole, naming the location or the configured index.
func TestIncorrectIndex(t *testing.T) {
	srv := fake(t, hecfake.WithIndexes("security"))
	srv.RefuseIndex("secret")
	d := openFake(t, srv, &splunk.SinkConfig{Index: "security"})
	err := d.WriteBatch(t.Context(), batch(t, "secret", events("i", 3)...))
	var be *sink.BatchError
	assert.False(t, errors.As(err, &be), "%v", err)
	assert.Equal(t, "location", fieldOf(t, err))
	assert.Contains(t, err.Error(), `"secret"`)
	assert.Contains(t, err.Error(), "incorrect index")
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "7", pe.Code)
	assert.Empty(t, srv.Events())

	d2 := openFake(t, srv, &splunk.SinkConfig{Index: "other"})
	err = d2.WriteBatch(t.Context(), batch(t, "", events("j", 1)...))
	assert.Equal(t, "index", fieldOf(t, err))
	require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", events("k", 1)...)))
}

// TestRefusedToken: HEC's 403 for an unknown or disabled token is
// errs.Unauthorized, sent once.
func TestRefusedToken(t *testing.T) {
	srv := fake(t)
	d := open(t, request(t, srv, nil, wrongToken, providers.OpenRequest{}))
	err := d.WriteBatch(t.Context(), batch(t, "", events("t", 1)...))
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.Contains(t, err.Error(), "Invalid token")
	assert.NotContains(t, err.Error(), wrongToken)

	srv.DisableToken()
	err = openFake(t, srv, nil).WriteBatch(t.Context(), batch(t, "", events("t", 1)...))
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.Contains(t, err.Error(), "Token disabled")
	assert.Equal(t, 2, srv.Count("POST", hecfake.EventPath))
}

func TestTooLarge(t *testing.T) {
	srv := fake(t, hecfake.WithMaxContentLength(2000))
	err := openFake(t, srv, nil).WriteBatch(t.Context(), batch(t, "", events("big", 10)...))
	assert.True(t, errors.Is(err, errs.ErrInvalidInput), "%v", err)
	assert.Contains(t, err.Error(), "max_content_length")
}

// TestAnswers: a success status whose body is not HEC's answer is an
// error.
func TestAnswers(t *testing.T) {
	for body, want := range map[string]string{
		`{"text":"Success"}`:         `no HEC status "code"`,
		`{"text":"Weird","code":3}`:  "HEC status code 3",
		`{"text":"Success","code":0`: "truncated",
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
		cfg := goodConfig()
		cfg.HECURL = ts.URL
		d := open(t, providers.OpenRequest{Config: cfg, HTTPOptions: fastRetries})
		err := d.WriteBatch(t.Context(), batch(t, "", sinktest.Event("a")))
		ts.Close()
		assert.True(t, errors.Is(err, errs.ErrProvider), "%s: %v", body, err)
		assert.ErrorContains(t, err, want, body)
	}
}

// TestSkipTLSVerify: a collector with a certificate the client does not
// trust is refused, unless skip_tls_verify.
func TestSkipTLSVerify(t *testing.T) {
	srv := fake(t, hecfake.WithTLS())
	var logs fakekit.Logs
	cfg := &splunk.SinkConfig{}
	req := request(t, srv, cfg, "", providers.OpenRequest{HTTPClient: http.DefaultClient})
	req.HTTPClient = nil // the driver's own pooled client: it does not trust the fake
	err := open(t, req).WriteBatch(t.Context(), batch(t, "", sinktest.Event("tls")))
	assert.True(t, errors.Is(err, errs.ErrProvider), "%v", err)
	assert.ErrorContains(t, err, "certificate")

	req.Config.(*splunk.SinkConfig).SkipTLSVerify = true
	req.Logger = logs.Logger()
	require.NoError(t, open(t, req).WriteBatch(t.Context(), batch(t, "", sinktest.Event("tls"))))
	assert.Contains(t, logs.String(), "skip_tls_verify is on")
	assert.NotContains(t, logs.String(), hecfake.Token)

	// An application's client keeps its transport's settings.
	req.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	require.NoError(t, open(t, req).WriteBatch(t.Context(), batch(t, "", sinktest.Event("tls"))))
	assert.Len(t, srv.Events(), 2)
	if tc := req.HTTPClient.Transport.(*http.Transport).TLSClientConfig; tc != nil {
		assert.False(t, tc.InsecureSkipVerify, "the application's transport is not changed")
	}
}
