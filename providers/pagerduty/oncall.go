package pagerduty

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// QueryEscalationPolicies implements ticketing.Driver: GET
// /escalation_policies, by name. Each rule's escalation_delay_in_minutes
// becomes delay_seconds; user targets become agent_summary actors and
// schedule targets schedule_summary actors.
func (d *driver) QueryEscalationPolicies(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.EscalationPolicy], error) {
	offset, err := parseCursor(req.Cursor)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = ticketing.DefaultProjectLimit
	}
	pols, next, more, err := listPage[pdPolicy](ctx, d, "/escalation_policies", "escalation_policies",
		url.Values{"sort_by": {"name"}}, offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*ticketing.EscalationPolicy, 0, len(pols))
	for i := range pols {
		ep := toPolicy(&pols[i])
		out = append(out, &ep)
	}
	return &ticketing.Page[ticketing.EscalationPolicy]{Result: out, Next: cursor(next, more)}, nil
}

func toPolicy(p *pdPolicy) ticketing.EscalationPolicy {
	name := p.Name
	if name == "" {
		name = p.Summary
	}
	ep := ticketing.EscalationPolicy{ID: p.ID, Name: name, Description: p.Description,
		Rules: make([]ticketing.EscalationPolicyRule, 0, len(p.EscalationRules))}
	for _, r := range p.EscalationRules {
		rule := ticketing.EscalationPolicyRule{ID: r.ID, DelaySeconds: r.EscalationDelayInMinutes * 60,
			Actors: make([]ticketing.Actor, 0, len(r.Targets))}
		var skipped []any
		for _, t := range r.Targets {
			switch t.Type {
			case "user", "user_reference":
				rule.Actors = append(rule.Actors, ticketing.Actor{Type: ticketing.ActorAgentSummary, ID: t.ID, Name: t.Summary})
			case "schedule", "schedule_reference", "schedule_v3_reference":
				rule.Actors = append(rule.Actors, ticketing.Actor{Type: ticketing.ActorScheduleSummary, ID: t.ID, Name: t.Summary})
			default:
				skipped = append(skipped, map[string]any{"id": t.ID, "type": t.Type, "summary": t.Summary})
			}
		}
		if len(skipped) > 0 {
			rule.Unmapped = map[string]any{"targets": skipped}
		}
		ep.Rules = append(ep.Rules, rule)
	}
	u := map[string]any{"num_loops": p.NumLoops}
	if p.HTMLURL != "" {
		u["html_url"] = p.HTMLURL
	}
	if p.OnCallHandoffNotifications != "" {
		u["on_call_handoff_notifications"] = p.OnCallHandoffNotifications
	}
	if ids := refIDs(p.Services); len(ids) > 0 {
		u["service_ids"] = ids
	}
	if ids := refIDs(p.Teams); len(ids) > 0 {
		u["team_ids"] = ids
	}
	ep.Unmapped = u
	return ep
}

func refIDs(refs []reference) []any {
	var out []any
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

// ListOnCall implements ticketing.Driver: who is on call now for an
// escalation policy (GET /oncalls?escalation_policy_ids[]=..., users
// included; users the answer does not describe are looked up). Each user
// appears once, at their lowest escalation level; the list is ordered by
// level, then name. A policy that does not exist is errs.ErrNotFound.
func (d *driver) ListOnCall(ctx context.Context, policyID string) ([]ticketing.Agent, error) {
	q := url.Values{"escalation_policy_ids[]": {policyID}, "include[]": {"users"}}
	ocs, _, _, err := listPage[pdOnCall](ctx, d, "/oncalls", "oncalls", q, 0, 0)
	if err != nil {
		return nil, err
	}
	if len(ocs) == 0 {
		// An unknown policy has no on-call entries either: tell them apart.
		var out struct {
			Policy *pdPolicy `json:"escalation_policy"`
		}
		_, err := d.call(ctx, http.MethodGet, "/escalation_policies/"+escape(policyID), nil, "", nil, &out)
		if err != nil {
			return nil, err
		}
		if out.Policy == nil {
			return nil, errUnknownPolicy(policyID)
		}
		return []ticketing.Agent{}, nil
	}
	type entry struct {
		agent ticketing.Agent
		level int
	}
	seen := map[string]int{}
	var entries []entry
	for _, oc := range ocs {
		if oc.User == nil || oc.User.ID == "" {
			continue
		}
		u := *oc.User
		if u.Email == "" || u.displayName() == "" {
			if full, err := d.user(ctx, u.ID); err == nil {
				u = full
			}
		}
		if i, ok := seen[u.ID]; ok {
			if oc.EscalationLevel < entries[i].level {
				entries[i] = entry{toAgent(&u, &oc), oc.EscalationLevel}
			}
			continue
		}
		seen[u.ID] = len(entries)
		entries = append(entries, entry{toAgent(&u, &oc), oc.EscalationLevel})
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.level, b.level), cmp.Compare(a.agent.FullName, b.agent.FullName))
	})
	out := make([]ticketing.Agent, len(entries))
	for i, e := range entries {
		out[i] = e.agent
	}
	return out, nil
}

func toAgent(u *pdUser, oc *pdOnCall) ticketing.Agent {
	a := ticketing.Agent{UID: u.ID, FullName: u.displayName(), EmailAddr: u.Email, TimeZone: u.TimeZone,
		JobTitle: u.JobTitle}
	if a.FullName == "" {
		a.FullName = u.ID
	}
	m := map[string]any{"escalation_level": oc.EscalationLevel}
	if u.HTMLURL != "" {
		m["html_url"] = u.HTMLURL
	}
	if u.Role != "" {
		m["role"] = u.Role
	}
	if oc.Schedule != nil && oc.Schedule.ID != "" {
		m["schedule"] = map[string]any{"id": oc.Schedule.ID, "name": oc.Schedule.Summary}
	}
	if oc.Start != nil {
		m["start"] = oc.Start.UTC().Format(time.RFC3339)
	}
	if oc.End != nil {
		m["end"] = oc.End.UTC().Format(time.RFC3339)
	}
	a.Unmapped = m
	return a
}

// errUnknownPolicy is the error of ListOnCall for a policy that does not
// exist.
func errUnknownPolicy(id string) error {
	return errs.New(errs.NotFound, "pagerduty: escalation policy %q not found", clip(id))
}
