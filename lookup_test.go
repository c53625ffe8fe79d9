package synqly_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func TestAccountsUpsertByName(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t)
	c2 := reopen(t, where)
	a, err := c.Accounts.Upsert(ctx, synqly.CreateAccountRequest{Name: "cust-42", Fullname: "Customer 42"})
	require.NoError(t, err)
	b, err := c.Accounts.Upsert(ctx, synqly.CreateAccountRequest{Name: "cust-42", Fullname: "Customer Forty-Two"})
	require.NoError(t, err)
	require.Equal(t, a.ID, b.ID)
	require.Equal(t, "Customer Forty-Two", b.Fullname)
	_, err = c.Accounts.Upsert(ctx, synqly.CreateAccountRequest{Fullname: "no name"})
	requireCode(t, err, errs.InvalidInput)

	// Two clients upserting one new name at once end with one account.
	var wg sync.WaitGroup
	ids := make([]string, 8)
	errors := make([]error, 8)
	for i := range ids {
		wg.Go(func() {
			cl := []*synqly.Client{c, c2}[i%2]
			a, err := cl.Accounts.Upsert(ctx, synqly.CreateAccountRequest{Name: "cust-race", Fullname: "Racer " + strconv.Itoa(i%2)})
			if errors[i] = err; err == nil {
				ids[i] = a.ID
			}
		})
	}
	wg.Wait()
	for _, err := range errors {
		require.NoError(t, err)
	}
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	p, err := c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]cust-race"}})
	require.NoError(t, err)
	require.Len(t, p.Result, 1)
}

func TestIntegrationForProvider(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct := mustAccount(t, c, "Lookup")
	other := mustAccount(t, c, "Other")
	res, err := c.Account(acct.ID).Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: "tk", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	in, err := c.Account(acct.ID).Integrations.ForProvider(ctx, mock.TicketingID)
	require.NoError(t, err)
	require.Equal(t, res.Integration.ID, in.ID)
	_, err = c.Account(other.ID).Integrations.ForProvider(ctx, mock.TicketingID)
	requireCode(t, err, errs.NotFound)
}
