package fakekit_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// vendorFake is the smallest fake: GET /thing answers {"id":"1"}, POST
// /thing counts a write; the token "good" is accepted.
type vendorFake struct {
	*fakekit.Kit
	srv    *httptest.Server
	writes atomic.Int32
}

func newFake(t *testing.T) *vendorFake {
	t.Helper()
	f := &vendorFake{}
	f.Kit = fakekit.New(fakekit.Vendor{
		Name: "acme",
		WriteError: func(w http.ResponseWriter, _ *http.Request, status int, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"status": status, "message": msg}})
		},
		RateLimitHeaders: func(h http.Header, wait time.Duration) { h.Set("X-RateLimit-Reset", wait.String()) },
		RequestIDHeader:  "X-Acme-Request",
		Authenticate:     func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer good" },
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /thing", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"id":"1"}`) })
	mux.HandleFunc("POST /thing", func(w http.ResponseWriter, _ *http.Request) {
		f.writes.Add(1)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"2","padding":"................................"}`)
	})
	f.srv = httptest.NewServer(f.Handler(mux))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *vendorFake) call(t *testing.T, method, token string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, f.srv.URL+"/thing", strings.NewReader(`{"a":1}`))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := f.srv.Client()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestServesLogsAndNamesRequests(t *testing.T) {
	f := newFake(t)
	resp, body, err := f.call(t, http.MethodGet, "good")
	if err != nil || resp.StatusCode != 200 || string(body) != `{"id":"1"}` {
		t.Fatalf("GET: %v %v %s", err, resp, body)
	}
	if resp.Header.Get("X-Acme-Request") == "" {
		t.Error("no request id header")
	}
	resp, _, _ = f.call(t, http.MethodGet, "bad")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a bad token: %d", resp.StatusCode)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Status != 200 || reqs[1].Status != 401 || string(reqs[0].Body) != `{"a":1}` ||
		reqs[0].Header.Get("Authorization") != "Bearer good" || reqs[0].RequestID == reqs[1].RequestID {
		t.Errorf("log: %+v", reqs)
	}
	if f.Count(http.MethodGet, "/thing") != 2 || f.Count(http.MethodPost, "") != 0 {
		t.Error("Count")
	}
	f.ResetRequests()
	if len(f.Requests()) != 0 {
		t.Error("ResetRequests")
	}
}

func TestStatusFaults(t *testing.T) {
	f := newFake(t)
	f.Inject(fakekit.Fault{Method: http.MethodGet, Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond, Times: 2})
	for range 2 {
		resp, body, _ := f.call(t, http.MethodGet, "") // before authentication
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || resp.Header.Get("X-RateLimit-Reset") != "1.5s" ||
			!strings.Contains(string(body), `"status":429`) {
			t.Errorf("429: %d %v %s", resp.StatusCode, resp.Header, body)
		}
	}
	if resp, _, _ := f.call(t, http.MethodGet, "good"); resp.StatusCode != 200 {
		t.Errorf("after the faults: %d", resp.StatusCode)
	}
	f.Inject(fakekit.Fault{Status: http.StatusServiceUnavailable, OmitRetryAfter: true, RetryAfter: time.Second, Message: "later"})
	resp, body, _ := f.call(t, http.MethodPost, "good")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Reset") != "" ||
		!strings.Contains(string(body), "later") || f.writes.Load() != 0 {
		t.Errorf("503: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	f.FailNext(1, 500)
	f.RateLimit(1, 0)
	if f.Pending() != 2 {
		t.Errorf("Pending %d", f.Pending())
	}
	f.ClearFaults()
	if resp, _, _ := f.call(t, http.MethodGet, "good"); resp.StatusCode != 200 || f.Pending() != 0 {
		t.Error("ClearFaults")
	}
}

func TestBodyFaults(t *testing.T) {
	f := newFake(t)
	f.Inject(fakekit.Fault{Body: fakekit.BodyMalformed})
	resp, body, _ := f.call(t, http.MethodGet, "good")
	if resp.StatusCode != 200 || json.Valid(body) {
		t.Errorf("malformed: %d %s", resp.StatusCode, body)
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyOversized, Size: 1 << 20})
	resp, body, _ = f.call(t, http.MethodGet, "good")
	if resp.StatusCode != 200 || len(body) != 1<<20 || !json.Valid(body) {
		t.Errorf("oversized: %d, %d bytes", resp.StatusCode, len(body))
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyTruncated, Method: http.MethodPost})
	if _, _, err := f.call(t, http.MethodPost, "good"); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: want an unexpected EOF, got %v", err)
	}
	if f.writes.Load() != 1 {
		t.Errorf("a truncated answer's request is served: %d writes", f.writes.Load())
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyDropped, Method: http.MethodPost})
	if _, _, err := f.call(t, http.MethodPost, "good"); err == nil {
		t.Error("dropped: an answer arrived")
	}
	if f.writes.Load() != 1 {
		t.Errorf("a dropped request is not served: %d writes", f.writes.Load())
	}
	f.Inject(fakekit.Fault{Body: fakekit.BodyLost, Method: http.MethodPost})
	if _, _, err := f.call(t, http.MethodPost, "good"); err == nil {
		t.Error("lost: an answer arrived")
	}
	if f.writes.Load() != 2 {
		t.Errorf("a lost answer's request is served: %d writes", f.writes.Load())
	}
	reqs := f.Requests()
	if last := reqs[len(reqs)-1]; last.Status != 0 || last.Fault != "lost" {
		t.Errorf("a lost answer is logged without a status: %+v", last)
	}
	// A lost answer for a refused credential serves nothing.
	f.Inject(fakekit.Fault{Body: fakekit.BodyLost, Method: http.MethodPost})
	f.call(t, http.MethodPost, "bad")
	if f.writes.Load() != 2 {
		t.Error("an unauthenticated request was served")
	}
}

func TestDelay(t *testing.T) {
	f := newFake(t)
	f.SetDelay(5 * time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+"/thing", nil)
	start := time.Now()
	if _, err := f.srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the client's deadline, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Error("the delay outlived the client")
	}
	f.SetDelay(0)
	f.Inject(fakekit.Fault{Delay: 20 * time.Millisecond})
	start = time.Now()
	if resp, _, _ := f.call(t, http.MethodGet, "good"); resp.StatusCode != 200 || time.Since(start) < 20*time.Millisecond {
		t.Error("a delay-only fault serves the request after the delay")
	}
}
