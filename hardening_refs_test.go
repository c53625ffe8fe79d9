package synqly_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

// TestReferencesUnderConcurrency races, from two clients on one database,
// the writes that create references against the deletes of what they refer
// to: credentials created under an integration while it is deleted, and
// integrations created referencing a credential while it is deleted. The
// database's foreign keys decide every race: afterwards there is no
// credential of a deleted integration (no sealed secret left behind) and no
// integration referencing a deleted credential.
func TestReferencesUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t)
	c2 := reopen(t, where)
	acct := mustAccount(t, c1, "Race Acme")

	const rounds = 15
	var orphans, dangling []string
	for r := range rounds {
		res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{
			Name: fmt.Sprintf("owner-%d", r), ProviderConfig: mockConfig()})
		require.NoError(t, err)
		owner := res.Integration.ID
		shared, err := c1.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{
			Name: fmt.Sprintf("shared-%d", r), Config: &credential.BasicCredential{Username: "u", Secret: "p"}})
		require.NoError(t, err)

		var wg sync.WaitGroup
		var mu sync.Mutex
		var owned []string // credentials acknowledged under owner
		var users []string // integrations acknowledged referencing shared
		unexpected := make(chan error, 16)
		start := make(chan struct{})
		run := func(fn func() error, ok ...errs.Code) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if err := fn(); err != nil {
					for _, c := range ok {
						if errs.CodeOf(err) == c {
							return
						}
					}
					unexpected <- err
				}
			}()
		}
		run(func() error { return c2.Integrations.Delete(ctx, acct.ID, owner) }, errs.NotFound)
		for g := range 8 {
			run(func() error {
				cr, err := c1.Credentials.Create(ctx, owner, synqly.CreateCredentialRequest{Name: fmt.Sprintf("owned-%d", g),
					OwnerType: synqly.OwnerIntegration, Config: &credential.TokenCredential{Secret: "owned-secret"}})
				if err == nil {
					mu.Lock()
					owned = append(owned, cr.ID)
					mu.Unlock()
				}
				return err
			}, errs.NotFound)
		}
		run(func() error { return c2.Credentials.Delete(ctx, acct.ID, shared.ID) }, errs.Conflict)
		for g := range 3 {
			run(func() error {
				res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{
					Name: fmt.Sprintf("user-%d-%d", r, g), ProviderConfig: jiraConfig(credential.RefTo(shared.ID, credential.TypeBasic))})
				if err == nil {
					mu.Lock()
					users = append(users, res.Integration.ID)
					mu.Unlock()
				}
				return err
			}, errs.NotFound)
		}
		close(start)
		wg.Wait()
		close(unexpected)
		for err := range unexpected {
			t.Errorf("round %d: %v", r, err)
		}

		// The owner is gone, and with it every credential it owned.
		_, err = c1.Integrations.Get(ctx, acct.ID, owner)
		requireCode(t, err, errs.NotFound)
		for _, id := range owned {
			if _, err := c2.Credentials.Lookup(ctx, id); err == nil {
				orphans = append(orphans, id)
			}
		}
		// Either the shared credential survived (and every integration
		// that references it exists), or it is gone and none does.
		_, credErr := c2.Credentials.Lookup(ctx, shared.ID)
		for _, id := range users {
			if _, err := c2.Integrations.Get(ctx, acct.ID, id); err == nil && credErr != nil {
				dangling = append(dangling, id)
			}
		}
		if credErr == nil {
			for _, id := range users {
				require.NoError(t, c1.Integrations.Delete(ctx, acct.ID, id))
			}
		}
	}
	assert.Empty(t, orphans, "credentials outlived the integration that owned them")
	assert.Empty(t, dangling, "integrations reference a deleted credential")
}
