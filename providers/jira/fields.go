package jira

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
)

// defaultIssueType is the issue type of a new ticket when neither the
// request nor the configuration names one.
const defaultIssueType = "Task"

// isDigits reports whether s is a non-empty run of ASCII digits (a Jira
// numeric id rather than a key or a name).
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// projectRef refers to a project by id (all digits) or key.
func projectRef(p string) map[string]any {
	if isDigits(p) {
		return map[string]any{"id": p}
	}
	return map[string]any{"key": p}
}

// issueTypeRef refers to an issue type by id (all digits) or name.
func issueTypeRef(t string) map[string]any {
	if isDigits(t) {
		return map[string]any{"id": t}
	}
	return map[string]any{"name": t}
}

// userRef refers to a user by account id; "" clears the field.
func userRef(accountID string) any {
	if accountID == "" {
		return nil
	}
	return map[string]any{"accountId": accountID}
}

// priorityRef refers to the Jira priority of a model priority; "" clears
// the field.
func priorityRef(p ticketing.Priority) (any, error) {
	if p == "" {
		return nil, nil
	}
	name, ok := toJiraPriority(p)
	if !ok {
		return nil, errs.Invalid("priority", "priority %q has no Jira priority", p)
	}
	return map[string]any{"name": name}, nil
}

// dueDate writes a due date as the date it names in its own time zone.
func dueDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}

// labels writes tags as Jira labels (never null: [] clears them).
func labels(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

// description writes markdown as an ADF document; "" clears the field.
func description(md string) any {
	if doc := markdownToADF(md); doc != nil {
		return doc
	}
	return nil
}

// checkAccountID refuses an e-mail where Jira needs an account id: Jira
// Cloud identifies users by account id only.
func checkAccountID(field, v string) error {
	if strings.Contains(v, "@") {
		return errs.Invalid(field, "%s must be a Jira account id (e.g. 5b10a2844c20165700ede21g), not an e-mail address", field)
	}
	return nil
}

// createFields builds the "fields" of POST /rest/api/3/issue. Contact and
// CompletionDate have no Jira field and are not sent; Name is the issue
// key, which Jira assigns; Status is reached by a transition after the
// issue exists. Creator becomes the reporter when it is an account id; an
// e-mail is ignored (Jira makes the API user the reporter), since a
// creator e-mail is what other providers expect.
func (d *driver) createFields(ctx context.Context, req ticketing.CreateTicketRequest) (map[string]any, error) {
	project := cmp.Or(req.Project, d.cfg.DefaultProject)
	if project == "" {
		return nil, errs.Invalid("project", "project is required: name a Jira project key, or set default_project in the jira configuration")
	}
	fields := map[string]any{
		fProject:   projectRef(project),
		fIssueType: issueTypeRef(cmp.Or(req.IssueType, d.cfg.DefaultIssueType, defaultIssueType)),
		fSummary:   req.Summary,
	}
	if doc := description(req.Description); doc != nil {
		fields[fDescription] = doc
	}
	if req.Priority != "" {
		p, err := priorityRef(req.Priority)
		if err != nil {
			return nil, err
		}
		fields[fPriority] = p
	}
	if len(req.Tags) > 0 {
		fields[fLabels] = req.Tags
	}
	if req.DueDate != nil {
		fields[fDueDate] = dueDate(req.DueDate)
	}
	if req.Assignee != "" {
		if err := checkAccountID("assignee", req.Assignee); err != nil {
			return nil, err
		}
		fields[fAssignee] = userRef(req.Assignee)
	}
	if req.Creator != "" && !strings.Contains(req.Creator, "@") {
		fields[fReporter] = userRef(req.Creator)
	}
	if err := d.writeCustomFields(ctx, project, req.CustomFields, nil, fields); err != nil {
		return nil, err
	}
	return fields, nil
}

// editFields builds the "fields" of PUT /rest/api/3/issue/{key} from the
// fields a patch changed. Status changes go through a transition; the
// project, the key (name), contact and completion_date cannot be written.
func (d *driver) editFields(ctx context.Context, u ticketing.TicketUpdate) (map[string]any, error) {
	a := u.After
	fields := map[string]any{}
	for _, f := range u.Changed {
		switch f {
		case "summary":
			fields[fSummary] = a.Summary
		case "description":
			fields[fDescription] = description(a.Description)
		case "priority":
			p, err := priorityRef(a.Priority)
			if err != nil {
				return nil, err
			}
			fields[fPriority] = p
		case "due_date":
			fields[fDueDate] = dueDate(a.DueDate)
		case "tags":
			fields[fLabels] = labels(a.Tags)
		case "assignee":
			if a.Assignee != "" {
				if err := checkAccountID("assignee", a.Assignee); err != nil {
					return nil, err
				}
			}
			fields[fAssignee] = userRef(a.Assignee)
		case "creator":
			if a.Creator == "" {
				return nil, errs.Invalid("creator", "a Jira issue always has a reporter: give an account id")
			}
			if err := checkAccountID("creator", a.Creator); err != nil {
				return nil, err
			}
			fields[fReporter] = userRef(a.Creator)
		case "issue_type":
			if a.IssueType == "" {
				return nil, errs.Invalid("issue_type", "a Jira issue always has an issue type")
			}
			fields[fIssueType] = issueTypeRef(a.IssueType)
		case "custom_fields":
			project := u.Before.Project
			if err := d.writeCustomFields(ctx, project, a.CustomFields, u.Before.CustomFields, fields); err != nil {
				return nil, err
			}
		case "status":
			if a.Status == "" {
				return nil, errs.Invalid("status", "a Jira issue always has a status")
			}
		case "project":
			return nil, errs.Invalid("project", "the Jira REST API cannot move an issue to another project: move it in Jira")
		case "name":
			return nil, errs.Invalid("name", "the name of a Jira ticket is its issue key, which Jira assigns")
		case "contact":
			return nil, errs.Invalid("contact", "Jira issues have no contact field: map one into custom_fields with custom_field_mappings")
		case "completion_date":
			return nil, errs.Invalid("completion_date", "Jira sets completion_date (resolutiondate) when the issue is resolved: change the status instead")
		}
	}
	return fields, nil
}

// writeCustomFields writes custom_fields values into Jira fields through
// the mappings that apply to project (by key or id: the other one is looked
// up when a mapping names the project that way). A key of before missing from after is
// cleared. A value for a name without a mapping is refused.
func (d *driver) writeCustomFields(ctx context.Context, project string, after, before map[string]any, fields map[string]any) error {
	if len(after) == 0 && len(before) == 0 {
		return nil
	}
	key, id, err := d.projectKeyAndID(ctx, project)
	if err != nil {
		return err
	}
	ms := d.mappingsFor(key, id)
	names := slices.Sorted(maps.Keys(after))
	for name := range before {
		if _, ok := after[name]; !ok {
			names = append(names, name)
		}
	}
	for _, name := range names {
		m, ok := ms[name]
		if !ok {
			return errs.Invalid("custom_fields."+name, "custom field %q has no custom_field_mappings entry for project %q", clip(name), clip(project))
		}
		v, set := after[name]
		if !set {
			id, _, _ := strings.Cut(m.ProviderFieldPath, ".")
			fields[id] = nil
			continue
		}
		if err := setPath(fields, m.ProviderFieldPath, v); err != nil {
			return errs.Invalid("custom_fields."+name, "custom field %q: %s", clip(name), err.Error())
		}
	}
	return nil
}

// setPath sets a dotted path in fields, creating the objects on its way.
func setPath(fields map[string]any, path string, v any) error {
	parts := strings.Split(path, ".")
	m := fields
	for i, p := range parts {
		if p == "" {
			return errs.New(errs.InvalidInput, "the mapping's provider_field_path %q has an empty part", clip(path))
		}
		if i == len(parts)-1 {
			m[p] = v
			return nil
		}
		next, ok := m[p].(map[string]any)
		if !ok {
			if m[p] != nil {
				return errs.New(errs.InvalidInput, "two mappings write into %q", clip(p))
			}
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	return nil
}

// clip shortens a user value quoted in an error message.
func clip(s string) string { return textcheck.Clip(s) }

// projectKeyAndID returns the key and the id of a project given by either,
// looking the other up (once per driver) only when a custom field mapping
// names a project the other way.
func (d *driver) projectKeyAndID(ctx context.Context, project string) (key, id string, err error) {
	key, id = project, ""
	if isDigits(project) {
		key, id = "", project
	}
	need := false
	for _, m := range d.cfg.CustomFieldMappings {
		if m.ProjectID != "*" && isDigits(m.ProjectID) == (id == "") {
			need = true
			break
		}
	}
	if !need {
		return key, id, nil
	}
	k, i, err := d.projectIdentity(ctx, project)
	if errs.CodeOf(err) == errs.NotFound {
		return "", "", errs.Invalid("project", "jira has no project %q", clip(project))
	}
	if err != nil {
		return "", "", err
	}
	return k, i, nil
}
