package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// base is the time the fixtures' times are counted from.
var base = time.Date(2024, 8, 23, 20, 41, 41, 398051000, time.UTC)

// ts formats base+d as the documents hold times.
func ts(d time.Duration) string { return base.Add(d).Format(time.RFC3339Nano) }

// doc marshals fields as a document.
func doc(t testing.TB, fields map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obj returns an object of kind with the given document fields; "id" and
// times default sensibly.
func obj(t testing.TB, kind store.Kind, id, scope string, fields map[string]any) *store.Object {
	t.Helper()
	f := map[string]any{"id": id, "created_at": ts(0), "updated_at": ts(0)}
	for k, v := range fields {
		if v == nil {
			delete(f, k)
			continue
		}
		f[k] = v
	}
	return &store.Object{Kind: kind, ID: id, Scope: scope, Doc: doc(t, f)}
}

func account(t testing.TB, id, name string) *store.Object {
	return obj(t, store.Accounts, id, "", map[string]any{"name": name, "fullname": strings.ToUpper(name), "environment": "prod"})
}

func point(t testing.TB, id, name string) *store.Object {
	return obj(t, store.IntegrationPoints, id, "", map[string]any{"name": name, "fullname": name, "connector": "ticketing"})
}

func integration(t testing.TB, id, accountID, name string, more map[string]any) *store.Object {
	f := map[string]any{
		"name": name, "fullname": name, "account_id": accountID, "category": "ticketing",
		"provider_type": "ticketing_jira", "provider_fullname": "Jira",
	}
	for k, v := range more {
		f[k] = v
	}
	return obj(t, store.Integrations, id, accountID, f)
}

func credential(t testing.TB, id, accountID, name string, more map[string]any) *store.Object {
	f := map[string]any{
		"name": name, "fullname": name, "owner_type": "account", "account_id": accountID,
		"managed": "Unmanaged", "config": map[string]any{"type": "token"},
	}
	for k, v := range more {
		f[k] = v
	}
	o := obj(t, store.Credentials, id, accountID, f)
	o.Sealed = []byte("sealed:" + id)
	o.KeyID = "key-1"
	return o
}

func audit(t testing.TB, id string, at time.Duration, more map[string]any) *store.Object {
	f := map[string]any{
		"created_at": ts(at), "updated_at": nil, "actor": "tester", "operation": "create",
		"resource_type": "integration", "resource_id": "r-" + id, "outcome": "success",
	}
	for k, v := range more {
		f[k] = v
	}
	return obj(t, store.AuditEvents, id, "", f)
}

// insert inserts objs in one transaction, failing the test on error.
func insert(t testing.TB, s store.Store, objs ...*store.Object) {
	t.Helper()
	err := s.Update(context.Background(), func(tx store.Tx) error {
		for _, o := range objs {
			if err := tx.Insert(context.Background(), o); err != nil {
				return fmt.Errorf("insert %s %s: %w", o.Kind, o.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// update runs fn in one transaction and returns its error.
func update(s store.Store, fn func(ctx context.Context, tx store.Tx) error) error {
	ctx := context.Background()
	return s.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) })
}

// get reads an object, failing the test on error.
func get(t testing.TB, s store.Store, kind store.Kind, id string) *store.Object {
	t.Helper()
	o, err := s.Get(context.Background(), kind, id)
	if err != nil {
		t.Fatalf("get %s %s: %v", kind, id, err)
	}
	return o
}

// wantCode fails the test unless err has the code.
func wantCode(t testing.TB, err error, code errs.Code, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %s", what, code)
	}
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("%s: got %v (code %q), want code %q", what, err, got, code)
	}
}

// bind parses and binds params for kind, failing the test on error.
func bind(t testing.TB, kind store.Kind, p filter.Params) *filter.Bound {
	t.Helper()
	q, err := filter.Parse(p)
	if err != nil {
		t.Fatalf("parse %+v: %v", p, err)
	}
	b, err := q.Bind(store.Fields(kind))
	if err != nil {
		t.Fatalf("bind %+v: %v", p, err)
	}
	return b
}

// list lists one page, failing the test on error.
func list(t testing.TB, s store.Store, req store.ListRequest) *store.Page {
	t.Helper()
	p, err := s.List(context.Background(), req)
	if err != nil {
		t.Fatalf("list %s %+v: %v", req.Kind, req.Query.Query(), err)
	}
	return p
}

// listAll pages through a query and returns every object, checking that no
// page is larger than the limit and that only the last has no Next.
func listAll(t testing.TB, s store.Store, req store.ListRequest, p filter.Params) []*store.Object {
	t.Helper()
	var all []*store.Object
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("paging does not end")
		}
		req.Query = bind(t, req.Kind, p)
		page := list(t, s, req)
		if len(page.Objects) > req.Query.Limit() {
			t.Fatalf("page of %d objects, limit %d", len(page.Objects), req.Query.Limit())
		}
		all = append(all, page.Objects...)
		if page.Next == "" {
			return all
		}
		if len(page.Objects) == 0 {
			t.Fatal("empty page with a Next cursor")
		}
		p.StartAfter = page.Next
	}
}

// ids returns the ids of objs.
func ids(objs []*store.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.ID
	}
	return out
}

// sameJSON fails the test unless a and b are the same JSON value.
func sameJSON(t testing.TB, a, b []byte, what string) {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(x, y) {
		t.Fatalf("%s: documents differ:\n got %s\nwant %s", what, a, b)
	}
}

// sameObject fails the test unless got is want as stored (version aside).
func sameObject(t testing.TB, got, want *store.Object) {
	t.Helper()
	if got.Kind != want.Kind || got.ID != want.ID || got.Scope != want.Scope {
		t.Fatalf("got %s %s scope %q, want %s %s scope %q", got.Kind, got.ID, got.Scope, want.Kind, want.ID, want.Scope)
	}
	sameJSON(t, got.Doc, want.Doc, string(want.Kind)+" "+want.ID)
	if !bytes.Equal(got.Sealed, want.Sealed) || got.KeyID != want.KeyID {
		t.Fatalf("%s %s: sealed %q key %q, want %q key %q", want.Kind, want.ID, got.Sealed, got.KeyID, want.Sealed, want.KeyID)
	}
}

// sameIDs fails the test unless got and want list the same ids in order.
func sameIDs(t testing.TB, got, want []string, what string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got %d %v\nwant %d %v", what, len(got), got, len(want), want)
	}
}

// isErr reports whether err is target, or wraps it.
func isErr(err, target error) bool { return errors.Is(err, target) }

// everything lists every object in one page.
func everything() filter.Params { return filter.Params{Limit: filter.MaxLimit} }
