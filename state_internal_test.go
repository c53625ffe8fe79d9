package synqly

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// TestMockOnStoreState runs the ticketing conformance suite against the
// mock provider keeping its state in the SQLite store, as ticketing.Open
// builds it.
func TestMockOnStoreState(t *testing.T) {
	c := open(t, filepath.Join(t.TempDir(), "db"), WithSecretKey(key1))
	defer c.Close()
	ctx := context.Background()
	a, err := c.Accounts.Create(ctx, CreateAccountRequest{Name: "acme"})
	require.NoError(t, err)
	n := 0
	ticketingtest.Run(t, ticketingtest.Harness{
		Registration: mock.Ticketing,
		Open: func(t *testing.T) ticketing.Driver {
			n++
			res, err := c.Integrations.Create(ctx, a.ID, CreateIntegrationRequest{Name: fmt.Sprintf("mock-%d", n),
				ProviderConfig: &ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}})
			require.NoError(t, err)
			d, err := mock.Ticketing.Open(ctx, providers.OpenRequest{Config: &mock.TicketingConfig{},
				State: &integrationState{c: c, integrationID: res.Integration.ID, accountID: a.ID}})
			require.NoError(t, err)
			return d
		},
		Project:    "SEC",
		IssueType:  "Task",
		Creator:    "bot@example.com",
		OpenStatus: mock.DefaultStatus,
		DoneStatus: "Done",
	})
}

func TestIntegrationState(t *testing.T) {
	c := open(t, filepath.Join(t.TempDir(), "db"), WithSecretKey(key1))
	defer c.Close()
	ctx := context.Background()
	a, err := c.Accounts.Create(ctx, CreateAccountRequest{Name: "acme"})
	require.NoError(t, err)
	var states []*integrationState
	for i := range 2 {
		res, err := c.Integrations.Create(ctx, a.ID, CreateIntegrationRequest{Name: fmt.Sprintf("m%d", i),
			ProviderConfig: &ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}})
		require.NoError(t, err)
		states = append(states, &integrationState{c: c, integrationID: res.Integration.ID, accountID: a.ID})
	}
	s, other := states[0], states[1]
	for _, k := range []string{"b/2", "a/1", "b/1", "b/10", "c", "b~"} {
		require.NoError(t, s.Put(ctx, k, json.RawMessage(`{"k":"`+k+`"}`)))
	}
	require.NoError(t, other.Put(ctx, "b/1", json.RawMessage(`"other"`)))
	require.NoError(t, s.Put(ctx, "b/1", json.RawMessage(`{"k":"b/1","v":2}`))) // overwrite
	v, err := s.Get(ctx, "b/1")
	require.NoError(t, err)
	assert.JSONEq(t, `{"k":"b/1","v":2}`, string(v))

	keys := func(prefix, after string, limit int) []string {
		es, err := s.List(ctx, prefix, after, limit)
		require.NoError(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.Key)
		}
		return out
	}
	assert.Equal(t, []string{"b/1", "b/10", "b/2"}, keys("b/", "", 0), "prefix, key order, other integrations' keys invisible")
	assert.Equal(t, []string{"b/10", "b/2"}, keys("b/", "b/1", 0))
	assert.Equal(t, []string{"a/1", "b/1"}, keys("", "", 2))
	assert.Equal(t, []string{"b/1", "b/10", "b/2", "b~"}, keys("b", "", 0))

	require.NoError(t, s.Delete(ctx, "c"))
	_, err = s.Get(ctx, "c")
	assert.ErrorIs(t, err, errs.ErrNotFound)
	assert.ErrorIs(t, s.Delete(ctx, "c"), errs.ErrNotFound)
	for _, bad := range []string{"", "tab\tkey", "ünï", string(make([]byte, 201))} {
		assert.ErrorIs(t, s.Put(ctx, bad, []byte(`1`)), errs.ErrInvalidInput)
	}
	assert.ErrorIs(t, s.Put(ctx, "k", []byte(`not json`)), errs.ErrInvalidInput)

	// State goes with its integration, and with its account.
	require.NoError(t, c.Integrations.Delete(ctx, a.ID, s.integrationID))
	assert.Empty(t, keys("", "", 0))
	require.NoError(t, c.Accounts.Delete(ctx, a.ID))
	_, err = other.Get(ctx, "b/1")
	assert.ErrorIs(t, err, errs.ErrNotFound)
}
