package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	secret := []byte("handler-secret")
	fresh := payload("h-nonce", testNow)
	stale := payload("h-stale", testNow.Add(-time.Hour))
	noEvent := []byte(`{"created_at":"` + testNow.Format(time.RFC3339Nano) + `","nonce":"h-noevent"}`)
	fnFails := payload("h-fails", testNow)

	tests := []struct {
		name       string
		method     string
		body       []byte
		header     string // the signature; "sign" signs body with secret
		event      string // the Synqly-Event header
		opts       []HandlerOption
		wantCode   int
		wantReason string
		wantEvent  string
	}{
		{name: "GET", method: http.MethodGet, wantCode: 405, wantReason: "POST"},
		{name: "PUT", method: http.MethodPut, body: fresh, header: "sign", wantCode: 405},
		{name: "too large", method: http.MethodPost, body: bytes.Repeat([]byte("a"), MaxBodyBytes+1), header: "sign", wantCode: 413},
		{name: "no signature", method: http.MethodPost, body: fresh, wantCode: 401, wantReason: "missing or malformed signature"},
		{name: "garbled signature", method: http.MethodPost, body: fresh, header: "sha256=nope", wantCode: 401, wantReason: "missing or malformed signature"},
		{name: "wrong signature", method: http.MethodPost, body: fresh, header: Sign([]byte("other"), fresh), wantCode: 401, wantReason: "signature does not match"},
		{name: "stale", method: http.MethodPost, body: stale, header: "sign", wantCode: 401, wantReason: "created_at"},
		{name: "stale within a wider tolerance", method: http.MethodPost, body: stale, header: "sign", opts: []HandlerOption{WithTolerance(2 * time.Hour)}, wantCode: 204, wantEvent: "sync.complete"},
		{name: "ok", method: http.MethodPost, body: fresh, header: "sign", event: "forged.event", wantCode: 204, wantEvent: "sync.complete"},
		{name: "replayed", method: http.MethodPost, body: fresh, header: "sign", wantCode: 401, wantReason: "nonce"},
		{name: "event from the header when the body has none", method: http.MethodPost, body: noEvent, header: "sign", event: "account.created", wantCode: 204, wantEvent: "account.created"},
		{name: "fn fails", method: http.MethodPost, body: fnFails, header: "sign", wantCode: 500},
		// The nonce of a body fn failed on is forgotten: the retry goes.
		{name: "fn fails on the retry", method: http.MethodPost, body: fnFails, header: "sign", wantCode: 500},
	}
	nonces := NewMemoryNonces()
	nonces.now = func() time.Time { return testNow }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotEvent string
			called := false
			fn := func(ctx context.Context, event string, body []byte) error {
				called = true
				gotEvent = event
				if !bytes.Equal(body, tt.body) {
					t.Errorf("fn got body %q, want %q", body, tt.body)
				}
				if bytes.Equal(body, fnFails) {
					return errors.New("database down: secret-internal-detail")
				}
				return nil
			}
			opts := append([]HandlerOption{WithClock(func() time.Time { return testNow })}, tt.opts...)
			h := Handler([][]byte{secret}, nonces, fn, opts...)
			r := httptest.NewRequest(tt.method, "/hooks/synqly", bytes.NewReader(tt.body))
			switch tt.header {
			case "sign":
				r.Header.Set(SignatureHeader, Sign(secret, tt.body))
			case "":
			default:
				r.Header.Set(SignatureHeader, tt.header)
			}
			if tt.event != "" {
				r.Header.Set(EventHeader, tt.event)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			reply := w.Body.String()
			if w.Code != tt.wantCode {
				t.Fatalf("status %d (%q), want %d", w.Code, reply, tt.wantCode)
			}
			if tt.wantReason != "" && !strings.Contains(reply, tt.wantReason) {
				t.Errorf("reply %q does not name %q", reply, tt.wantReason)
			}
			if strings.Contains(reply, string(secret)) || strings.Contains(reply, "secret-internal-detail") {
				t.Errorf("reply %q holds a secret or fn's error", reply)
			}
			if wantCalled := tt.wantCode == 204 || tt.wantCode == 500; called != wantCalled {
				t.Errorf("fn called: %v, want %v", called, wantCalled)
			}
			if tt.wantCode == 405 && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("405 without Allow: POST")
			}
			if tt.wantCode == 204 && gotEvent != tt.wantEvent {
				t.Errorf("fn got event %q, want %q", gotEvent, tt.wantEvent)
			}
		})
	}
}

func TestHandlerBodyLimit(t *testing.T) {
	// A body of exactly MaxBodyBytes is read, and verified.
	secret := []byte("limit-secret")
	prefix := `{"created_at":"` + testNow.Format(time.RFC3339Nano) + `","nonce":"big","pad":"`
	body := []byte(prefix + strings.Repeat("x", MaxBodyBytes-len(prefix)-2) + `"}`)
	if len(body) != MaxBodyBytes {
		t.Fatalf("body of %d bytes", len(body))
	}
	h := Handler([][]byte{secret}, nil, nil, WithClock(func() time.Time { return testNow }))
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set(SignatureHeader, Sign(secret, body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent {
		t.Fatalf("status %d (%s), want 204", w.Code, w.Body)
	}
}

func TestHandlerOverHTTP(t *testing.T) {
	// Through a real server: the 413 reaches a client that streams a
	// body too long.
	srv := httptest.NewServer(Handler([][]byte{[]byte("s")}, nil, nil))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", io.LimitReader(zeros{}, 2*MaxBodyBytes))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

// zeros reads as endless '0's.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}
