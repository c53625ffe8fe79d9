package pdfake

import (
	"cmp"
	"encoding/json"
	"time"
)

// SeedIncident adds an incident directly, for tests that need incidents
// created in the past or in bulk. Zero fields take defaults: service
// ServiceWeb, status triggered, urgency high, created now, triggered by
// Alice. It returns the incident's id.
func (s *Server) SeedIncident(in IncidentSeed) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.CreatedAt.IsZero() {
		in.CreatedAt = s.clock()
	}
	in.CreatedAt = in.CreatedAt.UTC().Truncate(time.Second)
	svc := s.serviceByID(cmp.Or(in.ServiceID, ServiceWeb))
	if svc == nil {
		svc = s.services[0]
	}
	x := &incident{ID: s.newID("Q"), Number: len(s.incidents) + 1, Title: cmp.Or(in.Title, "Seeded incident"),
		Status: "triggered", Urgency: cmp.Or(in.Urgency, "high"), ServiceID: svc.ID, PolicyID: svc.PolicyID,
		PriorityID: in.PriorityID, TypeName: IncidentTypeDefault, CreatedAt: in.CreatedAt, UpdatedAt: in.CreatedAt,
		LastStatusChangeAt: in.CreatedAt, LastStatusChangeBy: UserAlice, TriggeredBy: UserAlice,
		TriggerLogID: s.newID("R")}
	if in.Details != "" {
		x.Details, _ = json.Marshal(in.Details)
	}
	for _, id := range s.firstLevel(x.PolicyID) {
		x.Assignments = append(x.Assignments, assignment{UserID: id, At: in.CreatedAt})
	}
	if in.Status != "" && in.Status != "triggered" {
		if u := s.userByID(UserAlice); u != nil {
			s.setStatus(x, in.Status, u, in.CreatedAt)
		}
	}
	s.incidents = append(s.incidents, x)
	return x.ID
}

// IncidentSeed describes an incident for Server.SeedIncident.
type IncidentSeed struct {
	// Title defaults to "Seeded incident".
	Title string
	// Details is the body's details (none by default).
	Details string
	// ServiceID defaults to ServiceWeb.
	ServiceID string
	// Status defaults to triggered.
	Status string
	// Urgency defaults to high.
	Urgency string
	// PriorityID is a priority's id (none by default).
	PriorityID string
	// CreatedAt defaults to now; it is kept to the second, in UTC.
	CreatedAt time.Time
}
