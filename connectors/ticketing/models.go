package ticketing

import (
	"slices"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/strictjson"
	"github.com/seed-e6251c81/synqly/page"
)

// Priority is a ticket's priority.
type Priority string

// Priorities, most urgent first.
const (
	PriorityUrgent   Priority = "URGENT"
	PriorityCritical Priority = "CRITICAL"
	PriorityHigh     Priority = "HIGH"
	PriorityMedium   Priority = "MEDIUM"
	PriorityModerate Priority = "MODERATE"
	PriorityLow      Priority = "LOW"
	PriorityPlanning Priority = "PLANNING"
)

// Priorities lists every Priority, most urgent first.
var Priorities = []Priority{PriorityUrgent, PriorityCritical, PriorityHigh, PriorityMedium, PriorityModerate,
	PriorityLow, PriorityPlanning}

// Valid reports whether p is one of Priorities.
func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// Validate returns nil for a valid or empty (unset) priority, and an
// errs.InvalidInput error naming "priority" otherwise.
func (p Priority) Validate() error {
	if p == "" || p.Valid() {
		return nil
	}
	return errs.Invalid("priority", "priority %q is not valid; use one of URGENT, CRITICAL, HIGH, MEDIUM, MODERATE, LOW, PLANNING",
		kit.Clip(string(p)))
}

// Ticket is a ticket, issue or incident in the provider.
type Ticket struct {
	// ID is the provider's id of the ticket (a Jira issue key, a ServiceNow
	// sys_id, a PagerDuty incident id).
	ID string `json:"id"`
	// Name is a human-readable name; providers without one use the id or the
	// number people know the ticket by.
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Creator, Assignee and Contact are provider user names or e-mails.
	Creator  string `json:"creator,omitempty"`
	Assignee string `json:"assignee,omitempty"`
	Contact  string `json:"contact,omitempty"`
	// Description is markdown.
	Description    string     `json:"description,omitempty"`
	Priority       Priority   `json:"priority,omitempty"`
	DueDate        *time.Time `json:"due_date,omitempty"`
	CompletionDate *time.Time `json:"completion_date,omitempty"`
	// Status is the provider's status name, e.g. "Open" or "resolved".
	Status    string   `json:"status,omitempty"`
	Project   string   `json:"project,omitempty"`
	IssueType string   `json:"issue_type,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	// Attachments lists the ticket's attachments, where the provider says.
	Attachments []AttachmentMetadata `json:"attachments,omitempty"`
	// CustomFields holds mapped provider fields, keyed by mapping name.
	CustomFields map[string]any `json:"custom_fields,omitempty"`
	// Unmapped keeps the provider's fields that have no place in the model.
	Unmapped  map[string]any `json:"unmapped,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// CreateTicketRequest creates a ticket.
type CreateTicketRequest struct {
	// Summary is required.
	Summary string `json:"summary"`
	// Name is accepted for compatibility with the hosted API; providers
	// name tickets themselves (a Jira key, a ServiceNow number), and only
	// those without such a name (the mock) use it.
	Name           string         `json:"name,omitempty"`
	Creator        string         `json:"creator,omitempty"`
	Assignee       string         `json:"assignee,omitempty"`
	Contact        string         `json:"contact,omitempty"`
	Description    string         `json:"description,omitempty"`
	Priority       Priority       `json:"priority,omitempty"`
	DueDate        *time.Time     `json:"due_date,omitempty"`
	CompletionDate *time.Time     `json:"completion_date,omitempty"`
	Status         string         `json:"status,omitempty"`
	Project        string         `json:"project,omitempty"`
	IssueType      string         `json:"issue_type,omitempty"`
	Tags           []string       `json:"tags,omitempty"`
	CustomFields   map[string]any `json:"custom_fields,omitempty"`
	// IdempotencyKey, when set, makes the create safe to repeat: a provider
	// that honours it creates at most one open ticket per key and answers a
	// repeated create with the ticket the key made. PagerDuty honours it
	// (it is the incident's incident_key, unique among the open incidents
	// of the service; at most 255 bytes of text on one line). Jira,
	// ServiceNow and the mock ignore it: their creates are not retried.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// UnmarshalJSON decodes a request strictly, as every JSON input of the
// library is decoded: a member must be exactly a field's JSON name,
// unknown members and invalid UTF-8 are refused, and due_date and
// completion_date take only the strict RFC 3339 form (YYYY-MM-DDTHH:MM:SS,
// optional .digits, Z or ±HH:MM), so that a request means the same
// whichever way it arrives. Errors are errs.InvalidInput naming the field.
func (r *CreateTicketRequest) UnmarshalJSON(b []byte) error {
	type plain CreateTicketRequest
	var p plain
	if err := strictjson.Decode("", b, &p); err != nil {
		return err
	}
	*r = CreateTicketRequest(p)
	return nil
}

// Project is a container of tickets (a Jira project, a ServiceNow assignment
// group, a PagerDuty service). Put its ID into Ticket.Project.
type Project struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	CustomFields map[string]any `json:"custom_fields,omitempty"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

// IssueType is a kind of ticket a project accepts (Bug, Task, Incident, ...).
type IssueType struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Project     string         `json:"project,omitempty"`
	Unmapped    map[string]any `json:"unmapped,omitempty"`
}

// FieldScope says where a remote field applies.
type FieldScope string

// Field scopes.
const (
	ScopeStandard          FieldScope = "standard"
	ScopeIntegrationCustom FieldScope = "integration_custom"
	ScopeProjectCustom     FieldScope = "project_custom"
	ScopeTicketCustom      FieldScope = "ticket_custom"
	ScopeUnknown           FieldScope = "unknown"
)

// FieldType is a remote field's value type.
type FieldType string

// Field types.
const (
	FieldString FieldType = "string"
	FieldNumber FieldType = "number"
	FieldEnum   FieldType = "enum"
	FieldOther  FieldType = "other"
)

// RemoteField is a field of the provider's tickets, for building
// custom_field_mappings.
type RemoteField struct {
	FieldID           string             `json:"field_id"`
	Schema            *RemoteFieldSchema `json:"schema,omitempty"`
	FieldScope        FieldScope         `json:"field_scope"`
	ProviderFieldName string             `json:"provider_field_name"`
	ProviderFieldPath string             `json:"provider_field_path,omitempty"`
	ProjectID         string             `json:"project_id,omitempty"`
}

// RemoteFieldSchema describes a remote field's values.
type RemoteFieldSchema struct {
	FieldTypeID FieldType `json:"field_type_id"`
	// FieldType is the provider's own type name (the JSON name keeps the
	// reference's capital T).
	FieldType        string       `json:"field_Type,omitempty"`
	EnumValues       []string     `json:"enum_values,omitempty"`
	EnumOptionValues []EnumOption `json:"enum_option_values,omitempty"`
}

// EnumOption is one allowed value of an enum field.
type EnumOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Comment is a comment on a ticket.
type Comment struct {
	ID       string `json:"id"`
	TicketID string `json:"ticket_id"`
	Creator  string `json:"creator"`
	// Content is markdown.
	Content      string         `json:"content"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    *time.Time     `json:"updated_at,omitempty"`
	CustomFields map[string]any `json:"custom_fields,omitempty"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

// CreateCommentRequest creates a comment.
type CreateCommentRequest struct {
	// Content is markdown; required.
	Content string `json:"content"`
	// Creator is an e-mail; PagerDuty needs it (or the integration's
	// default_creator), other providers ignore it.
	Creator string `json:"creator,omitempty"`
}

// Note is a note on a ticket (a ServiceNow work note, a PagerDuty incident
// note, ...).
type Note struct {
	ID       string `json:"id"`
	TicketID string `json:"ticket_id"`
	// Content is markdown.
	Content      string         `json:"content"`
	Creator      string         `json:"creator"`
	Title        string         `json:"title"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    *time.Time     `json:"updated_at,omitempty"`
	CustomFields map[string]any `json:"custom_fields,omitempty"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

// CreateNoteRequest creates a note.
type CreateNoteRequest struct {
	// Content is markdown; required.
	Content string `json:"content"`
	Title   string `json:"title"`
	// Creator is an e-mail; PagerDuty needs it (or the integration's
	// default_creator), other providers ignore it.
	Creator string `json:"creator,omitempty"`
}

// AttachmentMetadata describes an attachment of a ticket.
type AttachmentMetadata struct {
	ID          string         `json:"id"`
	TicketID    string         `json:"ticket_id"`
	FileName    string         `json:"file_name"`
	FileType    string         `json:"file_type"`
	FileSize    *int64         `json:"file_size,omitempty"`
	CreatedDate time.Time      `json:"created_date"`
	Creator     string         `json:"creator"`
	Unmapped    map[string]any `json:"unmapped,omitempty"`
}

// Attachment is an attachment's content. Content is base64 in JSON.
type Attachment struct {
	FileName string         `json:"file_name"`
	FileType string         `json:"file_type"`
	Content  []byte         `json:"content"`
	Unmapped map[string]any `json:"unmapped,omitempty"`
}

// CreateAttachmentRequest attaches a file to a ticket.
type CreateAttachmentRequest struct {
	FileName string `json:"file_name"`
	// Content is the file's bytes (base64 in JSON).
	Content []byte `json:"content"`
}

// EscalationPolicy is an on-call escalation policy.
type EscalationPolicy struct {
	ID          string                 `json:"id"`
	Name        string                 `json:"name,omitempty"`
	Description string                 `json:"description,omitempty"`
	Rules       []EscalationPolicyRule `json:"rules"`
	Unmapped    map[string]any         `json:"unmapped,omitempty"`
}

// EscalationPolicyRule is one step of an escalation policy.
type EscalationPolicyRule struct {
	ID           string         `json:"id,omitempty"`
	DelaySeconds int            `json:"delay_seconds"`
	Actors       []Actor        `json:"actors"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

// ActorType is the kind of an escalation actor.
type ActorType string

// Actor types.
const (
	ActorAgent           ActorType = "agent"
	ActorAgentSummary    ActorType = "agent_summary"
	ActorGroupSummary    ActorType = "group_summary"
	ActorScheduleSummary ActorType = "schedule_summary"
)

// Actor is who an escalation rule notifies: a full Agent (Type agent) or a
// summary of an agent, group or schedule.
type Actor struct {
	Type  ActorType `json:"type"`
	Agent *Agent    `json:"agent,omitempty"`
	ID    string    `json:"id,omitempty"`
	Name  string    `json:"name,omitempty"`
}

// Agent is a person who can be on call.
type Agent struct {
	UID         string         `json:"uid"`
	FullName    string         `json:"full_name"`
	EmailAddr   string         `json:"email_addr,omitempty"`
	PhoneNumber string         `json:"phone_number,omitempty"`
	TimeZone    string         `json:"time_zone,omitempty"`
	JobTitle    string         `json:"job_title,omitempty"`
	Unmapped    map[string]any `json:"unmapped,omitempty"`
}

// Page is one page of a paged list: page.Page, the one page type of the
// library. An empty Next means there are no more pages; otherwise pass it as
// the next request's Cursor.
type Page[T any] = page.Page[T]
