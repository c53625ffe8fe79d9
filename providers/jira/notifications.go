package jira

import (
	"context"
	"net/http"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// NotificationsID is the provider config id of the Jira notifications
// provider.
const NotificationsID = "notifications_jira"

// NotificationsConfig is the notifications_jira provider configuration: a
// notification is a Jira issue.
//
//	{
//	  "type": "notifications_jira",
//	  "url": "https://example.atlassian.net",
//	  "credential": {"type": "basic", "username": "bot@example.com", "secret": "<API token>"},
//	  "default_project": "SEC"
//	}
//
// url and credential are the hosted API's; default_project and
// default_issue_type are this module's (as in ticketing_jira), for
// messages that name no project or issue type.
type NotificationsConfig struct {
	// Credential authenticates to Jira: basic (account e-mail + API token)
	// or token (a bearer token).
	Credential *credential.Ref `json:"credential" schema:"required"`
	// URL is the site, e.g. https://example.atlassian.net.
	URL string `json:"url" schema:"required"`
	// DefaultProject is the project of a message that names none.
	DefaultProject string `json:"default_project,omitempty"`
	// DefaultIssueType is the issue type of a message that names none.
	DefaultIssueType string `json:"default_issue_type,omitempty"`
}

// ticketing returns the site's configuration as the ticketing driver
// takes it.
func (c *NotificationsConfig) ticketing() *TicketingConfig {
	return &TicketingConfig{Credential: c.Credential, URL: c.URL, DefaultProject: c.DefaultProject, DefaultIssueType: c.DefaultIssueType}
}

// Validate implements providers.Config.
func (c *NotificationsConfig) Validate() error { return c.ticketing().Validate() }

// CredentialRefs implements providers.Config.
func (c *NotificationsConfig) CredentialRefs() map[string]*credential.Ref {
	return c.ticketing().CredentialRefs()
}

// Notifications is the registration of the Jira notifications provider,
// and its constructor. A notification is a Jira issue, made by the ticketing
// driver's own code: CreateMessage creates the issue (summary, description
// in Atlassian Document Format, priority, project, issue type, assignee,
// labels from tags) and returns it OPEN under its key; GetMessage reads it,
// CLOSED once its status is in Jira's "done" status category;
// ClearMessage moves it to a done status through a workflow transition (the
// first the issue offers whose target is in the done category). It
// authenticates like Ticketing.
var Notifications = notifications.Registration{
	ID:              NotificationsID,
	Fullname:        "Atlassian Jira",
	NewConfig:       func() providers.Config { return new(NotificationsConfig) },
	CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeToken},
	Capabilities:    notifications.Capabilities{Operations: notifications.Operations},
	Open:            openNotifications,
}

// notifier is the Jira notifications driver: the ticketing driver, seen
// through the notifications model.
type notifier struct {
	notifications.Unimplemented // never reached: every operation is implemented
	d                           *driver
}

var _ notifications.Driver = (*notifier)(nil)

func openNotifications(_ context.Context, req providers.OpenRequest) (notifications.Driver, error) {
	cfg, err := providers.ConfigAs[*NotificationsConfig](req)
	if err != nil {
		return nil, err
	}
	d, err := buildDriver(req, cfg.ticketing())
	if err != nil {
		return nil, err
	}
	return &notifier{d: d}, nil
}

// CreateMessage implements notifications.Driver.
func (n *notifier) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	t, err := n.d.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: req.Summary, Description: req.Description, Priority: req.Priority, Project: req.Project,
		IssueType: req.IssueType, Assignee: req.Assignee, Creator: req.Creator, Contact: req.Contact,
		Status: req.Status, Tags: req.Tags,
	})
	if err != nil {
		return nil, err
	}
	out := fromTicket(t)
	out.Name = req.Name
	out.NotificationStatus = notifications.StatusOpen
	return out, nil
}

// GetMessage implements notifications.Driver.
func (n *notifier) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	is, err := n.d.getIssue(ctx, id, issueFields)
	if err != nil {
		return nil, err
	}
	// Before toTicket, which takes the fields it maps out of is.
	cat, _ := dig(is.Fields, "status.statusCategory.key").(string)
	t, err := n.d.toTicket(is)
	if err != nil {
		return nil, err
	}
	out := fromTicket(t)
	out.NotificationStatus = notifications.StatusOpen
	if cat == doneCategory {
		out.NotificationStatus = notifications.StatusClosed
	}
	return out, nil
}

// doneCategory is the key of Jira's status category of finished work.
const doneCategory = "done"

// ClearMessage implements notifications.Driver: it moves the issue to a
// status of the done category; an issue already there stays as it is.
func (n *notifier) ClearMessage(ctx context.Context, id string) error {
	is, err := n.d.getIssue(ctx, id, "status")
	if err != nil {
		return err
	}
	if cat, _ := dig(is.Fields, "status.statusCategory.key").(string); cat == doneCategory {
		return nil
	}
	var out struct {
		Transitions []struct {
			ID string `json:"id"`
			To struct {
				Name           string `json:"name"`
				StatusCategory struct {
					Key string `json:"key"`
				} `json:"statusCategory"`
			} `json:"to"`
		} `json:"transitions"`
	}
	if _, err := n.d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: issuePath(id) + "/transitions"}, &out); err != nil {
		return err
	}
	for _, tr := range out.Transitions {
		if strings.EqualFold(tr.To.StatusCategory.Key, doneCategory) {
			return n.d.doTransition(ctx, id, tr.ID)
		}
	}
	return errs.New(errs.Conflict, "jira offers no transition of %s to a done status from its current status", clip(id))
}

// Close implements notifications.Driver.
func (n *notifier) Close() error { return n.d.Close() }

// fromTicket returns the notification a Jira issue, read as a ticket, is.
func fromTicket(t *ticketing.Ticket) *notifications.Notification {
	return &notifications.Notification{ID: t.ID, Summary: t.Summary, Priority: t.Priority, Project: t.Project,
		Status: t.Status, Description: t.Description, IssueType: t.IssueType, Creator: t.Creator, Assignee: t.Assignee,
		Contact: t.Contact, Tags: t.Tags}
}
