package servicenow

import (
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
)

// incidentFields are the columns read for every ticket (sysparm_fields),
// before those of the custom field mappings.
var incidentFields = []string{
	"sys_id", "number", "short_description", "description", "priority", "impact", "urgency", "state",
	"assignment_group", "category", "subcategory", "assigned_to", "assigned_to.user_name", "opened_by",
	"opened_by.user_name", "caller_id", "caller_id.user_name", "opened_at", "due_date", "resolved_at", "closed_at",
	"close_code", "close_notes", "hold_reason", "contact_type", "active", "sys_tags", "sys_created_on",
	"sys_created_by", "sys_updated_on", "sys_updated_by",
}

// mappedFields are the columns that have a place in the Ticket model; the
// other columns read go to Unmapped.
var mappedFields = map[string]bool{
	"sys_id": true, "number": true, "short_description": true, "description": true, "priority": true,
	"state": true, "assignment_group": true, "category": true, "assigned_to.user_name": true,
	"opened_by.user_name": true, "caller_id.user_name": true, "due_date": true, "resolved_at": true,
	"sys_tags": true, "sys_created_on": true, "sys_updated_on": true,
}

// ticket maps an incident record to a Ticket.
func (d *driver) ticket(r record) ticketing.Ticket {
	t := ticketing.Ticket{
		ID:             r.str("sys_id"),
		Name:           r.str("number"),
		Summary:        r.str("short_description"),
		Description:    r.str("description"),
		Priority:       priorityOf(r.str("priority")),
		Project:        r.str("assignment_group"),
		IssueType:      r.str("category"),
		Assignee:       r.str("assigned_to.user_name"),
		Creator:        r.str("opened_by.user_name"),
		Contact:        r.str("caller_id.user_name"),
		DueDate:        parseTime(r.str("due_date")),
		CompletionDate: parseTime(r.str("resolved_at")),
		Tags:           splitTags(r.str("sys_tags")),
		CreatedAt:      timeOrZero(r.str("sys_created_on")),
		UpdatedAt:      timeOrZero(r.str("sys_updated_on")),
	}
	if t.Name == "" {
		t.Name = t.ID
	}
	if s := r.str("state"); s != "" {
		t.Status = stateLabel(s)
	}
	for _, m := range d.mappings {
		if !appliesTo(m, t.Project) {
			continue
		}
		if _, taken := t.CustomFields[m.Name]; taken && m.ProjectID == "*" {
			continue // a project's own mapping wins over "*"
		}
		if v := r.str(m.ProviderFieldPath); v != "" {
			if t.CustomFields == nil {
				t.CustomFields = map[string]any{}
			}
			t.CustomFields[m.Name] = v
		}
	}
	for k, raw := range r {
		if mappedFields[k] || d.custom[k] {
			continue
		}
		if v := flatten(raw); v != "" {
			if t.Unmapped == nil {
				t.Unmapped = map[string]any{}
			}
			t.Unmapped[k] = v
		}
	}
	return t
}

// appliesTo reports whether mapping m applies to tickets of project.
func appliesTo(m providers.CustomFieldMapping, project string) bool {
	return m.ProjectID == "*" || m.ProjectID == project
}

// splitTags reads sys_tags: tag names separated by commas.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func timeOrZero(s string) time.Time {
	if t := parseTime(s); t != nil {
		return *t
	}
	return time.Time{}
}
