package ticketingtest

import (
	"slices"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

func testProjects(e *env) {
	e.need(ticketing.OpListProjects)
	projectID := func(p *ticketing.Project) string { return p.ID }
	all := collect(e, "Projects", e.c.AllProjects(e.ctx), projectID)
	for id, p := range all {
		if id == "" || p.Name == "" {
			e.t.Errorf("Projects yields a project without an id or a name: %+v", *p)
		}
	}
	if e.h.Project != "" {
		if _, ok := all[e.h.Project]; !ok {
			e.t.Errorf("Projects does not yield Harness.Project %q", e.h.Project)
		}
	}
	paged := pageByPage(e, "ListProjects one at a time", 1, func(cursor string) (*ticketing.Page[ticketing.Project], error) {
		return e.c.ListProjects(e.ctx, ticketing.ListRequest{Limit: 1, Cursor: cursor})
	}, projectID)
	want := make([]string, 0, len(all))
	for id := range all {
		want = append(want, id)
	}
	e.onceEach("ListProjects one at a time", paged, want)
	if len(paged) != len(want) {
		e.t.Errorf("ListProjects one at a time lists %d projects, Projects %d", len(paged), len(want))
	}
}

func testIssueTypes(e *env) {
	e.need(ticketing.OpListIssueTypes)
	its, err := e.c.ListIssueTypes(e.ctx, e.h.Project)
	if err != nil {
		e.t.Fatalf("ListIssueTypes(%q): %v", e.h.Project, err)
	}
	for _, it := range its {
		if it.ID == "" {
			e.t.Errorf("ListIssueTypes(%q) lists an issue type without an id: %+v", e.h.Project, it)
		}
	}
	if e.h.IssueType != "" && !slices.ContainsFunc(its, func(it ticketing.IssueType) bool {
		return it.ID == e.h.IssueType || it.Name == e.h.IssueType
	}) {
		e.t.Errorf("ListIssueTypes(%q) does not list Harness.IssueType %q (by id or name): %+v", e.h.Project, e.h.IssueType, its)
	}
}

func testRemoteFields(e *env) {
	e.need(ticketing.OpListRemoteFields)
	fields, err := e.c.ListRemoteFields(e.ctx)
	if err != nil {
		e.t.Fatalf("ListRemoteFields: %v", err)
	}
	scopes := []ticketing.FieldScope{ticketing.ScopeStandard, ticketing.ScopeIntegrationCustom, ticketing.ScopeProjectCustom,
		ticketing.ScopeTicketCustom, ticketing.ScopeUnknown}
	types := []ticketing.FieldType{ticketing.FieldString, ticketing.FieldNumber, ticketing.FieldEnum, ticketing.FieldOther}
	for _, f := range fields {
		switch {
		case f.FieldID == "" || f.ProviderFieldName == "":
			e.t.Errorf("ListRemoteFields lists a field without field_id or provider_field_name: %+v", f)
		case !slices.Contains(scopes, f.FieldScope):
			e.t.Errorf("ListRemoteFields lists field %q with field_scope %q; use one of %v", f.FieldID, f.FieldScope, scopes)
		case f.Schema != nil && !slices.Contains(types, f.Schema.FieldTypeID):
			e.t.Errorf("ListRemoteFields lists field %q with field_type_id %q; use one of %v", f.FieldID, f.Schema.FieldTypeID, types)
		}
	}
	e.t.Logf("ListRemoteFields lists %d fields", len(fields))
}

func testEscalationPolicies(e *env) {
	e.need(ticketing.OpQueryEscalationPolicies)
	policyID := func(p *ticketing.EscalationPolicy) string { return p.ID }
	var policies []*ticketing.EscalationPolicy
	paged := pageByPage(e, "QueryEscalationPolicies one at a time", 1, func(cursor string) (*ticketing.Page[ticketing.EscalationPolicy], error) {
		p, err := e.c.QueryEscalationPolicies(e.ctx, ticketing.ListRequest{Limit: 1, Cursor: cursor})
		if err == nil {
			policies = append(policies, p.Result...)
		}
		return p, err
	}, policyID)
	e.onceEach("QueryEscalationPolicies one at a time", paged, slices.Compact(slices.Sorted(slices.Values(paged))))
	actorTypes := []ticketing.ActorType{ticketing.ActorAgent, ticketing.ActorAgentSummary, ticketing.ActorGroupSummary, ticketing.ActorScheduleSummary}
	for _, p := range policies {
		if p.ID == "" {
			e.t.Errorf("QueryEscalationPolicies lists a policy without an id: %+v", p)
		}
		for _, r := range p.Rules {
			if r.DelaySeconds < 0 {
				e.t.Errorf("escalation policy %s has a rule with delay_seconds %d", p.ID, r.DelaySeconds)
			}
			for _, a := range r.Actors {
				if !slices.Contains(actorTypes, a.Type) {
					e.t.Errorf("escalation policy %s has an actor of type %q; use one of %v", p.ID, a.Type, actorTypes)
				}
				if a.Type == ticketing.ActorAgent && a.Agent == nil && a.ID == "" {
					e.t.Errorf("escalation policy %s has an agent actor with neither an agent nor an id", p.ID)
				}
			}
		}
	}
	if len(policies) == 0 {
		e.t.Log("QueryEscalationPolicies lists no policies: on-call is not checked for a listed policy")
		return
	}
	if !e.caps.Supports(ticketing.OpListOnCall) {
		e.assertUnsupported(ticketing.OpListOnCall)
		return
	}
	for _, p := range policies[:min(3, len(policies))] {
		agents, err := e.c.ListOnCall(e.ctx, p.ID)
		if err != nil {
			e.t.Errorf("ListOnCall(%s) of a listed policy: %v", p.ID, err)
		}
		for _, a := range agents {
			if a.UID == "" {
				e.t.Errorf("ListOnCall(%s) lists an agent without a uid: %+v", p.ID, a)
			}
		}
	}
}

func testOnCall(e *env) {
	e.need(ticketing.OpListOnCall)
	_, err := e.c.ListOnCall(e.ctx, missingID)
	e.expect("ListOnCall of "+missingID, err, errs.ErrNotFound)
}
