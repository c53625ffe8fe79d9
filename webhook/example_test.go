package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/seed-e6251c81/synqly/webhook"
)

// Sign computes the Synqly-Signature value of a body; a receiver in any
// language computes the same HMAC-SHA256 over the raw body.
func ExampleSign() {
	secret := []byte("whsec_example")
	body := []byte(`{"event":"sync.complete","created_at":"2025-01-02T15:04:05Z","nonce":"bm9uY2U"}`)
	fmt.Println(webhook.Sign(secret, body))
	// Output:
	// sha256=b73f3cb86bf60e3df869781031f22f62be323e7111a7099eb7b7319409244c2c
}

// Verify checks a delivery by hand, for receivers that do not use Handler.
func ExampleVerify() {
	secret := []byte("whsec_example")
	now := time.Now()
	body := fmt.Appendf(nil, `{"event":"sync.complete","created_at":%q,"nonce":%q}`,
		now.UTC().Format(time.RFC3339Nano), webhook.NewNonce())
	header := webhook.Sign(secret, body)
	nonces := webhook.NewMemoryNonces()

	fmt.Println(webhook.Verify(header, body, [][]byte{secret}, now, 0, nonces))
	fmt.Println(webhook.Verify(header, body, [][]byte{secret}, now, 0, nonces))
	fmt.Println(webhook.Verify(header, body, [][]byte{[]byte("wrong")}, now, 0, nil))
	fmt.Println(webhook.Verify(header, body, [][]byte{secret}, now.Add(time.Hour), 0, nil))
	// Output:
	// <nil>
	// webhook: nonce missing or replayed: the nonce was seen before
	// webhook: signature does not match: none of the 1 signatures matches the body
	// webhook: created_at outside the tolerance: created_at is 1h0m0s old, more than the 5m0s tolerated
}

// Handler is a receiver: mount it on the application's server. During a
// secret rotation, give it both secrets.
func ExampleHandler() {
	secrets := [][]byte{[]byte("whsec_current"), []byte("whsec_previous")}
	receiver := webhook.Handler(secrets, webhook.NewMemoryNonces(), func(ctx context.Context, event string, body []byte) error {
		var ev struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			return err
		}
		fmt.Printf("received %s %s\n", event, ev.ID)
		return nil
	})
	mux := http.NewServeMux()
	mux.Handle("/hooks/synqly", receiver)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A delivery, signed with the previous secret.
	body := fmt.Appendf(nil, `{"id":"ev_1","event":"sync.complete","created_at":%q,"nonce":%q}`,
		time.Now().UTC().Format(time.RFC3339Nano), webhook.NewNonce())
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/hooks/synqly", bytesReader(body))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign([]byte("whsec_previous"), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	// A forged one.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/hooks/synqly", bytesReader(body))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign([]byte("guess"), body))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	reason, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("%d %s", resp.StatusCode, reason)
	// Output:
	// received sync.complete ev_1
	// 204
	// 401 webhook: signature does not match: none of the 1 signatures matches the body
}

// Post makes one attempt and classifies it; the caller schedules retries.
func ExamplePost() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "down for maintenance")
	}))
	defer srv.Close()

	body := fmt.Appendf(nil, `{"id":"ev_1","event":"sync.complete","created_at":%q,"nonce":%q}`,
		time.Now().UTC().Format(time.RFC3339Nano), webhook.NewNonce())
	res, err := webhook.Post(context.Background(), nil, webhook.Request{
		URL:        srv.URL + "/hooks/synqly?token=kept-out-of-errors",
		Event:      "sync.complete",
		DeliveryID: "dlv_1",
		Body:       body,
		Secrets:    [][]byte{[]byte("whsec_current")},
	})
	fmt.Println(err != nil, res.StatusCode, res.Retry, res.RetryAfter, res.Response)
	// Output:
	// true 503 true 30s down for maintenance
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
