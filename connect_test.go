package synqly_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// spyConfig is the configuration of the test provider ticketing_spy.
type spyConfig struct {
	Credential *credential.Ref `json:"credential"`
	Label      string          `json:"label,omitempty"`
}

func (c *spyConfig) Validate() error { return providers.RequireRef("credential", c.Credential) }
func (c *spyConfig) CredentialRefs() map[string]*credential.Ref {
	return map[string]*credential.Ref{"credential": c.Credential}
}

// spyDriver records what it was built with and keeps tickets in memory.
type spyDriver struct {
	ticketing.Unimplemented
	secret string
	label  string
	state  providers.State
	mu     sync.Mutex
	n      int
	closed atomic.Bool
}

func (d *spyDriver) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	d.mu.Lock()
	d.n++
	id := fmt.Sprintf("SPY-%d", d.n)
	d.mu.Unlock()
	if err := d.state.Put(ctx, "ticket/"+id, []byte(`{"summary":"x"}`)); err != nil {
		return nil, err
	}
	return &ticketing.Ticket{ID: id, Summary: req.Summary, Description: d.label}, nil
}

func (d *spyDriver) Close() error { d.closed.Store(true); return nil }

var (
	spyBuilds atomic.Int32
	spyLastMu sync.Mutex
	spyLast   *spyDriver
)

// spyRegistry is the registry of the dispatch tests, injected with
// synqly.WithProviders instead of registering test providers globally.
var spyRegistry = sync.OnceValue(func() *providers.Registry {
	reg := providers.NewRegistry()
	newConfig := func() providers.Config { return new(spyConfig) }
	ticketing.RegisterIn(reg, ticketing.Registration{
		ID: "ticketing_spy", Fullname: "Spy", NewConfig: newConfig,
		CredentialTypes: []credential.Type{credential.TypeToken},
		Capabilities:    ticketing.Capabilities{Operations: []ticketing.Operation{ticketing.OpCreateTicket, ticketing.OpGetTicket}},
		Open: func(ctx context.Context, req providers.OpenRequest) (ticketing.Driver, error) {
			spyBuilds.Add(1)
			tok := req.Credentials["credential"].(*credential.TokenCredential)
			d := &spyDriver{secret: tok.Secret.Reveal(), label: req.Config.(*spyConfig).Label, state: req.State}
			spyLastMu.Lock()
			spyLast = d
			spyLastMu.Unlock()
			return d, nil
		},
	})
	ticketing.RegisterIn(reg, ticketing.Registration{
		ID: "ticketing_nodriver", Fullname: "No driver", NewConfig: newConfig,
		CredentialTypes: []credential.Type{credential.TypeToken},
	})
	reg.Register(providers.Provider{
		ID: "siem_spy", Fullname: "SIEM spy", Category: providers.SIEM, NewConfig: newConfig,
		CredentialTypes: []credential.Type{credential.TypeToken},
		Open:            func(context.Context, providers.OpenRequest) (any, error) { return struct{}{}, nil },
	})
	return reg
})

func spyIntegration(t *testing.T, c *synqly.Client, acct string, typ string, expires *time.Time) (*synqly.Integration, *synqly.Credential) {
	t.Helper()
	ctx := context.Background()
	cr, err := c.Credentials.Create(ctx, acct, synqly.CreateCredentialRequest{Config: &credential.TokenCredential{Secret: "spy-secret-1"}, Expires: expires})
	require.NoError(t, err)
	res, err := c.Integrations.Create(ctx, acct, synqly.CreateIntegrationRequest{
		ProviderConfig: &synqly.ProviderConfig{Type: typ, Config: &spyConfig{Credential: credential.RefTo(cr.ID, credential.TypeToken)}}})
	require.NoError(t, err)
	return res.Integration, cr
}

func TestTicketingDispatch(t *testing.T) {
	now := time.Now().UTC()
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	c, _ := newClient(t, synqly.WithClock(clock), synqly.WithProviders(spyRegistry()))
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	b := mustAccount(t, c, "Globex")
	in, cr := spyIntegration(t, c, a.ID, "ticketing_spy", new(now.Add(time.Hour)))

	before := spyBuilds.Load()
	tk, err := ticketing.Open(ctx, c, in.ID)
	require.NoError(t, err)
	tk2, err := ticketing.Open(ctx, c.Account(a.ID), in.ID)
	require.NoError(t, err)
	for _, conn := range []*ticketing.Connector{tk, tk2} {
		_, err := conn.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "hello"})
		require.NoError(t, err)
	}
	assert.Equal(t, before+1, spyBuilds.Load(), "the driver is built once and reused")
	spyLastMu.Lock()
	first := spyLast
	spyLastMu.Unlock()
	assert.Equal(t, "spy-secret-1", first.secret, "the driver gets the unsealed credential")

	// Unsupported operations are refused before the driver is reached.
	_, err = tk.ListProjects(ctx, ticketing.ListRequest{})
	require.ErrorIs(t, err, synqly.ErrUnsupported)

	// Another account cannot reach it.
	_, err = ticketing.Open(ctx, c.Account(b.ID), in.ID)
	require.ErrorIs(t, err, synqly.ErrNotFound)

	// A change to the integration rebuilds the driver; held connectors follow.
	_, err = c.Integrations.Patch(ctx, a.ID, in.ID, []synqly.PatchOperation{{Op: "add", Path: "/provider_config/label", Value: "v2"}})
	require.NoError(t, err)
	got, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "after patch"})
	require.NoError(t, err)
	assert.Equal(t, "v2", got.Description)
	assert.Equal(t, before+2, spyBuilds.Load())
	assert.True(t, first.closed.Load(), "the replaced driver is closed")

	// A new secret rebuilds it too.
	_, err = c.Credentials.Update(ctx, a.ID, cr.ID, synqly.UpdateCredentialRequest{Name: cr.Name, Expires: cr.Expires,
		Config: &credential.TokenCredential{Secret: "spy-secret-2"}, UpdatedAt: cr.UpdatedAt})
	require.NoError(t, err)
	_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "after rotation"})
	require.NoError(t, err)
	spyLastMu.Lock()
	assert.Equal(t, "spy-secret-2", spyLast.secret)
	spyLastMu.Unlock()
	// Changes elsewhere revalidate without rebuilding.
	mustAccount(t, c, "Initech")
	_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"})
	require.NoError(t, err)
	assert.Equal(t, before+3, spyBuilds.Load())

	// Expiry is enforced on every call.
	clockMu.Lock()
	now = now.Add(2 * time.Hour)
	clockMu.Unlock()
	_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "late"})
	require.ErrorIs(t, err, synqly.ErrCredentialExpired)
	_, err = ticketing.Open(ctx, c, in.ID)
	require.ErrorIs(t, err, synqly.ErrCredentialExpired)
	clockMu.Lock()
	now = now.Add(-2 * time.Hour)
	clockMu.Unlock()

	// The driver's state lives in the store and goes with the integration.
	require.NoError(t, c.Integrations.Delete(ctx, a.ID, in.ID))
	_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "gone"})
	require.ErrorIs(t, err, synqly.ErrNotFound)
	_, err = ticketing.Open(ctx, c, in.ID)
	require.ErrorIs(t, err, synqly.ErrNotFound)
}

func TestTicketingRefusals(t *testing.T) {
	c, _ := newClient(t, synqly.WithProviders(spyRegistry()))
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	siem, _ := spyIntegration(t, c, a.ID, "siem_spy", nil)
	_, err := ticketing.Open(ctx, c, siem.ID)
	require.ErrorIs(t, err, synqly.ErrInvalidInput)
	nod, _ := spyIntegration(t, c, a.ID, "ticketing_nodriver", nil)
	_, err = ticketing.Open(ctx, c, nod.ID)
	require.ErrorIs(t, err, synqly.ErrUnsupported)
	_, err = ticketing.Open(ctx, c, "no-such-integration")
	require.ErrorIs(t, err, synqly.ErrNotFound)
	_, err = ticketing.Open(ctx, c.Account("'; drop"), nod.ID)
	require.ErrorIs(t, err, synqly.ErrNotFound)
}

func TestTicketingConcurrent(t *testing.T) {
	c, _ := newClient(t, synqly.WithProviders(spyRegistry()))
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	in, _ := spyIntegration(t, c, a.ID, "ticketing_spy", nil)
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 10 {
				tk, err := ticketing.Open(ctx, c.Account(a.ID), in.ID)
				if err == nil {
					_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("g%d-%d", g, i)})
				}
				if err == nil && g == 0 && i%3 == 0 {
					_, err = c.Integrations.Patch(ctx, a.ID, in.ID, []synqly.PatchOperation{{Op: "add", Path: "/provider_config/label", Value: fmt.Sprint(i)}})
				}
				if err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

// TestTicketingSeesOtherClients: two clients on one database; a change made
// through one reaches the other's cached driver within the revalidation
// bound.
func TestTicketingSeesOtherClients(t *testing.T) {
	ctx := context.Background()
	a, where := newClient(t, synqly.WithProviders(spyRegistry()))
	b := reopen(t, where, synqly.WithConnectorRevalidation(0), synqly.WithProviders(spyRegistry()))
	acct := mustAccount(t, a, "Acme")
	in, _ := spyIntegration(t, a, acct.ID, "ticketing_spy", nil)

	tk, err := ticketing.Open(ctx, b, in.ID)
	require.NoError(t, err)
	got, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"})
	require.NoError(t, err)
	assert.Equal(t, "", got.Description)

	_, err = a.Integrations.Patch(ctx, acct.ID, in.ID, []synqly.PatchOperation{{Op: "add", Path: "/provider_config/label", Value: "from-a"}})
	require.NoError(t, err)
	got, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "y"})
	require.NoError(t, err)
	assert.Equal(t, "from-a", got.Description, "b's driver was rebuilt after a's change")

	require.NoError(t, a.Integrations.Delete(ctx, acct.ID, in.ID))
	_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "z"})
	require.ErrorIs(t, err, synqly.ErrNotFound, "b notices a's delete")
}
