package storetest

import (
	"context"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// testCascade checks that deleting an account deletes its integrations and
// credentials, and nothing else.
func testCascade(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"), account(t, "acc2", "bravo"), point(t, "ip1", "tickets"))
	insert(t, s,
		integration(t, "i1", "acc1", "a", map[string]any{"integration_point_id": "ip1"}),
		integration(t, "i2", "acc1", "b", nil),
		integration(t, "i3", "acc2", "a", nil),
		credential(t, "c1", "acc1", "a", nil),
		credential(t, "c2", "acc2", "a", nil),
		audit(t, "e1", 0, map[string]any{"account_id": "acc1"}),
	)
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Accounts, "acc1") }); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []struct {
		kind store.Kind
		id   string
	}{{store.Integrations, "i1"}, {store.Integrations, "i2"}, {store.Credentials, "c1"}} {
		_, err := s.Get(context.Background(), gone.kind, gone.id)
		wantCode(t, err, errs.NotFound, "get "+gone.id+" after deleting its account")
	}
	get(t, s, store.Integrations, "i3")
	get(t, s, store.Credentials, "c2")
	get(t, s, store.IntegrationPoints, "ip1")
	get(t, s, store.AuditEvents, "e1") // audit outlives what it describes
}

// testRestrict checks that an integration point in use cannot be deleted.
func testRestrict(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"), point(t, "ip1", "tickets"))
	insert(t, s, integration(t, "i1", "acc1", "a", map[string]any{"integration_point_id": "ip1"}))
	err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.IntegrationPoints, "ip1") })
	wantCode(t, err, errs.Conflict, "delete an integration point in use")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.DeleteWhere(ctx, store.IntegrationPoints, "id", "ip1")
		return err
	})
	wantCode(t, err, errs.Conflict, "delete where, an integration point in use")
	get(t, s, store.IntegrationPoints, "ip1")
	get(t, s, store.Integrations, "i1")

	// Deleting the account cascades to the integration, freeing the point.
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Accounts, "acc1") }); err != nil {
		t.Fatal(err)
	}
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.IntegrationPoints, "ip1") }); err != nil {
		t.Fatalf("delete an integration point no longer in use: %v", err)
	}
}

// testMissingReference checks that references to missing objects conflict.
func testMissingReference(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, integration(t, "i1", "nowhere", "a", nil))
	})
	wantCode(t, err, errs.Conflict, "insert an integration of a missing account")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, integration(t, "i1", "acc1", "a", map[string]any{"integration_point_id": "nowhere"}))
	})
	wantCode(t, err, errs.Conflict, "insert an integration of a missing integration point")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, credential(t, "c1", "nowhere", "a", nil))
	})
	wantCode(t, err, errs.Conflict, "insert a credential of a missing account")

	i := integration(t, "i1", "acc1", "a", nil)
	insert(t, s, i)
	moved := integration(t, "i1", "nowhere", "a", nil)
	moved.Version = i.Version
	err = update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, moved) })
	wantCode(t, err, errs.Conflict, "replace with a missing account")
}
