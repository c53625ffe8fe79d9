package pagerduty

import (
	"context"
	"net/http"
	"net/url"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// ListProjects implements ticketing.Driver: the account's services
// (GET /services, by name), each a project whose id goes in Ticket.Project.
func (d *driver) ListProjects(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	offset, err := parseCursor(req.Cursor)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = ticketing.DefaultProjectLimit
	}
	svcs, next, more, err := listPage[pdService](ctx, d, "/services", "services", url.Values{"sort_by": {"name"}}, offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*ticketing.Project, 0, len(svcs))
	for _, s := range svcs {
		name := s.Name
		if name == "" {
			name = s.Summary
		}
		u := map[string]any{}
		for k, v := range map[string]string{"description": s.Description, "status": s.Status, "html_url": s.HTMLURL} {
			if v != "" {
				u[k] = v
			}
		}
		if s.EscalationPolicy != nil && s.EscalationPolicy.ID != "" {
			u["escalation_policy_id"] = s.EscalationPolicy.ID
		}
		out = append(out, &ticketing.Project{ID: s.ID, Name: name, Unmapped: u})
	}
	return &ticketing.Page[ticketing.Project]{Result: out, Next: cursor(next, more)}, nil
}

// ListIssueTypes implements ticketing.Driver: the account's enabled
// incident types (GET /incidents/types). They apply to every service, so
// project is ignored. An IssueType's ID (the type's name, e.g.
// incident_default) goes in Ticket.IssueType.
func (d *driver) ListIssueTypes(ctx context.Context, _ string) ([]ticketing.IssueType, error) {
	var out struct {
		Types *[]pdIncidentType `json:"incident_types"`
	}
	resp, err := d.call(ctx, http.MethodGet, "/incidents/types", url.Values{"filter": {"enabled"}}, "", nil, &out)
	if err != nil {
		return nil, err
	}
	if out.Types == nil {
		return nil, resp.Malformed("has no incident_types")
	}
	res := make([]ticketing.IssueType, 0, len(*out.Types))
	for _, t := range *out.Types {
		if t.Name == "" {
			continue
		}
		name := t.DisplayName
		if name == "" {
			name = t.Name
		}
		res = append(res, ticketing.IssueType{ID: t.Name, Name: name, Description: t.Description,
			Unmapped: map[string]any{"pagerduty_id": t.ID}})
	}
	return res, nil
}

// ListRemoteFields implements ticketing.Driver with a fixed list: the
// incident fields the driver maps, where they go, and the account's
// priority names. PagerDuty's own incident custom fields are not mapped.
func (d *driver) ListRemoteFields(ctx context.Context) ([]ticketing.RemoteField, error) {
	prios, err := d.priorities(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(prios))
	for _, p := range prios {
		names = append(names, p.label())
	}
	enum := func(vals ...string) *ticketing.RemoteFieldSchema {
		return &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldEnum, FieldType: "string", EnumValues: vals}
	}
	str := &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldString, FieldType: "string"}
	ref := &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldOther, FieldType: "reference"}
	fields := []ticketing.RemoteField{
		{FieldID: "title", ProviderFieldName: "Title", ProviderFieldPath: "title", Schema: str},
		{FieldID: "body.details", ProviderFieldName: "Details", ProviderFieldPath: "body.details", Schema: str},
		{FieldID: "status", ProviderFieldName: "Status", ProviderFieldPath: "status", Schema: enum(statuses...)},
		{FieldID: "urgency", ProviderFieldName: "Urgency", ProviderFieldPath: "urgency", Schema: enum("high", "low")},
		{FieldID: "service", ProviderFieldName: "Service", ProviderFieldPath: "service.id", Schema: ref},
		{FieldID: "assignments", ProviderFieldName: "Assignees", ProviderFieldPath: "assignments", Schema: ref},
		{FieldID: "incident_type", ProviderFieldName: "Incident type", ProviderFieldPath: "incident_type.name", Schema: str},
		{FieldID: "incident_key", ProviderFieldName: "Incident key", ProviderFieldPath: "incident_key", Schema: str},
	}
	if len(names) > 0 {
		fields = append(fields, ticketing.RemoteField{FieldID: "priority", ProviderFieldName: "Priority",
			ProviderFieldPath: "priority.id", Schema: enum(names...)})
	}
	for i := range fields {
		fields[i].FieldScope = ticketing.ScopeStandard
	}
	return fields, nil
}
