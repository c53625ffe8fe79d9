package mock

import (
	"context"
	"slices"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// The mock's fixed catalog: projects, issue types, escalation policies and
// who is on call. They are the same for every integration and never change.
var (
	projects = []ticketing.Project{
		{ID: "IT", Name: "IT Service Desk"},
		{ID: "OPS", Name: "Operations"},
		{ID: "SEC", Name: "Security"},
	}
	issueTypes = []ticketing.IssueType{
		{ID: "Task", Name: "Task", Description: "A piece of work"},
		{ID: "Bug", Name: "Bug", Description: "A defect to fix"},
		{ID: "Incident", Name: "Incident", Description: "An interruption or a security event"},
	}
	agents = map[string]ticketing.Agent{
		"AG-1": {UID: "AG-1", FullName: "Ada Lovelace", EmailAddr: "ada@example.com", PhoneNumber: "+1-555-0101",
			TimeZone: "Europe/London", JobTitle: "Security Engineer"},
		"AG-2": {UID: "AG-2", FullName: "Grace Hopper", EmailAddr: "grace@example.com", PhoneNumber: "+1-555-0102",
			TimeZone: "America/New_York", JobTitle: "Site Reliability Engineer"},
		"AG-3": {UID: "AG-3", FullName: "Alan Turing", EmailAddr: "alan@example.com", PhoneNumber: "+1-555-0103",
			TimeZone: "Europe/London", JobTitle: "Incident Commander"},
	}
	escalationPolicies = []struct {
		policy ticketing.EscalationPolicy
		onCall []string // agent uids
	}{
		{ticketing.EscalationPolicy{ID: "EP-OPS", Name: "Operations", Description: "Production operations on-call",
			Rules: []ticketing.EscalationPolicyRule{
				{ID: "EP-OPS-1", DelaySeconds: 0, Actors: []ticketing.Actor{{Type: ticketing.ActorScheduleSummary, ID: "SCH-OPS", Name: "Operations primary"}}},
				{ID: "EP-OPS-2", DelaySeconds: 1800, Actors: []ticketing.Actor{{Type: ticketing.ActorAgentSummary, ID: "AG-3", Name: "Alan Turing"}}},
			}}, []string{"AG-2"}},
		{ticketing.EscalationPolicy{ID: "EP-SEC", Name: "Security", Description: "Security incident response",
			Rules: []ticketing.EscalationPolicyRule{
				{ID: "EP-SEC-1", DelaySeconds: 0, Actors: []ticketing.Actor{{Type: ticketing.ActorAgent, ID: "AG-1", Name: "Ada Lovelace"}}},
				{ID: "EP-SEC-2", DelaySeconds: 900, Actors: []ticketing.Actor{{Type: ticketing.ActorGroupSummary, ID: "GRP-SEC", Name: "Security team"}}},
			}}, []string{"AG-1", "AG-3"}},
	}
)

func findProject(id string) *ticketing.Project {
	i := slices.IndexFunc(projects, func(p ticketing.Project) bool { return p.ID == id })
	if i < 0 {
		return nil
	}
	return &projects[i]
}

func projectIDs() []string {
	out := make([]string, len(projects))
	for i, p := range projects {
		out[i] = p.ID
	}
	return out
}

// pageOf returns one page of a fixed list sorted by id: the items after the
// id cursor (which must be an item's id), up to limit.
func pageOf[T any](items []T, id func(*T) string, req ticketing.ListRequest, def int) (*ticketing.Page[T], error) {
	limit := req.Limit
	if limit <= 0 {
		limit = def
	}
	from := 0
	if req.Cursor != "" {
		i := slices.IndexFunc(items, func(v T) bool { return id(&v) == req.Cursor })
		if i < 0 {
			return nil, badCursor()
		}
		from = i + 1
	}
	end := min(from+limit, len(items))
	p := &ticketing.Page[T]{Result: make([]*T, 0, end-from)}
	for _, v := range items[from:end] {
		p.Result = append(p.Result, &v)
	}
	if end < len(items) {
		p.Next = id(&items[end-1])
	}
	return p, nil
}

// ListProjects implements ticketing.Driver: IT (IT Service Desk), OPS
// (Operations) and SEC (Security), in id order.
func (d *driver) ListProjects(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	return pageOf(projects, func(p *ticketing.Project) string { return p.ID }, req, ticketing.DefaultProjectLimit)
}

// ListIssueTypes implements ticketing.Driver: Task, Bug and Incident, in
// every project. An unknown project is errs.NotFound.
func (d *driver) ListIssueTypes(ctx context.Context, project string) ([]ticketing.IssueType, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if project != "" && findProject(project) == nil {
		return nil, errs.New(errs.NotFound, "project %q not found", clip(project))
	}
	out := slices.Clone(issueTypes)
	for i := range out {
		out[i].Project = project
	}
	return out, nil
}

func stringField(id string) ticketing.RemoteField {
	return ticketing.RemoteField{FieldID: id, FieldScope: ticketing.ScopeStandard, ProviderFieldName: id,
		ProviderFieldPath: id, Schema: &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldString, FieldType: "string"}}
}

func enumField(id string, values []string) ticketing.RemoteField {
	f := stringField(id)
	f.Schema = &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldEnum, FieldType: "enum", EnumValues: values}
	for _, v := range values {
		f.Schema.EnumOptionValues = append(f.Schema.EnumOptionValues, ticketing.EnumOption{ID: v, Name: v})
	}
	return f
}

func otherField(id, typ string) ticketing.RemoteField {
	f := stringField(id)
	f.Schema = &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldOther, FieldType: typ}
	return f
}

// ListRemoteFields implements ticketing.Driver: the model's ticket fields
// (scope standard), then one field per custom_field_mapping (scope
// integration_custom for project "*", else project_custom), whose field_id
// and path are the mapping's provider_field_path and whose name is the
// custom_fields key.
func (d *driver) ListRemoteFields(ctx context.Context) ([]ticketing.RemoteField, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	prios := make([]string, len(ticketing.Priorities))
	for i, p := range ticketing.Priorities {
		prios[i] = string(p)
	}
	types := make([]string, len(issueTypes))
	for i, it := range issueTypes {
		types[i] = it.ID
	}
	out := []ticketing.RemoteField{
		stringField("summary"), stringField("description"), stringField("creator"), stringField("assignee"),
		stringField("contact"), stringField("status"), enumField("priority", prios),
		enumField("project", projectIDs()), enumField("issue_type", types),
		otherField("tags", "array"), otherField("due_date", "datetime"), otherField("completion_date", "datetime"),
	}
	for _, m := range d.mappings {
		f := ticketing.RemoteField{FieldID: m.ProviderFieldPath, FieldScope: ticketing.ScopeIntegrationCustom,
			ProviderFieldName: m.Name, ProviderFieldPath: m.ProviderFieldPath,
			Schema: &ticketing.RemoteFieldSchema{FieldTypeID: ticketing.FieldOther, FieldType: "json"}}
		if m.ProjectID != "*" {
			f.FieldScope, f.ProjectID = ticketing.ScopeProjectCustom, m.ProjectID
		}
		out = append(out, f)
	}
	return out, nil
}

// QueryEscalationPolicies implements ticketing.Driver: EP-OPS
// (Operations) and EP-SEC (Security), in id order.
func (d *driver) QueryEscalationPolicies(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.EscalationPolicy], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	ps := make([]ticketing.EscalationPolicy, len(escalationPolicies))
	for i, p := range escalationPolicies {
		ps[i] = clonePolicy(p.policy)
	}
	return pageOf(ps, func(p *ticketing.EscalationPolicy) string { return p.ID }, req, ticketing.DefaultProjectLimit)
}

// clonePolicy deep-copies a policy, filling full agents into agent actors.
func clonePolicy(p ticketing.EscalationPolicy) ticketing.EscalationPolicy {
	p.Rules = slices.Clone(p.Rules)
	for i := range p.Rules {
		p.Rules[i].Actors = slices.Clone(p.Rules[i].Actors)
		for j, a := range p.Rules[i].Actors {
			if a.Type == ticketing.ActorAgent {
				if ag, ok := agents[a.ID]; ok {
					p.Rules[i].Actors[j].Agent = &ag
				}
			}
		}
	}
	return p
}

// ListOnCall implements ticketing.Driver: EP-OPS has Grace Hopper on call,
// EP-SEC Ada Lovelace and Alan Turing. An unknown policy is errs.NotFound.
func (d *driver) ListOnCall(ctx context.Context, policyID string) ([]ticketing.Agent, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	for _, p := range escalationPolicies {
		if p.policy.ID == policyID {
			out := make([]ticketing.Agent, 0, len(p.onCall))
			for _, uid := range p.onCall {
				out = append(out, agents[uid])
			}
			return out, nil
		}
	}
	return nil, errs.New(errs.NotFound, "escalation policy %q not found", clip(policyID))
}
