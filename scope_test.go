package synqly_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

type tenantFixture struct {
	acct   *synqly.Account
	ints   []string
	creds  []string // owned by the account
	icreds []string // managed, owned by integrations
}

// snapshot returns every object of the client as JSON, for before/after
// comparisons.
func snapshot(t *testing.T, c *synqly.Client) string {
	t.Helper()
	ctx := context.Background()
	var all []any
	for a, err := range c.Accounts.All(ctx, synqly.ListOptions{}) {
		require.NoError(t, err)
		all = append(all, a)
		for cr, err := range c.Credentials.All(ctx, a.ID, synqly.ListOptions{}) {
			require.NoError(t, err)
			all = append(all, cr)
		}
	}
	for in, err := range c.Integrations.All(ctx, synqly.ListOptions{}) {
		require.NoError(t, err)
		all = append(all, in)
		for cr, err := range c.Credentials.All(ctx, in.ID, synqly.ListOptions{}) {
			require.NoError(t, err)
			all = append(all, cr)
		}
	}
	b, err := json.Marshal(all)
	require.NoError(t, err)
	return string(b)
}

// TestAccountScopeNeverLeaks tries thousands of cross-account reads,
// patches and deletes through account-scoped handles and checks every one
// answers not-found and changes nothing.
func TestAccountScopeNeverLeaks(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	var tenants []*tenantFixture
	for i := range 4 {
		f := &tenantFixture{acct: mustAccount(t, c, fmt.Sprintf("Tenant %d", i))}
		for j := range 3 {
			cr, err := c.Credentials.Create(ctx, f.acct.ID, synqly.CreateCredentialRequest{Name: fmt.Sprintf("cred-%d", j),
				Config: &credential.TokenCredential{Secret: "t"}})
			require.NoError(t, err)
			f.creds = append(f.creds, cr.ID)
			res, err := c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{Name: fmt.Sprintf("int-%d", j),
				ProviderConfig: jiraConfig(credential.Inline(&credential.TokenCredential{Secret: "t"}))})
			require.NoError(t, err)
			f.ints = append(f.ints, res.Integration.ID)
			f.icreds = append(f.icreds, res.CredentialsCreated[0].ID)
		}
		tenants = append(tenants, f)
	}
	before := snapshot(t, c)
	auditBefore := map[string]int{}
	for _, f := range tenants {
		p, err := c.Account(f.acct.ID).Audit.List(ctx, synqly.ListOptions{Limit: 1000})
		require.NoError(t, err)
		auditBefore[f.acct.ID] = len(p.Result)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	patch := []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "pwned"}}
	const tries = 3000
	for i := range tries {
		me := tenants[rng.IntN(len(tenants))]
		other := tenants[rng.IntN(len(tenants))]
		if other == me {
			continue
		}
		h := c.Account(me.acct.ID)
		var err error
		switch rng.IntN(12) {
		case 0:
			_, err = h.Integrations.Get(ctx, pick(other.ints))
		case 1:
			_, err = h.Integrations.Patch(ctx, pick(other.ints), patch)
		case 2:
			err = h.Integrations.Delete(ctx, pick(other.ints))
		case 3:
			_, err = h.Integrations.Update(ctx, pick(other.ints), synqly.Integration{Name: "x", ProviderConfig: mockConfig()})
		case 4:
			_, err = h.Credentials.Lookup(ctx, pick(append(other.creds, other.icreds...)))
		case 5:
			_, err = h.Credentials.Get(ctx, other.acct.ID, pick(other.creds))
		case 6:
			_, err = h.Credentials.Patch(ctx, other.acct.ID, pick(other.creds), patch)
		case 7:
			err = h.Credentials.Delete(ctx, pick(other.ints), pick(other.icreds))
		case 8:
			_, err = h.Credentials.Create(ctx, pick(other.ints), synqly.CreateCredentialRequest{OwnerType: synqly.OwnerIntegration,
				Config: &credential.TokenCredential{Secret: "x"}})
		case 9:
			// My own integration pointing at another tenant's credential.
			_, err = h.Integrations.Patch(ctx, pick(me.ints), []synqly.PatchOperation{{Op: "replace", Path: "/provider_config/credential",
				Value: map[string]any{"type": "token_id", "value": pick(append(other.creds, other.icreds...))}}})
		case 10:
			var p *synqly.Page[synqly.Credential]
			p, err = h.Credentials.List(ctx, pick(append(other.ints, other.acct.ID)), synqly.ListOptions{})
			if err == nil {
				require.Empty(t, p.Result, "try %d: listed another account's credentials", i)
				continue
			}
		case 11:
			var p *synqly.Page[synqly.Integration]
			p, err = h.Integrations.List(ctx, synqly.ListOptions{Filter: []string{"account_id[eq]" + other.acct.ID}})
			require.NoError(t, err)
			require.Empty(t, p.Result, "try %d: listed another account's integrations", i)
			continue
		}
		require.Error(t, err, "try %d leaked", i)
		require.Equal(t, errs.NotFound, errs.CodeOf(err), "try %d: %v", i, err)
	}
	require.Equal(t, before, snapshot(t, c), "cross-account attempts changed something")

	// The refused attempts are in the audit trail, each in the attacker's
	// own account trail or the org trail, never in the victim's as a success.
	for _, f := range tenants {
		p, err := c.Account(f.acct.ID).Audit.List(ctx, synqly.ListOptions{Filter: []string{"outcome[eq]success"}, Limit: 1000})
		require.NoError(t, err)
		require.Equal(t, auditBefore[f.acct.ID], len(p.Result))
	}
}
