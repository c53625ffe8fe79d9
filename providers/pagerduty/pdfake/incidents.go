package pdfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The incident statuses and urgencies.
var (
	statuses  = []string{"triggered", "acknowledged", "resolved"}
	urgencies = []string{"high", "low"}
)

// incidentIncludes are the include[] values the incident endpoints accept:
// the documented enumeration plus "body", which the Incident schema
// documents.
var incidentIncludes = []string{"acknowledgers", "agents", "assignees", "conference_bridge", "custom_fields",
	"escalation_policies", "first_trigger_log_entries", "priorities", "services", "teams", "users", "body"}

// parseIncludes reads include[]; ok is false (and a 400 written) for an
// unknown value.
func parseIncludes(w http.ResponseWriter, r *http.Request) (includes, bool) {
	var inc includes
	for _, v := range r.URL.Query()["include[]"] {
		if !slices.Contains(incidentIncludes, v) {
			invalid(w, "include[] value "+v+" is not supported")
			return inc, false
		}
		switch v {
		case "body":
			inc.body = true
		case "assignees":
			inc.assignees = true
		case "first_trigger_log_entries":
			inc.firstTrigger = true
		case "services":
			inc.services = true
		case "priorities":
			inc.priorities = true
		}
	}
	return inc, true
}

// GET /incidents/{id}: by id or incident number.
func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) {
	inc, ok := parseIncludes(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.incidentByID(r.PathValue("id"))
	if in == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, obj{"incident": s.renderIncident(in, inc)})
}

// createIn is the body of POST /incidents.
type createIn struct {
	Incident *struct {
		Type         string  `json:"type"`
		Title        *string `json:"title"`
		Service      *refIn  `json:"service"`
		Priority     *refIn  `json:"priority"`
		Urgency      string  `json:"urgency"`
		IncidentKey  string  `json:"incident_key"`
		IncidentType *refIn  `json:"incident_type"`
		Policy       *refIn  `json:"escalation_policy"`
		Body         *struct {
			Type    string          `json:"type"`
			Details json.RawMessage `json:"details"`
		} `json:"body"`
		Assignments []assignmentIn `json:"assignments"`
	} `json:"incident"`
}

// POST /incidents: needs From; type "incident", title and a
// service_reference; answers 201 {"incident":{...}}. An incident_key that
// an open incident of the service already has is refused (duplicateKey).
func (s *Server) createIncident(w http.ResponseWriter, r *http.Request) {
	var body createIn
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.requester(w, r)
	if from == nil {
		return
	}
	b := body.Incident
	switch {
	case b == nil:
		invalid(w, "incident is required")
		return
	case b.Type != "incident":
		invalid(w, "incident type must be incident")
		return
	case b.Title == nil || strings.TrimSpace(*b.Title) == "":
		invalid(w, "Title can't be blank")
		return
	case b.Service == nil || b.Service.Type != "service_reference" || b.Service.ID == "":
		invalid(w, "Service must be a service_reference")
		return
	case len(b.Assignments) > 0 && b.Policy != nil:
		invalid(w, "Assignments cannot be specified together with an escalation policy")
		return
	}
	svc := s.serviceByID(b.Service.ID)
	if svc == nil {
		invalid(w, "Service not found")
		return
	}
	now := s.clock()
	in := &incident{ID: s.newID("Q"), Number: len(s.incidents) + 1, Title: *b.Title, Status: "triggered",
		Urgency: "high", ServiceID: svc.ID, PolicyID: svc.PolicyID, TypeName: IncidentTypeDefault,
		CreatedAt: now, UpdatedAt: now, LastStatusChangeAt: now, LastStatusChangeBy: from.ID, TriggeredBy: from.ID,
		TriggerLogID: s.newID("R"), IncidentKey: b.IncidentKey}
	if b.Urgency != "" {
		if !slices.Contains(urgencies, b.Urgency) {
			invalid(w, "Urgency must be high or low")
			return
		}
		in.Urgency = b.Urgency
	}
	if b.Priority != nil {
		if b.Priority.Type != "priority_reference" || s.priorityByID(b.Priority.ID) == nil {
			invalid(w, "Priority not found")
			return
		}
		in.PriorityID = b.Priority.ID
	}
	if b.IncidentType != nil {
		t := s.incidentTypeByName(b.IncidentType.Name)
		if t == nil || !t.Enabled {
			invalid(w, "Incident type not found or not enabled")
			return
		}
		in.TypeName = t.Name
	}
	if b.Policy != nil {
		if s.policyByID(b.Policy.ID) == nil {
			invalid(w, "Escalation policy not found")
			return
		}
		in.PolicyID = b.Policy.ID
	}
	if b.Body != nil && len(b.Body.Details) > 0 && !bytes.Equal(b.Body.Details, []byte("null")) {
		in.Details = slices.Clone(b.Body.Details)
	}
	// PagerDuty deduplicates creates by incident_key: "Sending subsequent
	// requests referencing the same service and with the same incident_key
	// will result in those requests being rejected if an open incident
	// matches that incident_key" (POST /incidents), with a 400.
	if in.IncidentKey != "" {
		for _, o := range s.incidents {
			if o.ServiceID == in.ServiceID && o.IncidentKey == in.IncidentKey && o.Status != "resolved" {
				duplicateKey(w)
				return
			}
		}
	}
	ids, ok := s.assignees(w, b.Assignments)
	if !ok {
		return
	}
	if len(ids) == 0 {
		ids = s.firstLevel(in.PolicyID)
	}
	for _, id := range ids {
		in.Assignments = append(in.Assignments, assignment{UserID: id, At: now})
	}
	s.incidents = append(s.incidents, in)
	writeJSON(w, http.StatusCreated, obj{"incident": s.renderIncident(in, includes{})})
}

// firstLevel returns the users on call at the first level of a policy.
func (s *Server) firstLevel(policyID string) []string {
	p := s.policyByID(policyID)
	if p == nil || len(p.Rules) == 0 {
		return nil
	}
	var ids []string
	for _, t := range p.Rules[0].Targets {
		id := t.ID
		if t.Type == "schedule_reference" {
			sc := s.scheduleByID(t.ID)
			if sc == nil {
				continue
			}
			id = sc.OnCall
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// updateIn is the body of PUT /incidents/{id}.
type updateIn struct {
	Incident *struct {
		Type         string          `json:"type"`
		Status       string          `json:"status"`
		Title        *string         `json:"title"`
		Priority     json.RawMessage `json:"priority"`
		Urgency      string          `json:"urgency"`
		Resolution   string          `json:"resolution"`
		Service      *refIn          `json:"service"`
		IncidentType *refIn          `json:"incident_type"`
		Policy       *refIn          `json:"escalation_policy"`
		Assignments  []assignmentIn  `json:"assignments"`
	} `json:"incident"`
}

// PUT /incidents/{id}: needs From; changes status, title, priority,
// urgency, service, incident type, escalation policy and assignments.
func (s *Server) updateIncident(w http.ResponseWriter, r *http.Request) {
	var body updateIn
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.requester(w, r)
	if from == nil {
		return
	}
	in := s.incidentByID(r.PathValue("id"))
	if in == nil {
		notFound(w)
		return
	}
	b := body.Incident
	if b == nil || (b.Type != "incident" && b.Type != "incident_reference") {
		invalid(w, "incident with type incident_reference is required")
		return
	}
	// Validate everything before changing anything.
	if b.Status != "" && !slices.Contains(statuses, b.Status) {
		invalid(w, "Status must be triggered, acknowledged or resolved")
		return
	}
	if b.Title != nil && strings.TrimSpace(*b.Title) == "" {
		invalid(w, "Title can't be blank")
		return
	}
	if b.Urgency != "" && !slices.Contains(urgencies, b.Urgency) {
		invalid(w, "Urgency must be high or low")
		return
	}
	prio, ok := s.priorityIn(w, b.Priority)
	if !ok {
		return
	}
	var svc *service
	if b.Service != nil {
		if svc = s.serviceByID(b.Service.ID); svc == nil || b.Service.Type != "service_reference" {
			invalid(w, "Service not found")
			return
		}
	}
	var itype *incidentType
	if b.IncidentType != nil {
		if itype = s.incidentTypeByName(b.IncidentType.Name); itype == nil || !itype.Enabled {
			invalid(w, "Incident type not found or not enabled")
			return
		}
	}
	if b.Policy != nil && s.policyByID(b.Policy.ID) == nil {
		invalid(w, "Escalation policy not found")
		return
	}
	ids, ok := s.assignees(w, b.Assignments)
	if !ok {
		return
	}
	now := s.clock()
	if b.Title != nil {
		in.Title = *b.Title
	}
	if b.Urgency != "" {
		in.Urgency = b.Urgency
	}
	if prio != nil {
		in.PriorityID = prio.ID
	}
	if svc != nil {
		in.ServiceID, in.PolicyID = svc.ID, svc.PolicyID
	}
	if itype != nil {
		in.TypeName = itype.Name
	}
	if b.Policy != nil {
		in.PolicyID = b.Policy.ID
	}
	if len(ids) > 0 {
		in.Assignments = nil
		for _, id := range ids {
			in.Assignments = append(in.Assignments, assignment{UserID: id, At: now})
		}
	}
	if b.Status != "" && b.Status != in.Status {
		s.setStatus(in, b.Status, from, now)
	}
	in.UpdatedAt = now
	writeJSON(w, http.StatusOK, obj{"incident": s.renderIncident(in, includes{})})
}

// priorityIn resolves the priority of an update: a reference object or a
// priority name (the most severe of that name); nil if none was given.
func (s *Server) priorityIn(w http.ResponseWriter, raw json.RawMessage) (*priority, bool) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, true
	}
	var name string
	if json.Unmarshal(raw, &name) == nil {
		for _, p := range s.priorities {
			if p.Name == name {
				return p, true
			}
		}
		invalid(w, "Priority not found")
		return nil, false
	}
	var ref refIn
	if err := json.Unmarshal(raw, &ref); err != nil || (ref.Type != "priority_reference" && ref.Type != "priority") {
		invalid(w, "Priority must be a priority_reference or a priority name")
		return nil, false
	}
	p := s.priorityByID(ref.ID)
	if p == nil {
		invalid(w, "Priority not found")
		return nil, false
	}
	return p, true
}

// setStatus moves an incident to a new status the way PagerDuty does:
// acknowledging records the acknowledger, resolving clears assignments and
// acknowledgements, and reopening a resolved incident reassigns it.
func (s *Server) setStatus(in *incident, status string, by *user, now time.Time) {
	wasResolved := in.Status == "resolved"
	in.Status, in.LastStatusChangeAt, in.LastStatusChangeBy = status, now, by.ID
	switch status {
	case "resolved":
		t := now
		in.ResolvedAt, in.Assignments, in.Acknowledgers = &t, nil, nil
	case "acknowledged":
		in.ResolvedAt = nil
		in.Acknowledgers = append(in.Acknowledgers, assignment{UserID: by.ID, At: now})
		if wasResolved {
			in.Assignments = []assignment{{UserID: by.ID, At: now}}
		}
	case "triggered":
		in.ResolvedAt, in.Acknowledgers = nil, nil
		if wasResolved || len(in.Assignments) == 0 {
			in.Assignments = nil
			for _, id := range s.firstLevel(in.PolicyID) {
				in.Assignments = append(in.Assignments, assignment{UserID: id, At: now})
			}
		}
	}
}
