package servicenow

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// body is the JSON body of an incident write: column to value.
type body map[string]any

// createBody returns the incident columns of a new ticket. Name is not
// written: the instance numbers incidents itself. Tags are not written:
// ServiceNow keeps them in its label tables, which the Table API does not
// write through the incident.
func (d *driver) createBody(ctx context.Context, req ticketing.CreateTicketRequest) (body, error) {
	b := body{"short_description": req.Summary}
	if req.Description != "" {
		b["description"] = req.Description
	}
	if req.Priority != "" {
		if err := b.priority(req.Priority); err != nil {
			return nil, err
		}
	}
	if req.Status != "" {
		if err := d.setStatus(b, req.Status, ""); err != nil {
			return nil, err
		}
	}
	project := cmp.Or(req.Project, d.defaultProject)
	if err := b.project(project, true); err != nil {
		return nil, err
	}
	if err := b.issueType(cmp.Or(req.IssueType, d.defaultIssueType), true); err != nil {
		return nil, err
	}
	if err := d.setUser(ctx, b, "assignee", "assigned_to", req.Assignee, true); err != nil {
		return nil, err
	}
	if err := d.setUser(ctx, b, "creator", "opened_by", req.Creator, true); err != nil {
		return nil, err
	}
	// The caller is the contact, or else the creator.
	if err := d.setUser(ctx, b, "contact", "caller_id", cmp.Or(req.Contact, req.Creator), true); err != nil {
		return nil, err
	}
	if req.DueDate != nil {
		b["due_date"] = formatTime(*req.DueDate)
	}
	if req.CompletionDate != nil {
		b["resolved_at"] = formatTime(*req.CompletionDate)
	}
	for name, v := range req.CustomFields {
		if err := d.setCustom(b, project, name, v); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// updateBody returns the incident columns to write for a ticket change.
func (d *driver) updateBody(ctx context.Context, u ticketing.TicketUpdate) (body, error) {
	a, before := u.After, u.Before
	b := body{}
	for _, f := range u.Changed {
		var err error
		switch f {
		case "summary":
			b["short_description"] = a.Summary
		case "description":
			b["description"] = a.Description
		case "priority":
			if a.Priority == "" {
				err = errs.Invalid("priority", "a ServiceNow incident always has a priority; it cannot be removed")
			} else {
				err = b.priority(a.Priority)
			}
		case "status":
			if a.Status == "" {
				err = errs.Invalid("status", "a ServiceNow incident always has a state; it cannot be removed")
			} else {
				err = d.setStatus(b, a.Status, before.Status)
			}
		case "project":
			err = b.project(a.Project, false)
		case "issue_type":
			err = b.issueType(a.IssueType, false)
		case "assignee":
			err = d.setUser(ctx, b, "assignee", "assigned_to", a.Assignee, false)
		case "creator":
			err = d.setUser(ctx, b, "creator", "opened_by", a.Creator, false)
		case "contact":
			err = d.setUser(ctx, b, "contact", "caller_id", a.Contact, false)
		case "due_date":
			b["due_date"] = timeValue(a.DueDate)
		case "completion_date":
			b["resolved_at"] = timeValue(a.CompletionDate)
		case "tags":
			// Read-only, as on create: ServiceNow keeps tags in its
			// label tables.
		case "name":
			err = errs.Invalid("name", "name is the ServiceNow incident number, which the instance sets; it cannot be changed")
		case "custom_fields":
			err = d.customChanges(b, before, a)
		default:
			err = errs.Invalid(f, "servicenow cannot change %s", f)
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

func timeValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
}

// priority writes p as the impact and urgency that give its code.
func (b body) priority(p ticketing.Priority) error {
	code, ok := priorityCode(p)
	if !ok {
		return errs.Invalid("priority", "priority %q is not valid", clip(string(p)))
	}
	iu := impactUrgency[code]
	b["impact"], b["urgency"] = iu[0], iu[1]
	return nil
}

// setStatus writes the state of status, and the resolution fields the
// instance requires when the state becomes Resolved or Closed.
func (d *driver) setStatus(b body, status, before string) error {
	code, ok := stateCode(status)
	if !ok {
		return errs.Invalid("status", "status %q is not a ServiceNow incident state; use one of %s", clip(status), stateLabels())
	}
	b["state"] = code
	if (code == stateResolved || code == stateClosed) && !isDone(before) {
		b["close_code"], b["close_notes"] = d.closeCode, d.closeNotes
	}
	return nil
}

// isDone reports whether a status read back is Resolved or Closed.
func isDone(status string) bool {
	c, ok := stateCode(status)
	return ok && (c == stateResolved || c == stateClosed)
}

// set writes a column; an empty value is written only to clear a column
// of an existing incident, not on create.
func (b body) set(col, v string, create bool) {
	if v != "" || !create {
		b[col] = v
	}
}

// project writes the assignment group.
func (b body) project(p string, create bool) error {
	if p != "" && !isSysID(p) {
		return errs.Invalid("project", "project must be the sys_id of a ServiceNow assignment group (32 hex digits; see ListProjects), not %q", clip(p))
	}
	b.set("assignment_group", p, create)
	return nil
}

// issueType writes the category.
func (b body) issueType(t string, create bool) error {
	if len(t) > 255 || strings.ContainsAny(t, "\r\n") {
		return errs.Invalid("issue_type", "issue_type must be a ServiceNow incident category (see ListIssueTypes)")
	}
	b.set("category", t, create)
	return nil
}

// setUser writes a user reference column from a user name or sys_id.
func (d *driver) setUser(ctx context.Context, b body, field, col, v string, create bool) error {
	id, err := d.userRef(ctx, field, v)
	if err != nil {
		return err
	}
	b.set(col, id, create)
	return nil
}

// mapping returns the custom field mapping of name for a project: the
// project's own, else the "*" one.
func (d *driver) mapping(project, name string) (providers.CustomFieldMapping, bool) {
	var wild *providers.CustomFieldMapping
	for i, m := range d.mappings {
		if m.Name != name {
			continue
		}
		if m.ProjectID == project && project != "" {
			return m, true
		}
		if m.ProjectID == "*" {
			wild = &d.mappings[i]
		}
	}
	if wild != nil {
		return *wild, true
	}
	return providers.CustomFieldMapping{}, false
}

// managedColumns are the columns the driver writes from the ticket's own
// fields (or the instance sets); custom fields mapped to them are
// read-only, so a write cannot contradict the ticket's fields.
var managedColumns = map[string]bool{
	"short_description": true, "description": true, "priority": true, "impact": true, "urgency": true, "state": true,
	"close_code": true, "close_notes": true, "assignment_group": true, "category": true, "assigned_to": true,
	"opened_by": true, "caller_id": true, "due_date": true, "resolved_at": true, "number": true, "comments": true,
	"work_notes": true,
}

// setCustom writes a custom field through its mapping.
func (d *driver) setCustom(b body, project, name string, v any) error {
	m, ok := d.mapping(project, name)
	if !ok {
		return errs.Invalid("custom_fields", "no custom_field_mapping named %q applies to project %q", clip(name), clip(project))
	}
	if strings.Contains(m.ProviderFieldPath, ".") {
		return errs.Invalid("custom_fields", "custom field %q maps to the dot-walked field %s, which can be read but not written", clip(name), m.ProviderFieldPath)
	}
	if managedColumns[m.ProviderFieldPath] || strings.HasPrefix(m.ProviderFieldPath, "sys_") {
		return errs.Invalid("custom_fields", "custom field %q maps to %s, which the ticket's own fields or the instance write; it can be read but not written", clip(name), m.ProviderFieldPath)
	}
	s, err := columnValue(v)
	if err != nil {
		return errs.Invalid("custom_fields", "custom field %q: %s", clip(name), err.Error())
	}
	b[m.ProviderFieldPath] = s
	return nil
}

// customChanges writes the custom fields that differ between before and
// after; a removed field is cleared.
func (d *driver) customChanges(b body, before, after *ticketing.Ticket) error {
	names := make([]string, 0, len(after.CustomFields)+len(before.CustomFields))
	for k := range after.CustomFields {
		names = append(names, k)
	}
	for k := range before.CustomFields {
		if _, ok := after.CustomFields[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		nv, present := after.CustomFields[k]
		if ov, ok := before.CustomFields[k]; ok && present && reflect.DeepEqual(ov, nv) {
			continue
		}
		if !present {
			nv = nil
		}
		if err := d.setCustom(b, after.Project, k, nv); err != nil {
			return err
		}
	}
	return nil
}

// columnValue converts a custom field value to a column value: ServiceNow
// columns hold text.
func columnValue(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		if len(x) > ticketing.MaxTextLen || !utf8.ValidString(x) {
			return "", fmt.Errorf("the value must be valid text of at most %d bytes", ticketing.MaxTextLen)
		}
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("the value must be a finite number")
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	}
	return "", fmt.Errorf("the value must be text, a number or a boolean")
}
