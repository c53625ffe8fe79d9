package jirafake

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// jiraTime is how Jira writes timestamps.
const jiraTime = "2006-01-02T15:04:05.000-0700"

func (st *state) ts(t time.Time) string { return t.In(st.loc).Format(jiraTime) }

// fieldSel is a "fields" parameter: which issue fields to return.
type fieldSel struct {
	all, navigable, none bool
	include, exclude     map[string]bool
}

func allFields() fieldSel { return fieldSel{all: true} }

// parseFields reads "fields" values (comma-separated, repeatable); def
// applies when there are none.
func parseFields(vals []string, def string) fieldSel {
	var parts []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
	}
	if len(parts) == 0 {
		parts = []string{def}
	}
	sel := fieldSel{include: map[string]bool{}, exclude: map[string]bool{}}
	for _, p := range parts {
		switch {
		case p == "*all":
			sel.all = true
		case p == "*navigable":
			sel.navigable = true
		case p == "id" || p == "key":
		case strings.HasPrefix(p, "-"):
			sel.exclude[p[1:]] = true
		default:
			sel.include[p] = true
		}
	}
	sel.none = !sel.all && !sel.navigable && len(sel.include) == 0
	return sel
}

// wants reports whether the selection holds field f.
func (sel fieldSel) wants(f string) bool {
	switch {
	case sel.exclude[f]:
		return false
	case sel.all:
		return true
	case sel.navigable && f != "comment":
		return true
	}
	return sel.include[f]
}

// onlyKeys reports a selection of ids only, which lets a search return
// large pages.
func (sel fieldSel) onlyKeys() bool { return sel.none }

// systemFields lists the system fields an issue has, in output order.
var systemFields = []string{"summary", "description", "status", "priority", "issuetype", "project", "labels",
	"duedate", "created", "updated", "resolutiondate", "resolution", "assignee", "reporter", "creator",
	"attachment", "comment"}

// renderIssue renders an issue (IssueBean).
func (st *state) renderIssue(is *issueRec, sel fieldSel) map[string]any {
	out := map[string]any{
		"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id":     strconv.Itoa(is.id),
		"key":    is.key,
		"self":   st.base + "/rest/api/3/issue/" + strconv.Itoa(is.id),
	}
	if !sel.none {
		out["fields"] = st.renderFields(is, sel)
	}
	return out
}

// renderFields renders the selected fields of an issue.
func (st *state) renderFields(is *issueRec, sel fieldSel) map[string]any {
	f := map[string]any{}
	for _, name := range systemFields {
		if sel.wants(name) {
			f[name] = st.systemField(is, name)
		}
	}
	for _, cf := range st.custom {
		if sel.wants(cf.id) {
			v, ok := is.custom[cf.id]
			if !ok {
				v = nil
			}
			f[cf.id] = v
		}
	}
	return f
}

func (st *state) systemField(is *issueRec, name string) any {
	switch name {
	case "summary":
		return is.summary
	case "description":
		return is.description
	case "status":
		return st.renderStatus(is.status)
	case "priority":
		if is.priority == nil {
			return nil
		}
		return st.renderPriority(is.priority)
	case "issuetype":
		return st.renderIssueType(is.issueType, is.project)
	case "project":
		return st.renderProject(is.project, false)
	case "labels":
		if is.labels == nil {
			return []string{}
		}
		return is.labels
	case "duedate":
		if is.due == "" {
			return nil
		}
		return is.due
	case "created":
		return st.ts(is.created)
	case "updated":
		return st.ts(is.updated)
	case "resolutiondate":
		if is.resolved == nil {
			return nil
		}
		return st.ts(*is.resolved)
	case "resolution":
		if is.resolved == nil {
			return nil
		}
		return map[string]any{"self": st.base + "/rest/api/3/resolution/10000", "id": "10000", "name": "Done", "description": "Work has been completed on this issue."}
	case "assignee":
		return st.renderUser(is.assignee)
	case "reporter":
		return st.renderUser(is.reporter)
	case "creator":
		return st.renderUser(is.creator)
	case "attachment":
		out := make([]any, 0, len(is.attachments))
		for _, a := range is.attachments {
			out = append(out, st.renderAttachment(a, true))
		}
		return out
	case "comment":
		cs := make([]any, 0, len(is.comments))
		for _, c := range is.comments {
			cs = append(cs, st.renderComment(is, c))
		}
		return map[string]any{"comments": cs, "self": st.base + "/rest/api/3/issue/" + strconv.Itoa(is.id) + "/comment",
			"maxResults": len(cs), "total": len(cs), "startAt": 0}
	}
	return nil
}

func (st *state) renderStatus(s *statusRec) map[string]any {
	cat := map[string]any{"self": st.base + "/rest/api/3/statuscategory/2", "id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"}
	switch s.category {
	case "indeterminate":
		cat = map[string]any{"self": st.base + "/rest/api/3/statuscategory/4", "id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"}
	case "done":
		cat = map[string]any{"self": st.base + "/rest/api/3/statuscategory/3", "id": 3, "key": "done", "colorName": "green", "name": "Done"}
	}
	return map[string]any{"self": st.base + "/rest/api/3/status/" + strconv.Itoa(s.id), "description": "",
		"iconUrl": st.base + "/images/icons/statuses/generic.png", "name": s.name, "id": strconv.Itoa(s.id), "statusCategory": cat}
}

func (st *state) renderPriority(p *priorityRec) map[string]any {
	return map[string]any{"self": st.base + "/rest/api/3/priority/" + strconv.Itoa(p.id),
		"iconUrl": st.base + "/images/icons/priorities/" + strings.ToLower(p.name) + ".svg", "name": p.name, "id": strconv.Itoa(p.id)}
}

func (st *state) renderIssueType(t *issueTypeRec, p *projectRec) map[string]any {
	out := map[string]any{"self": st.base + "/rest/api/3/issuetype/" + strconv.Itoa(t.id), "id": strconv.Itoa(t.id),
		"description": t.description, "iconUrl": st.base + "/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318",
		"name": t.name, "subtask": false, "avatarId": 10318, "hierarchyLevel": t.level}
	if p != nil {
		out["scope"] = map[string]any{"type": "PROJECT", "project": map[string]any{"id": strconv.Itoa(p.id)}}
	}
	return out
}

func (st *state) renderProject(p *projectRec, full bool) map[string]any {
	out := map[string]any{"self": st.base + "/rest/api/3/project/" + strconv.Itoa(p.id), "id": strconv.Itoa(p.id),
		"key": p.key, "name": p.name, "projectTypeKey": p.typeKey, "simplified": false,
		"avatarUrls": map[string]any{"48x48": st.base + "/secure/projectavatar?pid=" + strconv.Itoa(p.id)}}
	if full {
		out["style"] = "classic"
		out["isPrivate"] = p.private
		out["description"] = ""
		out["lead"] = st.renderUser(st.me)
		types := make([]any, 0, len(st.issueTypes))
		for _, t := range st.issueTypes {
			types = append(types, st.renderIssueType(t, nil))
		}
		out["issueTypes"] = types
	}
	return out
}

func (st *state) renderUser(accountID string) any {
	if accountID == "" {
		return nil
	}
	u := st.users[accountID]
	if u == nil {
		u = &userRec{accountID: accountID, name: accountID}
	}
	out := map[string]any{"self": st.base + "/rest/api/3/user?accountId=" + url.QueryEscape(u.accountID),
		"accountId": u.accountID, "displayName": u.name, "active": true, "timeZone": st.loc.String(),
		"accountType": "atlassian", "avatarUrls": map[string]any{"48x48": "https://avatar.example.test/" + url.PathEscape(u.accountID)}}
	if u.email != "" {
		out["emailAddress"] = u.email
	}
	return out
}

// renderAttachment renders attachment metadata; the issue's attachment
// field and GET /attachment/{id} write the id as a number, the upload
// response as a string (as the API documents).
func (st *state) renderAttachment(a *attachmentRec, numericID bool) map[string]any {
	var id any = strconv.Itoa(a.id)
	if numericID {
		id = a.id
	}
	out := map[string]any{"self": st.base + "/rest/api/3/attachments/" + strconv.Itoa(a.id), "id": id,
		"filename": a.filename, "author": st.renderUser(a.author), "created": st.ts(a.created), "size": len(a.content),
		"mimeType": a.mimeType, "content": st.base + "/rest/api/3/attachment/content/" + strconv.Itoa(a.id)}
	if strings.HasPrefix(a.mimeType, "image/") {
		out["thumbnail"] = st.base + "/rest/api/3/attachment/thumbnail/" + strconv.Itoa(a.id)
	}
	return out
}

func (st *state) renderComment(is *issueRec, c *commentRec) map[string]any {
	return map[string]any{"self": st.base + "/rest/api/3/issue/" + strconv.Itoa(is.id) + "/comment/" + strconv.Itoa(c.id),
		"id": strconv.Itoa(c.id), "author": st.renderUser(c.author), "updateAuthor": st.renderUser(c.author),
		"body": c.body, "created": st.ts(c.created), "updated": st.ts(c.updated), "jsdPublic": true}
}

// roundTrip re-decodes v through JSON (for callers that inspect it).
func roundTrip(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
