package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// fixture is a data set for List tests with many duplicate sort values, and
// the in-memory records the expected results are computed from.
type fixture struct {
	accounts, points, integrations, credentials, audits []*store.Object
	// records maps kind and id to the object's document as a filter.Map,
	// with the documents of its relations under their names.
	records map[store.Kind]map[string]filter.Map
}

// Fixture sizes.
const (
	nAccounts     = 4
	nIntegrations = 300
	nCredentials  = 40
	nAudits       = 60
)

var (
	accountNames  = []string{"alpha", "bravo", "charlie", "delta"}
	providerTypes = []string{"ticketing_jira", "ticketing_servicenow", "siem_splunk", "notifications_slack", "ticketing_pagerduty"}
	categoriesOf  = map[string]string{
		"ticketing_jira": "ticketing", "ticketing_servicenow": "ticketing", "siem_splunk": "siem",
		"notifications_slack": "notifications", "ticketing_pagerduty": "ticketing",
	}
)

// integrationID is the id of the i-th integration: unique, but not in the
// order of i.
func integrationID(i int) string { return fmt.Sprintf("i%04x", (i*7919)%65536) }

// seed inserts the fixture into s.
func seed(t testing.TB, s store.Store) *fixture {
	t.Helper()
	f := &fixture{records: map[store.Kind]map[string]filter.Map{}}
	for i, name := range accountNames {
		a := obj(t, store.Accounts, fmt.Sprintf("acc%d", i), "", map[string]any{
			"name": name, "fullname": fmt.Sprintf("Account %d", i%2),
			"environment": []string{"test", "prod"}[i%2],
			"created_at":  ts(time.Duration(i%2) * time.Hour), "updated_at": ts(time.Duration(i) * time.Minute),
		})
		f.accounts = append(f.accounts, a)
	}
	for i, name := range []string{"ip-tickets", "ip-siem", "ip-unused"} {
		f.points = append(f.points, obj(t, store.IntegrationPoints, fmt.Sprintf("ip%d", i), "", map[string]any{
			"name": name, "fullname": "Point", "description": "about " + name,
			"connector": []string{"ticketing", "siem", "chat"}[i],
		}))
	}
	for i := range nIntegrations {
		acc := f.accounts[i%nAccounts]
		pt := providerTypes[i%len(providerTypes)]
		fields := map[string]any{
			// Names repeat across accounts: i and i+1 share a name.
			"name":              fmt.Sprintf("int-%d", i/2),
			"fullname":          fmt.Sprintf("Group %d", i%7),
			"category":          categoriesOf[pt],
			"provider_type":     pt,
			"provider_fullname": fmt.Sprintf("Provider %d", i%3),
			"created_at":        ts(time.Duration(i%10) * time.Hour),
			// Sub-second times, some equal, some in another zone.
			"updated_at": base.Add(time.Duration(i%13)*time.Second + time.Duration(i%4)).In(time.FixedZone("x", 7200)).Format(time.RFC3339Nano),
		}
		switch i % 3 {
		case 0:
			fields["integration_point_id"] = "ip0"
		case 2:
			fields["integration_point_id"] = "ip1"
		}
		f.integrations = append(f.integrations, integration(t, integrationID(i), acc.ID, fields["name"].(string), fields))
	}
	for i := range nCredentials {
		acc := f.accounts[i%nAccounts]
		fields := map[string]any{
			"owner_type": []string{"account", "integration", "integration_point", "organization_webhook"}[i%4],
			"managed":    []string{"Managed", "Unmanaged"}[i%2],
			"config":     map[string]any{"type": []string{"token", "basic", "aws", "o_auth_client", "secret"}[i%5]},
			"created_at": ts(time.Duration(i%5) * time.Hour),
		}
		if i%3 != 0 {
			fields["expires"] = ts(time.Duration(i%6) * 24 * time.Hour)
		}
		if i%7 == 0 {
			fields["config"] = nil
		}
		if i%4 == 1 {
			fields["integration_id"] = integrationID(i)
		}
		f.credentials = append(f.credentials, credential(t, fmt.Sprintf("cred%02d", i), acc.ID, fmt.Sprintf("cred-%d", i/2), fields))
	}
	for i := range nAudits {
		more := map[string]any{
			"operation":     []string{"create", "update", "patch", "delete", "rotate_key"}[i%5],
			"resource_type": []string{"account", "integration_point", "integration", "credential", "key"}[i%5],
			"outcome":       []string{"success", "failure"}[i%2],
			"actor":         fmt.Sprintf("user-%d", i%3),
		}
		if i%2 == 0 {
			more["account_id"] = f.accounts[(i/2)%nAccounts].ID
		}
		f.audits = append(f.audits, audit(t, fmt.Sprintf("ev%03d", (i*37)%nAudits), time.Duration(i%8)*time.Minute, more))
	}
	insert(t, s, f.accounts...)
	insert(t, s, f.points...)
	insert(t, s, f.integrations...)
	insert(t, s, f.credentials...)
	insert(t, s, f.audits...)

	for _, group := range [][]*store.Object{f.accounts, f.points, f.integrations, f.credentials, f.audits} {
		for _, o := range group {
			f.add(t, o)
		}
	}
	for _, r := range f.records[store.Integrations] {
		if acc, ok := f.records[store.Accounts][r["account_id"].(string)]; ok {
			r["account"] = acc
		}
		if ip, ok := r["integration_point_id"].(string); ok {
			r["integration_point"] = f.records[store.IntegrationPoints][ip]
		}
	}
	return f
}

// add records o's document.
func (f *fixture) add(t testing.TB, o *store.Object) {
	var m map[string]any
	if err := json.Unmarshal(o.Doc, &m); err != nil {
		t.Fatal(err)
	}
	if f.records[o.Kind] == nil {
		f.records[o.Kind] = map[string]filter.Map{}
	}
	f.records[o.Kind][o.ID] = m
}

// expect returns the ids of kind's records that b matches and keep accepts,
// in b's order.
func (f *fixture) expect(b *filter.Bound, kind store.Kind, keep func(filter.Map) bool) []string {
	var recs []filter.Map
	for _, r := range f.records[kind] {
		if b.Match(r) && (keep == nil || keep(r)) {
			recs = append(recs, r)
		}
	}
	filter.Sort(b, recs)
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r["id"].(string)
	}
	return out
}
