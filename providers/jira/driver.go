package jira

import (
	"context"
	"slices"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// driver is the Jira Cloud ticketing driver: a ticketing.Driver over the
// Jira Cloud platform REST API v3. It is safe for concurrent use. Build one
// with Ticketing.Open.
type driver struct {
	ticketing.Unimplemented // notes, escalation policies, on-call
	cfg                     TicketingConfig
	hc                      *httpx.Client
	catalog                 *catalog
}

var _ ticketing.Driver = (*driver)(nil)

// openTicketing is Ticketing.Open (documented there).
func openTicketing(_ context.Context, req providers.OpenRequest) (ticketing.Driver, error) {
	cfg, err := providers.ConfigAs[*TicketingConfig](req)
	if err != nil {
		return nil, err
	}
	return buildDriver(req, cfg)
}

// buildDriver builds the driver of the site cfg describes, for every
// connector the package serves.
func buildDriver(req providers.OpenRequest, cfg *TicketingConfig) (*driver, error) {
	auth, err := authFor(req.Credential("credential"))
	if err != nil {
		return nil, err
	}
	opts := httpx.OptionsFor(req, "jira")
	opts.ErrorDetail = errorDetail
	hc, err := httpx.New(cfg.URL, auth, opts)
	if err != nil {
		return nil, err
	}
	c := *cfg
	c.CustomFieldMappings = slices.Clone(cfg.CustomFieldMappings)
	c.Credential = nil
	return &driver{cfg: c, hc: hc, catalog: newCatalog()}, nil
}

// authFor turns the integration's credential into the HTTP authentication
// Jira expects.
func authFor(cred credential.Config) (httpx.Auth, error) {
	switch c := cred.(type) {
	case *credential.BasicCredential:
		if err := c.Validate(); err != nil {
			return nil, err
		}
		return httpx.Basic(c.Username, c.Secret.Reveal()), nil
	case *credential.TokenCredential:
		if err := c.Validate(); err != nil {
			return nil, err
		}
		return httpx.Bearer(c.Secret.Reveal()), nil
	case nil:
		return nil, errs.Invalid("credential", "jira needs a credential: basic (account e-mail and API token) or token (bearer token)")
	default:
		return nil, errs.Invalid("credential", "jira accepts basic (account e-mail and API token) or token (bearer token) credentials, not %s", cred.Type())
	}
}

// Close implements ticketing.Driver: it closes the idle connections of the
// HTTP client the driver made (an application's client is left alone).
func (d *driver) Close() error {
	d.hc.Close()
	return nil
}
