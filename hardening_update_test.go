package synqly_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

// fixedClock is a clock that never moves: updated_at must still change with
// every write, or it could not serve as Update's precondition.
func fixedClock() synqly.Option {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return synqly.WithClock(func() time.Time { return at })
}

// TestStaleUpdateIsAConflict runs "Get, change one field, Update" from two
// clients on one database, for every resource with an Update: the second
// Update, made from a read that the first one outdated, must fail with
// ErrConflict and leave the first one's change in place.
func TestStaleUpdateIsAConflict(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t, fixedClock())
	c2 := reopen(t, where, fixedClock())

	acct := mustAccount(t, c1, "Stale Acme")
	point, err := c1.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "stale-point", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"*"}}})
	require.NoError(t, err)
	res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "stale-mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	cred, err := c1.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "stale-cred", Config: &credential.TokenCredential{Secret: "t0k"}})
	require.NoError(t, err)

	type step struct {
		name string
		// first reads the object and updates one field through a client.
		first func(c *synqly.Client) error
		// check verifies the first client's change survived.
		check func() error
	}
	steps := []step{
		{
			name: "account",
			first: func(c *synqly.Client) error {
				a, err := c.Accounts.Get(ctx, acct.ID)
				if err == nil {
					a.Fullname = "Changed by one"
					_, err = c.Accounts.Update(ctx, acct.ID, *a)
				}
				return err
			},
			check: func() error {
				a, err := c2.Accounts.Get(ctx, acct.ID)
				if err == nil && a.Fullname != "Changed by one" {
					err = fmt.Errorf("fullname %q: the first change was lost", a.Fullname)
				}
				return err
			},
		},
		{
			name: "integration point",
			first: func(c *synqly.Client) error {
				p, err := c.IntegrationPoints.Get(ctx, point.ID)
				if err == nil {
					p.Description = "changed by one"
					_, err = c.IntegrationPoints.Update(ctx, point.ID, *p)
				}
				return err
			},
			check: func() error {
				p, err := c2.IntegrationPoints.Get(ctx, point.ID)
				if err == nil && p.Description != "changed by one" {
					err = fmt.Errorf("description %q: the first change was lost", p.Description)
				}
				return err
			},
		},
		{
			name: "integration",
			first: func(c *synqly.Client) error {
				in, err := c.Integrations.Get(ctx, acct.ID, res.Integration.ID)
				if err == nil {
					in.Fullname = "Changed by one"
					_, err = c.Integrations.Update(ctx, acct.ID, in.ID, *in)
				}
				return err
			},
			check: func() error {
				in, err := c2.Integrations.Get(ctx, acct.ID, res.Integration.ID)
				if err == nil && in.Fullname != "Changed by one" {
					err = fmt.Errorf("fullname %q: the first change was lost", in.Fullname)
				}
				return err
			},
		},
		{
			name: "credential",
			first: func(c *synqly.Client) error {
				cr, err := c.Credentials.Get(ctx, acct.ID, cred.ID)
				if err == nil {
					_, err = c.Credentials.Update(ctx, acct.ID, cred.ID, synqly.UpdateCredentialRequest{Name: cr.Name,
						Fullname: "Changed by one", Expires: cr.Expires, UpdatedAt: cr.UpdatedAt})
				}
				return err
			},
			check: func() error {
				cr, err := c2.Credentials.Get(ctx, acct.ID, cred.ID)
				if err == nil && cr.Fullname != "Changed by one" {
					err = fmt.Errorf("fullname %q: the first change was lost", cr.Fullname)
				}
				return err
			},
		},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			// Both clients read before either writes.
			var stale func() error
			switch s.name {
			case "account":
				a, err := c2.Accounts.Get(ctx, acct.ID)
				require.NoError(t, err)
				stale = func() error {
					a.Labels = []string{"changed-by-two"}
					_, err := c2.Accounts.Update(ctx, acct.ID, *a)
					return err
				}
			case "integration point":
				p, err := c2.IntegrationPoints.Get(ctx, point.ID)
				require.NoError(t, err)
				stale = func() error {
					p.Fullname = "Changed by two"
					_, err := c2.IntegrationPoints.Update(ctx, point.ID, *p)
					return err
				}
			case "integration":
				in, err := c2.Integrations.Get(ctx, acct.ID, res.Integration.ID)
				require.NoError(t, err)
				stale = func() error {
					in.Name = "changed-by-two"
					_, err := c2.Integrations.Update(ctx, acct.ID, in.ID, *in)
					return err
				}
			case "credential":
				cr, err := c2.Credentials.Get(ctx, acct.ID, cred.ID)
				require.NoError(t, err)
				stale = func() error {
					_, err := c2.Credentials.Update(ctx, acct.ID, cred.ID, synqly.UpdateCredentialRequest{Name: "changed-by-two",
						Fullname: cr.Fullname, UpdatedAt: cr.UpdatedAt})
					return err
				}
			}
			require.NoError(t, s.first(c1))
			e := requireCode(t, stale(), errs.Conflict)
			assert.Equal(t, "updated_at", e.Field)
			assert.Contains(t, e.Message, "was changed since it was read")
			assert.Contains(t, e.Message, "Get it again")
			require.NoError(t, s.check())
		})
	}

	// An Update that carries no read at all is refused, not applied blindly.
	_, err = c1.Accounts.Update(ctx, acct.ID, synqly.Account{Name: "blind"})
	assert.Equal(t, "updated_at", requireCode(t, err, errs.InvalidInput).Field)
	_, err = c1.Credentials.Update(ctx, acct.ID, cred.ID, synqly.UpdateCredentialRequest{Name: "blind"})
	assert.Equal(t, "updated_at", requireCode(t, err, errs.InvalidInput).Field)

	// A Patch outdates a read too, even when the clock has not moved.
	a, err := c2.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	_, err = c1.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "Patched"}})
	require.NoError(t, err)
	_, err = c2.Accounts.Update(ctx, acct.ID, *a)
	requireCode(t, err, errs.Conflict)
}

// TestNoLostUpdate is the README's promise under load: goroutines of two
// clients each add their own label to one account by read-modify-write
// (Update, retried on ErrConflict) or by Patch (which never conflicts: it
// is applied to the latest version); every acknowledged label must be there
// at the end, exactly once.
func TestNoLostUpdate(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t)
	c2 := reopen(t, where)
	// A first label, so that "/labels/-" exists for the patches.
	acct, err := c1.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Busy Acme", Labels: []string{"start"}})
	require.NoError(t, err)

	const perClient = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	var acked []string
	errc := make(chan error, 2*perClient)
	for ci, c := range []*synqly.Client{c1, c2} {
		for g := range perClient {
			label := fmt.Sprintf("c%d-g%d", ci, g)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for attempt := 0; ; attempt++ {
					var err error
					if g%2 == 0 { // read-modify-write with Update
						var a *synqly.Account
						if a, err = c.Accounts.Get(ctx, acct.ID); err == nil {
							a.Labels = append(a.Labels, label)
							_, err = c.Accounts.Update(ctx, acct.ID, *a)
						}
					} else { // Patch appends without reading
						_, err = c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "add", Path: "/labels/-", Value: label}})
					}
					if err == nil {
						mu.Lock()
						acked = append(acked, label)
						mu.Unlock()
						return
					}
					if g%2 == 1 || errs.CodeOf(err) != errs.Conflict || attempt > 200 {
						errc <- fmt.Errorf("%s: %w", label, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	got, err := c1.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	acked = append(acked, "start")
	slices.Sort(acked)
	labels := slices.Clone(got.Labels)
	slices.Sort(labels)
	assert.Equal(t, acked, labels, "every acknowledged change is in the account, once")
	assert.Len(t, labels, 2*perClient+1)
}
