package pdfake

import (
	"encoding/json"
	"time"
)

// The account's objects as the server stores them. They are rendered into
// PagerDuty's JSON shapes by the render functions below, always under the
// server's lock.

type user struct {
	ID, Name, Email, TimeZone, Role, JobTitle string
}

type service struct {
	ID, Name, Description, PolicyID string
	CreatedAt                       time.Time
}

type priority struct {
	ID, Name, Description string
}

type schedule struct {
	ID, Name   string
	OnCall     string // user id
	Start, End time.Time
}

type target struct {
	Type string // user_reference or schedule_reference
	ID   string
}

type rule struct {
	ID           string
	DelayMinutes int
	Targets      []target
}

type policy struct {
	ID, Name, Description string
	NumLoops              int
	Rules                 []rule
}

type incidentType struct {
	ID, Name, DisplayName, Parent string
	Enabled                       bool
}

type assignment struct {
	UserID string
	At     time.Time
}

type incident struct {
	ID, Title, Status, Urgency, IncidentKey, TypeName string
	Number                                            int
	ServiceID, PolicyID, PriorityID                   string
	Details                                           json.RawMessage // body.details as sent, nil if none
	Assignments                                       []assignment
	Acknowledgers                                     []assignment
	CreatedAt, UpdatedAt, LastStatusChangeAt          time.Time
	ResolvedAt                                        *time.Time
	LastStatusChangeBy                                string // user id
	TriggeredBy, TriggerLogID                         string
	Notes                                             []*note
}

type note struct {
	ID, UserID, Content  string
	CreatedAt, UpdatedAt time.Time
}

// timeFormat is how PagerDuty writes times: RFC 3339 in UTC, to the second.
const timeFormat = "2006-01-02T15:04:05Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// obj is a JSON object being rendered.
type obj = map[string]any

func (s *Server) ref(kind, id, summary, path string) obj {
	o := obj{"id": id, "type": kind + "_reference", "summary": summary, "self": s.URL + path + "/" + id}
	if kind != "priority" {
		o["html_url"] = htmlBase + path + "/" + id
	}
	return o
}

// htmlBase is the web app's address in html_url fields.
const htmlBase = "https://fake.pagerduty.com"

func (s *Server) userRef(id string) obj {
	name := id
	if u := s.userByID(id); u != nil {
		name = u.Name
	}
	return s.ref("user", id, name, "/users")
}

func (s *Server) renderUser(u *user) obj {
	return obj{"id": u.ID, "type": "user", "summary": u.Name, "name": u.Name, "email": u.Email,
		"time_zone": u.TimeZone, "role": u.Role, "job_title": u.JobTitle, "color": "green",
		"self": s.URL + "/users/" + u.ID, "html_url": htmlBase + "/users/" + u.ID,
		"avatar_url": "https://pd-static-assets.pagerduty.com/users/blank-avatar.png", "invitation_sent": false}
}

func (s *Server) renderService(v *service) obj {
	p := s.policyByID(v.PolicyID)
	pname := ""
	if p != nil {
		pname = p.Name
	}
	return obj{"id": v.ID, "type": "service", "summary": v.Name, "name": v.Name, "description": v.Description,
		"status": "active", "self": s.URL + "/services/" + v.ID, "html_url": htmlBase + "/service-directory/" + v.ID,
		"created_at": ts(v.CreatedAt), "auto_resolve_timeout": 14400, "acknowledgement_timeout": 600,
		"escalation_policy": s.ref("escalation_policy", v.PolicyID, pname, "/escalation_policies"),
		"teams":             []any{}, "integrations": []any{}, "alert_creation": "create_alerts_and_incidents"}
}

func (s *Server) renderPriority(p *priority) obj {
	return obj{"id": p.ID, "type": "priority", "summary": p.Name, "name": p.Name, "description": p.Description,
		"self": s.URL + "/priorities/" + p.ID}
}

func (s *Server) renderPolicy(p *policy) obj {
	rules := make([]any, 0, len(p.Rules))
	for _, r := range p.Rules {
		targets := make([]any, 0, len(r.Targets))
		for _, t := range r.Targets {
			if t.Type == "schedule_reference" {
				name := t.ID
				if sc := s.scheduleByID(t.ID); sc != nil {
					name = sc.Name
				}
				targets = append(targets, s.ref("schedule", t.ID, name, "/schedules"))
				continue
			}
			targets = append(targets, s.userRef(t.ID))
		}
		rules = append(rules, obj{"id": r.ID, "escalation_delay_in_minutes": r.DelayMinutes, "targets": targets})
	}
	services := []any{}
	for _, v := range s.services {
		if v.PolicyID == p.ID {
			services = append(services, s.ref("service", v.ID, v.Name, "/services"))
		}
	}
	return obj{"id": p.ID, "type": "escalation_policy", "summary": p.Name, "name": p.Name,
		"description": p.Description, "num_loops": p.NumLoops, "on_call_handoff_notifications": "if_has_services",
		"escalation_rules": rules, "services": services, "teams": []any{},
		"self": s.URL + "/escalation_policies/" + p.ID, "html_url": htmlBase + "/escalation_policies/" + p.ID}
}

func (s *Server) renderNote(n *note) obj {
	return obj{"id": n.ID, "user": s.userRef(n.UserID), "channel": obj{"summary": "The PagerDuty website or APIs"},
		"content": n.Content, "created_at": ts(n.CreatedAt), "updated_at": ts(n.UpdatedAt)}
}

// includes says which related objects an incident response expands.
type includes struct {
	body, assignees, firstTrigger, services, priorities bool
}

func (s *Server) renderIncident(in *incident, inc includes) obj {
	svcName, polName := in.ServiceID, in.PolicyID
	var svc *service
	if svc = s.serviceByID(in.ServiceID); svc != nil {
		svcName = svc.Name
	}
	if p := s.policyByID(in.PolicyID); p != nil {
		polName = p.Name
	}
	assignments := make([]any, 0, len(in.Assignments))
	for _, a := range in.Assignments {
		var who obj
		if u := s.userByID(a.UserID); inc.assignees && u != nil {
			who = s.renderUser(u)
		} else {
			who = s.userRef(a.UserID)
		}
		assignments = append(assignments, obj{"at": ts(a.At), "assignee": who})
	}
	acks := make([]any, 0, len(in.Acknowledgers))
	for _, a := range in.Acknowledgers {
		acks = append(acks, obj{"at": ts(a.At), "acknowledger": s.userRef(a.UserID)})
	}
	trigger := obj{"id": in.TriggerLogID, "type": "trigger_log_entry_reference", "summary": "Triggered through the API",
		"self":     s.URL + "/log_entries/" + in.TriggerLogID + "?incident_id=" + in.ID,
		"html_url": htmlBase + "/incidents/" + in.ID + "/log_entries/" + in.TriggerLogID}
	if inc.firstTrigger {
		trigger = obj{"id": in.TriggerLogID, "type": "trigger_log_entry", "summary": "Triggered through the API",
			"created_at": ts(in.CreatedAt), "agent": s.userRef(in.TriggeredBy),
			"channel": obj{"type": "api"}, "service": s.ref("service", in.ServiceID, svcName, "/services"),
			"incident": s.ref("incident", in.ID, in.Title, "/incidents"),
			"self":     trigger["self"], "html_url": trigger["html_url"]}
	}
	o := obj{
		"id": in.ID, "type": "incident", "summary": "[#" + itoa(in.Number) + "] " + in.Title,
		"self": s.URL + "/incidents/" + in.ID, "html_url": htmlBase + "/incidents/" + in.ID,
		"incident_number": in.Number, "title": in.Title, "created_at": ts(in.CreatedAt),
		"updated_at": ts(in.UpdatedAt), "status": in.Status, "urgency": in.Urgency,
		"incident_key": nilIfEmpty(in.IncidentKey),
		"service":      s.ref("service", in.ServiceID, svcName, "/services"),
		"assignments":  assignments, "acknowledgements": acks,
		"assigned_via": "escalation_policy", "last_status_change_at": ts(in.LastStatusChangeAt),
		"last_status_change_by": s.userRef(in.LastStatusChangeBy), "resolved_at": tsPtr(in.ResolvedAt),
		"first_trigger_log_entry": trigger,
		"alert_counts":            obj{"all": 0, "triggered": 0, "resolved": 0},
		"is_mergeable":            true, "incident_type": obj{"name": in.TypeName},
		"escalation_policy": s.ref("escalation_policy", in.PolicyID, polName, "/escalation_policies"),
		"teams":             []any{}, "pending_actions": []any{}, "priority": nil, "resolve_reason": nil,
	}
	if inc.services && svc != nil {
		o["service"] = s.renderService(svc)
	}
	if p := s.priorityByID(in.PriorityID); p != nil {
		o["priority"] = obj{"id": p.ID, "type": "priority_reference", "summary": p.Name, "self": s.URL + "/priorities/" + p.ID}
		if inc.priorities {
			o["priority"] = s.renderPriority(p)
		}
	}
	if inc.body {
		body := obj{"type": "incident_body", "details": nil}
		if in.Details != nil {
			body["details"] = in.Details
		}
		o["body"] = body
	}
	return o
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
