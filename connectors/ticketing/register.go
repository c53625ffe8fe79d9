package ticketing

import (
	"context"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// Registration describes a ticketing provider to the registry. A provider
// package declares one value per provider and registers it in its init
// function:
//
//	var Ticketing = ticketing.Registration{ID: "ticketing_jira", Fullname: "Atlassian Jira", ...}
//	func init() { ticketing.Register(Ticketing) }
//
// It is also the provider's one constructor: Open builds the driver of an
// integration from a providers.OpenRequest, for the management plane and
// for programs and tests alike.
type Registration struct {
	// ID is the provider config id, "ticketing_<name>".
	ID string
	// Fullname is the provider's display name.
	Fullname string
	// NewConfig returns an empty configuration to decode into.
	NewConfig func() providers.Config
	// CredentialTypes lists the credential types the provider accepts.
	CredentialTypes []credential.Type
	// Capabilities declares what the provider supports, once: its driver
	// must answer every other operation with errs.ErrUnsupported.
	Capabilities Capabilities
	// Open builds a driver for one integration.
	Open func(ctx context.Context, req providers.OpenRequest) (Driver, error)
}

// Register makes a ticketing provider available in providers.Default. It
// panics, like sql.Register, on a malformed registration or a duplicate id.
func Register(r Registration) { RegisterIn(providers.Default, r) }

// RegisterIn registers r (and the ticketing connector) in reg.
func RegisterIn(reg *providers.Registry, r Registration) {
	reg.RegisterConnector(connector())
	reg.Register(r.Provider())
}

// Provider returns the registry's view of the registration: its category,
// its operations' names and an opener of the untyped kind the registry
// keeps (the driver it returns is always a Driver).
func (r Registration) Provider() providers.Provider {
	return kit.Registration[Driver]{Category: providers.Ticketing, ID: r.ID, Fullname: r.Fullname, NewConfig: r.NewConfig,
		CredentialTypes: r.CredentialTypes, Operations: kit.Names(r.Capabilities.Operations),
		Capabilities: r.Capabilities.clone(), Open: r.Open}.Provider()
}

func connector() providers.Connector { return kit.Connector(providers.Ticketing, Operations) }

func init() { providers.RegisterConnector(connector()) }

// capabilitiesOf returns the ticketing capabilities of a registered
// provider.
func capabilitiesOf(p providers.Provider) Capabilities {
	c, _ := p.Capabilities.(Capabilities)
	return c
}
