package pagerduty

import (
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// TicketingID is the provider config id of the PagerDuty ticketing
// provider.
const TicketingID = "ticketing_pagerduty"

// TicketingConfig is the ticketing_pagerduty provider configuration.
type TicketingConfig struct {
	// Credential is a PagerDuty REST API token.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// URL is the REST API base, normally https://api.pagerduty.com.
	URL string `json:"url" schema:"required"`
	// DefaultCreator is the e-mail sent in the From header when a request
	// names no creator.
	DefaultCreator string `json:"default_creator,omitempty"`
	// DefaultProject is the service id used when a new ticket names none.
	DefaultProject string `json:"default_project,omitempty"`
}

// Validate implements providers.Config: the configuration must name a
// credential (a stored one by id, or one inline); an absent one is an
// errs.InvalidInput error on "credential" saying it is required.
func (c *TicketingConfig) Validate() error {
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	return c.validateSettings()
}

// validateSettings checks everything but the credential reference.
func (c *TicketingConfig) validateSettings() error {
	if err := providers.ValidateURL("url", c.URL); err != nil {
		return err
	}
	if c.DefaultCreator != "" && !looksLikeEmail(c.DefaultCreator) {
		return errs.Invalid("default_creator", "default_creator must be an e-mail address (PagerDuty's From header)")
	}
	if c.DefaultProject != "" && !validID(c.DefaultProject) {
		return errs.Invalid("default_project", "default_project must be a PagerDuty service id such as PIJ90N7")
	}
	return nil
}

// validID reports whether s looks like a PagerDuty object id: 1 to 64
// ASCII letters and digits.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func looksLikeEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '@':
			if at >= 0 {
				return false
			}
			at = i
		case c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';':
			return false
		}
	}
	return at > 0 && at < len(s)-1
}

// CredentialRefs implements providers.Config.
func (c *TicketingConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// Ticketing is the registration of the PagerDuty ticketing provider, and
// its one constructor: Ticketing.Open builds the driver of an integration
// from a providers.OpenRequest whose Config is a *TicketingConfig and whose
// Credentials["credential"] is a token credential holding a REST API key.
// Capabilities lists the operations the driver implements and the ticket
// fields QueryTickets can order by: PagerDuty sorts incidents by
// created_at and resolved_at (completion_date).
var Ticketing = ticketing.Registration{
	ID:              TicketingID,
	Fullname:        "PagerDuty",
	NewConfig:       func() providers.Config { return new(TicketingConfig) },
	CredentialTypes: []credential.Type{credential.TypeToken},
	Capabilities: ticketing.Capabilities{
		Operations: []ticketing.Operation{
			ticketing.OpListProjects, ticketing.OpListIssueTypes, ticketing.OpListRemoteFields,
			ticketing.OpQueryTickets, ticketing.OpGetTicket, ticketing.OpCreateTicket, ticketing.OpPatchTicket,
			ticketing.OpListComments, ticketing.OpCreateComment, ticketing.OpDeleteComment,
			ticketing.OpCreateNote, ticketing.OpListNotes, ticketing.OpPatchNote, ticketing.OpDeleteNote,
			ticketing.OpQueryEscalationPolicies, ticketing.OpListOnCall,
		},
		Orders: []string{"created_at", "completion_date"},
	},
	Open: openTicketing,
}

func init() { ticketing.Register(Ticketing) }
