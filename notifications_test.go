package synqly_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// TestNotificationsThroughTheStore: the second connector reaches its
// providers through the same source as ticketing, with no root code of its
// own; the mock's messages live in the store, so a second client on the
// database (another instance) reads and clears what the first sent, and
// two clients sending at once never share an id.
func TestNotificationsThroughTheStore(t *testing.T) {
	ctx := context.Background()
	a, where := newClient(t)
	b := reopen(t, where)
	acct := mustAccount(t, a, "Acme")
	other := mustAccount(t, a, "Globex")
	res, err := a.Account(acct.ID).Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "alerts",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.NotificationsID, Config: &mock.NotificationsConfig{Channel: "#sec"}}})
	require.NoError(t, err)
	id := res.Integration.ID

	na, err := notifications.Open(ctx, a.Account(acct.ID), id)
	require.NoError(t, err)
	nb, err := notifications.Open(ctx, b, id)
	require.NoError(t, err)

	n, err := na.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "CVE-2026-1234 on web-01", Priority: ticketing.PriorityHigh})
	require.NoError(t, err)
	got, err := nb.GetMessage(ctx, n.ID)
	require.NoError(t, err)
	assert.Equal(t, "CVE-2026-1234 on web-01", got.Summary)
	assert.Equal(t, "#sec", got.Project)
	require.NoError(t, nb.ClearMessage(ctx, n.ID))
	got, err = na.GetMessage(ctx, n.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusClosed, got.NotificationStatus)

	var mu sync.Mutex
	seen := map[string]bool{n.ID: true}
	var wg sync.WaitGroup
	for g := range 8 {
		c := []*notifications.Connector{na, nb}[g%2]
		wg.Go(func() {
			for i := range 5 {
				m, err := c.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: fmt.Sprintf("g%d-%d", g, i)})
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				assert.False(t, seen[m.ID], "id %s handed out twice", m.ID)
				seen[m.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, 41)

	_, err = notifications.Open(ctx, a.Account(other.ID), id)
	require.ErrorIs(t, err, synqly.ErrNotFound, "another account cannot reach the integration")
	_, err = ticketing.Open(ctx, a, id)
	require.ErrorIs(t, err, synqly.ErrInvalidInput, "a notifications integration is not a ticketing one")

	require.NoError(t, a.Integrations.Delete(ctx, acct.ID, id))
	_, err = nb.GetMessage(ctx, n.ID)
	require.ErrorIs(t, err, synqly.ErrNotFound, "the messages go with the integration")
}

// TestConnectorTelemetry: the tracer and meter providers given to the
// client see every connector call, with the integration it was for.
func TestConnectorTelemetry(t *testing.T) {
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(ctx)
	c, _ := newClient(t, synqly.WithTracerProvider(tp))
	acct := mustAccount(t, c, "Acme")
	res, err := c.Account(acct.ID).Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "alerts",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.NotificationsID, Config: &mock.NotificationsConfig{}}})
	require.NoError(t, err)
	nc, err := notifications.Open(ctx, c, res.Integration.ID)
	require.NoError(t, err)
	_, err = nc.CreateMessage(ctx, notifications.CreateMessageRequest{Summary: "hello"})
	require.NoError(t, err)
	_, err = nc.GetMessage(ctx, "MSG-99999999")
	require.ErrorIs(t, err, synqly.ErrNotFound)
	got := spans.GetSpans()
	require.Len(t, got, 2)
	assert.Equal(t, "notifications.create_message", got[0].Name)
	assert.Contains(t, fmt.Sprint(got[0].Attributes), res.Integration.ID)
	assert.Contains(t, fmt.Sprint(got[0].Attributes), mock.NotificationsID)
	assert.Equal(t, "not_found", got[1].Status.Description)
}
