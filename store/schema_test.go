package store

import (
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
)

func TestTables(t *testing.T) {
	for _, k := range Kinds {
		tb, err := TableOf(k)
		if err != nil {
			t.Fatal(err)
		}
		if tb.Kind != k || tb.Fields != Fields(k) || tb.Noun == "" {
			t.Errorf("%s: inconsistent table %+v", k, tb)
		}
		named := map[Kind]bool{Accounts: true, IntegrationPoints: true, Integrations: true, Credentials: true,
			Destinations: true, SyncConfigs: true, Webhooks: true}
		sealed := map[Kind]bool{Credentials: true, Destinations: true, Webhooks: true}
		if tb.Named != named[k] || tb.Sealed != sealed[k] {
			t.Errorf("%s: Named %v Sealed %v", k, tb.Named, tb.Sealed)
		}
		if tb.Named && tb.Columns[0].Name != "name" {
			t.Errorf("%s: first column %q, want name", k, tb.Columns[0].Name)
		}
		// Every field set is consistent: the default query and one that
		// uses every field and relation bind.
		var order, expand []string
		for _, f := range tb.Fields.Fields {
			order = append(order, f.Name+"[desc]")
		}
		for _, r := range tb.Fields.Relations {
			expand = append(expand, r.Name)
		}
		for _, p := range []filter.Params{{}, {Order: order, Expand: expand}} {
			q, err := filter.Parse(p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := q.Bind(tb.Fields)
			if err != nil {
				t.Fatalf("%s: bind %+v: %v", k, p, err)
			}
			if _, err := b.SQL(filter.SQLite, 1); err != nil {
				t.Fatalf("%s: SQL: %v", k, err)
			}
		}
		if _, ok := tb.Column("id"); !ok {
			t.Errorf("%s: no id column", k)
		}
		if _, ok := tb.Column("doc"); ok {
			t.Errorf("%s: doc is a Column", k)
		}
	}
	if _, err := TableOf("widgets"); errs.CodeOf(err) != errs.InvalidInput {
		t.Errorf("TableOf(widgets): %v", err)
	}
	if Fields("widgets") != nil {
		t.Error("Fields(widgets) is not nil")
	}
}

func TestIntegrationFields(t *testing.T) {
	fs := Fields(Integrations)
	want := map[string]string{
		"account.name":                 "account.name",
		"integration_point.connector":  "integration_point.connector",
		"integration_point_id":         "t.integration_point_id",
		"provider_type":                "t.provider_type",
		"integration_point.created_at": "integration_point.created_at",
	}
	got := map[string]filter.Field{}
	for _, f := range fs.Fields {
		got[f.Name] = f
	}
	for name, col := range want {
		if got[name].Column != col {
			t.Errorf("field %s: column %q, want %q", name, got[name].Column, col)
		}
	}
	if _, ok := got["integration_point.description"]; ok {
		t.Error("integration_point.description is a field")
	}
	if f := got["account.name"]; f.Join != "account" || !f.Nullable {
		t.Errorf("account.name: %+v", f)
	}
	if f := Fields(Credentials); f == nil || len(f.Relations) != 0 {
		t.Error("credentials have relations")
	}
	cfg := false
	for _, f := range Fields(Credentials).Fields {
		if f.Name == "config.type" && f.Column == "t.config_type" && len(f.Enum) == 7 {
			cfg = true
		}
	}
	if !cfg {
		t.Error("credentials lack config.type over t.config_type")
	}
}
