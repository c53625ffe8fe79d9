package pagerduty

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// The include[] values of incident reads: the body (description) on single
// reads, full assignees (their e-mails) and the first trigger log entry
// (who triggered the incident) on every read.
var (
	getIncludes  = []string{"body", "assignees", "first_trigger_log_entries"}
	listIncludes = []string{"assignees", "first_trigger_log_entries"}
)

// statuses are PagerDuty's incident statuses.
var statuses = []string{"triggered", "acknowledged", "resolved"}

// GetTicket implements ticketing.Driver: GET /incidents/{id} and its notes
// (for a patched description). id may also be an incident number (a
// ticket's Name).
func (d *driver) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	in, err := d.getIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	desc, err := d.description(ctx, in)
	if err != nil {
		return nil, err
	}
	prios, err := d.priorities(ctx)
	if err != nil {
		return nil, err
	}
	t := d.toTicket(ctx, in, prios)
	t.Description = desc
	return &t, nil
}

func (d *driver) getIncident(ctx context.Context, id string) (*pdIncident, error) {
	var out struct {
		Incident *pdIncident `json:"incident"`
	}
	path := "/incidents/" + escape(id)
	resp, err := d.call(ctx, http.MethodGet, path, url.Values{"include[]": getIncludes}, "", nil, &out)
	if err != nil {
		return nil, err
	}
	if out.Incident == nil || out.Incident.ID == "" {
		return nil, resp.Malformed("has no incident")
	}
	return out.Incident, nil
}

// CreateTicket implements ticketing.Driver: POST /incidents, with the
// creator (or default_creator) in the From header, on the ticket's project
// (or default_project) service, with an incident_key: the request's
// IdempotencyKey, or a key generated for this call.
//
// PagerDuty refuses a create whose incident_key an open incident of the
// service already has, so the POST is safe to repeat: it is retried like
// a GET (after a lost connection or a 5xx). When a create is refused for
// its key (an earlier attempt, or an earlier call with the same
// IdempotencyKey, made the incident), or fails leaving its outcome unknown
// (a lost connection or 5xx past the retries, an answer cut short), the
// driver looks the key up (GET /incidents?incident_key=) and answers the
// open incident it finds, so the caller sees one incident and a success.
func (d *driver) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	if err := checkCreatable(req); err != nil {
		return nil, err
	}
	key, err := incidentKey(req.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	from, err := d.from("creator", req.Creator)
	if err != nil {
		return nil, err
	}
	service := req.Project
	if service == "" {
		service = d.cfg.DefaultProject
	}
	if service == "" {
		return nil, errs.Invalid("project", "project (a PagerDuty service id) is required: set it on the ticket or default_project on the integration")
	}
	if !validID(service) {
		return nil, errs.Invalid("project", "project must be a PagerDuty service id such as PIJ90N7")
	}
	body := incidentOut{Type: "incident", Title: &req.Summary, Service: &refOut{ID: service, Type: "service_reference"},
		IncidentKey: key}
	if req.Description != "" {
		body.Body = &bodyOut{Type: "incident_body", Details: req.Description}
	}
	if body.Urgency, err = urgencyOf(req.CustomFields); err != nil {
		return nil, err
	}
	if req.Priority != "" {
		p, err := d.writePriority(ctx, req.Priority)
		if err != nil {
			return nil, err
		}
		body.Priority = &refOut{ID: p.ID, Type: "priority_reference"}
	}
	if req.Assignee != "" {
		uid, err := d.userID(ctx, "assignee", req.Assignee)
		if err != nil {
			return nil, err
		}
		body.Assignments = []assignmentOut{{Assignee: refOut{ID: uid, Type: "user_reference"}}}
	}
	if req.IssueType != "" {
		body.IncidentType = &nameOut{Name: req.IssueType}
	}
	var out struct {
		Incident *pdIncident `json:"incident"`
	}
	resp, err := d.send(ctx, httpx.Request{Method: http.MethodPost, Path: "/incidents", JSON: map[string]any{"incident": body},
		Idempotent: true}, from, &out)
	if err == nil && (out.Incident == nil || out.Incident.ID == "") {
		err = resp.Malformed("has no incident")
	}
	if err != nil {
		if !createMayExist(ctx, err) {
			return nil, err
		}
		in, lerr := d.incidentByKey(ctx, service, key)
		if lerr != nil || in == nil {
			return nil, err
		}
		if t, gerr := d.GetTicket(ctx, in.ID); gerr == nil {
			return t, nil
		}
		out.Incident = in // the list has no body: map what it has
	}
	// The incident exists now: map what can be mapped rather than fail and
	// invite a retry.
	prios, _ := d.priorities(ctx)
	t := d.toTicket(ctx, out.Incident, prios)
	t.Description, t.Creator = req.Description, from
	return &t, nil
}

// maxIncidentKey is the longest IdempotencyKey accepted (PagerDuty
// documents no limit; its Events API takes dedup keys of 255 characters).
const maxIncidentKey = 255

// incidentKey returns the incident_key of a create: the caller's
// IdempotencyKey, checked, or a new random key.
func incidentKey(caller string) (string, error) {
	if caller == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		return "synqly-" + hex.EncodeToString(b[:]), nil
	}
	if len(caller) > maxIncidentKey || !utf8.ValidString(caller) || strings.ContainsFunc(caller, unicode.IsControl) {
		return "", errs.Invalid("idempotency_key", "idempotency_key must be text of at most %d bytes on one line, without control characters", maxIncidentKey)
	}
	return caller, nil
}

// createMayExist reports whether a failed create may have made its
// incident: PagerDuty refused it because an open incident has its key, or
// its outcome is unknown (no answer, a 5xx, an answer cut short or
// malformed). A refusal of the request itself (400, 401, 403, 429) made
// nothing; neither did a call the context ended.
func createMayExist(ctx context.Context, err error) bool {
	var e *errs.Error
	if ctx.Err() != nil || !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case errs.Provider:
		return true
	case errs.InvalidInput:
		var pe *errs.ProviderError
		if !errors.As(err, &pe) {
			return false
		}
		msg := strings.ToLower(pe.Message + " " + pe.Body)
		return e.Status == http.StatusBadRequest && strings.Contains(msg, "already exists") &&
			(strings.Contains(msg, "dedup key") || strings.Contains(msg, "incident key") || strings.Contains(msg, "incident_key"))
	}
	return false
}

// incidentByKey returns the open incident of service whose incident_key is
// key (GET /incidents?incident_key=, every date, the open statuses), or
// nil if there is none.
func (d *driver) incidentByKey(ctx context.Context, service, key string) (*pdIncident, error) {
	q := url.Values{"incident_key": {key}, "service_ids[]": {service}, "statuses[]": {"triggered", "acknowledged"},
		"date_range": {"all"}, "include[]": listIncludes}
	found, _, _, err := listPage[pdIncident](ctx, d, "/incidents", "incidents", q, 0, pageMax)
	if err != nil {
		return nil, err
	}
	for i := range found {
		if in := &found[i]; in.ID != "" && in.IncidentKey != nil && *in.IncidentKey == key {
			return in, nil
		}
	}
	return nil, nil
}

// checkCreatable refuses what a new incident cannot be: anything but
// triggered. Contact, due_date, completion_date and tags, which incidents
// do not have, are not kept.
func checkCreatable(req ticketing.CreateTicketRequest) error {
	if req.Status != "" && req.Status != "triggered" {
		return errs.Invalid("status", "a new PagerDuty incident is always triggered; create it, then patch its status to %q", clip(req.Status))
	}
	return nil
}

func noField(field string) error {
	return errs.Invalid(field, "PagerDuty incidents have no %s", field)
}

// urgencyOf returns the urgency in custom_fields ("" if none); urgency is
// the only custom field.
func urgencyOf(cf map[string]any) (string, error) {
	for k := range cf {
		if k != urgencyField {
			return "", errs.Invalid("custom_fields", "PagerDuty incidents have one custom field, urgency; %q is unknown", clip(k))
		}
	}
	v, ok := cf[urgencyField]
	if !ok || v == nil {
		return "", nil
	}
	s, _ := v.(string)
	if s != "high" && s != "low" {
		return "", errs.Invalid("custom_fields", "custom_fields.urgency must be high or low")
	}
	return s, nil
}

// UpdateTicket implements ticketing.Driver: one PUT /incidents/{id} with
// the changed fields (summary, status, priority, project, assignee,
// issue_type, custom_fields.urgency), and, for a changed description, a
// note titled Description (PagerDuty cannot change an incident's body).
// Everything is checked before anything is written; the note is written
// first. The From header is default_creator, else the e-mail of the user
// who triggered the incident.
func (d *driver) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	if u.Before == nil || u.After == nil {
		return nil, errs.New(errs.InvalidInput, "pagerduty: an update needs the ticket before and after")
	}
	body, put, err := d.updateBody(ctx, u)
	if err != nil {
		return nil, err
	}
	from, err := d.fromOr(u.Before.Creator)
	if err != nil {
		return nil, err
	}
	desc := u.Before.Description
	if u.Has("description") {
		if _, err := d.postNote(ctx, id, from, encodeNote(descriptionTitle, u.After.Description)); err != nil {
			return nil, err
		}
		desc = u.After.Description
	}
	if !put {
		t := *u.Before
		t.Description = desc
		return &t, nil
	}
	var out struct {
		Incident *pdIncident `json:"incident"`
	}
	path := "/incidents/" + escape(id)
	resp, err := d.call(ctx, http.MethodPut, path, nil, from, map[string]any{"incident": body}, &out)
	if err != nil {
		return nil, err
	}
	if out.Incident == nil || out.Incident.ID == "" {
		return nil, resp.Malformed("has no incident")
	}
	prios, _ := d.priorities(ctx)
	t := d.toTicket(ctx, out.Incident, prios)
	// The update's answer carries neither the body nor who triggered it.
	t.Description = desc
	if t.Creator == "" {
		t.Creator = u.Before.Creator
	}
	return &t, nil
}

// updateBody builds the incident of an update from the changed fields,
// refusing the fields PagerDuty cannot change.
func (d *driver) updateBody(ctx context.Context, u ticketing.TicketUpdate) (body *incidentOut, put bool, err error) {
	a := u.After
	body = &incidentOut{Type: "incident_reference"}
	for _, f := range u.Changed {
		put = put || f != "description"
		switch f {
		case "summary":
			body.Title = &a.Summary
		case "status":
			if !slices.Contains(statuses, a.Status) {
				return nil, false, errs.Invalid("status", "status must be triggered, acknowledged or resolved")
			}
			body.Status = a.Status
		case "priority":
			if a.Priority == "" {
				return nil, false, errs.Invalid("priority", "PagerDuty cannot remove an incident's priority; set another one")
			}
			p, err := d.writePriority(ctx, a.Priority)
			if err != nil {
				return nil, false, err
			}
			body.Priority = &refOut{ID: p.ID, Type: "priority_reference"}
		case "project":
			if !validID(a.Project) {
				return nil, false, errs.Invalid("project", "project must be a PagerDuty service id such as PIJ90N7")
			}
			body.Service = &refOut{ID: a.Project, Type: "service_reference"}
		case "assignee":
			if a.Assignee == "" {
				return nil, false, errs.Invalid("assignee", "PagerDuty cannot leave an incident unassigned; assign it to another user")
			}
			uid, err := d.userID(ctx, "assignee", a.Assignee)
			if err != nil {
				return nil, false, err
			}
			body.Assignments = []assignmentOut{{Assignee: refOut{ID: uid, Type: "user_reference"}}}
		case "issue_type":
			if a.IssueType == "" {
				return nil, false, errs.Invalid("issue_type", "PagerDuty incidents always have an incident type")
			}
			body.IncidentType = &nameOut{Name: a.IssueType}
		case "custom_fields":
			urg, err := urgencyOf(a.CustomFields)
			if err != nil {
				return nil, false, err
			}
			if urg == "" {
				return nil, false, errs.Invalid("custom_fields", "PagerDuty incidents always have an urgency (high or low)")
			}
			body.Urgency = urg
		case "description":
			// Written as a note by UpdateTicket.
		case "name":
			return nil, false, errs.Invalid("name", "name is the incident number, which PagerDuty assigns")
		case "creator":
			return nil, false, errs.Invalid("creator", "creator is who triggered the incident and cannot change")
		case "completion_date":
			return nil, false, errs.Invalid("completion_date", "PagerDuty sets completion_date when an incident is resolved; patch status instead")
		default:
			return nil, false, noField(f)
		}
	}
	return body, put, nil
}
