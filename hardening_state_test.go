package synqly_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/postgres"
	"github.com/seed-e6251c81/synqly/store/sqlite"
)

// openRaw opens the store at where (see newClient) directly, to look at
// what it holds behind the clients' backs.
func openRaw(t testing.TB, where string) store.Store {
	t.Helper()
	var s store.Store
	var err error
	if dsn, ok := strings.CutPrefix(where, "postgres:"); ok {
		s, err = postgres.Open(context.Background(), dsn)
	} else {
		s, err = sqlite.Open(context.Background(), where)
	}
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// stateRows counts the provider state entries of an integration.
func stateRows(t testing.TB, s store.Store, integrationID string) int {
	t.Helper()
	n := 0
	req := store.ListRequest{Kind: store.ProviderState, Scope: integrationID}
	for {
		p, err := s.List(context.Background(), req)
		require.NoError(t, err)
		n += len(p.Objects)
		if p.Next == "" {
			return n
		}
		q, err := filter.Parse(filter.Params{StartAfter: p.Next, Limit: filter.MaxLimit})
		require.NoError(t, err)
		req.Query, err = q.Bind(store.Fields(store.ProviderState))
		require.NoError(t, err)
	}
}

// TestMockStateTwoClients creates tickets, comments and attachments on one
// mock integration from two clients at once, and patches different fields
// of one ticket from both: ids are never handed out twice and no write is
// lost (the mock's state is compare-and-swapped in the store).
func TestMockStateTwoClients(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t)
	c2 := reopen(t, where)
	acct := mustAccount(t, c1, "Mock Acme")
	res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "shared-mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	var tks []*ticketing.Connector
	for _, c := range []*synqly.Client{c1, c2} {
		tk, err := ticketing.Open(ctx, c.Account(acct.ID), res.Integration.ID)
		require.NoError(t, err)
		tks = append(tks, tk)
	}

	const perClient = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]string{}
	errc := make(chan error, 4*perClient)
	for ci, tk := range tks {
		for g := range perClient {
			wg.Add(1)
			go func() {
				defer wg.Done()
				summary := fmt.Sprintf("client %d ticket %d", ci, g)
				tkt, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: summary})
				if err != nil {
					errc <- err
					return
				}
				mu.Lock()
				if prev, dup := ids[tkt.ID]; dup {
					errc <- fmt.Errorf("id %s handed out twice: %q and %q", tkt.ID, prev, summary)
				}
				ids[tkt.ID] = summary
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	require.Len(t, ids, 2*perClient)
	// Every ticket holds what its creator wrote.
	for id, summary := range ids {
		got, err := tks[0].GetTicket(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, summary, got.Summary)
	}

	// Patches of different fields of one ticket, and attachments, from
	// both clients at once (custom_fields exists, so "add" can extend it).
	seeded, err := tks[0].CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "shared", CustomFields: map[string]any{"seed": 0}})
	require.NoError(t, err)
	first := seeded.ID
	for ci, tk := range tks {
		for g := range perClient {
			wg.Add(1)
			go func() {
				defer wg.Done()
				field := fmt.Sprintf("/custom_fields/c%dg%d", ci, g)
				if _, err := tk.PatchTicket(ctx, first, []synqly.PatchOperation{{Op: "add", Path: field, Value: g}}); err != nil {
					errc <- fmt.Errorf("patch %s: %w", field, err)
				}
				if _, err := tk.CreateAttachment(ctx, first, ticketing.CreateAttachmentRequest{
					FileName: fmt.Sprintf("c%dg%d.txt", ci, g), Content: []byte("x")}); err != nil {
					errc <- fmt.Errorf("attach: %w", err)
				}
				if _, err := tk.CreateComment(ctx, first, ticketing.CreateCommentRequest{Content: fmt.Sprintf("c%dg%d", ci, g)}); err != nil {
					errc <- fmt.Errorf("comment: %w", err)
				}
			}()
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	got, err := tks[1].GetTicket(ctx, first)
	require.NoError(t, err)
	assert.Len(t, got.CustomFields, 2*perClient+1, "every patch landed")
	assert.Len(t, got.Attachments, 2*perClient, "every attachment is listed")
	seen := map[string]bool{}
	for _, a := range got.Attachments {
		assert.False(t, seen[a.ID], "attachment id %s handed out twice", a.ID)
		seen[a.ID] = true
	}
	n := 0
	for c, err := range tks[0].AllComments(ctx, first) {
		require.NoError(t, err)
		n++
		_ = c
	}
	assert.Equal(t, 2*perClient, n, "every comment was kept")
}

// TestWritesAfterIntegrationDelete writes through a connector whose driver
// another client's delete made obsolete, while and after the integration is
// deleted: no write is acknowledged after the delete, and nothing is left
// in the store for the deleted integration.
func TestWritesAfterIntegrationDelete(t *testing.T) {
	ctx := context.Background()
	// c1 keeps its driver for an hour: only the store can stop its writes.
	c1, where := newClient(t, synqly.WithConnectorRevalidation(time.Hour))
	c2 := reopen(t, where)
	raw := openRaw(t, where)
	acct := mustAccount(t, c1, "Gone Acme")

	for round := range 3 {
		res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{
			Name: fmt.Sprintf("doomed-%d", round), ProviderConfig: mockConfig()})
		require.NoError(t, err)
		id := res.Integration.ID
		tk, err := ticketing.Open(ctx, c1, id)
		require.NoError(t, err)
		first, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "before the delete"})
		require.NoError(t, err)

		var wg sync.WaitGroup
		deleted := make(chan struct{})
		errc := make(chan error, 64)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-deleted:
						return
					default:
					}
					_, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("racing %d/%d", g, i)})
					if err != nil && errs.CodeOf(err) != errs.NotFound {
						errc <- err
						return
					}
				}
			}()
		}
		time.Sleep(20 * time.Millisecond)
		require.NoError(t, c2.Integrations.Delete(ctx, acct.ID, id))
		close(deleted)
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Errorf("a racing write failed with something other than not found: %v", err)
		}

		// After the delete, every write through the old connector is refused.
		_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "after the delete"})
		requireCode(t, err, errs.NotFound)
		_, err = tk.PatchTicket(ctx, first.ID, []synqly.PatchOperation{{Op: "replace", Path: "/summary", Value: "x"}})
		requireCode(t, err, errs.NotFound)
		_, err = tk.CreateComment(ctx, first.ID, ticketing.CreateCommentRequest{Content: "x"})
		requireCode(t, err, errs.NotFound)
		assert.Zero(t, stateRows(t, raw, id), "the deleted integration's state is gone")
	}
}
