package synqly_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/webhook"
)

const hookSecret = "whsec-0123456789abcdef"

// receiver is a webhook endpoint that verifies every delivery and can be
// down (answering 503) for a while.
type receiver struct {
	srv    *httptest.Server
	down   atomic.Bool
	nonces *webhook.MemoryNonces
	mu     sync.Mutex
	got    []map[string]any
	bad    int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{nonces: webhook.NewMemoryNonces()}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(req.Body)
		if err := webhook.Verify(req.Header.Get(webhook.SignatureHeader), body, [][]byte{[]byte(hookSecret)},
			time.Now(), 0, r.nonces); err != nil {
			r.mu.Lock()
			r.bad++
			r.mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		r.mu.Lock()
		r.got = append(r.got, m)
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) events() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.got...)
}

func TestWebhookReceiverDownThenRecovers(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t, fastWorkers)
	rcv := newReceiver(t)
	rcv.down.Store(true)
	hook, err := c.Webhooks.Create(ctx, synqly.CreateWebhookRequest{Name: "app", URL: rcv.srv.URL + "/hooks",
		Filters: []string{"account.created", "account.updated"}, Secret: hookSecret})
	require.NoError(t, err)
	require.NoError(t, c.StartWorkers(ctx))
	acct := mustAccount(t, c, "Hooked")
	for i := range 5 {
		a, err := c.Accounts.Get(ctx, acct.ID)
		require.NoError(t, err)
		a.Fullname = "Hooked " + string(rune('A'+i))
		_, err = c.Accounts.Update(ctx, acct.ID, *a)
		require.NoError(t, err)
	}
	// Deliveries are attempted and fail while the receiver is down.
	require.Eventually(t, func() bool {
		p, err := c.Webhooks.Deliveries(ctx, synqly.ListOptions{Filter: []string{"webhook_id[eq]" + hook.ID, "attempts[gte]2"}})
		return err == nil && len(p.Result) > 0
	}, 30*time.Second, 20*time.Millisecond)
	rcv.down.Store(false)
	require.Eventually(t, func() bool { return len(rcv.events()) == 6 }, 60*time.Second, 20*time.Millisecond)
	got := rcv.events()
	require.Equal(t, "account.created", got[0]["event"])
	require.Equal(t, "account.created", got[0]["webhook_event_type"])
	for i, m := range got[1:] {
		require.Equal(t, "account.updated", m["event"], "in order")
		_ = i
	}
	p, err := c.Webhooks.Deliveries(ctx, synqly.ListOptions{Filter: []string{"webhook_id[eq]" + hook.ID}})
	require.NoError(t, err)
	require.Len(t, p.Result, 6)
	for _, d := range p.Result {
		require.Equal(t, synqly.DeliveryDelivered, d.Status)
	}
	require.Greater(t, p.Result[0].Attempts, 1)
	require.Equal(t, 503, p.Result[0].History[0].StatusCode)
	require.Zero(t, rcv.bad, "every delivery verified")
}

func TestWebhookDeliveriesSurviveARestart(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t, fastWorkers)
	rcv := newReceiver(t)
	_, err := c.Webhooks.Create(ctx, synqly.CreateWebhookRequest{URL: rcv.srv.URL, Secret: hookSecret})
	require.NoError(t, err)
	// No workers run: the events wait in the outbox.
	acct := mustAccount(t, c, "Before Restart")
	require.NoError(t, c.Close())
	require.Empty(t, rcv.events())

	c2 := reopen(t, where, fastWorkers)
	require.NoError(t, c2.StartWorkers(ctx))
	require.Eventually(t, func() bool { return len(rcv.events()) >= 1 }, 60*time.Second, 20*time.Millisecond)
	ev := rcv.events()[0]
	require.Equal(t, "account.created", ev["event"])
	require.Equal(t, acct.ID, ev["account_id"])
	require.NotEmpty(t, ev["nonce"])
	list, err := c2.Events.List(ctx, synqly.ListOptions{Filter: []string{"event[eq]account.created"}})
	require.NoError(t, err)
	require.Len(t, list.Result, 1)
}

func TestWebhookValidationAndSecrets(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t)
	for name, req := range map[string]synqly.CreateWebhookRequest{
		"url":     {URL: "ftp://example.com", Secret: hookSecret},
		"secret":  {URL: "https://example.com/hook", Secret: "short"},
		"filters": {URL: "https://example.com/hook", Secret: hookSecret, Filters: []string{"everything"}},
	} {
		_, err := c.Webhooks.Create(ctx, req)
		require.Equal(t, name, requireCode(t, err, errs.InvalidInput).Field[:len(name)])
	}
	hook, err := c.Webhooks.Create(ctx, synqly.CreateWebhookRequest{URL: "https://example.com/hook", Secret: hookSecret})
	require.NoError(t, err)
	b, _ := json.Marshal(hook)
	require.NotContains(t, string(b), hookSecret)
	require.NoError(t, c.StopWorkers(ctx))
	for _, blob := range rawStore(t, where) {
		require.NotContains(t, blob, hookSecret)
	}
}
