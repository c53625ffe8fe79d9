package jira

import (
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// ProviderID is the provider config id of Jira.
const ProviderID = "ticketing_jira"

// Config is the ticketing_jira provider configuration:
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
type Config struct {
	// Credential authenticates to Jira: basic (account e-mail + API token)
	// or token (a bearer token).
	Credential *credential.Ref `json:"credential"`
	// URL is the site, e.g. https://example.atlassian.net.
	URL string `json:"url"`
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
func (c *Config) Validate() error {
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	if err := providers.ValidateURL("url", c.URL); err != nil {
		return err
	}
	return providers.ValidateMappings(c.CustomFieldMappings)
}

// CredentialRefs implements providers.Config.
func (c *Config) CredentialRefs() map[string]*credential.Ref {
	if c.Credential == nil {
		return nil
	}
	return map[string]*credential.Ref{"credential": c.Credential}
}

func init() {
	providers.Register(providers.Provider{
		ID:              ProviderID,
		Fullname:        "Atlassian Jira",
		Category:        providers.Ticketing,
		NewConfig:       func() providers.Config { return new(Config) },
		CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeToken},
		Open:            Open,
		Operations:      operationNames(),
	})
}
