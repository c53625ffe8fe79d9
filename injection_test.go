package synqly_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/errs"
)

// TestListInjection sends hostile queries through the public List calls:
// each must be an invalid-query error or a harmless literal match, and the
// data must be intact afterwards.
func TestListInjection(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	_, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	before := snapshot(t, c)

	values := []string{`' OR 1=1 --`, `x'; DROP TABLE integrations; --`, `"; --`, `/* */`, `\`, `%`, `_`, `*`,
		"＇ OR 1=1", "ʼ OR ʼ1ʼ=ʼ1", "a\x00b", strings.Repeat("x", 1<<20), `) OR (1=1`, `mock' --`}
	var queries []synqly.ListOptions
	for _, v := range values {
		for _, op := range []string{"eq", "ne", "like", "not like", "in", "gt"} {
			queries = append(queries, synqly.ListOptions{Filter: []string{"name[" + op + "]" + v}})
		}
		queries = append(queries, synqly.ListOptions{StartAfter: v}, synqly.ListOptions{Order: []string{v}}, synqly.ListOptions{Expand: []string{v}})
	}
	for _, f := range []string{"name;drop", "name) OR (1=1", "name--", "account.name'", "doc", "sealed", "t.name"} {
		queries = append(queries, synqly.ListOptions{Filter: []string{f + "[eq]x"}}, synqly.ListOptions{Order: []string{f}})
	}
	many := make([]string, 10000)
	for i := range many {
		many[i] = "name[ne]x"
	}
	queries = append(queries, synqly.ListOptions{Filter: many}, synqly.ListOptions{Filter: []string{"name[eq) OR (1]x"}})

	for _, q := range queries {
		page, err := c.Integrations.List(ctx, q)
		if err != nil {
			code := errs.CodeOf(err)
			require.Contains(t, []errs.Code{errs.InvalidQuery}, code, "query %.60q: %v", q, err)
			continue
		}
		for _, in := range page.Result { // a harmless literal match can only find the one integration
			require.Equal(t, "mock", in.Name)
		}
	}
	require.Equal(t, before, snapshot(t, c), "hostile queries changed the data")
}
