package synqly_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// auditCount is the number of events in the audit trail.
func auditCount(t testing.TB, c *synqly.Client) int {
	t.Helper()
	n := 0
	for _, err := range c.Audit.All(context.Background(), synqly.ListOptions{Limit: 1000}) {
		require.NoError(t, err)
		n++
	}
	return n
}

// TestEmptyAccountHandle calls every method reachable from an account
// handle whose id is empty (what a tenant lookup that found nothing gives)
// or malformed: each answers a typed error, and nothing is read or written
// — in particular not the organization-level credentials of an integration
// point, which have no account.
func TestEmptyAccountHandle(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t)
	point, err := c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "org-point", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"*"}}})
	require.NoError(t, err)
	pointCred, err := c.Credentials.Create(ctx, point.ID, synqly.CreateCredentialRequest{Name: "org-secret",
		OwnerType: synqly.OwnerIntegrationPoint, Config: &credential.TokenCredential{Secret: "org-level-secret-6d1f"}})
	require.NoError(t, err)
	acct := mustAccount(t, c, "Real Acme")
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "real", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	before := auditCount(t, c)
	pointBefore, err := c.Credentials.Lookup(ctx, pointCred.ID)
	require.NoError(t, err)

	for _, id := range []string{"", "../" + acct.ID, acct.ID + "\x00"} {
		h := c.Account(id)
		want := errs.NotFound
		if id == "" {
			want = errs.InvalidInput
		}
		patchSecret := []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: map[string]any{"type": "token", "secret": "stolen"}}}
		calls := map[string]func() error{
			"Get": func() error { _, err := h.Get(ctx); return err },
			"Patch": func() error {
				_, err := h.Patch(ctx, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "x"}})
				return err
			},
			"Ticketing": func() error {
				_, err := ticketing.Open(ctx, h, res.Integration.ID)
				return err
			},
			"Integrations.Create": func() error {
				_, err := h.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "x", ProviderConfig: mockConfig()})
				return err
			},
			"Integrations.Get":    func() error { _, err := h.Integrations.Get(ctx, res.Integration.ID); return err },
			"Integrations.Update": func() error { _, err := h.Integrations.Update(ctx, res.Integration.ID, *res.Integration); return err },
			"Integrations.Patch": func() error {
				_, err := h.Integrations.Patch(ctx, res.Integration.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "x"}})
				return err
			},
			"Integrations.Delete": func() error { return h.Integrations.Delete(ctx, res.Integration.ID) },
			"Integrations.List":   func() error { _, err := h.Integrations.List(ctx, synqly.ListOptions{}); return err },
			"Integrations.All": func() error {
				for _, err := range h.Integrations.All(ctx, synqly.ListOptions{}) {
					return err
				}
				return nil
			},
			"Credentials.Create": func() error {
				_, err := h.Credentials.Create(ctx, point.ID, synqly.CreateCredentialRequest{Name: "planted",
					OwnerType: synqly.OwnerIntegrationPoint, Config: &credential.TokenCredential{Secret: "planted"}})
				return err
			},
			"Credentials.Get":    func() error { _, err := h.Credentials.Get(ctx, point.ID, pointCred.ID); return err },
			"Credentials.Lookup": func() error { _, err := h.Credentials.Lookup(ctx, pointCred.ID); return err },
			"Credentials.Update": func() error {
				_, err := h.Credentials.Update(ctx, point.ID, pointCred.ID, synqly.UpdateCredentialRequest{Name: "x",
					Config: &credential.TokenCredential{Secret: "stolen"}, UpdatedAt: pointCred.UpdatedAt})
				return err
			},
			"Credentials.Patch":  func() error { _, err := h.Credentials.Patch(ctx, point.ID, pointCred.ID, patchSecret); return err },
			"Credentials.Delete": func() error { return h.Credentials.Delete(ctx, point.ID, pointCred.ID) },
			"Credentials.List":   func() error { _, err := h.Credentials.List(ctx, point.ID, synqly.ListOptions{}); return err },
			"Credentials.All": func() error {
				for _, err := range h.Credentials.All(ctx, point.ID, synqly.ListOptions{}) {
					return err
				}
				return nil
			},
			"Audit.List": func() error { _, err := h.Audit.List(ctx, synqly.ListOptions{}); return err },
			"Audit.All": func() error {
				for _, err := range h.Audit.All(ctx, synqly.ListOptions{}) {
					return err
				}
				return nil
			},
		}
		for name, call := range calls {
			err := call()
			if assert.Error(t, err, "%q: %s", id, name) {
				assert.Equal(t, want, errs.CodeOf(err), "%q: %s: %v", id, name, err)
				assert.NotContains(t, err.Error(), "org-level-secret")
			}
		}
	}
	assert.Equal(t, before, auditCount(t, c), "the refused calls wrote nothing, not even audit events")
	after, err := c.Credentials.Lookup(ctx, pointCred.ID)
	require.NoError(t, err)
	assert.Equal(t, pointBefore, after, "the integration point's credential is untouched")
	_, err = c.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	_, err = c.Integrations.Get(ctx, acct.ID, res.Integration.ID)
	require.NoError(t, err)
	// The sealed secret still opens to its original value: a connector
	// built on the point's credential would see it (checked by scanning
	// the store for the would-be replacement instead).
	for _, blob := range rawStore(t, where) {
		assert.NotContains(t, blob, "stolen")
		assert.NotContains(t, blob, "planted")
	}
}

// TestEnvironmentSwitchKeepsAllowList moves an account from test to prod
// while one of its integrations uses a provider its integration point
// allows in test only: the switch is refused, as a change of the point
// itself would be, and the integration keeps working.
func TestEnvironmentSwitchKeepsAllowList(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	point, err := c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "test-only", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Test: []string{mock.TicketingID}, Prod: []string{"ticketing_jira"}}})
	require.NoError(t, err)
	acct, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "sandbox", Environment: synqly.EnvironmentTest})
	require.NoError(t, err)
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock", IntegrationPointID: point.ID,
		ProviderConfig: mockConfig()})
	require.NoError(t, err)

	_, err = c.Account(acct.ID).Patch(ctx, []synqly.PatchOperation{{Op: "replace", Path: "/environment", Value: "prod"}})
	e := requireCode(t, err, errs.Conflict)
	assert.Equal(t, "environment", e.Field)
	assert.Contains(t, e.Message, res.Integration.ID)
	cur, err := c.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	cur.Environment = synqly.EnvironmentProd
	_, err = c.Accounts.Update(ctx, acct.ID, *cur)
	requireCode(t, err, errs.Conflict)
	got, err := c.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	assert.Equal(t, synqly.EnvironmentTest, got.Environment)
	// The integration can still be changed and used.
	_, err = c.Integrations.Patch(ctx, acct.ID, res.Integration.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "Mock"}})
	require.NoError(t, err)

	// Once the point allows the provider in prod, the switch goes through.
	_, err = c.IntegrationPoints.Patch(ctx, point.ID, []synqly.PatchOperation{{Op: "add", Path: "/environments/prod/-", Value: mock.TicketingID}})
	require.NoError(t, err)
	got, err = c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/environment", Value: "prod"}})
	require.NoError(t, err)
	assert.Equal(t, synqly.EnvironmentProd, got.Environment)
}

// TestClosedClient uses a client after Close, on a store the application
// gave it and still owns: every call fails with ErrClosed and writes
// nothing, and the store stays open for its owner.
func TestClosedClient(t *testing.T) {
	ctx := context.Background()
	_, where := newClient(t)
	s := openRaw(t, where)
	c, err := synqly.Open(ctx, synqly.WithStore(s), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	require.NoError(t, err)
	acct := mustAccount(t, c, "Closing Acme")
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	tk, err := ticketing.Open(ctx, c, res.Integration.ID)
	require.NoError(t, err)
	cr, err := c.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "tok", Config: &credential.TokenCredential{Secret: "s"}})
	require.NoError(t, err)
	events := auditCount(t, c)

	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "closing twice is fine")
	calls := map[string]func() error{
		"Accounts.Create": func() error { _, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "late"}); return err },
		"Accounts.Get":    func() error { _, err := c.Accounts.Get(ctx, acct.ID); return err },
		"Accounts.List":   func() error { _, err := c.Accounts.List(ctx, synqly.ListOptions{}); return err },
		"Accounts.Patch": func() error {
			_, err := c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "x"}})
			return err
		},
		"Accounts.Delete":     func() error { return c.Accounts.Delete(ctx, acct.ID) },
		"Integrations.Delete": func() error { return c.Integrations.Delete(ctx, acct.ID, res.Integration.ID) },
		"Credentials.Update": func() error {
			_, err := c.Credentials.Update(ctx, acct.ID, cr.ID, synqly.UpdateCredentialRequest{Name: "x", UpdatedAt: cr.UpdatedAt})
			return err
		},
		"RotateKey": func() error { _, err := c.RotateKey(ctx); return err },
		"Ticketing": func() error { _, err := ticketing.Open(ctx, c, res.Integration.ID); return err },
		"connector from before": func() error {
			_, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "late"})
			return err
		},
		"Audit.List": func() error { _, err := c.Audit.List(ctx, synqly.ListOptions{}); return err },
	}
	for name, call := range calls {
		err := call()
		if assert.Error(t, err, name) {
			assert.ErrorIs(t, err, synqly.ErrClosed, "%s: %v", name, err)
		}
	}
	// The store is still open for its owner, and nothing was written.
	c2, err := synqly.Open(ctx, synqly.WithStore(s), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	require.NoError(t, err)
	defer c2.Close()
	assert.Equal(t, events, auditCount(t, c2))
	got, err := c2.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	assert.Equal(t, "Closing Acme", got.Fullname)
	_, err = c2.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	for _, a := range mustList(t, c2) {
		assert.NotEqual(t, "late", a.Name)
	}
}

func mustList(t testing.TB, c *synqly.Client) []*synqly.Account {
	t.Helper()
	p, err := c.Accounts.List(context.Background(), synqly.ListOptions{Limit: 1000})
	require.NoError(t, err)
	return p.Result
}

// TestActorIsValidated uses actors no audit trail can record: a NUL byte,
// invalid UTF-8, a megabyte. Every change is refused with ErrInvalidInput
// naming the actor, on either store, and nothing is written.
func TestActorIsValidated(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	events := auditCount(t, c)
	for _, actor := range []string{"ali\x00ce", "b\xffob", strings.Repeat("a", 1<<20), "line\nbreak"} {
		_, err := c.Accounts.Create(synqly.WithActor(ctx, actor), synqly.CreateAccountRequest{Name: "acted"})
		e := requireCode(t, err, errs.InvalidInput)
		assert.Equal(t, "actor", e.Field)
		assert.NotContains(t, e.Error(), "SQLSTATE")
		assert.Less(t, len(e.Error()), 300)
	}
	assert.Equal(t, events, auditCount(t, c))
	assert.Empty(t, mustList(t, c))
	_, err := c.Accounts.Create(synqly.WithActor(ctx, "alice@example.com"), synqly.CreateAccountRequest{Name: "acted"})
	require.NoError(t, err)
}

// TestAllowListUnderConcurrency races, from two clients, the changes an
// allow-list check depends on — an account switching to prod, an
// integration point dropping a provider — against integrations being
// created under that account and point. Whatever the interleaving, no
// integration ends up using a provider its point does not allow for its
// account's environment.
func TestAllowListUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t)
	c2 := reopen(t, where)
	for r := range 10 {
		point, err := c1.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: fmt.Sprintf("race-%d", r), Connector: "ticketing",
			Environments: &synqly.IntegrationEnvironments{Test: []string{mock.TicketingID}, Prod: []string{mock.TicketingID}}})
		require.NoError(t, err)
		acct, err := c1.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: fmt.Sprintf("race-%d", r), Environment: synqly.EnvironmentTest})
		require.NoError(t, err)
		// Prod stops allowing the mock while the account moves to prod.
		_, err = c1.IntegrationPoints.Patch(ctx, point.ID, []synqly.PatchOperation{{Op: "replace", Path: "/environments/prod", Value: []string{"ticketing_jira"}}})
		require.NoError(t, err)
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _ = c2.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/environment", Value: "prod"}})
		}()
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _ = c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: fmt.Sprintf("m%d", g),
					IntegrationPointID: point.ID, ProviderConfig: mockConfig()})
			}()
		}
		// And the point drops the mock for test accounts while others are created.
		other, err := c1.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: fmt.Sprintf("race-other-%d", r), Environment: synqly.EnvironmentTest})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _ = c2.IntegrationPoints.Patch(ctx, point.ID, []synqly.PatchOperation{{Op: "replace", Path: "/environments/test", Value: []string{"ticketing_jira"}}})
		}()
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _ = c1.Integrations.Create(ctx, other.ID, synqly.CreateIntegrationRequest{Name: fmt.Sprintf("o%d", g),
					IntegrationPointID: point.ID, ProviderConfig: mockConfig()})
			}()
		}
		close(start)
		wg.Wait()

		p, err := c1.IntegrationPoints.Get(ctx, point.ID)
		require.NoError(t, err)
		for in, err := range c1.Integrations.All(ctx, synqly.ListOptions{Filter: []string{"integration_point_id[eq]" + point.ID}, Expand: []string{"account"}}) {
			require.NoError(t, err)
			list := p.Environments.Test
			if in.Account.Environment == synqly.EnvironmentProd {
				list = p.Environments.Prod
			}
			assert.True(t, slices.Contains(list, in.ProviderType) || slices.Contains(list, "*"),
				"round %d: integration %s (%s) of a %s account is not allowed by its point %v", r, in.ID, in.ProviderType, in.Account.Environment, p.Environments)
		}
	}
}
