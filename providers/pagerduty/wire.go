package pagerduty

import (
	"encoding/json"
	"time"
)

// The PagerDuty REST API v2 objects the driver reads, with only the fields
// it uses. Every field is optional on the wire: a missing one decodes to
// its zero value.

// reference is PagerDuty's {"id","type","summary","self","html_url"}.
type reference struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary,omitempty"`
	HTMLURL string `json:"html_url,omitempty"`
}

// pdUser is a user, or a user reference when only id, type and summary are
// set.
type pdUser struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Summary  string `json:"summary"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"time_zone"`
	JobTitle string `json:"job_title"`
	Role     string `json:"role"`
	HTMLURL  string `json:"html_url"`
}

// displayName returns the user's name, or its reference summary.
func (u *pdUser) displayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Summary
}

type pdAssignment struct {
	At       *time.Time `json:"at"`
	Assignee *pdUser    `json:"assignee"`
}

type pdPriority struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// label returns the priority's name, or its reference summary.
func (p *pdPriority) label() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Summary
}

type pdLogEntry struct {
	ID    string     `json:"id"`
	Type  string     `json:"type"`
	Agent *reference `json:"agent"`
}

type pdIncident struct {
	ID                   string         `json:"id"`
	Type                 string         `json:"type"`
	Summary              string         `json:"summary"`
	HTMLURL              string         `json:"html_url"`
	IncidentNumber       int64          `json:"incident_number"`
	Title                string         `json:"title"`
	Status               string         `json:"status"`
	Urgency              string         `json:"urgency"`
	IncidentKey          *string        `json:"incident_key"`
	CreatedAt            *time.Time     `json:"created_at"`
	UpdatedAt            *time.Time     `json:"updated_at"`
	LastStatusChangeAt   *time.Time     `json:"last_status_change_at"`
	ResolvedAt           *time.Time     `json:"resolved_at"`
	AssignedVia          string         `json:"assigned_via"`
	Service              *reference     `json:"service"`
	EscalationPolicy     *reference     `json:"escalation_policy"`
	Priority             *pdPriority    `json:"priority"`
	Assignments          []pdAssignment `json:"assignments"`
	Teams                []reference    `json:"teams"`
	FirstTriggerLogEntry *pdLogEntry    `json:"first_trigger_log_entry"`
	IncidentType         *struct {
		Name string `json:"name"`
	} `json:"incident_type"`
	Body *struct {
		Details json.RawMessage `json:"details"`
	} `json:"body"`
}

type pdNote struct {
	ID        string     `json:"id"`
	User      *reference `json:"user"`
	Content   string     `json:"content"`
	CreatedAt *time.Time `json:"created_at"`
	UpdatedAt *time.Time `json:"updated_at"`
	Channel   *struct {
		Summary string `json:"summary"`
	} `json:"channel"`
}

type pdService struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Summary          string     `json:"summary"`
	Description      string     `json:"description"`
	Status           string     `json:"status"`
	HTMLURL          string     `json:"html_url"`
	EscalationPolicy *reference `json:"escalation_policy"`
}

type pdIncidentType struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
	Enabled     bool   `json:"enabled"`
}

type pdRule struct {
	ID                       string      `json:"id"`
	EscalationDelayInMinutes int         `json:"escalation_delay_in_minutes"`
	Targets                  []reference `json:"targets"`
}

type pdPolicy struct {
	ID                         string      `json:"id"`
	Name                       string      `json:"name"`
	Summary                    string      `json:"summary"`
	Description                string      `json:"description"`
	HTMLURL                    string      `json:"html_url"`
	NumLoops                   int         `json:"num_loops"`
	OnCallHandoffNotifications string      `json:"on_call_handoff_notifications"`
	EscalationRules            []pdRule    `json:"escalation_rules"`
	Services                   []reference `json:"services"`
	Teams                      []reference `json:"teams"`
}

type pdOnCall struct {
	User             *pdUser    `json:"user"`
	Schedule         *reference `json:"schedule"`
	EscalationPolicy *reference `json:"escalation_policy"`
	EscalationLevel  int        `json:"escalation_level"`
	Start            *time.Time `json:"start"`
	End              *time.Time `json:"end"`
}
