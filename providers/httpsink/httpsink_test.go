package httpsink_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/httpsink"
)

func config(r *receiver, format string, tok string, sign bool) *httpsink.SinkConfig {
	c := &httpsink.SinkConfig{URL: r.URL, RequestBodyFormat: format,
		StaticHeaders: map[string]string{"X-Tenant": "acme"},
		Authorization: &httpsink.Authorization{Type: httpsink.AuthToken, Credential: credential.RefTo("tok", credential.TypeToken)}}
	if sign {
		c.SigningCredential = credential.RefTo("sig", credential.TypeSecret)
	}
	return c
}

func openDriver(t *testing.T, r *receiver, cfg *httpsink.SinkConfig, tok string, req providers.OpenRequest) sink.Driver {
	t.Helper()
	require.NoError(t, cfg.Validate())
	req.Config = cfg
	req.Credentials = map[string]credential.Config{
		"authorization.credential": &credential.TokenCredential{Secret: credential.Secret(tok)},
		"signing_credential":       &credential.SecretCredential{Secret: credential.Secret(signingSecret)},
	}
	d, err := httpsink.Sink.Open(t.Context(), req)
	require.NoError(t, err)
	return d
}

func TestConformance(t *testing.T) {
	for _, format := range []string{httpsink.FormatJSONArray, httpsink.FormatJSONL} {
		t.Run(format, func(t *testing.T) {
			sinktest.Run(t, sinktest.Harness{
				Registration: httpsink.Sink,
				Location:     "edr/alerts",
				Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
					r := newReceiver(t)
					return openDriver(t, r, config(r, format, token, true), token, providers.OpenRequest{}), r.received
				},
			})
		})
	}
}

const wrongToken = "httpsink-wrong-token-000000000000"

func TestFaults(t *testing.T) {
	open := func(tok string) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			r := newReceiver(t)
			return openDriver(t, r, config(r, httpsink.FormatJSONL, tok, true), tok, req), r.Kit
		}
	}
	sinktest.RunFaults(t, sinktest.FaultHarness{
		Registration:        httpsink.Sink,
		Open:                open(token),
		OpenUnauthorized:    open(wrongToken),
		Secrets:             []string{token, signingSecret},
		UnauthorizedSecrets: []string{wrongToken, signingSecret},
		WriteAnswerIgnored:  true,
	})
}

func event(uid string) ocsf.Event { return sinktest.Event(uid) }

func TestRequestShape(t *testing.T) {
	r := newReceiver(t)
	cfg := config(r, httpsink.FormatJSONArray, token, true)
	cfg.HTTPMethod = http.MethodPut
	d := openDriver(t, r, cfg, token, providers.OpenRequest{})
	defer d.Close()
	_, err := sink.NewConnector(httpsink.Sink, d).PostEvents(t.Context(), []ocsf.Event{event("a"), event("b")}, sink.PostOptions{Location: "x"})
	require.NoError(t, err)
	reqs := r.Requests()
	require.Len(t, reqs, 1)
	q := reqs[0]
	assert.Equal(t, http.MethodPut, q.Method)
	assert.Equal(t, "/ingest/ocsf", q.Path)
	assert.Equal(t, "acme", q.Query.Get("tenant"))
	assert.Equal(t, "acme", q.Header.Get("X-Tenant"))
	assert.Equal(t, "x", q.Header.Get(httpsink.HeaderLocation))
	assert.Len(t, q.Header.Get(httpsink.HeaderBatch), 24)
	assert.True(t, strings.HasPrefix(q.Header.Get(httpsink.HeaderSignature), "v1="))
	var arr []json.RawMessage
	require.NoError(t, json.Unmarshal(q.Body, &arr))
	assert.Len(t, arr, 2)
}

func TestAcceptedResponseCodes(t *testing.T) {
	r := newReceiver(t)
	cfg := config(r, "", token, false)
	cfg.AcceptedResponseCodes = []int{200}
	d := openDriver(t, r, cfg, token, providers.OpenRequest{})
	defer d.Close()
	// The receiver answers 202, which is not accepted.
	_, err := sink.NewConnector(httpsink.Sink, d).PostEvents(t.Context(), []ocsf.Event{event("a")}, sink.PostOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.Provider), "%v", err)
	assert.Contains(t, err.Error(), "HTTP 202")

	// A 404 that is accepted is a success.
	cfg.URL = strings.Replace(r.URL, "/ingest/", "/nowhere/", 1)
	cfg.AcceptedResponseCodes = []int{202, 404}
	d2 := openDriver(t, r, cfg, token, providers.OpenRequest{})
	defer d2.Close()
	_, err = sink.NewConnector(httpsink.Sink, d2).PostEvents(t.Context(), []ocsf.Event{event("a")}, sink.PostOptions{})
	require.NoError(t, err)
}

func TestVerify(t *testing.T) {
	now := time.Unix(1764650000, 0)
	body := []byte(`[{"a":1}]`)
	sig := httpsink.Sign([]byte("s3cret"), now, body)
	ts := "1764650000"
	require.NoError(t, httpsink.Verify([]byte("s3cret"), sig, ts, body, now.Add(time.Minute), 5*time.Minute))
	require.NoError(t, httpsink.Verify([]byte("s3cret"), "v1=00,"+sig, ts, body, now, time.Minute))
	assert.True(t, errors.Is(httpsink.Verify([]byte("other"), sig, ts, body, now, time.Minute), errs.Unauthorized))
	assert.True(t, errors.Is(httpsink.Verify([]byte("s3cret"), sig, ts, []byte(`[]`), now, time.Minute), errs.Unauthorized))
	assert.True(t, errors.Is(httpsink.Verify([]byte("s3cret"), sig, ts, body, now.Add(time.Hour), time.Minute), errs.InvalidInput))
	assert.True(t, errors.Is(httpsink.Verify([]byte("s3cret"), sig, "x", body, now, time.Minute), errs.InvalidInput))
}

func TestConfigValidation(t *testing.T) {
	ok := func() *httpsink.SinkConfig { return &httpsink.SinkConfig{URL: "https://r.example.com/in"} }
	require.NoError(t, ok().Validate())
	cases := map[string]func(c *httpsink.SinkConfig){
		"url":                        func(c *httpsink.SinkConfig) { c.URL = "ftp://x" },
		"http_method":                func(c *httpsink.SinkConfig) { c.HTTPMethod = "DELETE" },
		"accepted_response_codes[1]": func(c *httpsink.SinkConfig) { c.AcceptedResponseCodes = []int{200, 700} },
		"request_body_format":        func(c *httpsink.SinkConfig) { c.RequestBodyFormat = "xml" },
		"timeout_seconds":            func(c *httpsink.SinkConfig) { c.TimeoutSeconds = -1 },
		"static_headers":             func(c *httpsink.SinkConfig) { c.StaticHeaders = map[string]string{"Authorization": "x"} },
		"authorization.type":         func(c *httpsink.SinkConfig) { c.Authorization = &httpsink.Authorization{Type: "magic"} },
		"authorization.credential": func(c *httpsink.SinkConfig) {
			c.Authorization = &httpsink.Authorization{Type: httpsink.AuthBasic}
		},
		"authorization.template": func(c *httpsink.SinkConfig) {
			c.Authorization = &httpsink.Authorization{Type: httpsink.AuthToken, Credential: credential.RefTo("t", credential.TypeToken), Template: "Bearer"}
		},
	}
	for field, mutate := range cases {
		c := ok()
		mutate(c)
		err := c.Validate()
		var e *errs.Error
		require.ErrorAs(t, err, &e, field)
		assert.True(t, errors.Is(err, errs.InvalidInput))
		assert.Equal(t, field, e.Field)
	}
	// A header value with a newline would split the request.
	c := ok()
	c.StaticHeaders = map[string]string{"X-A": "a\r\nX-B: b"}
	require.Error(t, c.Validate())
}

func TestSecretsNotInConfigJSON(t *testing.T) {
	c := &httpsink.SinkConfig{URL: "https://r.example.com/in",
		Authorization:     &httpsink.Authorization{Type: httpsink.AuthToken, Credential: credential.Inline(&credential.TokenCredential{Secret: credential.Secret(token)})},
		SigningCredential: credential.Inline(&credential.SecretCredential{Secret: credential.Secret(signingSecret)})}
	require.NoError(t, c.Validate())
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.NotContains(t, string(b), token)
	assert.NotContains(t, string(b), signingSecret)
}

func TestContextCancel(t *testing.T) {
	r := newReceiver(t)
	d := openDriver(t, r, config(r, "", token, false), token, providers.OpenRequest{})
	defer d.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := sink.NewConnector(httpsink.Sink, d).PostEvents(ctx, []ocsf.Event{event("a")}, sink.PostOptions{})
	assert.True(t, errors.Is(err, errs.Canceled), "%v", err)
}

func TestSkipTLSVerify(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer srv.Close()
	post := func(skip bool) error {
		d, err := httpsink.Sink.Open(t.Context(), providers.OpenRequest{Config: &httpsink.SinkConfig{URL: srv.URL + "/in", SkipTLSVerify: skip}})
		require.NoError(t, err)
		defer d.Close()
		_, err = sink.NewConnector(httpsink.Sink, d).PostEvents(t.Context(), []ocsf.Event{event("tls")}, sink.PostOptions{})
		return err
	}
	require.Error(t, post(false), "a self-signed certificate is refused by default")
	require.NoError(t, post(true))
	// A transport the provider cannot change is refused, naming the field.
	_, err := httpsink.Sink.Open(t.Context(), providers.OpenRequest{Config: &httpsink.SinkConfig{URL: srv.URL, SkipTLSVerify: true},
		HTTPClient: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("x") })}})
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "skip_tls_verify", e.Field)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
