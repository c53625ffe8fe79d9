package jira

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

const (
	pathProjectSearch = "/rest/api/3/project/search"
	pathProject       = "/rest/api/3/project"
	pathFields        = "/rest/api/3/field"
)

// maxProjectPage is the largest page /project/search returns.
const maxProjectPage = 100

// projectBean is a Jira project.
type projectBean struct {
	ID             string          `json:"id"`
	Key            string          `json:"key"`
	Name           string          `json:"name"`
	Self           string          `json:"self"`
	ProjectTypeKey string          `json:"projectTypeKey"`
	Style          string          `json:"style"`
	Simplified     *bool           `json:"simplified"`
	IsPrivate      *bool           `json:"isPrivate"`
	IssueTypes     []issueTypeBean `json:"issueTypes"`
}

// issueTypeBean is a Jira issue type.
type issueTypeBean struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	Subtask        bool   `json:"subtask"`
	HierarchyLevel *int   `json:"hierarchyLevel"`
	Self           string `json:"self"`
	Scope          *struct {
		Type    string `json:"type"`
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	} `json:"scope"`
}

// ListProjects implements ticketing.Driver with GET
// /rest/api/3/project/search, ordered by key. A project's ID is its key
// (what tickets, JQL and custom field mappings use); Jira's numeric id is in
// Unmapped["id"]. The cursor is Jira's startAt of the next page; pages hold
// at most 100 projects, Jira's limit.
func (d *driver) ListProjects(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	start := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 {
			return nil, errs.New(errs.InvalidQuery, "the cursor is not one ListProjects returned")
		}
		start = n
	}
	limit := req.Limit
	if limit <= 0 {
		limit = ticketing.DefaultProjectLimit
	}
	limit = min(limit, maxProjectPage)
	var out struct {
		StartAt int           `json:"startAt"`
		IsLast  bool          `json:"isLast"`
		Values  []projectBean `json:"values"`
	}
	q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {strconv.Itoa(limit)}, "orderBy": {"key"}}
	if _, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: pathProjectSearch, Query: q}, &out); err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Project]{Result: make([]*ticketing.Project, 0, len(out.Values))}
	for _, p := range out.Values {
		pr := toProject(p)
		page.Result = append(page.Result, &pr)
	}
	if !out.IsLast && len(out.Values) > 0 {
		page.Next = strconv.Itoa(start + len(out.Values))
	}
	return page, nil
}

// toProject converts a Jira project.
func toProject(p projectBean) ticketing.Project {
	un := map[string]any{"id": p.ID}
	for k, v := range map[string]string{"self": p.Self, "projectTypeKey": p.ProjectTypeKey, "style": p.Style} {
		if v != "" {
			un[k] = v
		}
	}
	if p.Simplified != nil {
		un["simplified"] = *p.Simplified
	}
	if p.IsPrivate != nil {
		un["isPrivate"] = *p.IsPrivate
	}
	return ticketing.Project{ID: p.Key, Name: p.Name, Unmapped: un}
}

// ListIssueTypes implements ticketing.Driver: the issue types of a project
// (GET /rest/api/3/project/{key}, which lists them), or every issue type of
// the site (GET /rest/api/3/issuetype) for "". An issue type's ID is its
// name, which tickets and default_issue_type use; Jira's numeric id is in
// Unmapped["id"].
func (d *driver) ListIssueTypes(ctx context.Context, project string) ([]ticketing.IssueType, error) {
	var types []issueTypeBean
	projectKey := ""
	if project == "" {
		if _, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: pathIssueTypes}, &types); err != nil {
			return nil, err
		}
	} else {
		var p projectBean
		if _, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: pathProject + "/" + url.PathEscape(project)}, &p); err != nil {
			return nil, err
		}
		types, projectKey = p.IssueTypes, p.Key
	}
	out := make([]ticketing.IssueType, 0, len(types))
	for _, t := range types {
		it := ticketing.IssueType{ID: t.Name, Name: t.Name, Description: t.Description, Project: projectKey}
		un := map[string]any{"id": t.ID, "subtask": t.Subtask}
		if t.HierarchyLevel != nil {
			un["hierarchyLevel"] = *t.HierarchyLevel
		}
		if t.Self != "" {
			un["self"] = t.Self
		}
		if t.Scope != nil && t.Scope.Project.ID != "" {
			un["scopeProjectId"] = t.Scope.Project.ID
		}
		it.Unmapped = un
		out = append(out, it)
	}
	return out, nil
}

// fieldBean is a Jira field (FieldDetails).
type fieldBean struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Name   string `json:"name"`
	Custom bool   `json:"custom"`
	Schema *struct {
		Type   string `json:"type"`
		Items  string `json:"items"`
		System string `json:"system"`
		Custom string `json:"custom"`
	} `json:"schema"`
	Scope *struct {
		Type    string `json:"type"`
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	} `json:"scope"`
}

// ListRemoteFields implements ticketing.Driver with GET /rest/api/3/field.
// System fields have the standard scope, custom fields the
// integration_custom scope, or project_custom with ProjectID for fields of
// a team-managed project. ProviderFieldPath is the field id, ready for a
// custom_field_mappings entry. Schema types: string and number map to
// themselves, option, priority, status, issue type and resolution fields
// (and arrays of options) to enum, everything else to other; FieldType is
// Jira's own type ("array<option>" for arrays). Enum values are not listed:
// Jira keeps them per field context.
func (d *driver) ListRemoteFields(ctx context.Context) ([]ticketing.RemoteField, error) {
	resp, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodGet, Path: pathFields})
	if err != nil {
		return nil, err
	}
	var fields []fieldBean
	if err := resp.Decode(&fields); err != nil {
		return nil, err
	}
	out := make([]ticketing.RemoteField, 0, len(fields))
	for _, f := range fields {
		rf := ticketing.RemoteField{FieldID: f.ID, ProviderFieldName: f.Name, ProviderFieldPath: f.ID, FieldScope: ticketing.ScopeStandard}
		if f.Custom {
			rf.FieldScope = ticketing.ScopeIntegrationCustom
			if f.Scope != nil && strings.EqualFold(f.Scope.Type, "PROJECT") {
				rf.FieldScope, rf.ProjectID = ticketing.ScopeProjectCustom, f.Scope.Project.ID
			}
		}
		if s := f.Schema; s != nil {
			name := s.Type
			if s.Items != "" {
				name += "<" + s.Items + ">"
			}
			rf.Schema = &ticketing.RemoteFieldSchema{FieldTypeID: fieldType(s.Type, s.Items), FieldType: name}
		}
		out = append(out, rf)
	}
	return out, nil
}

// fieldType maps a Jira schema type to a remote field type.
func fieldType(typ, items string) ticketing.FieldType {
	switch typ {
	case "string":
		return ticketing.FieldString
	case "number":
		return ticketing.FieldNumber
	case "option", "priority", "status", "issuetype", "resolution", "option-with-child":
		return ticketing.FieldEnum
	case "array":
		if items == "option" {
			return ticketing.FieldEnum
		}
	}
	return ticketing.FieldOther
}
