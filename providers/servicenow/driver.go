package servicenow

import (
	"cmp"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// driver is the ServiceNow ticketing driver; see Ticketing. It is safe for
// concurrent use. The operations Ticketing.Capabilities does not declare
// are answered by the embedded Unimplemented.
type driver struct {
	ticketing.Unimplemented

	c        *httpx.Client
	mappings []providers.CustomFieldMapping
	// fields is the sysparm_fields of incident reads.
	fields string
	// custom holds the columns of the custom field mappings.
	custom                map[string]bool
	defaultProject        string
	defaultIssueType      string
	closeCode, closeNotes string
	users                 *userCache
}

// newDriver returns a driver over c for the (validated) configuration.
func newDriver(c *httpx.Client, cfg *TicketingConfig) *driver {
	d := &driver{
		c:                c,
		mappings:         slices.Clone(cfg.CustomFieldMappings),
		custom:           map[string]bool{},
		defaultProject:   cfg.DefaultProject,
		defaultIssueType: cfg.DefaultIssueType,
		closeCode:        cmp.Or(cfg.ResolutionCode, DefaultResolutionCode),
		closeNotes:       cmp.Or(cfg.ResolutionNotes, DefaultResolutionNotes),
		users:            newUserCache(),
	}
	fields := slices.Clone(incidentFields)
	for _, m := range d.mappings {
		d.custom[m.ProviderFieldPath] = true
		if !slices.Contains(fields, m.ProviderFieldPath) {
			fields = append(fields, m.ProviderFieldPath)
		}
	}
	d.fields = strings.Join(fields, ",")
	return d
}

// Close implements ticketing.Driver: it closes the idle connections of the
// HTTP client the driver made (an application's client is left alone).
func (d *driver) Close() error {
	d.c.Close()
	return nil
}

// isSysID reports whether s is a ServiceNow sys_id: 32 lowercase hex
// digits.
func isSysID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkTicketID refuses an id that cannot be an incident's sys_id. Such an
// id names no ticket, so the error is errs.NotFound; it never reaches a URL
// or a query.
func checkTicketID(id string) error {
	if !isSysID(id) {
		return errs.New(errs.NotFound, "servicenow: no incident has the id %q (incident ids are sys_ids of 32 hex digits)", clip(id))
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string) string { return textcheck.Clip(strings.ToValidUTF8(s, "?")) }
