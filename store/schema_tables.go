package store

import (
	"maps"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/filter"
)

// The enums of the stored documents (reference/synqly-model.md).
var (
	environments = []string{"test", "prod"}
	categories   = []string{
		"appsec", "assets", "chat", "cloudsecurity", "custom", "edr", "emailsecurity",
		"endpointmanagement", "identity", "incidentresponse", "notifications", "siem",
		"sink", "storage", "ticketing", "vulnerabilities",
	}
	ownerTypes      = []string{"account", "integration", "integration_point", "organization_webhook"}
	managedValues   = []string{"Managed", "Unmanaged"}
	credentialTypes = []string{"aws", "aws_role", "token", "basic", "secret", "o_auth_client", "tls_certificate"}
	operations      = []string{"create", "update", "patch", "delete", "rotate_key"}
	resourceTypes   = []string{"account", "integration_point", "integration", "credential", "key",
		"destination", "sync_config", "sync", "webhook"}
	outcomes = []string{"success", "failure"}

	destinationTypes = []string{"sqlite", "postgres", "callback"}
	runStatuses      = []string{"SUCCESS", "IN_PROGRESS", "FAILURE"}
	runStrategies    = []string{"full", "incremental"}
	deliveryStatuses = []string{"pending", "delivered", "failed"}
)

// spec describes one extracted column and the query field over it.
type spec struct {
	col Column
	// enum lists the values the query field accepts (none: any).
	enum []string
	// hidden columns are stored but not queryable.
	hidden bool
}

func str(name string) spec { return spec{col: Column{Name: name, Path: name, Type: filter.String}} }

func nullStr(name string) spec {
	return spec{col: Column{Name: name, Path: name, Type: filter.String, Nullable: true}}
}

func enum(name string, values []string) spec {
	return spec{col: Column{Name: name, Path: name, Type: filter.String}, enum: values}
}

func boolean(name string) spec { return spec{col: Column{Name: name, Path: name, Type: filter.Bool}} }

func num(name string) spec { return spec{col: Column{Name: name, Path: name, Type: filter.Number}} }

// orgOwned is the account_id column of organization-level objects: it
// exists so account confinement works uniformly, and stays NULL.
func orgOwned() spec {
	return spec{col: Column{Name: "account_id", Path: "account_id", Type: filter.String, Nullable: true}, hidden: true}
}

func tm(name string) spec { return spec{col: Column{Name: name, Path: name, Type: filter.Time}} }

func nullTime(name string) spec {
	return spec{col: Column{Name: name, Path: name, Type: filter.Time, Nullable: true}}
}

// tables holds every Kind's Table, built once at init.
var tables = map[Kind]*Table{}

// byName orders by name, then id.
var byName = []filter.OrderTerm{{Field: "name", Dir: filter.Asc}}

func init() {
	account := newTable(Accounts, "account", true, false, byName, nil,
		str("name"), str("fullname"), enum("environment", environments),
		tm("created_at"), tm("updated_at"),
		// account_id is the account's own id, so that a List confined to
		// an account works the same for every kind.
		spec{col: Column{Name: "account_id", Path: "id", Type: filter.String}, hidden: true},
	)
	point := newTable(IntegrationPoints, "integration point", true, false, byName, nil,
		str("name"), str("fullname"), str("description"), enum("connector", categories),
		tm("created_at"), tm("updated_at"),
		// Integration points belong to the organization: the column exists
		// so account confinement works uniformly, and stays NULL.
		spec{col: Column{Name: "account_id", Path: "account_id", Type: filter.String, Nullable: true}, hidden: true},
	)
	relations := []relation{
		{
			rel: filter.Relation{
				Name:    "account",
				Aliases: []string{"accounts"},
				Join:    "LEFT JOIN accounts account ON account.id = t.account_id",
			},
			of:     account,
			fields: []string{"id", "name", "fullname", "environment", "created_at", "updated_at"},
		},
		{
			rel: filter.Relation{
				Name:    "integration_point",
				Aliases: []string{"integration_points"},
				Join:    "LEFT JOIN integration_points integration_point ON integration_point.id = t.integration_point_id",
			},
			of:     point,
			fields: []string{"id", "name", "fullname", "connector", "created_at", "updated_at"},
		},
	}
	integrations := newTable(Integrations, "integration", true, false, byName, relations,
		str("name"), str("fullname"), str("account_id"), enum("category", categories),
		str("provider_type"), str("provider_fullname"), nullStr("integration_point_id"),
		tm("created_at"), tm("updated_at"),
	)
	integrations.Uses = &Uses{Kind: Credentials, Table: "integration_credentials",
		UserColumn: "integration_id", UsedColumn: "credential_id", Of: credentialRefs}
	newTable(Credentials, "credential", true, true, byName, nil,
		str("name"), str("fullname"), enum("owner_type", ownerTypes),
		nullStr("account_id"), nullStr("integration_id"), nullStr("integration_point_id"),
		nullStr("organization_webhook_id"), enum("managed", managedValues), nullTime("expires"),
		spec{col: Column{Name: "config_type", Path: "config.type", Type: filter.String, Nullable: true}, enum: credentialTypes},
		tm("created_at"), tm("updated_at"),
	)
	newTable(AuditEvents, "audit event", false, false,
		[]filter.OrderTerm{{Field: "created_at", Dir: filter.Asc}}, nil,
		tm("created_at"), str("actor"), enum("operation", operations),
		enum("resource_type", resourceTypes), str("resource_id"), nullStr("account_id"),
		enum("outcome", outcomes),
	)
	// Provider state: the id is "<integration id>/<key>", so ordering and
	// ranges over ids page through one integration's keys in key order.
	newTable(ProviderState, "provider state entry", false, false,
		[]filter.OrderTerm{{Field: "id", Dir: filter.Asc}}, nil,
		str("key"), nullStr("account_id"),
	)

	// The sync plane.
	newTable(Destinations, "destination", true, true, byName, nil,
		str("name"), str("fullname"), enum("type", destinationTypes),
		tm("created_at"), tm("updated_at"), orgOwned(),
	)
	newTable(SyncConfigs, "sync config", true, false, byName, nil,
		str("name"), str("fullname"), str("destination_id"), nullStr("integration_point_id"),
		nullStr("provider_type"), tm("created_at"), tm("updated_at"), orgOwned(),
	)
	byCreated := []filter.OrderTerm{{Field: "created_at", Dir: filter.Asc}}
	newTable(Syncs, "sync", false, false, []filter.OrderTerm{{Field: "id", Dir: filter.Asc}}, nil,
		str("sync_config_id"), str("integration_id"), str("account_id"), str("object"),
		str("provider_type"), boolean("paused"), nullTime("next_run_at"),
		tm("created_at"), tm("updated_at"),
	)
	newTable(SyncRuns, "sync run", false, false,
		[]filter.OrderTerm{{Field: "start_timestamp", Dir: filter.Asc}}, nil,
		str("sync_id"), str("sync_config_id"), str("integration_id"), str("account_id"),
		str("provider_name"), str("object"), enum("status", runStatuses), enum("strategy", runStrategies),
		tm("start_timestamp"), nullTime("end_timestamp"), num("num_records_synced"),
	)
	newTable(Events, "event", false, false, byCreated, nil,
		// The event's type is its "event" member (the hosted system's name).
		spec{col: Column{Name: "type", Path: "event", Type: filter.String}}, tm("created_at"),
		nullStr("account_id"), nullStr("integration_id"), str("resource_id"),
	)
	newTable(Webhooks, "webhook", true, true, byName, nil,
		str("name"), str("fullname"), str("url"), tm("created_at"), tm("updated_at"), orgOwned(),
	)
	newTable(WebhookDeliveries, "webhook delivery", false, false, byCreated, nil,
		str("webhook_id"), str("event_id"), str("event_type"), enum("status", deliveryStatuses),
		num("attempts"), tm("created_at"), tm("updated_at"), nullStr("account_id"),
	)
}

// credentialRefs returns the ids of the credentials an integration document
// references: every object in its provider_config, at any depth, of the
// reference form of package credential, {"type": "<type>_id", "value":
// "<credential id>"}.
func credentialRefs(doc map[string]any) []string {
	var ids []string
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 32 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			typ, _ := v["type"].(string)
			id, ok := v["value"].(string)
			if len(v) == 2 && ok && id != "" && strings.HasSuffix(typ, "_id") && slices.Contains(credentialTypes, strings.TrimSuffix(typ, "_id")) {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
				return
			}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k], depth+1)
			}
		case []any:
			for _, e := range v {
				walk(e, depth+1)
			}
		}
	}
	if pc, ok := doc["provider_config"].(map[string]any); ok {
		for _, k := range slices.Sorted(maps.Keys(pc)) {
			walk(pc[k], 0)
		}
	}
	return ids
}

// relation is a filter.Relation, the table it joins and which of that
// table's fields it makes queryable.
type relation struct {
	rel    filter.Relation
	of     *Table
	fields []string
}

// newTable builds and registers the Table of kind from its column specs. The
// table's query fields are id plus every column that is not hidden, named by
// its JSON path; each relation adds the fields it lists of the related table,
// prefixed with the relation's name and nullable since the join may find
// nothing.
func newTable(kind Kind, noun string, named, sealed bool, order []filter.OrderTerm, rels []relation, specs ...spec) *Table {
	t := &Table{Kind: kind, Name: string(kind), Noun: noun, Named: named, Sealed: sealed}
	fs := &filter.FieldSet{
		Resource:     string(kind),
		DefaultOrder: order,
		Tiebreak:     "id",
		DefaultLimit: filter.DefaultLimit,
		MaxLimit:     filter.MaxLimit,
	}
	fs.Fields = append(fs.Fields, filter.Field{Name: "id", Type: filter.String, Column: "t.id", Orderable: true})
	for _, s := range specs {
		t.Columns = append(t.Columns, s.col)
		if s.hidden {
			continue
		}
		fs.Fields = append(fs.Fields, filter.Field{
			Name:      s.col.Path,
			Type:      s.col.Type,
			Enum:      s.enum,
			Column:    "t." + s.col.Name,
			Nullable:  s.col.Nullable,
			Orderable: true,
		})
	}
	for _, r := range rels {
		fs.Relations = append(fs.Relations, r.rel)
		for _, f := range r.of.Fields.Fields {
			if !slices.Contains(r.fields, f.Name) {
				continue
			}
			f.Name = r.rel.Name + "." + f.Name
			f.Column = r.rel.Name + "." + f.Column[len("t."):]
			f.Join = r.rel.Name
			f.Nullable = true
			fs.Fields = append(fs.Fields, f)
		}
	}
	t.Fields = fs
	tables[kind] = t
	return t
}
