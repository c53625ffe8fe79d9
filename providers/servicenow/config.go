package servicenow

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// ProviderID is the provider config id of ServiceNow.
const ProviderID = "ticketing_servicenow"

// Defaults of the resolution fields written when a ticket is resolved or
// closed.
const (
	DefaultResolutionCode  = "Solution provided"
	DefaultResolutionNotes = "Resolved through the Synqly ticketing connector."
)

// Config is the ticketing_servicenow provider configuration.
type Config struct {
	// Credential authenticates to the instance: basic, o_auth_client
	// (client credentials) or token.
	Credential *credential.Ref `json:"credential"`
	// URL is the instance, e.g. https://example.service-now.com.
	URL string `json:"url"`
	// CustomFieldMappings map ServiceNow fields into tickets' custom_fields.
	// ProviderFieldPath is an incident column (u_cve); a dot-walked path
	// (cmdb_ci.name) can be read but not written. ProjectID is an
	// assignment group's sys_id, or "*".
	CustomFieldMappings []providers.CustomFieldMapping `json:"custom_field_mappings,omitempty"`
	// DefaultIssueType is the category of new tickets that name none.
	DefaultIssueType string `json:"default_issue_type,omitempty"`
	// DefaultProject is the assignment group (sys_id) of new tickets that
	// name none.
	DefaultProject string `json:"default_project,omitempty"`
	// OAuthScopes are requested with o_auth_client credentials.
	OAuthScopes []string `json:"oauth_scopes,omitempty"`
	// ResolutionCode is the close_code written when a ticket moves to
	// Resolved or Closed (default DefaultResolutionCode). An extension of
	// this library: the hosted API has no such field.
	ResolutionCode string `json:"resolution_code,omitempty"`
	// ResolutionNotes are the close_notes written with ResolutionCode
	// (default DefaultResolutionNotes). An extension of this library.
	ResolutionNotes string `json:"resolution_notes,omitempty"`
}

// fieldPath matches a column name or a dot-walked path of column names.
var fieldPath = regexp.MustCompile(`^[a-z][a-z0-9_]{0,79}(\.[a-z][a-z0-9_]{0,79}){0,3}$`)

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
	if err := providers.ValidateMappings(c.CustomFieldMappings); err != nil {
		return err
	}
	for i, m := range c.CustomFieldMappings {
		field := "custom_field_mappings[" + strconv.Itoa(i) + "]"
		if !fieldPath.MatchString(m.ProviderFieldPath) {
			return errs.Invalid(field+".provider_field_path", "provider_field_path of %q must be an incident column such as u_cve (lowercase letters, digits and _), or a dot-walked path such as cmdb_ci.name", m.Name)
		}
		if m.ProjectID != "*" && !isSysID(m.ProjectID) {
			return errs.Invalid(field+".project_id", "project_id of %q must be \"*\" or the sys_id of an assignment group (32 hex digits)", m.Name)
		}
	}
	if c.DefaultProject != "" && !isSysID(c.DefaultProject) {
		return errs.Invalid("default_project", "default_project must be the sys_id of an assignment group (32 hex digits)")
	}
	for field, v := range map[string]string{"default_issue_type": c.DefaultIssueType, "resolution_code": c.ResolutionCode} {
		if len(v) > 255 || !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n") {
			return errs.Invalid(field, "%s must be at most 255 characters on one line", field)
		}
	}
	if len(c.ResolutionNotes) > 4000 || !utf8.ValidString(c.ResolutionNotes) || strings.ContainsRune(c.ResolutionNotes, 0) {
		return errs.Invalid("resolution_notes", "resolution_notes must be valid text of at most 4000 bytes")
	}
	for i, s := range c.OAuthScopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\x00") {
			return errs.Invalid("oauth_scopes["+strconv.Itoa(i)+"]", "an OAuth scope must be a non-empty word without spaces")
		}
	}
	return nil
}

// CredentialRefs implements providers.Config.
func (c *Config) CredentialRefs() map[string]*credential.Ref {
	if c.Credential == nil {
		return nil
	}
	return map[string]*credential.Ref{"credential": c.Credential}
}

// Operations lists the names of the ticketing operations the driver
// supports (its Capabilities().Operations), for capability listings.
var Operations = operationNames(supported)

func operationNames(ops []ticketing.Operation) []string {
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i] = string(op)
	}
	return out
}

func init() {
	providers.Register(providers.Provider{
		ID:        ProviderID,
		Fullname:  "ServiceNow",
		Category:  providers.Ticketing,
		NewConfig: func() providers.Config { return new(Config) },
		CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeOAuthClient,
			credential.TypeToken},
		Open:       Open,
		Operations: Operations,
	})
}
