package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// filterCase is one List filter test: the SQL result must equal the
// in-memory result, and, where given, an independent count.
type filterCase struct {
	kind    store.Kind
	filters []string
	// want, if not negative, is the expected number of results, worked out
	// without package filter.
	want int
}

// integrationsWhere counts the fixture's integrations whose index
// satisfies ok.
func integrationsWhere(ok func(i int) bool) int {
	n := 0
	for i := range nIntegrations {
		if ok(i) {
			n++
		}
	}
	return n
}

// testListFilters runs filters of every operator and type.
func testListFilters(t *testing.T, s store.Store) {
	f := seed(t, s)
	name := func(i int) string { return fmt.Sprintf("int-%d", i/2) }
	cases := []filterCase{
		{store.Integrations, []string{"name[eq]int-5"}, 2},
		{store.Integrations, []string{"name[eq]INT-5"}, 0}, // eq is case-sensitive
		{store.Integrations, []string{"name[ne]int-5"}, nIntegrations - 2},
		{store.Integrations, []string{"name[gt]int-5"}, integrationsWhere(func(i int) bool { return name(i) > "int-5" })},
		{store.Integrations, []string{"name[lt]int-5"}, integrationsWhere(func(i int) bool { return name(i) < "int-5" })},
		{store.Integrations, []string{"name[gte]int-5"}, integrationsWhere(func(i int) bool { return name(i) >= "int-5" })},
		{store.Integrations, []string{"name[lte]int-5"}, integrationsWhere(func(i int) bool { return name(i) <= "int-5" })},
		{store.Integrations, []string{"name[in]int-5,int-7,nope"}, 4},
		{store.Integrations, []string{"name[not in]int-5,int-7"}, nIntegrations - 4},
		{store.Integrations, []string{"name[not_in]int-5"}, nIntegrations - 2},
		{store.Integrations, []string{"name[like]int-1*"}, integrationsWhere(func(i int) bool { return strings.HasPrefix(name(i), "int-1") })},
		{store.Integrations, []string{"name[like]INT-1*"}, integrationsWhere(func(i int) bool { return strings.HasPrefix(name(i), "int-1") })},
		{store.Integrations, []string{"name[like]int-1%"}, integrationsWhere(func(i int) bool { return strings.HasPrefix(name(i), "int-1") && len(name(i)) == 6 })},
		{store.Integrations, []string{"name[like]*-1%4"}, integrationsWhere(func(i int) bool {
			return len(name(i)) == 7 && strings.HasPrefix(name(i), "int-1") && strings.HasSuffix(name(i), "4")
		})},
		{store.Integrations, []string{"name[not like]int-1*"}, integrationsWhere(func(i int) bool { return !strings.HasPrefix(name(i), "int-1") })},
		{store.Integrations, []string{"name[not_like]*"}, 0},
		{store.Integrations, []string{"name[like]int_1*"}, 0}, // '_' is literal
		{store.Integrations, []string{"fullname[like]group 3"}, integrationsWhere(func(i int) bool { return i%7 == 3 })},
		{store.Integrations, []string{"provider_type[eq]ticketing_jira"}, nIntegrations / 5},
		{store.Integrations, []string{"provider_type[in]ticketing_jira,siem_splunk"}, 2 * nIntegrations / 5},
		{store.Integrations, []string{"category[eq]ticketing"}, 3 * nIntegrations / 5},
		{store.Integrations, []string{"category[ne]ticketing", "provider_type[ne]siem_splunk"}, nIntegrations / 5},
		{store.Integrations, []string{"category[not in]ticketing,siem"}, nIntegrations / 5},
		{store.Integrations, []string{"id[eq]" + integrationID(17)}, 1},
		{store.Integrations, []string{"id[in]" + integrationID(1) + "," + integrationID(2)}, 2},
		// Times compare as instants, whatever their zone.
		{store.Integrations, []string{"created_at[eq]" + ts(3*time.Hour)}, nIntegrations / 10},
		{store.Integrations, []string{"created_at[eq]" + base.Add(3*time.Hour).In(time.FixedZone("y", -5*3600)).Format(time.RFC3339Nano)}, nIntegrations / 10},
		{store.Integrations, []string{"created_at[gt]" + ts(3*time.Hour)}, 6 * nIntegrations / 10},
		{store.Integrations, []string{"created_at[gte]" + ts(3*time.Hour)}, 7 * nIntegrations / 10},
		{store.Integrations, []string{"created_at[lt]" + ts(3*time.Hour)}, 3 * nIntegrations / 10},
		{store.Integrations, []string{"created_at[lte]" + ts(3*time.Hour), "created_at[ne]" + ts(0)}, 3 * nIntegrations / 10},
		{store.Integrations, []string{"created_at[in]" + ts(0) + "," + ts(time.Hour)}, 2 * nIntegrations / 10},
		{store.Integrations, []string{"updated_at[eq]" + base.Add(5*time.Second+1).Format(time.RFC3339Nano)}, integrationsWhere(func(i int) bool { return i%13 == 5 && i%4 == 1 })},
		{store.Integrations, []string{"updated_at[gt]" + base.Add(5*time.Second+1).Format(time.RFC3339Nano)}, integrationsWhere(func(i int) bool {
			return time.Duration(i%13)*time.Second+time.Duration(i%4) > 5*time.Second+1
		})},
		// Nullable fields: absent values satisfy only the negative operators.
		{store.Integrations, []string{"integration_point_id[eq]ip0"}, integrationsWhere(func(i int) bool { return i%3 == 0 })},
		{store.Integrations, []string{"integration_point_id[ne]ip0"}, integrationsWhere(func(i int) bool { return i%3 != 0 })},
		{store.Integrations, []string{"integration_point_id[in]ip0,ip1"}, integrationsWhere(func(i int) bool { return i%3 != 1 })},
		{store.Integrations, []string{"integration_point_id[not in]ip0"}, integrationsWhere(func(i int) bool { return i%3 != 0 })},
		{store.Integrations, []string{"integration_point_id[like]ip*"}, integrationsWhere(func(i int) bool { return i%3 != 1 })},
		{store.Integrations, []string{"integration_point_id[not like]*0"}, integrationsWhere(func(i int) bool { return i%3 != 0 })},
		{store.Integrations, []string{"integration_point_id[gte]ip"}, integrationsWhere(func(i int) bool { return i%3 != 1 })},
		// Fields of relations, joined without expand.
		{store.Integrations, []string{"account.name[eq]bravo"}, nIntegrations / nAccounts},
		{store.Integrations, []string{"accounts.name[in]alpha,delta"}, 2 * nIntegrations / nAccounts},
		{store.Integrations, []string{"account.environment[eq]prod", "provider_type[eq]siem_splunk"}, -1},
		{store.Integrations, []string{"integration_point.name[like]ip-*"}, integrationsWhere(func(i int) bool { return i%3 != 1 })},
		{store.Integrations, []string{"integration_point.name[ne]ip-siem"}, integrationsWhere(func(i int) bool { return i%3 != 2 })},
		{store.Integrations, []string{"integration_point.connector[eq]siem"}, integrationsWhere(func(i int) bool { return i%3 == 2 })},
		{store.Integrations, []string{"integration_point.created_at[eq]" + ts(0)}, integrationsWhere(func(i int) bool { return i%3 != 1 })},
		// Credentials: nullable times, nested config.type, enums.
		{store.Credentials, []string{"expires[lt]" + ts(48*time.Hour)}, -1},
		{store.Credentials, []string{"expires[ne]" + ts(0)}, -1},
		{store.Credentials, []string{"expires[gte]" + ts(0)}, -1},
		{store.Credentials, []string{"config.type[eq]token"}, -1},
		{store.Credentials, []string{"config.type[not in]token,basic"}, -1},
		{store.Credentials, []string{"owner_type[in]account,integration", "managed[eq]Managed"}, -1},
		{store.Credentials, []string{"integration_id[like]i*"}, nCredentials / 4},
		{store.Credentials, []string{"account_id[eq]acc1"}, nCredentials / 4},
		{store.Accounts, []string{"environment[eq]test"}, 2},
		{store.Accounts, []string{"fullname[like]account*", "name[ne]alpha"}, 3},
		{store.IntegrationPoints, []string{"connector[in]ticketing,chat"}, 2},
		{store.IntegrationPoints, []string{"description[like]*siem"}, 1},
		{store.AuditEvents, []string{"operation[eq]delete", "outcome[eq]failure"}, -1},
		{store.AuditEvents, []string{"account_id[ne]acc0"}, -1},
		{store.AuditEvents, []string{"created_at[gte]" + ts(4*time.Minute), "resource_type[in]key,account"}, -1},
	}
	for _, c := range cases {
		what := fmt.Sprintf("%s %v", c.kind, c.filters)
		b := bind(t, c.kind, filter.Params{Filter: c.filters, Limit: filter.MaxLimit})
		page := list(t, s, store.ListRequest{Kind: c.kind, Query: b})
		if page.Next != "" {
			t.Fatalf("%s: a Next cursor on the only page", what)
		}
		want := f.expect(b, c.kind, nil)
		sameIDs(t, ids(page.Objects), want, what)
		if c.want >= 0 && len(want) != c.want {
			t.Fatalf("%s: %d results, want %d", what, len(want), c.want)
		}
	}
}

// testListOrders checks multi-field orders in both directions.
func testListOrders(t *testing.T, s store.Store) {
	f := seed(t, s)
	orders := [][]string{
		{"name"},
		{"name[desc]"},
		{"created_at[desc]"},
		{"provider_type", "created_at[desc]"},
		{"category[desc]", "fullname", "updated_at[dsc]"},
		{"integration_point_id", "name[desc]"},
		{"integration_point_id[desc]", "id[desc]"},
		{"account.name[desc]", "name"},
		{"integration_point.name", "account.created_at[desc]", "provider_fullname"},
		{"updated_at", "id"},
	}
	for _, o := range orders {
		b := bind(t, store.Integrations, filter.Params{Order: o, Limit: filter.MaxLimit})
		page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b})
		sameIDs(t, ids(page.Objects), f.expect(b, store.Integrations, nil), fmt.Sprint("order ", o))
	}
	for _, o := range [][]string{{"expires[desc]", "name"}, {"config.type", "expires"}, {"owner_type[desc]"}} {
		b := bind(t, store.Credentials, filter.Params{Order: o, Limit: filter.MaxLimit})
		page := list(t, s, store.ListRequest{Kind: store.Credentials, Query: b})
		sameIDs(t, ids(page.Objects), f.expect(b, store.Credentials, nil), fmt.Sprint("credentials order ", o))
	}
	// The default order is name, then id.
	b := bind(t, store.Integrations, filter.Params{Limit: filter.MaxLimit})
	page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b})
	got := ids(page.Objects)
	for i := 1; i < len(page.Objects); i++ {
		x, y := f.records[store.Integrations][got[i-1]], f.records[store.Integrations][got[i]]
		if x["name"].(string) > y["name"].(string) || x["name"] == y["name"] && got[i-1] > got[i] {
			t.Fatalf("default order: %s (%s) before %s (%s)", got[i-1], x["name"], got[i], y["name"])
		}
	}
}

// testListLimit checks page sizes and Next.
func testListLimit(t *testing.T, s store.Store) {
	seed(t, s)
	for _, c := range []struct {
		limit, want int
		next        bool
	}{{1, 1, true}, {7, 7, true}, {0, filter.DefaultLimit, true}, {nIntegrations, nIntegrations, false}, {filter.MaxLimit, nIntegrations, false}} {
		b := bind(t, store.Integrations, filter.Params{Limit: c.limit})
		page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b})
		if len(page.Objects) != c.want || (page.Next != "") != c.next {
			t.Fatalf("limit %d: %d objects, next %q; want %d, next %v", c.limit, len(page.Objects), page.Next, c.want, c.next)
		}
	}
	b := bind(t, store.Integrations, filter.Params{Filter: []string{"name[eq]none"}, Limit: 5})
	page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b})
	if len(page.Objects) != 0 || page.Next != "" {
		t.Fatalf("an empty result: %d objects, next %q", len(page.Objects), page.Next)
	}
	// Exactly limit results: no Next.
	b = bind(t, store.Integrations, filter.Params{Filter: []string{"name[eq]int-5"}, Limit: 2})
	if page = list(t, s, store.ListRequest{Kind: store.Integrations, Query: b}); len(page.Objects) != 2 || page.Next != "" {
		t.Fatalf("exactly a page: %d objects, next %q", len(page.Objects), page.Next)
	}
}

// testListPaging pages through random orders, filters, confinements and
// page sizes, and compares with the in-memory sort: every object exactly
// once, in order.
func testListPaging(t *testing.T, s store.Store) {
	f := seed(t, s)
	rng := rand.New(rand.NewPCG(1, 2))
	fields := []string{
		"name", "fullname", "category", "provider_type", "provider_fullname", "integration_point_id",
		"created_at", "updated_at", "account_id", "id", "account.name", "account.environment",
		"integration_point.name", "integration_point.created_at",
	}
	filters := []string{
		"", "category[eq]ticketing", "integration_point_id[ne]ip1", "created_at[gte]" + ts(2*time.Hour),
		"name[like]int-1*", "account.name[in]alpha,charlie",
	}
	for round := range 40 {
		var order []string
		used := map[string]bool{}
		for range 1 + rng.IntN(3) {
			o := fields[rng.IntN(len(fields))]
			if used[o] {
				continue
			}
			used[o] = true
			switch rng.IntN(3) {
			case 1:
				o += "[asc]"
			case 2:
				o += "[desc]"
			}
			order = append(order, o)
		}
		p := filter.Params{Order: order, Limit: 1 + rng.IntN(40)}
		if fl := filters[rng.IntN(len(filters))]; fl != "" {
			p.Filter = []string{fl}
		}
		if rng.IntN(3) == 0 {
			p.Expand = []string{"all"}
		}
		req := store.ListRequest{Kind: store.Integrations}
		var keep func(filter.Map) bool
		if rng.IntN(4) == 0 {
			acc := f.accounts[rng.IntN(nAccounts)].ID
			req.AccountID = acc
			keep = func(r filter.Map) bool { return r["account_id"] == acc }
		}
		got := ids(listAll(t, s, req, p))
		want := f.expect(bind(t, store.Integrations, p), store.Integrations, keep)
		sameIDs(t, got, want, fmt.Sprintf("round %d: paging %+v account %q", round, p, req.AccountID))
	}
}

// testStartAfterName checks start_after given a name.
func testStartAfterName(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()

	// A unique name: the page starts right after it, under any order.
	for _, order := range [][]string{nil, {"created_at[desc]"}, {"environment", "updated_at"}} {
		b := bind(t, store.Accounts, filter.Params{Order: order, Limit: filter.MaxLimit})
		all := f.expect(b, store.Accounts, nil)
		pos := -1
		for i, id := range all {
			if f.records[store.Accounts][id]["name"] == "charlie" {
				pos = i
			}
		}
		b = bind(t, store.Accounts, filter.Params{Order: order, Limit: filter.MaxLimit, StartAfter: "CHARLIE"})
		page := list(t, s, store.ListRequest{Kind: store.Accounts, Query: b})
		sameIDs(t, ids(page.Objects), all[pos+1:], fmt.Sprint("accounts after charlie, order ", order))
	}

	// Integration names repeat across accounts: ambiguous without
	// confinement, exact within an account.
	b := bind(t, store.Integrations, filter.Params{StartAfter: "int-10"})
	_, err := s.List(ctx, store.ListRequest{Kind: store.Integrations, Query: b})
	wantCode(t, err, errs.InvalidQuery, "ambiguous start_after")
	if !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("error %q does not say the name is ambiguous", err)
	}
	acc := f.records[store.Integrations][integrationID(20)]["account_id"].(string)
	keep := func(r filter.Map) bool { return r["account_id"] == acc }
	for _, req := range []store.ListRequest{{AccountID: acc}, {Scope: acc}} {
		req.Kind = store.Integrations
		p := filter.Params{Order: []string{"updated_at[desc]"}, Limit: filter.MaxLimit}
		all := f.expect(bind(t, store.Integrations, p), store.Integrations, keep)
		pos := -1
		for i, id := range all {
			if id == integrationID(20) {
				pos = i
			}
		}
		p.StartAfter = "int-10"
		req.Query = bind(t, store.Integrations, p)
		page := list(t, s, req)
		sameIDs(t, ids(page.Objects), all[pos+1:], "integrations after int-10 in "+acc)
	}

	// A missing name.
	b = bind(t, store.Accounts, filter.Params{StartAfter: "zulu"})
	_, err = s.List(ctx, store.ListRequest{Kind: store.Accounts, Query: b})
	wantCode(t, err, errs.InvalidQuery, "start_after a missing name")
	if !strings.Contains(err.Error(), `no account named "zulu"`) {
		t.Errorf("error %q does not say no account is named zulu", err)
	}
	// A name outside the confinement is missing too.
	b = bind(t, store.Integrations, filter.Params{StartAfter: "int-10"})
	_, err = s.List(ctx, store.ListRequest{Kind: store.Integrations, Query: b, AccountID: "acc3"})
	wantCode(t, err, errs.InvalidQuery, "start_after a name in another account")
}

// testStartAfterInvalid checks malformed and mismatched cursors.
func testStartAfterInvalid(t *testing.T, s store.Store) {
	seed(t, s)
	ctx := context.Background()
	b := bind(t, store.Integrations, filter.Params{Order: []string{"created_at"}, Limit: 3})
	page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b})
	if page.Next == "" {
		t.Fatal("no Next")
	}
	for what, p := range map[string]filter.Params{
		"cursor of another order": {Order: []string{"name"}, StartAfter: page.Next},
		"corrupt cursor":          {Order: []string{"created_at"}, StartAfter: page.Next[:len(page.Next)-3] + "!!!"},
	} {
		_, err := s.List(ctx, store.ListRequest{Kind: store.Integrations, Query: bind(t, store.Integrations, p)})
		wantCode(t, err, errs.InvalidQuery, what)
	}
}

// testListExpand checks expanded relation documents.
func testListExpand(t *testing.T, s store.Store) {
	f := seed(t, s)
	for _, expand := range [][]string{{"account", "integration_point"}, {"accounts", "integration_points"}, {"all"}} {
		b := bind(t, store.Integrations, filter.Params{Expand: expand, Limit: filter.MaxLimit})
		page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b})
		if len(page.Objects) != nIntegrations {
			t.Fatalf("expand %v: %d objects", expand, len(page.Objects))
		}
		for _, o := range page.Objects {
			r := f.records[store.Integrations][o.ID]
			acc := r["account_id"].(string)
			sameJSON(t, o.Expanded["account"], docOf(f.accounts, acc), "expanded account of "+o.ID)
			ip, hasIP := r["integration_point_id"].(string)
			if got, ok := o.Expanded["integration_point"]; ok != hasIP {
				t.Fatalf("%s: expanded integration point present %v, want %v", o.ID, ok, hasIP)
			} else if ok {
				sameJSON(t, got, docOf(f.points, ip), "expanded integration point of "+o.ID)
			}
		}
	}
	b := bind(t, store.Integrations, filter.Params{Expand: []string{"account"}, Limit: 5})
	for _, o := range list(t, s, store.ListRequest{Kind: store.Integrations, Query: b}).Objects {
		if _, ok := o.Expanded["integration_point"]; ok || o.Expanded["account"] == nil {
			t.Fatalf("expand account only: got %v", o.Expanded)
		}
	}
	b = bind(t, store.Integrations, filter.Params{Limit: 5})
	for _, o := range list(t, s, store.ListRequest{Kind: store.Integrations, Query: b}).Objects {
		if o.Expanded != nil {
			t.Fatalf("no expand: got %v", o.Expanded)
		}
	}
}

// docOf returns the document of the object with id among objs.
func docOf(objs []*store.Object, id string) []byte {
	for _, o := range objs {
		if o.ID == id {
			return o.Doc
		}
	}
	return nil
}

// testListRelationFields filters and orders by relation fields, with and
// without expand, and pages through them.
func testListRelationFields(t *testing.T, s store.Store) {
	f := seed(t, s)
	for _, p := range []filter.Params{
		{Filter: []string{"account.name[eq]charlie"}, Order: []string{"integration_point.name[desc]"}, Limit: 7},
		{Filter: []string{"account.name[like]*a"}, Order: []string{"account.name", "name[desc]"}, Expand: []string{"account"}, Limit: 11},
		{Filter: []string{"integration_point.name[not in]ip-tickets"}, Order: []string{"integration_point.name", "account.name[desc]"}, Limit: 13},
	} {
		got := ids(listAll(t, s, store.ListRequest{Kind: store.Integrations}, p))
		want := f.expect(bind(t, store.Integrations, p), store.Integrations, nil)
		sameIDs(t, got, want, fmt.Sprintf("%+v", p))
		if len(want) == 0 {
			t.Fatalf("%+v: the fixture matches nothing", p)
		}
	}
}

// testListConfinement checks AccountID and Scope confinement.
func testListConfinement(t *testing.T, s store.Store) {
	f := seed(t, s)
	all := filter.Params{Limit: filter.MaxLimit}
	for _, acc := range f.accounts {
		keep := func(r filter.Map) bool { return r["account_id"] == acc.ID }
		for _, kind := range []store.Kind{store.Integrations, store.Credentials, store.AuditEvents} {
			b := bind(t, kind, all)
			page := list(t, s, store.ListRequest{Kind: kind, Query: b, AccountID: acc.ID})
			want := f.expect(b, kind, keep)
			sameIDs(t, ids(page.Objects), want, fmt.Sprintf("%s of %s", kind, acc.ID))
			if len(want) == 0 {
				t.Fatalf("%s of %s: the fixture has none", kind, acc.ID)
			}
			// Scope is the account for integrations and account-owned credentials.
			page = list(t, s, store.ListRequest{Kind: kind, Query: b, Scope: acc.ID})
			if kind != store.AuditEvents {
				sameIDs(t, ids(page.Objects), want, fmt.Sprintf("%s in scope %s", kind, acc.ID))
			}
		}
		// An account confined to itself sees itself.
		b := bind(t, store.Accounts, all)
		page := list(t, s, store.ListRequest{Kind: store.Accounts, Query: b, AccountID: acc.ID})
		sameIDs(t, ids(page.Objects), []string{acc.ID}, "account confined to itself")
	}
	// Objects of one account are never visible from another, even by
	// filtering on their id; integration points belong to no account.
	target := integrationID(1)
	b := bind(t, store.Integrations, filter.Params{Filter: []string{"id[eq]" + target}})
	other := f.accounts[0].ID
	if page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b, AccountID: other}); len(page.Objects) != 0 {
		t.Fatalf("integration %s of another account listed in %s", target, other)
	}
	b = bind(t, store.IntegrationPoints, all)
	if page := list(t, s, store.ListRequest{Kind: store.IntegrationPoints, Query: b, AccountID: other}); len(page.Objects) != 0 {
		t.Fatal("integration points listed in an account")
	}
	// Both confinements at once, and a scope that matches nothing.
	b = bind(t, store.Integrations, all)
	if page := list(t, s, store.ListRequest{Kind: store.Integrations, Query: b, AccountID: "acc1", Scope: "acc2"}); len(page.Objects) != 0 {
		t.Fatal("AccountID and Scope are not both applied")
	}
}

// testListDefaultQuery lists with no Query: the default order and limit.
func testListDefaultQuery(t *testing.T, s store.Store) {
	f := seed(t, s)
	page := list(t, s, store.ListRequest{Kind: store.Integrations})
	b := bind(t, store.Integrations, filter.Params{})
	want := f.expect(b, store.Integrations, nil)
	sameIDs(t, ids(page.Objects), want[:filter.DefaultLimit], "default query")
	if page.Next == "" {
		t.Fatal("default query: no Next")
	}
}

// testListForeignQuery refuses a query bound against another field set.
func testListForeignQuery(t *testing.T, s store.Store) {
	seed(t, s)
	b := bind(t, store.Accounts, filter.Params{})
	_, err := s.List(context.Background(), store.ListRequest{Kind: store.Integrations, Query: b})
	wantCode(t, err, errs.InvalidQuery, "a query bound for accounts, listing integrations")
}

// testListAudit lists audit events, which have no names.
func testListAudit(t *testing.T, s store.Store) {
	f := seed(t, s)
	got := ids(listAll(t, s, store.ListRequest{Kind: store.AuditEvents}, filter.Params{Limit: 7}))
	want := f.expect(bind(t, store.AuditEvents, filter.Params{}), store.AuditEvents, nil)
	sameIDs(t, got, want, "audit events in the default order")
	for i := 1; i < len(got); i++ {
		x, y := f.records[store.AuditEvents][got[i-1]]["created_at"].(string), f.records[store.AuditEvents][got[i]]["created_at"].(string)
		if x > y { // same zone and precision: text order is time order
			t.Fatalf("audit events out of created_at order: %s then %s", x, y)
		}
	}
	b := bind(t, store.AuditEvents, filter.Params{StartAfter: "ev001"})
	_, err := s.List(context.Background(), store.ListRequest{Kind: store.AuditEvents, Query: b})
	wantCode(t, err, errs.InvalidQuery, "start_after a name, for audit events")
}
