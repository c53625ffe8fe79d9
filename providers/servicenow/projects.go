package servicenow

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// maxListPages bounds the pages read by the calls that list everything.
const maxListPages = 50

// ListProjects implements ticketing.Driver: the active assignment groups
// (sys_user_group), by name.
func (d *driver) ListProjects(ctx context.Context, req ticketing.ListRequest) (*ticketing.Page[ticketing.Project], error) {
	offset, err := parseCursor(req.Cursor)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 || limit > ticketing.MaxTicketLimit {
		limit = ticketing.DefaultProjectLimit
	}
	q := url.Values{"sysparm_query": {"active=true^ORDERBYname^ORDERBYsys_id"}, "sysparm_fields": {"sys_id,name,description,email,manager"},
		"sysparm_exclude_reference_link": {"true"}, "sysparm_limit": {strconv.Itoa(limit)}, "sysparm_offset": {strconv.Itoa(offset)}}
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/now/table/sys_user_group", Query: q})
	if err != nil {
		return nil, err
	}
	rows, err := resultList(resp)
	if err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Project]{Result: make([]*ticketing.Project, 0, len(rows))}
	for _, r := range rows {
		p := ticketing.Project{ID: r.str("sys_id"), Name: r.str("name")}
		for _, k := range []string{"description", "email", "manager"} {
			if v := r.str(k); v != "" {
				if p.Unmapped == nil {
					p.Unmapped = map[string]any{}
				}
				p.Unmapped[k] = v
			}
		}
		page.Result = append(page.Result, &p)
	}
	page.Next = nextCursor(offset, len(rows), limit, totalCount(resp))
	return page, nil
}

// ListIssueTypes implements ticketing.Driver: the active incident
// categories (sys_choice). Categories are not per assignment group, so
// every project has the same list.
func (d *driver) ListIssueTypes(ctx context.Context, project string) ([]ticketing.IssueType, error) {
	rows, err := d.listAll(ctx, "/api/now/table/sys_choice",
		"name=incident^element=category^inactive=false^language=en^ORDERBYsequence^ORDERBYvalue", "value,label,sequence")
	if err != nil {
		return nil, err
	}
	out := []ticketing.IssueType{}
	seen := map[string]bool{}
	for _, r := range rows {
		v := r.str("value")
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, ticketing.IssueType{ID: v, Name: cmp.Or(r.str("label"), v), Project: project})
	}
	return out, nil
}

// ListRemoteFields implements ticketing.Driver: the columns of the incident
// table and of task, its parent, from sys_dictionary, with the choices of
// choice columns from sys_choice. Columns named u_* are the instance's own
// (integration_custom).
func (d *driver) ListRemoteFields(ctx context.Context) ([]ticketing.RemoteField, error) {
	rows, err := d.listAll(ctx, "/api/now/table/sys_dictionary",
		"nameINincident,task^elementISNOTEMPTY^active=true^ORDERBYelement^ORDERBYsys_id",
		"name,element,column_label,internal_type,choice,reference")
	if err != nil {
		return nil, err
	}
	choices, err := d.listAll(ctx, "/api/now/table/sys_choice",
		"nameINincident,task^inactive=false^language=en^ORDERBYelement^ORDERBYsequence^ORDERBYvalue", "name,element,value,label")
	if err != nil {
		return nil, err
	}
	// incident's own choices and columns override task's.
	options := map[string][]ticketing.EnumOption{}
	for _, table := range []string{"task", "incident"} {
		byElement := map[string][]ticketing.EnumOption{}
		for _, c := range choices {
			if c.str("name") == table && c.str("value") != "" {
				byElement[c.str("element")] = append(byElement[c.str("element")], ticketing.EnumOption{ID: c.str("value"), Name: c.str("label")})
			}
		}
		for k, v := range byElement {
			options[k] = v
		}
	}
	fields := map[string]ticketing.RemoteField{}
	for _, table := range []string{"task", "incident"} {
		for _, r := range rows {
			el := r.str("element")
			if r.str("name") != table || !fieldPath.MatchString(el) || strings.Contains(el, ".") {
				continue
			}
			fields[el] = remoteField(r, options[el])
		}
	}
	out := make([]ticketing.RemoteField, 0, len(fields))
	for _, f := range fields {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b ticketing.RemoteField) int { return strings.Compare(a.FieldID, b.FieldID) })
	return out, nil
}

// remoteField maps a sys_dictionary entry.
func remoteField(r record, opts []ticketing.EnumOption) ticketing.RemoteField {
	el, typ := r.str("element"), r.str("internal_type")
	f := ticketing.RemoteField{FieldID: el, ProviderFieldName: cmp.Or(r.str("column_label"), el), ProviderFieldPath: el,
		FieldScope: ticketing.ScopeStandard, Schema: &ticketing.RemoteFieldSchema{FieldType: typ}}
	if strings.HasPrefix(el, "u_") {
		f.FieldScope = ticketing.ScopeIntegrationCustom
	}
	choice := r.str("choice")
	switch {
	case choice != "" && choice != "0" && len(opts) > 0:
		f.Schema.FieldTypeID = ticketing.FieldEnum
		f.Schema.EnumOptionValues = opts
		for _, o := range opts {
			f.Schema.EnumValues = append(f.Schema.EnumValues, o.ID)
		}
	case slices.Contains([]string{"integer", "decimal", "float", "longint", "numeric", "currency", "price"}, typ):
		f.Schema.FieldTypeID = ticketing.FieldNumber
	case slices.Contains([]string{"string", "journal", "journal_input", "html", "email", "url", "phone_number_e164",
		"translated_text", "translated_html", "multi_two_lines", "char", "script", "wiki_text"}, typ):
		f.Schema.FieldTypeID = ticketing.FieldString
	default:
		f.Schema.FieldTypeID = ticketing.FieldOther
	}
	return f
}

// listAll reads every record of a table query, page by page (at most
// maxListPages pages of 1000).
func (d *driver) listAll(ctx context.Context, path, query, fields string) ([]record, error) {
	const limit = 1000
	var out []record
	for page := range maxListPages {
		q := url.Values{"sysparm_query": {query}, "sysparm_fields": {fields}, "sysparm_exclude_reference_link": {"true"},
			"sysparm_limit": {strconv.Itoa(limit)}, "sysparm_offset": {strconv.Itoa(page * limit)}}
		resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q})
		if err != nil {
			return nil, err
		}
		rows, err := resultList(resp)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < limit {
			break
		}
	}
	return out, nil
}
