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

// TicketingID is the provider config id of the ServiceNow ticketing
// provider.
const TicketingID = "ticketing_servicenow"

// Defaults of the resolution fields written when a ticket is resolved or
// closed.
const (
	DefaultResolutionCode  = "Solution provided"
	DefaultResolutionNotes = "Resolved through the Synqly ticketing connector."
)

// TicketingConfig is the ticketing_servicenow provider configuration.
type TicketingConfig struct {
	// Credential authenticates to the instance: basic, o_auth_client
	// (client credentials) or token.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// URL is the instance, e.g. https://example.service-now.com.
	URL string `json:"url" schema:"required"`
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
func (c *TicketingConfig) Validate() error {
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
func (c *TicketingConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// Ticketing is the registration of the ServiceNow ticketing provider, and
// its one constructor: Ticketing.Open builds the driver of an integration
// from a providers.OpenRequest whose Config is a *TicketingConfig and whose
// Credentials["credential"] is a basic, token or o_auth_client credential.
// Open makes no network call.
//
// Ticketing.Capabilities is the one declaration of what the driver
// supports. Deleting comments and patching or deleting notes are missing
// because ServiceNow journal entries are immutable; escalation policies and
// on-call lists have no ServiceNow counterpart in the incident APIs.
// QueryTickets orders by the fields whose ServiceNow order is the in-memory
// order (and by id, which the Connector always allows): text fields are
// left out because ServiceNow orders text without regard to case, priority
// and status because it orders their codes, not their names.
var Ticketing = ticketing.Registration{
	ID:        TicketingID,
	Fullname:  "ServiceNow",
	NewConfig: func() providers.Config { return new(TicketingConfig) },
	CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeOAuthClient,
		credential.TypeToken},
	Capabilities: ticketing.Capabilities{
		Operations: []ticketing.Operation{
			ticketing.OpListRemoteFields, ticketing.OpListProjects, ticketing.OpListIssueTypes, ticketing.OpQueryTickets,
			ticketing.OpGetTicket, ticketing.OpCreateTicket, ticketing.OpPatchTicket, ticketing.OpCreateAttachment,
			ticketing.OpListAttachmentsMetadata, ticketing.OpDownloadAttachment, ticketing.OpDeleteAttachment,
			ticketing.OpListComments, ticketing.OpCreateComment, ticketing.OpCreateNote, ticketing.OpListNotes,
		},
		Orders: []string{"created_at", "updated_at", "due_date", "completion_date", "name"},
	},
	Open: openTicketing,
}

func init() { ticketing.Register(Ticketing) }
