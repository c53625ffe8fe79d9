package synqly_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// clientConnGoroutines counts the goroutines of client-side HTTP
// connections (net/http.(*persistConn) read and write loops).
func clientConnGoroutines() (int, string) {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	var sample string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "net/http.(*persistConn).readLoop") || strings.Contains(g, "net/http.(*persistConn).writeLoop") {
			n++
			if sample == "" {
				sample = g
			}
		}
	}
	return n, sample
}

// TestLeakClientLifecycle opens a client, manages objects, uses the mock and
// a Jira connector (against jirafake, with the default HTTP client), closes
// everything and checks that no goroutine survives.
func TestLeakClientLifecycle(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ctx := context.Background()
	fake := jirafake.New()
	defer fake.Close() // idempotent; closed explicitly below
	c, _ := newClientNoCleanup(t)
	a, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Leak Acme"})
	require.NoError(t, err)
	_, err = c.Accounts.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	for range c.Accounts.All(ctx, synqly.ListOptions{Limit: 1}) {
		break // an abandoned iterator must not leak either
	}
	mk, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	jr, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "jira", ProviderConfig: &synqly.ProviderConfig{
		Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: fake.URL, DefaultProject: "SEC", Credential: credential.Inline(
			&credential.BasicCredential{Username: fake.Email, Secret: credential.Secret(fake.Token)})}}})
	require.NoError(t, err)
	_, err = c.Audit.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)

	tk, err := ticketing.Open(ctx, c, mk.Integration.ID)
	require.NoError(t, err)
	tkt, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "mock ticket"})
	require.NoError(t, err)
	_, err = tk.GetTicket(ctx, tkt.ID)
	require.NoError(t, err)
	for range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{}) {
		break
	}

	jt, err := ticketing.Open(ctx, c.Account(a.ID), jr.Integration.ID)
	require.NoError(t, err)
	jtk, err := jt.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "jira ticket", Project: "SEC", IssueType: "Task"})
	require.NoError(t, err)
	_, err = jt.GetTicket(ctx, jtk.ID)
	require.NoError(t, err)
	_, err = jt.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"project[eq]SEC"}})
	require.NoError(t, err)
	require.NoError(t, c.Integrations.Delete(ctx, a.ID, mk.Integration.ID))

	require.NoError(t, c.Close())
	// The client's own HTTP connections must be gone once it is closed,
	// before the server side hangs up on them.
	var n int
	var sample string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n, sample = clientConnGoroutines(); n == 0 {
			break
		}
	}
	fake.Close()
	if n != 0 {
		t.Errorf("after Client.Close, %d client-side HTTP keep-alive goroutines remain (the Jira driver's idle connections are not closed):\n%s", n, sample)
	}
	goleak.VerifyNone(t, ignore)
}

// newClientNoCleanup is newClient without the t.Cleanup Close, so the test
// closes the client itself before checking for leaks.
func newClientNoCleanup(t *testing.T) (*synqly.Client, string) {
	t.Helper()
	path := t.TempDir() + "/leak.db"
	c, err := synqly.Open(context.Background(), synqly.WithDatabasePath(path), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	require.NoError(t, err)
	return c, path
}

// TestLeakOpenClose opens and closes clients repeatedly: nothing survives.
func TestLeakOpenClose(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	for range 5 {
		c, _ := newClientNoCleanup(t)
		_, err := c.Accounts.List(context.Background(), synqly.ListOptions{})
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
	goleak.VerifyNone(t, ignore)
}
