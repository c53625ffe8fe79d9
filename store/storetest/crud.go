package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// testRoundTrip inserts, reads, replaces and deletes one object of every
// kind.
func testRoundTrip(t *testing.T, s store.Store) {
	objs := []*store.Object{
		account(t, "acc1", "acme"),
		point(t, "ip1", "tickets"),
		integration(t, "int1", "acc1", "jira", map[string]any{
			"integration_point_id": "ip1",
			"provider_config":      map[string]any{"type": "ticketing_jira", "url": "https://x.example", "n": 1.5},
		}),
		credential(t, "cred1", "acc1", "jira-token", map[string]any{"expires": ts(3600e9)}),
		audit(t, "ev1", 0, map[string]any{"account_id": "acc1"}),
	}
	insert(t, s, objs...)
	for _, o := range objs {
		if o.Version != 1 {
			t.Fatalf("%s %s: Version %d after Insert, want 1", o.Kind, o.ID, o.Version)
		}
		got := get(t, s, o.Kind, o.ID)
		sameObject(t, got, o)
		if got.Version != 1 {
			t.Fatalf("%s %s: stored Version %d, want 1", o.Kind, o.ID, got.Version)
		}
	}

	// Replace every object with a changed document.
	for _, o := range objs {
		var f map[string]any
		if err := json.Unmarshal(o.Doc, &f); err != nil {
			t.Fatal(err)
		}
		f["fullname"] = "Changed " + o.ID
		f["updated_at"] = ts(1e9)
		o.Doc = doc(t, f)
		if o.Kind == store.Credentials {
			o.Sealed, o.KeyID = []byte("resealed"), "key-2"
		}
		if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, o) }); err != nil {
			t.Fatalf("replace %s %s: %v", o.Kind, o.ID, err)
		}
		if o.Version != 2 {
			t.Fatalf("%s %s: Version %d after Replace, want 2", o.Kind, o.ID, o.Version)
		}
		got := get(t, s, o.Kind, o.ID)
		sameObject(t, got, o)
		if got.Version != 2 {
			t.Fatalf("%s %s: stored Version %d, want 2", o.Kind, o.ID, got.Version)
		}
	}

	// Delete in reverse dependency order.
	for _, o := range slices.Backward(objs) {
		if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, o.Kind, o.ID) }); err != nil {
			t.Fatalf("delete %s %s: %v", o.Kind, o.ID, err)
		}
		_, err := s.Get(context.Background(), o.Kind, o.ID)
		wantCode(t, err, errs.NotFound, "get after delete")
	}
}

// testVersions checks that Replace needs the stored version.
func testVersions(t *testing.T, s store.Store) {
	a := account(t, "acc1", "acme")
	insert(t, s, a)
	stale := *a
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, a) }); err != nil {
		t.Fatal(err)
	}
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, a) }); err != nil {
		t.Fatal(err)
	}
	if a.Version != 3 {
		t.Fatalf("Version %d after two Replaces, want 3", a.Version)
	}
	err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, &stale) })
	wantCode(t, err, errs.Conflict, "replace with a stale version")
	if !strings.Contains(err.Error(), "changed concurrently") {
		t.Errorf("stale version error %q does not say the object changed concurrently", err)
	}
	if !isErr(err, store.ErrStale) {
		t.Errorf("stale version error %q does not match store.ErrStale", err)
	}
	if stale.Version != 1 {
		t.Errorf("a failed Replace changed Version to %d", stale.Version)
	}
	future := *a
	future.Version = 10
	err = update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, &future) })
	wantCode(t, err, errs.Conflict, "replace with a future version")
	if got := get(t, s, store.Accounts, "acc1"); got.Version != 3 {
		t.Fatalf("stored Version %d, want 3", got.Version)
	}

	// Insert ignores the given Version.
	b := account(t, "acc2", "bravo")
	b.Version = 7
	insert(t, s, b)
	if b.Version != 1 || get(t, s, store.Accounts, "acc2").Version != 1 {
		t.Fatalf("Insert kept the given Version %d", b.Version)
	}
}

// testDuplicateName checks name uniqueness: case-insensitive within (Kind,
// Scope), free across scopes and kinds.
func testDuplicateName(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"), account(t, "acc2", "bravo"))
	insert(t, s, integration(t, "int1", "acc1", "jira", nil))

	err := update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, integration(t, "int2", "acc1", "JIRA", nil))
	})
	wantCode(t, err, errs.Conflict, "insert a duplicate name")
	if want := `an integration named "JIRA" already exists in this scope`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	err = update(s, func(ctx context.Context, tx store.Tx) error { return tx.Insert(ctx, account(t, "acc3", "Acme")) })
	wantCode(t, err, errs.Conflict, "insert a duplicate account name")

	// Another scope, and another kind in the same scope, may use the name.
	insert(t, s, integration(t, "int2", "acc2", "jira", nil))
	insert(t, s, credential(t, "cred1", "acc1", "jira", nil))

	// Renaming onto an existing name conflicts; renaming to a new one works.
	other := integration(t, "int3", "acc1", "servicenow", nil)
	insert(t, s, other)
	renamed := integration(t, "int3", "acc1", "Jira", nil)
	renamed.Version = other.Version
	err = update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, renamed) })
	wantCode(t, err, errs.Conflict, "rename onto an existing name")
	renamed = integration(t, "int3", "acc1", "pagerduty", nil)
	renamed.Version = other.Version
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, renamed) }); err != nil {
		t.Fatal(err)
	}
	// The old name is free again, and a case change of one's own name is fine.
	insert(t, s, integration(t, "int4", "acc1", "servicenow", nil))
	self := integration(t, "int3", "acc1", "PagerDuty", nil)
	self.Version = renamed.Version
	if err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Replace(ctx, self) }); err != nil {
		t.Fatalf("change the case of an object's own name: %v", err)
	}
}

// testDuplicateID checks that ids are unique within a kind.
func testDuplicateID(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Insert(ctx, account(t, "acc1", "other")) })
	wantCode(t, err, errs.Conflict, "insert a duplicate id")
	if !strings.Contains(err.Error(), "acc1") {
		t.Errorf("duplicate id error %q does not name the id", err)
	}
	if got := get(t, s, store.Accounts, "acc1"); !strings.Contains(string(got.Doc), "acme") {
		t.Fatalf("the duplicate replaced the original: %s", got.Doc)
	}
}

// testNotFound checks the NotFound cases and unknown kinds.
func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, k := range store.Kinds {
		_, err := s.Get(ctx, k, "missing")
		wantCode(t, err, errs.NotFound, "get missing "+string(k))
		err = update(s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, k, "missing") })
		wantCode(t, err, errs.NotFound, "delete missing "+string(k))
	}
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		a := account(t, "missing", "acme")
		a.Version = 1
		return tx.Replace(ctx, a)
	})
	wantCode(t, err, errs.NotFound, "replace missing")

	_, err = s.Get(ctx, "widgets", "x")
	wantCode(t, err, errs.InvalidInput, "get an unknown kind")
	_, err = s.List(ctx, store.ListRequest{Kind: "widgets"})
	wantCode(t, err, errs.InvalidInput, "list an unknown kind")
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.Insert(ctx, &store.Object{Kind: "widgets", ID: "x", Doc: []byte(`{}`)})
	})
	wantCode(t, err, errs.InvalidInput, "insert an unknown kind")
}

// testInvalidInput checks that malformed objects are refused whole.
func testInvalidInput(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	bad := map[string]*store.Object{
		"nil object":      nil,
		"empty id":        account(t, "", "x1"),
		"not JSON":        {Kind: store.Accounts, ID: "a2", Doc: []byte(`{"name":`)},
		"JSON array":      {Kind: store.Accounts, ID: "a3", Doc: []byte(`["name"]`)},
		"JSON null":       {Kind: store.Accounts, ID: "a4", Doc: []byte(`null`)},
		"trailing data":   {Kind: store.Accounts, ID: "a5", Doc: []byte(`{"name":"x5"} {}`)},
		"empty doc":       {Kind: store.Accounts, ID: "a6"},
		"missing name":    obj(t, store.Accounts, "a7", "", map[string]any{"fullname": "x"}),
		"name not string": obj(t, store.Accounts, "a8", "", map[string]any{"name": map[string]any{"a": 1}}),
		"bad time":        obj(t, store.Accounts, "a9", "", map[string]any{"name": "x9", "created_at": "yesterday"}),
		"time not string": obj(t, store.Accounts, "a10", "", map[string]any{"name": "x10", "created_at": 12}),
		"missing time":    obj(t, store.Accounts, "a11", "", map[string]any{"name": "x11", "created_at": nil}),
		"time too late":   obj(t, store.Accounts, "a12", "", map[string]any{"name": "x12", "created_at": "9999-01-01T00:00:00Z"}),
	}
	for what, o := range bad {
		err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Insert(ctx, o) })
		wantCode(t, err, errs.InvalidInput, "insert with "+what)
		if o == nil || what == "empty id" {
			continue
		}
		err = update(s, func(ctx context.Context, tx store.Tx) error {
			r := *o
			r.ID, r.Version = "acc1", 1
			return tx.Replace(ctx, &r)
		})
		if what != "empty id" {
			wantCode(t, err, errs.InvalidInput, "replace with "+what)
		}
	}
	page := list(t, s, store.ListRequest{Kind: store.Accounts, Query: bind(t, store.Accounts, everything())})
	sameIDs(t, ids(page.Objects), []string{"acc1"}, "accounts after refused inserts")
	if get(t, s, store.Accounts, "acc1").Version != 1 {
		t.Fatal("a refused Replace changed the object")
	}
}

// testErrorsHoldNoDocument checks that errors never quote a document.
func testErrorsHoldNoDocument(t *testing.T, s store.Store) {
	const marker = "do-not-leak-7f3a"
	insert(t, s, account(t, "acc1", "acme"))
	tries := []*store.Object{
		obj(t, store.Accounts, "acc1", "", map[string]any{"name": "other", "fullname": marker}),
		obj(t, store.Accounts, "acc2", "", map[string]any{"name": "ACME", "fullname": marker}),
		obj(t, store.Accounts, "acc3", "", map[string]any{"name": "x", "created_at": marker}),
		{Kind: store.Accounts, ID: "acc4", Doc: []byte(`{"name":"` + marker + `",`)},
		integration(t, "int1", "nowhere", "x", map[string]any{"fullname": marker}),
	}
	for _, o := range tries {
		err := update(s, func(ctx context.Context, tx store.Tx) error { return tx.Insert(ctx, o) })
		if err == nil {
			t.Fatalf("insert %s succeeded", o.ID)
		}
		if strings.Contains(err.Error(), marker) {
			t.Errorf("error %q quotes the document", err)
		}
	}
}

// testDeleteWhere deletes by column and by scope.
func testDeleteWhere(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"), account(t, "acc2", "bravo"))
	insert(t, s,
		integration(t, "i3", "acc1", "a", nil), integration(t, "i1", "acc1", "b", nil),
		integration(t, "i2", "acc2", "a", nil),
		credential(t, "c1", "acc1", "a", nil), credential(t, "c2", "acc2", "a", nil),
	)
	var got []string
	err := update(s, func(ctx context.Context, tx store.Tx) (err error) {
		got, err = tx.DeleteWhere(ctx, store.Integrations, "account_id", "acc1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, got, []string{"i1", "i3"}, "deleted integrations")
	page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: bind(t, store.Integrations, everything())})
	sameIDs(t, ids(page.Objects), []string{"i2"}, "integrations left")

	err = update(s, func(ctx context.Context, tx store.Tx) (err error) {
		got, err = tx.DeleteWhere(ctx, store.Credentials, "scope", "acc2")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, got, []string{"c2"}, "deleted credentials")

	err = update(s, func(ctx context.Context, tx store.Tx) (err error) {
		got, err = tx.DeleteWhere(ctx, store.Credentials, "scope", "nobody")
		return err
	})
	if err != nil || len(got) != 0 {
		t.Fatalf("delete nothing: %v, %v", got, err)
	}
	for _, col := range []string{"doc", "no_such_column", "created_at", "id; DROP TABLE accounts", "sealed"} {
		err = update(s, func(ctx context.Context, tx store.Tx) error {
			_, err := tx.DeleteWhere(ctx, store.Credentials, col, "x")
			return err
		})
		wantCode(t, err, errs.InvalidInput, "delete where "+col)
	}
	get(t, s, store.Credentials, "c1")
}

// testForEach visits every object in id order across several batches, and
// replaces each on the way.
func testForEach(t *testing.T, s store.Store) {
	const n = 600
	var objs []*store.Object
	var want []string
	for i := range n {
		id := fmt.Sprintf("a%04d", (i*7919)%n)
		objs = append(objs, account(t, id, "name-"+id))
		want = append(want, id)
	}
	insert(t, s, objs...)
	slices.Sort(want)
	var seen []string
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.ForEach(ctx, store.Accounts, func(o *store.Object) error {
			seen = append(seen, o.ID)
			if o.Kind != store.Accounts || o.Version != 1 {
				return fmt.Errorf("object %s: kind %s version %d", o.ID, o.Kind, o.Version)
			}
			return tx.Replace(ctx, o)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, seen, want, "ForEach order")
	for _, id := range []string{want[0], want[n/2], want[n-1]} {
		if v := get(t, s, store.Accounts, id).Version; v != 2 {
			t.Fatalf("%s: version %d after ForEach's Replace, want 2", id, v)
		}
	}

	// fn's error ends the walk and comes back as is; nothing is kept.
	stop := errors.New("stop")
	calls := 0
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.ForEach(ctx, store.Accounts, func(o *store.Object) error {
			calls++
			if err := tx.Replace(ctx, o); err != nil {
				return err
			}
			if calls == 3 {
				return stop
			}
			return nil
		})
	})
	if err != stop || calls != 3 {
		t.Fatalf("ForEach returned %v after %d calls, want the function's error after 3", err, calls)
	}
	if v := get(t, s, store.Accounts, want[0]).Version; v != 2 {
		t.Fatalf("a failed Update kept a Replace: version %d", v)
	}
	// An empty kind calls nothing.
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		return tx.ForEach(ctx, store.AuditEvents, func(*store.Object) error { return errors.New("called") })
	})
	if err != nil {
		t.Fatal(err)
	}
}
