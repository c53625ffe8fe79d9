package pagerduty

// The request bodies the driver sends.

// refOut is a reference: {"id","type"}.
type refOut struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// nameOut names an object, e.g. an incident type.
type nameOut struct {
	Name string `json:"name"`
}

// bodyOut is an incident body.
type bodyOut struct {
	Type    string `json:"type"`
	Details string `json:"details"`
}

type assignmentOut struct {
	Assignee refOut `json:"assignee"`
}

// incidentOut is the incident of POST /incidents (type "incident") and of
// PUT /incidents/{id} (type "incident_reference", only what changes).
type incidentOut struct {
	Type         string          `json:"type"`
	Title        *string         `json:"title,omitempty"`
	Status       string          `json:"status,omitempty"`
	Service      *refOut         `json:"service,omitempty"`
	Priority     *refOut         `json:"priority,omitempty"`
	Urgency      string          `json:"urgency,omitempty"`
	Body         *bodyOut        `json:"body,omitempty"`
	Assignments  []assignmentOut `json:"assignments,omitempty"`
	IncidentType *nameOut        `json:"incident_type,omitempty"`
	// IncidentKey deduplicates creates: PagerDuty refuses a create whose
	// key an open incident of the service already has.
	IncidentKey string `json:"incident_key,omitempty"`
}

// noteOut is the note of POST and PUT /incidents/{id}/notes.
type noteOut struct {
	Content string `json:"content"`
}
