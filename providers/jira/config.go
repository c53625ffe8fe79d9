package jira

import (
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// TicketingID is the provider config id of the Jira ticketing provider.
const TicketingID = "ticketing_jira"

// TicketingConfig is the ticketing_jira provider configuration:
//
//	{
//	  "type": "ticketing_jira",
//	  "url": "https://example.atlassian.net",
//	  "credential": {"type": "basic", "username": "bot@example.com", "secret": "<API token>"},
//	  "default_project": "SEC",
//	  "default_issue_type": "Task",
//	  "custom_field_mappings": [
//	    {"name": "severity", "project_id": "*", "provider_field_path": "customfield_10010"},
//	    {"name": "team", "project_id": "SEC", "provider_field_path": "customfield_10020.value"}
//	  ]
//	}
//
// A mapping's provider_field_path is a Jira field id (see ListRemoteFields),
// optionally followed by a dotted path into the field's value; its
// project_id is a project key or id, or "*" for every project. A mapping
// for the ticket's own project wins over a "*" mapping of the same name.
type TicketingConfig struct {
	// Credential authenticates to Jira: basic (account e-mail + API token)
	// or token (a bearer token).
	Credential *credential.Ref `json:"credential" schema:"required"`
	// URL is the site, e.g. https://example.atlassian.net.
	URL string `json:"url" schema:"required"`
	// CustomFieldMappings map Jira fields into tickets' custom_fields.
	CustomFieldMappings []providers.CustomFieldMapping `json:"custom_field_mappings,omitempty"`
	// DefaultIssueType is used when a new ticket names none.
	DefaultIssueType string `json:"default_issue_type,omitempty"`
	// DefaultProject is used when a new ticket names none.
	DefaultProject string `json:"default_project,omitempty"`
}

// Validate implements providers.Config: the configuration must name a
// credential (a stored one by id, or one inline); an absent one is an
// errs.InvalidInput error on "credential" saying it is required.
func (c *TicketingConfig) Validate() error {
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	if err := providers.ValidateURL("url", c.URL); err != nil {
		return err
	}
	return providers.ValidateMappings(c.CustomFieldMappings)
}

// CredentialRefs implements providers.Config.
func (c *TicketingConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// Ticketing is the registration of the Jira ticketing provider, and its
// one constructor. Ticketing.Open builds a driver for the site the
// request's Config, a *TicketingConfig, describes (validated again: a
// request without one is an errs.Internal error, an invalid one an
// errs.InvalidInput error), authenticating with the request's unsealed
// Credentials["credential"]: a *credential.BasicCredential (account e-mail
// and API token, sent as HTTP basic authentication) or a
// *credential.TokenCredential (sent as a bearer token); any other, or none,
// is an errs.InvalidInput error. The driver calls Jira through the
// request's HTTPClient (a pooled client of its own if nil), tuned by its
// HTTPOptions, logs to its Logger, and is safe for concurrent use.
//
// Its Capabilities are every ticketing operation but notes (Jira has
// comments only, and the connector keeps comments and notes apart),
// escalation policies and on-call (those live in Jira Service Management /
// Opsgenie, other providers). Tickets can be ordered by every field JQL's
// ORDER BY accepts; Jira orders priorities, statuses and issue types by
// their rank in the site's scheme, not by name, and puts empty values last
// in ascending order.
var Ticketing = ticketing.Registration{
	ID:              TicketingID,
	Fullname:        "Atlassian Jira",
	NewConfig:       func() providers.Config { return new(TicketingConfig) },
	CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeToken},
	Capabilities: ticketing.Capabilities{
		Operations: []ticketing.Operation{
			ticketing.OpListRemoteFields, ticketing.OpListProjects, ticketing.OpListIssueTypes,
			ticketing.OpQueryTickets, ticketing.OpGetTicket, ticketing.OpCreateTicket, ticketing.OpPatchTicket,
			ticketing.OpCreateAttachment, ticketing.OpListAttachmentsMetadata, ticketing.OpDownloadAttachment,
			ticketing.OpDeleteAttachment, ticketing.OpListComments, ticketing.OpCreateComment, ticketing.OpDeleteComment,
		},
		Orders: orderFieldNames(),
	},
	Open: openTicketing,
}

func init() {
	ticketing.Register(Ticketing)
	notifications.Register(Notifications)
}
