// Package mock is the mock ticketing provider ("ticketing_mock_ticketing"):
// a provider with no external system, for development, demos and tests.
// Import it for its side effect to make the provider available:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/mock"
package mock

import (
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// ProviderID is the provider config id of the mock ticketing provider.
const ProviderID = "ticketing_mock_ticketing"

// Config is the ticketing_mock_ticketing provider configuration. The mock
// needs no credential.
type Config struct {
	// CustomFieldMappings map mock ticket fields into custom_fields.
	CustomFieldMappings []providers.CustomFieldMapping `json:"custom_field_mappings,omitempty"`
	// Name is accepted for compatibility and unused.
	Name string `json:"name,omitempty"`
}

// Validate implements providers.Config.
func (c *Config) Validate() error { return providers.ValidateMappings(c.CustomFieldMappings) }

// CredentialRefs implements providers.Config; the mock has none.
func (c *Config) CredentialRefs() map[string]*credential.Ref { return nil }

func init() {
	providers.Register(providers.Provider{
		ID:        ProviderID,
		Fullname:  "Mock Ticketing",
		Category:  providers.Ticketing,
		NewConfig: func() providers.Config { return new(Config) },
	})
}
