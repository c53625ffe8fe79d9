package jira

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// issue is a Jira issue as the API returns it (IssueBean). Its fields are
// decoded once, generically: the driver reads the fields the model holds
// from the map and keeps the rest, as decoded, in Ticket.Unmapped.
type issue struct {
	ID     string         `json:"id"`
	Key    string         `json:"key"`
	Self   string         `json:"self"`
	Fields map[string]any `json:"fields"`
}

// named is a Jira object known by name: a status, priority, issue type or
// project.
type named struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

// user is a Jira user reference.
type user struct {
	AccountID    string `json:"accountId"`
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
}

// attachment is a Jira attachment's metadata.
type attachment struct {
	ID        flexID   `json:"id"`
	Self      string   `json:"self"`
	Filename  string   `json:"filename"`
	MimeType  string   `json:"mimeType"`
	Size      *int64   `json:"size"`
	Created   jiraTime `json:"created"`
	Author    *user    `json:"author"`
	Content   string   `json:"content"`
	Thumbnail string   `json:"thumbnail"`
}

// The issue fields the driver asks for: every navigable field (so custom
// fields without a mapping reach Ticket.Unmapped) and the attachments.
const issueFields = "*navigable,attachment"

// Jira field ids of the fields the ticket model holds.
const (
	fSummary     = "summary"
	fDescription = "description"
	fStatus      = "status"
	fPriority    = "priority"
	fIssueType   = "issuetype"
	fProject     = "project"
	fLabels      = "labels"
	fDueDate     = "duedate"
	fCreated     = "created"
	fUpdated     = "updated"
	fResolved    = "resolutiondate"
	fAssignee    = "assignee"
	fReporter    = "reporter"
	fCreator     = "creator"
	fAttachment  = "attachment"
)

// consumed lists the fields whose whole value the model holds; they are
// left out of Ticket.Unmapped. Objects the model keeps only a name or id of
// (status, priority, users, ...) stay in Unmapped.
var consumed = map[string]bool{
	fSummary: true, fDescription: true, fLabels: true, fDueDate: true, fCreated: true, fUpdated: true,
	fResolved: true, fAttachment: true,
}

// Readers of decoded JSON values.

func asObject(v any) map[string]any { m, _ := v.(map[string]any); return m }

func asString(v any) string { s, _ := v.(string); return s }

// asNamed reads a status, priority, issue type or project object.
func asNamed(v any) named {
	m := asObject(v)
	return named{ID: asID(m["id"]), Key: asString(m["key"]), Name: asString(m["name"])}
}

// asUser reads a user object.
func asUser(v any) *user {
	m := asObject(v)
	if m == nil {
		return nil
	}
	return &user{AccountID: asString(m["accountId"]), DisplayName: asString(m["displayName"]), EmailAddress: asString(m["emailAddress"])}
}

// asID reads an id Jira writes as a string or a number.
func asID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return ""
}

// asTime reads a Jira timestamp (or epoch milliseconds).
func asTime(v any) jiraTime {
	switch x := v.(type) {
	case string:
		t, _ := parseJiraTime(x)
		return jiraTime{t}
	case float64:
		return jiraTime{time.UnixMilli(int64(x)).UTC()}
	}
	return jiraTime{}
}

// asAttachment reads an attachment object.
func asAttachment(v any) (attachment, bool) {
	m := asObject(v)
	if m == nil {
		return attachment{}, false
	}
	a := attachment{ID: flexID(asID(m["id"])), Self: asString(m["self"]), Filename: asString(m["filename"]),
		MimeType: asString(m["mimeType"]), Created: asTime(m["created"]), Author: asUser(m["author"]),
		Content: asString(m["content"]), Thumbnail: asString(m["thumbnail"])}
	if n, ok := m["size"].(float64); ok {
		size := int64(n)
		a.Size = &size
	}
	return a, a.ID != ""
}

// asADF reads an ADF document from decoded JSON.
func asADF(v any, depth int) *adfNode {
	m := asObject(v)
	if m == nil || depth > maxDepth*4 {
		return nil
	}
	n := &adfNode{Type: asString(m["type"]), Text: asString(m["text"]), Attrs: asObject(m["attrs"])}
	if content, ok := m["content"].([]any); ok {
		n.Content = make([]*adfNode, 0, len(content))
		for _, c := range content {
			if cn := asADF(c, depth+1); cn != nil {
				n.Content = append(n.Content, cn)
			}
		}
	}
	if marks, ok := m["marks"].([]any); ok {
		for _, mk := range marks {
			mm := asObject(mk)
			n.Marks = append(n.Marks, adfMark{Type: asString(mm["type"]), Attrs: asObject(mm["attrs"])})
		}
	}
	return n
}

// markdownOf returns a field holding ADF (or, from older sites, plain
// text) as markdown.
func markdownOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if doc := asADF(v, 0); doc != nil {
		return adfToMarkdown(doc)
	}
	return ""
}

// toTicket converts a Jira issue to a ticket. It takes the issue's fields
// map over: what the model does not hold stays in Ticket.Unmapped.
func (d *driver) toTicket(is *issue) (*ticketing.Ticket, error) {
	if is == nil || is.Key == "" {
		return nil, errs.New(errs.Provider, "jira: the issue in the response has no key")
	}
	f := is.Fields
	t := &ticketing.Ticket{ID: is.Key, Name: is.Key}
	t.Summary = asString(f[fSummary])
	t.Description = markdownOf(f[fDescription])
	t.Status = asNamed(f[fStatus]).Name
	t.Priority = fromJiraPriority(asNamed(f[fPriority]).Name)
	t.IssueType = asNamed(f[fIssueType]).Name
	project := asNamed(f[fProject])
	t.Project = project.Key
	if labels, ok := f[fLabels].([]any); ok && len(labels) > 0 {
		t.Tags = make([]string, 0, len(labels))
		for _, l := range labels {
			if s, ok := l.(string); ok {
				t.Tags = append(t.Tags, s)
			}
		}
	}
	if due, ok := parseJiraTime(asString(f[fDueDate])); ok {
		t.DueDate = &due
	}
	t.CreatedAt = asTime(f[fCreated]).Time
	t.UpdatedAt = asTime(f[fUpdated]).Time
	t.CompletionDate = asTime(f[fResolved]).ptr()
	if u := asUser(f[fAssignee]); u != nil {
		t.Assignee = u.AccountID
	}
	if u := asUser(f[fReporter]); u != nil {
		t.Creator = u.AccountID
	} else if u := asUser(f[fCreator]); u != nil {
		t.Creator = u.AccountID
	}
	if atts, ok := f[fAttachment].([]any); ok {
		for _, v := range atts {
			if a, ok := asAttachment(v); ok {
				t.Attachments = append(t.Attachments, toAttachmentMetadata(is.Key, &a))
			}
		}
	}
	mapped := d.readCustomFields(is, t, project)
	t.Unmapped = unmappedOf(is, mapped)
	return t, nil
}

// readCustomFields fills t.CustomFields from the mappings that apply to the
// issue's project, and returns the Jira field ids it read.
func (d *driver) readCustomFields(is *issue, t *ticketing.Ticket, project named) map[string]bool {
	ms := d.mappingsFor(project.Key, project.ID)
	if len(ms) == 0 {
		return nil
	}
	read := map[string]bool{}
	for name, m := range ms {
		id, path, _ := strings.Cut(m.ProviderFieldPath, ".")
		v, ok := is.Fields[id]
		if !ok {
			continue
		}
		read[id] = true
		if path != "" {
			v = dig(v, path)
		}
		if v == nil {
			continue
		}
		if t.CustomFields == nil {
			t.CustomFields = map[string]any{}
		}
		t.CustomFields[name] = v
	}
	return read
}

// dig follows a dotted path into decoded JSON.
func dig(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

// mappingsFor returns the custom field mappings that apply to a project,
// by name: a mapping for the project (by key or id) wins over a "*" one.
func (d *driver) mappingsFor(key, id string) map[string]providers.CustomFieldMapping {
	out := map[string]providers.CustomFieldMapping{}
	for _, m := range d.cfg.CustomFieldMappings {
		if m.ProjectID == "*" {
			if _, ok := out[m.Name]; !ok {
				out[m.Name] = m
			}
		}
	}
	for _, m := range d.cfg.CustomFieldMappings {
		if m.ProjectID != "*" && (strings.EqualFold(m.ProjectID, key) || (id != "" && m.ProjectID == id)) {
			out[m.Name] = m
		}
	}
	return out
}

// unmappedOf keeps what the ticket model has no place for: the issue's
// numeric id and URL, and every non-null field the model does not hold in
// full (users, the status, priority, issue type and project objects,
// unmapped custom fields, ...), under "fields" as Jira names them.
func unmappedOf(is *issue, mapped map[string]bool) map[string]any {
	out := map[string]any{"id": is.ID}
	if is.Self != "" {
		out["self"] = is.Self
	}
	fields := is.Fields
	for k, v := range fields {
		if v == nil || consumed[k] || mapped[k] {
			delete(fields, k)
		}
	}
	if len(fields) > 0 {
		out["fields"] = fields
	}
	is.Fields = nil
	return out
}

// toAttachmentMetadata converts a Jira attachment.
func toAttachmentMetadata(ticketID string, a *attachment) ticketing.AttachmentMetadata {
	m := ticketing.AttachmentMetadata{
		ID: string(a.ID), TicketID: ticketID, FileName: a.Filename, FileType: a.MimeType,
		FileSize: a.Size, CreatedDate: a.Created.Time,
	}
	un := map[string]any{}
	if a.Author != nil {
		m.Creator = a.Author.AccountID
		un["author"] = map[string]any{"accountId": a.Author.AccountID, "displayName": a.Author.DisplayName}
	}
	for k, v := range map[string]string{"self": a.Self, "content": a.Content, "thumbnail": a.Thumbnail} {
		if v != "" {
			un[k] = v
		}
	}
	if len(un) > 0 {
		m.Unmapped = un
	}
	return m
}
