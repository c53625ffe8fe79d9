// Package servicenow is the ServiceNow provider ("ticketing_servicenow") of
// the ticketing connector. Import it for its side effect to make the provider
// available:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/servicenow"
package servicenow

import (
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// ProviderID is the provider config id of ServiceNow.
const ProviderID = "ticketing_servicenow"

// Config is the ticketing_servicenow provider configuration.
type Config struct {
	// Credential authenticates to the instance: basic, o_auth_client
	// (client credentials) or token.
	Credential *credential.Ref `json:"credential"`
	// URL is the instance, e.g. https://example.service-now.com.
	URL string `json:"url"`
	// CustomFieldMappings map ServiceNow fields into tickets' custom_fields.
	CustomFieldMappings []providers.CustomFieldMapping `json:"custom_field_mappings,omitempty"`
	// DefaultIssueType is used when a new ticket names none.
	DefaultIssueType string `json:"default_issue_type,omitempty"`
	// DefaultProject is used when a new ticket names none.
	DefaultProject string `json:"default_project,omitempty"`
	// OAuthScopes are requested with o_auth_client credentials.
	OAuthScopes []string `json:"oauth_scopes,omitempty"`
}

// Validate implements providers.Config.
func (c *Config) Validate() error {
	if err := providers.RequireRef("credential", c.Credential != nil); err != nil {
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
		ID:        ProviderID,
		Fullname:  "ServiceNow",
		Category:  providers.Ticketing,
		NewConfig: func() providers.Config { return new(Config) },
		CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeOAuthClient,
			credential.TypeToken},
	})
}
