package ticketing

import (
	"time"

	"github.com/seed-e6251c81/synqly/filter"
)

// QueryTicketsRequest selects tickets with the query language of package
// filter (see TicketFields for the fields).
type QueryTicketsRequest struct {
	// Filter holds field[op]value terms, ANDed, e.g. "status[eq]Open",
	// "priority[in]HIGH,URGENT", "summary[like]*CVE-2026*".
	Filter []string
	// Order holds field[asc|desc] terms (default created_at). Only fields
	// the provider can order by are accepted; see Capabilities.Orders.
	Order []string
	// Limit is the page size: default 100, at most 1000.
	Limit int
	// Cursor continues from a previous page's Cursor.
	Cursor string
}

// Default and maximum page sizes.
const (
	DefaultTicketLimit  = 100
	MaxTicketLimit      = 1000
	DefaultProjectLimit = 50
)

func strField(name string) filter.Field {
	return filter.Field{Name: name, Type: filter.String, Orderable: true, Nullable: name != "id" && name != "summary"}
}

func timeField(name string, nullable bool) filter.Field {
	return filter.Field{Name: name, Type: filter.Time, Orderable: true, Nullable: nullable}
}

func priorityNames() []string {
	out := make([]string, len(Priorities))
	for i, p := range Priorities {
		out[i] = string(p)
	}
	return out
}

// TicketFields is the field set of QueryTickets: id, name, summary,
// creator, assignee, contact, description, priority (an enum), status,
// project, issue_type, tags (a list: eq/in/like match any tag), due_date,
// completion_date, created_at, updated_at. Columns are left empty: tickets
// live in providers, not in SQL.
var TicketFields = &filter.FieldSet{
	Resource: "tickets",
	Fields: []filter.Field{
		strField("id"), strField("name"), strField("summary"), strField("creator"), strField("assignee"),
		strField("contact"), strField("description"),
		{Name: "priority", Type: filter.String, Enum: priorityNames(), Orderable: true, Nullable: true},
		strField("status"), strField("project"), strField("issue_type"),
		{Name: "tags", Type: filter.String, Nullable: true},
		timeField("due_date", true), timeField("completion_date", true),
		timeField("created_at", false), timeField("updated_at", false),
	},
	DefaultOrder: []filter.OrderTerm{{Field: "created_at", Dir: filter.Asc}},
	Tiebreak:     "id",
	DefaultLimit: DefaultTicketLimit,
	MaxLimit:     MaxTicketLimit,
}

// Field implements filter.Record, so tickets can be matched and sorted in
// memory by a bound query.
func (t *Ticket) Field(name string) (any, bool) {
	str := func(s string) (any, bool) { return s, s != "" }
	tm := func(p *time.Time) (any, bool) {
		if p == nil {
			return nil, false
		}
		return *p, true
	}
	switch name {
	case "id":
		return t.ID, true
	case "name":
		return str(t.Name)
	case "summary":
		return t.Summary, true
	case "creator":
		return str(t.Creator)
	case "assignee":
		return str(t.Assignee)
	case "contact":
		return str(t.Contact)
	case "description":
		return str(t.Description)
	case "priority":
		return str(string(t.Priority))
	case "status":
		return str(t.Status)
	case "project":
		return str(t.Project)
	case "issue_type":
		return str(t.IssueType)
	case "tags":
		return t.Tags, len(t.Tags) > 0
	case "due_date":
		return tm(t.DueDate)
	case "completion_date":
		return tm(t.CompletionDate)
	case "created_at":
		return t.CreatedAt, true
	case "updated_at":
		return t.UpdatedAt, true
	}
	return nil, false
}
