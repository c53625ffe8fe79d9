package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
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

// testMissingReference checks that references to missing objects are
// refused as not found.
func testMissingReference(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, integration(t, "i1", "nowhere", "a", nil))
	})
	wantCode(t, err, errs.NotFound, "insert an integration of a missing account")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, integration(t, "i1", "acc1", "a", map[string]any{"integration_point_id": "nowhere"}))
	})
	wantCode(t, err, errs.NotFound, "insert an integration of a missing integration point")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, credential(t, "c1", "nowhere", "a", nil))
	})
	wantCode(t, err, errs.NotFound, "insert a credential of a missing account")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, ownedCredential(t, "c1", "acc1", "integration_id", "nowhere"))
	})
	wantCode(t, err, errs.NotFound, "insert a credential of a missing integration")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, ownedCredential(t, "c1", "", "integration_point_id", "nowhere"))
	})
	wantCode(t, err, errs.NotFound, "insert a credential of a missing integration point")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, stateEntry(t, "nowhere", "k", "acc1"))
	})
	wantCode(t, err, errs.NotFound, "insert provider state of a missing integration")

	i := integration(t, "i1", "acc1", "a", nil)
	insert(t, s, i)
	moved := integration(t, "i1", "nowhere", "a", nil)
	moved.Version = i.Version
	err = update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, moved) })
	wantCode(t, err, errs.NotFound, "replace with a missing account")
}

// ownedCredential is a credential owned by the object that column (an
// integration_id or integration_point_id) names.
func ownedCredential(t testing.TB, id, accountID, column, owner string) *store.Object {
	more := map[string]any{column: owner, "owner_type": strings.TrimSuffix(column, "_id")}
	if accountID == "" {
		more["account_id"] = nil
	}
	o := credential(t, id, accountID, id, more)
	o.Scope = owner
	return o
}

// stateEntry is a provider state entry of the integration.
func stateEntry(t testing.TB, integrationID, key, accountID string) *store.Object {
	return obj(t, store.ProviderState, integrationID+"/"+key, integrationID,
		map[string]any{"key": key, "account_id": accountID, "value": 1, "created_at": nil, "updated_at": nil})
}

// usingIntegration is an integration whose provider configuration
// references the credentials with the given ids.
func usingIntegration(t testing.TB, id, accountID, name string, credentials ...string) *store.Object {
	pc := map[string]any{"type": "ticketing_jira", "url": "https://x.example"}
	for i, c := range credentials {
		pc[fmt.Sprintf("credential_%d", i)] = map[string]any{"type": "token_id", "value": c}
	}
	return integration(t, id, accountID, name, map[string]any{"provider_config": pc})
}

// testOwnedCascade checks that an integration's credentials and provider
// state go with it, and an integration point's credentials with the point.
func testOwnedCascade(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"), point(t, "ip1", "tickets"))
	insert(t, s, integration(t, "i1", "acc1", "a", nil), integration(t, "i2", "acc1", "b", nil))
	insert(t, s,
		ownedCredential(t, "c1", "acc1", "integration_id", "i1"),
		ownedCredential(t, "c2", "acc1", "integration_id", "i2"),
		ownedCredential(t, "c3", "", "integration_point_id", "ip1"),
		stateEntry(t, "i1", "k", "acc1"), stateEntry(t, "i2", "k", "acc1"))
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Integrations, "i1") }); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(t.Context(), store.Credentials, "c1")
	wantCode(t, err, errs.NotFound, "the credential of a deleted integration")
	_, err = s.Get(t.Context(), store.ProviderState, "i1/k")
	wantCode(t, err, errs.NotFound, "the provider state of a deleted integration")
	get(t, s, store.Credentials, "c2")
	get(t, s, store.ProviderState, "i2/k")
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.IntegrationPoints, "ip1") }); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(t.Context(), store.Credentials, "c3")
	wantCode(t, err, errs.NotFound, "the credential of a deleted integration point")
}

// testUses checks Table.Uses: an integration's referenced credentials cannot
// be deleted while it references them, and an integration cannot reference
// a credential that does not exist.
func testUses(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	insert(t, s, credential(t, "c1", "acc1", "one", nil), credential(t, "c2", "acc1", "two", nil))
	i1 := usingIntegration(t, "i1", "acc1", "a", "c1")
	insert(t, s, i1)
	del := func(id string) error {
		return update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Credentials, id) })
	}
	wantCode(t, del("c1"), errs.Conflict, "delete a credential an integration references")
	get(t, s, store.Credentials, "c1")

	// Referencing a missing credential fails the whole transaction.
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, usingIntegration(t, "i2", "acc1", "b", "c2", "nowhere"))
	})
	wantCode(t, err, errs.NotFound, "insert an integration referencing a missing credential")
	_, err = s.Get(t.Context(), store.Integrations, "i2")
	wantCode(t, err, errs.NotFound, "the integration of a failed transaction")

	// A credential created later in the same transaction may be referenced.
	insert(t, s, usingIntegration(t, "i3", "acc1", "c", "c3"), credential(t, "c3", "acc1", "three", nil))
	wantCode(t, del("c3"), errs.Conflict, "delete a credential referenced by an integration of the same transaction")
	// Rewriting an integration without changing what it references keeps
	// the reference, whether the transaction read it first or not.
	for _, read := range []bool{true, false} {
		err := update(s, func(ctx context.Context, tx store.Tx) error {
			cur := get(t, s, store.Integrations, "i3")
			if read {
				var err error
				if cur, err = tx.Get(ctx, store.Integrations, "i3"); err != nil {
					return err
				}
			}
			next := usingIntegration(t, "i3", "acc1", "c-renamed", "c3")
			next.Version = cur.Version
			return tx.Replace(ctx, next)
		})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, del("c3"), errs.Conflict, "delete a credential still referenced after a rewrite")
	}

	// Changing the reference frees the old credential and protects the new one.
	next := usingIntegration(t, "i1", "acc1", "a", "c2")
	next.Version = i1.Version
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, next) }); err != nil {
		t.Fatal(err)
	}
	if err := del("c1"); err != nil {
		t.Fatalf("delete a credential no longer referenced: %v", err)
	}
	wantCode(t, del("c2"), errs.Conflict, "delete the newly referenced credential")

	// Deleting the integration frees its credentials.
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Integrations, "i1") }); err != nil {
		t.Fatal(err)
	}
	if err := del("c2"); err != nil {
		t.Fatalf("delete a credential of a deleted integration: %v", err)
	}
}

// testConcurrentReferences races the writes that references guard, from
// several goroutines, and checks the database ends with no orphan and no
// dangling reference: credentials created under an integration while it is
// deleted, integrations created referencing a credential while it is
// deleted, provider state written while its integration is deleted. Every
// write either lands with its parent or fails with ErrNotFound (or a
// conflict for the delete of a referenced credential).
func testConcurrentReferences(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	const rounds = 20
	for r := range rounds {
		in, cr := fmt.Sprintf("i%d", r), fmt.Sprintf("c%d", r)
		insert(t, s, integration(t, in, "acc1", in, nil), credential(t, cr, "acc1", cr, nil))
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		run := func(what string, ok []errs.Code, fn func(ctx context.Context, tx store.Tx) error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := update(s, fn)
				if err != nil && !slices.Contains(ok, errs.CodeOf(err)) {
					errc <- fmt.Errorf("%s: %w", what, err)
				}
			}()
		}
		notFound, inUse := []errs.Code{errs.NotFound}, []errs.Code{errs.Conflict, errs.NotFound}
		run("delete the integration", nil, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Integrations, in) })
		run("create an owned credential", notFound, func(ctx context.Context, tx store.Tx) error {
			return tx.Insert(ctx, ownedCredential(t, "own"+cr, "acc1", "integration_id", in))
		})
		run("write provider state", notFound, func(ctx context.Context, tx store.Tx) error {
			return tx.Insert(ctx, stateEntry(t, in, "k", "acc1"))
		})
		run("delete the credential", inUse, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, store.Credentials, cr) })
		run("create an integration referencing the credential", notFound, func(ctx context.Context, tx store.Tx) error {
			return tx.Insert(ctx, usingIntegration(t, "u"+in, "acc1", "u"+in, cr))
		})
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
	}
	// No orphans: every owned credential and state entry has its integration.
	for _, kind := range []store.Kind{store.Credentials, store.ProviderState} {
		for _, o := range listAll(t, s, store.ListRequest{Kind: kind}, everything()) {
			var d struct {
				IntegrationID string `json:"integration_id"`
			}
			_ = json.Unmarshal(o.Doc, &d)
			owner := d.IntegrationID
			if kind == store.ProviderState {
				owner = o.Scope
			}
			if owner == "" {
				continue
			}
			if _, err := s.Get(t.Context(), store.Integrations, owner); err != nil {
				t.Errorf("%s %s outlived its integration %s: %v", kind, o.ID, owner, err)
			}
		}
	}
	// No dangling references: every credential an integration uses exists.
	tb, _ := store.TableOf(store.Integrations)
	for _, o := range listAll(t, s, store.ListRequest{Kind: store.Integrations}, everything()) {
		var d map[string]any
		_ = json.Unmarshal(o.Doc, &d)
		for _, c := range tb.Uses.Of(d) {
			if _, err := s.Get(t.Context(), store.Credentials, c); err != nil {
				t.Errorf("integration %s references credential %s, which is gone: %v", o.ID, c, err)
			}
		}
	}
}
