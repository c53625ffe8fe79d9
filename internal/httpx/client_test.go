package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/seed-e6251c81/synqly/errs"
)

func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func fast(o Options) Options {
	o.RetryWaitMin, o.RetryWaitMax = time.Millisecond, 50*time.Millisecond
	return o
}

func TestRetriesAndBackoff(t *testing.T) {
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	})
	c, err := New(s.URL, None, fast(Options{}))
	require.NoError(t, err)
	var out struct{ OK bool }
	_, err = c.JSON(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.Equal(t, int32(3), n.Load())
}

func TestNonIdempotentNotRetriedOn5xx(t *testing.T) {
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"boom"}`)
	})
	c, _ := New(s.URL, None, fast(Options{}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/create", JSON: map[string]string{"a": "b"}})
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Equal(t, int32(1), n.Load(), "a POST is not retried after a 5xx")
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 500, e.Status)
	assert.Contains(t, err.Error(), "boom")

	n.Store(0)
	_, err = c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/create", Idempotent: true})
	require.Error(t, err)
	assert.Equal(t, int32(4), n.Load(), "an idempotent POST is retried MaxRetries times")
}

func TestRateLimited(t *testing.T) {
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c, _ := New(s.URL, None, fast(Options{}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"})
	require.ErrorIs(t, err, errs.ErrRateLimited)
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 120*time.Second, e.RetryAfter)
	assert.Equal(t, int32(1), n.Load(), "a Retry-After beyond RetryWaitMax is not waited for")
}

func TestStatusMapping(t *testing.T) {
	for status, code := range map[int]errs.Code{401: errs.Unauthorized, 403: errs.Forbidden, 404: errs.NotFound,
		409: errs.Conflict, 400: errs.InvalidInput, 422: errs.InvalidInput, 501: errs.Unsupported, 418: errs.Provider} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
		c, _ := New(s.URL, None, fast(Options{MaxRetries: -1}))
		_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"})
		assert.Equal(t, code, errs.CodeOf(err), "status %d", status)
	}
}

func TestBodyLimitsAndMalformed(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(bytes.Repeat([]byte("x"), 2048))
		case "/bad":
			io.WriteString(w, `{"truncated":`)
		case "/cut":
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"a":1`)
		}
	})
	c, _ := New(s.URL, None, fast(Options{MaxResponseBytes: 1024, MaxRetries: -1}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/big"})
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Contains(t, err.Error(), "1024-byte limit")
	_, err = c.JSON(context.Background(), Request{Method: http.MethodGet, Path: "/bad"}, &map[string]any{})
	require.ErrorIs(t, err, errs.ErrProvider)
	_, err = c.JSON(context.Background(), Request{Method: http.MethodGet, Path: "/cut"}, &map[string]any{})
	require.ErrorIs(t, err, errs.ErrProvider)
}

func TestTimeout(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	c, _ := New(s.URL, None, fast(Options{Timeout: 50 * time.Millisecond}))
	start := time.Now()
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/slow"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Less(t, time.Since(start), time.Second)
}

func TestSecretsRedacted(t *testing.T) {
	const token = "tok-SUPERSECRET-123"
	var logs bytes.Buffer
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		// A hostile or careless vendor echoes the credentials back.
		io.WriteString(w, `{"message":"bad token `+token+`","auth":"`+r.Header.Get("Authorization")+`","password":"hunter2"}`)
	})
	for _, auth := range []Auth{Bearer(token), Basic("me@example.com", token), Header("Authorization", "Token token="+token, token)} {
		c, _ := New(s.URL, auth, fast(Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
		_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"})
		require.ErrorIs(t, err, errs.ErrUnauthorized)
		assert.NotContains(t, err.Error(), token)
		assert.NotContains(t, err.Error(), "hunter2")
		assert.NotContains(t, err.Error(), "bWVAZXhhbXBsZS5jb206") // base64 of "me@example.com:" prefix
		assert.Contains(t, err.Error(), "[REDACTED]")
	}
	assert.NotContains(t, logs.String(), token)
}

func TestOAuthClientCredentials(t *testing.T) {
	var tokens atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		id, secret, _ := r.BasicAuth()
		if id == "" {
			id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
		}
		if id != "cid" || secret != "csecret" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		n := tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at-`+string(rune('0'+n))+`","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer at-") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{}`)
	})
	s := newServer(t, mux.ServeHTTP)
	auth := OAuthClientCredentials(clientcredentials.Config{ClientID: "cid", ClientSecret: "csecret", TokenURL: s.URL + "/oauth/token"}, s.Client())
	c, _ := New(s.URL, auth, fast(Options{}))
	for range 3 {
		_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/api"})
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), tokens.Load(), "the token is cached")

	bad := OAuthClientCredentials(clientcredentials.Config{ClientID: "cid", ClientSecret: "wrong-secret", TokenURL: s.URL + "/oauth/token"}, s.Client())
	c, _ = New(s.URL, bad, fast(Options{}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/api"})
	require.ErrorIs(t, err, errs.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-secret")
}

func TestBadBaseURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "not a url", "http://"} {
		_, err := New(u, None, Options{})
		require.ErrorIs(t, err, errs.ErrInvalidInput, u)
	}
}

func TestRateLimitResetHeader(t *testing.T) {
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("ratelimit-reset", "0") // PagerDuty's way of saying when to retry
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, `{}`)
	})
	c, _ := New(s.URL, None, fast(Options{}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/x"})
	require.NoError(t, err, "a 429 is retried, even for a POST")
	assert.Equal(t, int32(2), n.Load())

	s2 := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Reset", "90")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c, _ = New(s2.URL, None, fast(Options{}))
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"})
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 90*time.Second, e.RetryAfter)
}

func TestOAuthTokenRevoked(t *testing.T) {
	var tokens, calls atomic.Int32
	var revoked sync.Map
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		n := tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at-`+string(rune('0'+n))+`","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if _, bad := revoked.Load(r.Header.Get("Authorization")); bad {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{}`)
	})
	s := newServer(t, mux.ServeHTTP)
	c, _ := New(s.URL, OAuthClientCredentials(clientcredentials.Config{ClientID: "cid", ClientSecret: "cs", TokenURL: s.URL + "/oauth/token"}, s.Client()), fast(Options{}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/api"})
	require.NoError(t, err)
	revoked.Store("Bearer at-1", true) // the vendor revokes the cached token early
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/api"})
	require.NoError(t, err, "a 401 fetches a new token and retries once")
	assert.Equal(t, int32(2), tokens.Load())
	assert.Equal(t, int32(3), calls.Load())

	revoked.Store("Bearer at-2", true)
	revoked.Store("Bearer at-3", true)
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/api"})
	require.ErrorIs(t, err, errs.ErrUnauthorized, "only one retry")
	assert.Equal(t, int32(5), calls.Load())
}

// TestEscapedPathSentAsIs: a path escaped by the driver (url.PathEscape of
// an id holding ';', '/', '%' or a space) reaches the vendor with its
// escapes, not escaped twice.
func TestEscapedPathSentAsIs(t *testing.T) {
	var got []string
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.EscapedPath())
		io.WriteString(w, `{}`)
	})
	c, err := New(s.URL+"/base%20dir", None, fast(Options{}))
	require.NoError(t, err)
	for _, id := range []string{"19:abc@thread.tacv2;messageid=1", "a/b", "50%", "two words", "plain"} {
		_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/v3/conversations/" + url.PathEscape(id)})
		require.NoError(t, err)
	}
	assert.Equal(t, []string{
		"/base%20dir/v3/conversations/19:abc@thread.tacv2%3Bmessageid=1",
		"/base%20dir/v3/conversations/a%2Fb",
		"/base%20dir/v3/conversations/50%25",
		"/base%20dir/v3/conversations/two%20words",
		"/base%20dir/v3/conversations/plain",
	}, got)
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/bad%zz"})
	assert.ErrorIs(t, err, errs.ErrInternal)
}

// TestTransportRetries: the RoundTripper for vendors' SDKs retries a GET
// after a 503 and a 429 with a short Retry-After, returns a 429 whose wait
// is beyond RetryWaitMax at once, and never resends a POST after a 500.
func TestTransportRetries(t *testing.T) {
	var n atomic.Int32
	var mode atomic.Value
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		switch mode.Load() {
		case "flaky":
			if k == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			if k == 2 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			io.WriteString(w, "ok")
		case "long":
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	hc := &http.Client{Transport: Transport(fast(Options{}))}
	do := func(method string) (*http.Response, error) {
		req, _ := http.NewRequest(method, s.URL, strings.NewReader("body"))
		return hc.Do(req)
	}
	mode.Store("flaky")
	resp, err := do(http.MethodGet)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, int32(3), n.Load())

	n.Store(0)
	mode.Store("long")
	resp, err = do(http.MethodGet)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, int32(1), n.Load(), "a wait beyond RetryWaitMax is not waited for")

	n.Store(0)
	mode.Store("fail")
	resp, err = do(http.MethodPost)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Equal(t, int32(1), n.Load(), "a POST is not resent after a 500")
	n.Store(0)
	resp, err = do(http.MethodPut)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, int32(4), n.Load(), "a PUT is retried, 1 + 3")

	// A POST the vendor deduplicates is retried like a PUT.
	n.Store(0)
	req, _ := http.NewRequestWithContext(WithIdempotent(t.Context()), http.MethodPost, s.URL, strings.NewReader("body"))
	resp, err = hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, int32(4), n.Load(), "an idempotent POST is retried, 1 + 3")
}
