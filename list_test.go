package synqly_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestListQueryLanguage(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	point, err := c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "tickets", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"*"}}})
	require.NoError(t, err)
	var accts []*synqly.Account
	for i := range 3 {
		a := mustAccount(t, c, fmt.Sprintf("Tenant %c", 'a'+i))
		accts = append(accts, a)
		for j := range 5 {
			req := synqly.CreateIntegrationRequest{Name: fmt.Sprintf("mock-%d", j), ProviderConfig: mockConfig()}
			if j%2 == 0 {
				req.IntegrationPointID = point.ID
				req.Name = fmt.Sprintf("jira-%d", j)
				req.ProviderConfig = jiraConfig(credential.Inline(&credential.TokenCredential{Secret: "t"}))
			}
			_, err := c.Integrations.Create(ctx, a.ID, req)
			require.NoError(t, err)
		}
	}

	page, err := c.Integrations.List(ctx, synqly.ListOptions{
		Filter: []string{"provider_type[eq]ticketing_jira", "account.name[in]tenant-a,tenant-c"},
		Order:  []string{"account.name[desc]", "name"},
		Expand: []string{"account", "integration_points"},
	})
	require.NoError(t, err)
	var got []string
	for _, in := range page.Result {
		got = append(got, in.Account.Name+"/"+in.Name)
		require.NotNil(t, in.IntegrationPoint)
		assert.Equal(t, "tickets", in.IntegrationPoint.Name)
	}
	assert.Equal(t, []string{"tenant-c/jira-0", "tenant-c/jira-2", "tenant-c/jira-4", "tenant-a/jira-0", "tenant-a/jira-2", "tenant-a/jira-4"}, got)

	// Paging with All under a non-default order visits everything once.
	seen := map[string]bool{}
	prev := ""
	for in, err := range c.Integrations.All(ctx, synqly.ListOptions{Order: []string{"created_at[desc]"}, Limit: 4}) {
		require.NoError(t, err)
		require.False(t, seen[in.ID])
		seen[in.ID] = true
		if prev != "" {
			assert.LessOrEqual(t, in.CreatedAt.Format("2006-01-02T15:04:05.000000000"), prev)
		}
		prev = in.CreatedAt.Format("2006-01-02T15:04:05.000000000")
	}
	assert.Len(t, seen, 15)

	// start_after by name within an account; ambiguous across accounts.
	p, err := c.Account(accts[1].ID).Integrations.List(ctx, synqly.ListOptions{StartAfter: "jira-2", Limit: 2})
	require.NoError(t, err)
	require.Len(t, p.Result, 2)
	assert.Equal(t, "jira-4", p.Result[0].Name)
	assert.Equal(t, "mock-1", p.Result[1].Name)
	_, err = c.Integrations.List(ctx, synqly.ListOptions{StartAfter: "jira-2"})
	requireCode(t, err, errs.InvalidQuery)

	for _, opts := range []synqly.ListOptions{
		{Filter: []string{"nosuch[eq]x"}},
		{Filter: []string{"name[eqq]x"}},
		{Filter: []string{"created_at[gt]yesterday"}},
		{Filter: []string{"category[eq]tickets"}},
		{Order: []string{"name[sideways]"}},
		{Limit: -1},
		{Limit: 100000},
		{Expand: []string{"members"}},
		{StartAfter: "c1.garbage"},
	} {
		_, err := c.Integrations.List(ctx, opts)
		requireCode(t, err, errs.InvalidQuery)
	}
	// Times compare as times.
	ap, err := c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"created_at[gt]" + accts[0].CreatedAt.Format("2006-01-02T15:04:05.999999999Z07:00")}})
	require.NoError(t, err)
	assert.Len(t, ap.Result, 2)
}
