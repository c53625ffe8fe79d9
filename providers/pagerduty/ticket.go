package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// urgencyField is the custom_fields key of an incident's urgency.
const urgencyField = "urgency"

// toTicket maps an incident to a ticket, but for its description (see
// driver.description). prios are the account's priorities. The creator
// (the user who triggered the incident) and the assignee are e-mails,
// looked up (and cached) when the response carries only user references.
func (d *driver) toTicket(ctx context.Context, in *pdIncident, prios []pdPriority) ticketing.Ticket {
	t := ticketing.Ticket{
		ID:       in.ID,
		Summary:  in.Title,
		Status:   in.Status,
		Priority: readPriority(prios, in.Priority),
	}
	if t.Summary == "" {
		t.Summary = in.Summary
	}
	if in.IncidentNumber > 0 {
		t.Name = strconv.FormatInt(in.IncidentNumber, 10)
	} else {
		t.Name = in.ID
	}
	if in.Service != nil {
		t.Project = in.Service.ID
	}
	if in.IncidentType != nil {
		t.IssueType = in.IncidentType.Name
	}
	for _, a := range in.Assignments {
		if a.Assignee != nil {
			t.Assignee = d.emailOf(ctx, a.Assignee)
			break
		}
	}
	if e := in.FirstTriggerLogEntry; e != nil && e.Agent != nil {
		switch e.Agent.Type {
		case "", "user", "user_reference":
			t.Creator = d.emailOf(ctx, &pdUser{ID: e.Agent.ID, Type: e.Agent.Type, Summary: e.Agent.Summary})
		default: // a service or an integration triggered it
			t.Creator = e.Agent.Summary
		}
	}
	t.CreatedAt = timeOr(in.CreatedAt, time.Time{})
	t.UpdatedAt = timeOr(in.UpdatedAt, timeOr(in.LastStatusChangeAt, t.CreatedAt))
	if in.ResolvedAt != nil && !in.ResolvedAt.IsZero() {
		r := in.ResolvedAt.UTC()
		t.CompletionDate = &r
	}
	if in.Urgency != "" {
		t.CustomFields = map[string]any{urgencyField: in.Urgency}
	}
	t.Unmapped = unmappedOf(in)
	return t
}

// unmappedOf keeps the incident fields that have no place in a ticket.
func unmappedOf(in *pdIncident) map[string]any {
	u := map[string]any{"incident_number": in.IncidentNumber}
	set := func(k, v string) {
		if v != "" {
			u[k] = v
		}
	}
	set("html_url", in.HTMLURL)
	set("assigned_via", in.AssignedVia)
	if in.IncidentKey != nil {
		set("incident_key", *in.IncidentKey)
	}
	if in.Service != nil {
		set("service_name", in.Service.Summary)
	}
	if p := in.EscalationPolicy; p != nil && p.ID != "" {
		u["escalation_policy"] = map[string]any{"id": p.ID, "name": p.Summary}
	}
	if p := in.Priority; p != nil && p.ID != "" {
		u["pagerduty_priority"] = map[string]any{"id": p.ID, "name": p.label()}
	}
	if in.LastStatusChangeAt != nil {
		u["last_status_change_at"] = in.LastStatusChangeAt.UTC().Format(time.RFC3339)
	}
	if len(in.Teams) > 0 {
		ids := make([]any, 0, len(in.Teams))
		for _, tm := range in.Teams {
			ids = append(ids, tm.ID)
		}
		u["team_ids"] = ids
	}
	return u
}

// detailsText renders an incident body's details as text: a JSON string
// as is, any other JSON value (PagerDuty also stores objects) as compact
// JSON.
func detailsText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ""
	}
	return buf.String()
}

func timeOr(t *time.Time, def time.Time) time.Time {
	if t == nil || t.IsZero() {
		return def
	}
	return t.UTC()
}
