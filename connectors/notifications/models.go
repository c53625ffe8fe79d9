package notifications

import (
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/internal/strictjson"
)

// Status says whether a notification still needs attention.
type Status string

// The notification statuses.
const (
	// StatusOpen is a notification that was sent and not cleared.
	StatusOpen Status = "OPEN"
	// StatusClosed is a cleared notification.
	StatusClosed Status = "CLOSED"
)

// Notification is a message sent to a team through a provider. Its JSON
// names are the Synqly Connector API's.
type Notification struct {
	// ID is the provider's id of the message (a Slack channel and
	// timestamp, a Jira issue key, ...), what GetMessage and ClearMessage
	// take.
	ID string `json:"id"`
	// Name is kept for compatibility with the hosted API (deprecated
	// there); providers that name messages themselves ignore it.
	Name string `json:"name,omitempty"`
	// Summary is the message's headline.
	Summary string `json:"summary"`
	// Priority is the notifications' priority, the ticketing connector's
	// enum (the hosted API shares it between the two).
	Priority ticketing.Priority `json:"priority,omitempty"`
	// NotificationStatus is OPEN until the message is cleared.
	NotificationStatus Status `json:"notification_status,omitempty"`
	// Project, Status, IssueType, Creator, Assignee and Contact are the
	// fields a ticket-like provider (Jira) keeps; chat providers show
	// what they can of them.
	Project     string   `json:"project,omitempty"`
	Status      string   `json:"status,omitempty"`
	Description string   `json:"description,omitempty"`
	IssueType   string   `json:"issue_type,omitempty"`
	Creator     string   `json:"creator,omitempty"`
	Assignee    string   `json:"assignee,omitempty"`
	Contact     string   `json:"contact,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// CreateMessageRequest is a notification to send. Summary is required.
type CreateMessageRequest struct {
	Summary  string             `json:"summary"`
	Name     string             `json:"name,omitempty"`
	Priority ticketing.Priority `json:"priority,omitempty"`
	Project  string             `json:"project,omitempty"`
	Status   string             `json:"status,omitempty"`
	// Description is the message's body, in a small Markdown subset
	// (*bold*, _italic_, `code`, [text](https://link), "- " bullets)
	// that providers render in their own format.
	Description string   `json:"description,omitempty"`
	IssueType   string   `json:"issue_type,omitempty"`
	Creator     string   `json:"creator,omitempty"`
	Assignee    string   `json:"assignee,omitempty"`
	Contact     string   `json:"contact,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// UnmarshalJSON decodes a request strictly, as every JSON input of the
// library is decoded: members must be exactly the fields' JSON names;
// unknown members and invalid UTF-8 are refused (errs.InvalidInput naming
// the field).
func (r *CreateMessageRequest) UnmarshalJSON(b []byte) error {
	type plain CreateMessageRequest
	var p plain
	if err := strictjson.Decode("", b, &p); err != nil {
		return err
	}
	*r = CreateMessageRequest(p)
	return nil
}

// Notification returns the notification the request describes, with id and
// status left for the provider.
func (r *CreateMessageRequest) Notification() *Notification {
	return &Notification{Name: r.Name, Summary: r.Summary, Priority: r.Priority, Project: r.Project, Status: r.Status,
		Description: r.Description, IssueType: r.IssueType, Creator: r.Creator, Assignee: r.Assignee, Contact: r.Contact,
		Tags: append([]string(nil), r.Tags...)}
}
