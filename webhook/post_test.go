package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

const (
	postSecret = "post-secret-value-0123"
	postPath   = "/hooks/p4th-t0ken"
	postQuery  = "access_token=qu3ry-t0ken"
)

// postBody is the payload of the Post tests.
var postBody = payload("post-nonce-value", time.Now())

// postRequest returns a Request to srv's postPath and postQuery.
func postRequest(base string) Request {
	return Request{URL: base + postPath + "?" + postQuery, Event: "sync.complete", DeliveryID: "dlv_1",
		Body: postBody, Secrets: [][]byte{[]byte(postSecret)}}
}

// checkErrorText fails if err's text holds the secret, the path, the query
// or the body.
func checkErrorText(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, s := range []string{postSecret, "p4th-t0ken", "qu3ry-t0ken", "access_token", "/hooks", "post-nonce-value", string(postBody)} {
		if strings.Contains(msg, s) {
			t.Errorf("the error %q holds %q", msg, s)
		}
	}
}

func TestPostClassification(t *testing.T) {
	redirectTarget := atomic.Int32{}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirectTarget.Add(1)
	}))
	defer target.Close()

	tests := []struct {
		name            string
		handler         http.HandlerFunc
		wantCode        int
		wantErr         bool
		wantRetry       bool
		wantRetryAfter  [2]time.Duration // a range, inclusive
		wantResponse    string
		wantErrContains string
	}{
		{name: "200", handler: reply(200, nil, "ok"), wantCode: 200, wantResponse: "ok"},
		{name: "204", handler: reply(204, nil, ""), wantCode: 204},
		{name: "202", handler: reply(202, nil, "queued"), wantCode: 202, wantResponse: "queued"},
		{name: "400 is not retried", handler: reply(400, nil, "bad payload"), wantCode: 400, wantErr: true, wantResponse: "bad payload", wantErrContains: "400 Bad Request"},
		{name: "401 is not retried", handler: reply(401, nil, "bad signature"), wantCode: 401, wantErr: true, wantResponse: "bad signature"},
		{name: "410 is not retried", handler: reply(410, nil, "gone"), wantCode: 410, wantErr: true, wantResponse: "gone", wantErrContains: "410"},
		{name: "408 is retried", handler: reply(408, nil, ""), wantCode: 408, wantErr: true, wantRetry: true},
		{name: "425 is retried", handler: reply(425, nil, ""), wantCode: 425, wantErr: true, wantRetry: true},
		{name: "429 with Retry-After seconds", handler: reply(429, map[string]string{"Retry-After": "120"}, "slow down"), wantCode: 429, wantErr: true, wantRetry: true,
			wantRetryAfter: [2]time.Duration{120 * time.Second, 120 * time.Second}, wantResponse: "slow down", wantErrContains: "retry after 2m0s"},
		{name: "429 with Retry-After date", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(429)
		}, wantCode: 429, wantErr: true, wantRetry: true, wantRetryAfter: [2]time.Duration{87 * time.Second, 90 * time.Second}},
		{name: "429 with Retry-After capped", handler: reply(429, map[string]string{"Retry-After": "86400"}, ""), wantCode: 429, wantErr: true, wantRetry: true,
			wantRetryAfter: [2]time.Duration{time.Hour, time.Hour}},
		{name: "429 without Retry-After", handler: reply(429, nil, ""), wantCode: 429, wantErr: true, wantRetry: true},
		{name: "503 with Retry-After", handler: reply(503, map[string]string{"Retry-After": "30"}, "maintenance"), wantCode: 503, wantErr: true, wantRetry: true,
			wantRetryAfter: [2]time.Duration{30 * time.Second, 30 * time.Second}, wantResponse: "maintenance", wantErrContains: "503 Service Unavailable"},
		{name: "503 with a garbled Retry-After", handler: reply(503, map[string]string{"Retry-After": "soon"}, ""), wantCode: 503, wantErr: true, wantRetry: true},
		{name: "500 is retried", handler: reply(500, nil, "boom"), wantCode: 500, wantErr: true, wantRetry: true, wantResponse: "boom"},
		{name: "500 ignores Retry-After", handler: reply(500, map[string]string{"Retry-After": "30"}, ""), wantCode: 500, wantErr: true, wantRetry: true},
		{name: "502 is retried", handler: reply(502, nil, ""), wantCode: 502, wantErr: true, wantRetry: true},
		{name: "302 is not followed", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/elsewhere", http.StatusFound)
		}, wantCode: 302, wantErr: true, wantErrContains: "redirect"},
		{name: "307 is not followed", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/elsewhere", http.StatusTemporaryRedirect)
		}, wantCode: 307, wantErr: true, wantErrContains: "redirect"},
		{name: "a 2xx echoing the body", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(w, r.Body)
		}, wantCode: 200, wantResponse: string(postBody)},
		{name: "a 4xx echoing the body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(422)
			_, _ = io.Copy(w, r.Body)
		}, wantCode: 422, wantErr: true, wantResponse: string(postBody)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			for _, hc := range []*http.Client{nil, {}} { // the default client, and a following one
				res, err := Post(context.Background(), hc, postRequest(srv.URL))
				if res == nil {
					t.Fatal("Post returned a nil Result")
				}
				if (err != nil) != tt.wantErr {
					t.Fatalf("Post error = %v, want error: %v", err, tt.wantErr)
				}
				checkErrorText(t, err)
				if err != nil && !strings.Contains(err.Error(), "http://"+strings.TrimPrefix(srv.URL, "http://")) {
					t.Errorf("the error %q does not name the scheme and host", err)
				}
				if tt.wantErrContains != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErrContains)) {
					t.Errorf("the error %v does not say %q", err, tt.wantErrContains)
				}
				if res.StatusCode != tt.wantCode || res.Retry != tt.wantRetry {
					t.Errorf("Result{StatusCode: %d, Retry: %v}, want {%d, %v}", res.StatusCode, res.Retry, tt.wantCode, tt.wantRetry)
				}
				if res.RetryAfter < tt.wantRetryAfter[0] || res.RetryAfter > tt.wantRetryAfter[1] {
					t.Errorf("RetryAfter = %s, want in %v", res.RetryAfter, tt.wantRetryAfter)
				}
				if res.Response != tt.wantResponse {
					t.Errorf("Response = %q, want %q", res.Response, tt.wantResponse)
				}
				if res.Duration <= 0 {
					t.Errorf("Duration = %s", res.Duration)
				}
			}
			if n := redirectTarget.Load(); n != 0 {
				t.Fatalf("a redirect was followed: the target got %d requests", n)
			}
		})
	}
}

// reply returns a handler answering code, with headers and body.
func reply(code int, headers map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func TestPostSignsAndSendsHeaders(t *testing.T) {
	oldSecret := []byte("previous-secret-4567")
	var (
		mu  sync.Mutex
		got *http.Request
		raw []byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, raw = r, b
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	req := postRequest(srv.URL)
	req.Secrets = [][]byte{[]byte(postSecret), oldSecret}
	before := time.Now().Unix()
	if _, err := Post(context.Background(), nil, req); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got.Method != http.MethodPost || got.URL.Path != postPath || got.URL.RawQuery != postQuery {
		t.Errorf("%s %s, want POST %s?%s", got.Method, got.URL, postPath, postQuery)
	}
	if string(raw) != string(postBody) {
		t.Errorf("body %q, want %q", raw, postBody)
	}
	want := map[string]string{
		"Content-Type":  "application/json",
		"User-Agent":    "synqly-webhook/1",
		EventHeader:     "sync.complete",
		DeliveryHeader:  "dlv_1",
		SignatureHeader: Sign([]byte(postSecret), postBody) + "," + Sign(oldSecret, postBody),
	}
	for k, v := range want {
		if g := got.Header.Get(k); g != v {
			t.Errorf("%s: %q, want %q", k, g, v)
		}
	}
	ts, err := strconv.ParseInt(got.Header.Get(TimestampHeader), 10, 64)
	if err != nil || ts < before || ts > time.Now().Unix() {
		t.Errorf("%s: %q, want the Unix time of the attempt", TimestampHeader, got.Header.Get(TimestampHeader))
	}
	// A receiver holding either secret verifies it.
	for _, s := range [][]byte{[]byte(postSecret), oldSecret} {
		if err := Verify(got.Header.Get(SignatureHeader), raw, [][]byte{s}, time.Now(), 0, NewMemoryNonces()); err != nil {
			t.Errorf("Verify with %q: %v", s, err)
		}
	}
}

func TestPostThroughHandler(t *testing.T) {
	// Post and Handler agree, end to end.
	var events []string
	var mu sync.Mutex
	nonces := NewMemoryNonces()
	srv := httptest.NewServer(Handler([][]byte{[]byte(postSecret)}, nonces, func(ctx context.Context, event string, body []byte) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, event)
		return nil
	}))
	defer srv.Close()
	req := postRequest(srv.URL)
	req.Body = payload(NewNonce(), time.Now())
	if res, err := Post(context.Background(), nil, req); err != nil || res.StatusCode != 204 {
		t.Fatalf("Post = %+v, %v", res, err)
	}
	// The same body again is a replay: 401, not retried.
	res, err := Post(context.Background(), nil, req)
	if err == nil || res.StatusCode != 401 || res.Retry || !strings.Contains(res.Response, "nonce") {
		t.Fatalf("replayed Post = %+v, %v", res, err)
	}
	checkErrorText(t, err)
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 1 || events[0] != "sync.complete" {
		t.Fatalf("events %q", events)
	}
}

func TestPostNetworkFailures(t *testing.T) {
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()

	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release)

	tests := []struct {
		name     string
		url      string
		timeout  time.Duration
		cancel   time.Duration // cancel the context after this, if set
		within   time.Duration
		contains string
	}{
		{name: "connection refused", url: refused, within: 5 * time.Second, contains: "refused"},
		{name: "timeout", url: hang.URL, timeout: 100 * time.Millisecond, within: 3 * time.Second, contains: "timed out"},
		{name: "context canceled", url: hang.URL, cancel: 100 * time.Millisecond, within: 3 * time.Second, contains: "canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel > 0 {
				time.AfterFunc(tt.cancel, cancel)
			}
			req := postRequest(tt.url)
			req.Timeout = tt.timeout
			start := time.Now()
			res, err := Post(ctx, nil, req)
			if elapsed := time.Since(start); elapsed > tt.within {
				t.Errorf("Post took %s, more than %s", elapsed, tt.within)
			}
			if err == nil || res == nil {
				t.Fatalf("Post = %+v, %v; want an error", res, err)
			}
			if res.StatusCode != 0 || !res.Retry || res.RetryAfter != 0 {
				t.Errorf("Result %+v, want StatusCode 0 and Retry", res)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("the error %q does not say %q", err, tt.contains)
			}
			checkErrorText(t, err)
		})
	}
	// The context's errors are kept for errors.Is.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Post(ctx, nil, postRequest(hang.URL)); !errors.Is(err, context.Canceled) {
		t.Errorf("Post with a canceled context = %v, not context.Canceled", err)
	}
}

func TestPostInvalidRequest(t *testing.T) {
	srv := httptest.NewServer(reply(204, nil, ""))
	defer srv.Close()
	good := postRequest(srv.URL)
	tests := []struct {
		name string
		edit func(*Request)
	}{
		{"ftp URL", func(r *Request) { r.URL = "ftp://example.com" + postPath + "?" + postQuery }},
		{"relative URL", func(r *Request) { r.URL = postPath + "?" + postQuery }},
		{"unparsable URL", func(r *Request) { r.URL = "http://[::1" + postPath + "?" + postQuery }},
		{"no secrets", func(r *Request) { r.Secrets = nil }},
		{"an empty secret", func(r *Request) { r.Secrets = append(r.Secrets, nil) }},
		{"newline in the event", func(r *Request) { r.Event = "sync.complete\r\nX-Evil: 1" }},
		{"newline in the delivery id", func(r *Request) { r.DeliveryID = "d\n" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := good
			req.Secrets = append([][]byte(nil), good.Secrets...)
			tt.edit(&req)
			res, err := Post(context.Background(), nil, req)
			if err == nil || res == nil || res.Retry || res.StatusCode != 0 {
				t.Fatalf("Post = %+v, %v; want a non-retryable error", res, err)
			}
			checkErrorText(t, err)
		})
	}
}

func TestPostUserInfoNotInError(t *testing.T) {
	srv := httptest.NewServer(reply(500, nil, ""))
	defer srv.Close()
	req := postRequest(strings.Replace(srv.URL, "http://", "http://us3r:pa55w0rd@", 1))
	_, err := Post(context.Background(), nil, req)
	if err == nil || strings.Contains(err.Error(), "us3r") || strings.Contains(err.Error(), "pa55w0rd") {
		t.Fatalf("Post error %v: want an error without the URL's user", err)
	}
}

func TestPostResponseBounded(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("kind") {
		case "big":
			// More than the drain: the connection is then not reused.
			w.WriteHeader(500)
			_, _ = io.Copy(w, io.LimitReader(zeros{}, 4<<20))
		case "utf8":
			// 511 ASCII bytes, then a rune cut by the 512-byte limit.
			_, _ = io.WriteString(w, strings.Repeat("a", 511)+"é")
		case "invalid":
			_, _ = w.Write([]byte("ok \xff\xfe done"))
		default:
			_, _ = io.Copy(w, io.LimitReader(zeros{}, 10<<10))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	hc := srv.Client()
	post := func(kind string) *Result {
		t.Helper()
		res, _ := Post(context.Background(), hc, Request{URL: srv.URL + "/?kind=" + kind, Body: postBody, Secrets: [][]byte{[]byte("s")}})
		return res
	}
	res := post("big")
	if len(res.Response) != 512 || res.StatusCode != 500 {
		t.Fatalf("Response of %d bytes, status %d; want 512 bytes, 500", len(res.Response), res.StatusCode)
	}
	if r := post("utf8"); !utf8.ValidString(r.Response) || !strings.HasPrefix(r.Response, strings.Repeat("a", 511)) {
		t.Fatalf("Response %q: not valid UTF-8", r.Response)
	}
	if r := post("invalid"); r.Response != "ok \uFFFD done" {
		t.Fatalf("Response %q, want the invalid bytes replaced", r.Response)
	}
	// A 10 KiB response is drained: the connection is reused.
	before := conns.Load()
	for range 3 {
		if r := post("small"); len(r.Response) != 512 {
			t.Fatalf("Response of %d bytes", len(r.Response))
		}
	}
	if n := conns.Load() - before; n > 1 {
		t.Fatalf("%d new connections for three drained responses, want at most 1", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"1", time.Second},
		{" 45 ", 45 * time.Second},
		{"3600", time.Hour},
		{"3601", time.Hour},
		{"99999999999999999999999999", time.Hour},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{now.Add(2 * time.Minute).Format(http.TimeFormat), 2 * time.Minute},
		{now.Add(-2 * time.Minute).Format(http.TimeFormat), 0},
		{now.Add(3 * time.Hour).Format(http.TimeFormat), time.Hour},
		{"Sunday, 01-Jun-25 12:00:30 GMT", 30 * time.Second}, // RFC 850
		{"Sun Jun  1 12:01:00 2025", time.Minute},            // asctime
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
