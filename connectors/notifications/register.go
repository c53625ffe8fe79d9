package notifications

import (
	"context"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
)

// Registration describes a notifications provider to the registry. A
// provider package declares one value per provider and registers it in its
// init function:
//
//	var Notifications = notifications.Registration{ID: "notifications_slack", Fullname: "Slack", ...}
//	func init() { notifications.Register(Notifications) }
//
// It is also the provider's one constructor: Open builds the driver of an
// integration from a providers.OpenRequest, for the management plane and
// for programs and tests alike.
type Registration struct {
	// ID is the provider config id, "notifications_<name>".
	ID string
	// Fullname is the provider's display name.
	Fullname string
	// NewConfig returns an empty configuration to decode into.
	NewConfig func() providers.Config
	// CredentialTypes lists the credential types the provider accepts.
	CredentialTypes []credential.Type
	// Capabilities declares what the provider supports, once.
	Capabilities Capabilities
	// Open builds a driver for one integration.
	Open func(ctx context.Context, req providers.OpenRequest) (Driver, error)
}

// Register makes a notifications provider available in providers.Default.
// It panics, like sql.Register, on a malformed registration or a duplicate
// id.
func Register(r Registration) { RegisterIn(providers.Default, r) }

// RegisterIn registers r (and the notifications connector) in reg.
func RegisterIn(reg *providers.Registry, r Registration) {
	reg.RegisterConnector(connector())
	reg.Register(r.Provider())
}

// Provider returns the registry's view of the registration.
func (r Registration) Provider() providers.Provider {
	return kit.Registration[Driver]{Category: providers.Notifications, ID: r.ID, Fullname: r.Fullname, NewConfig: r.NewConfig,
		CredentialTypes: r.CredentialTypes, Operations: kit.Names(r.Capabilities.Operations),
		Capabilities: r.Capabilities.clone(), Open: r.Open}.Provider()
}

func connector() providers.Connector { return kit.Connector(providers.Notifications, Operations) }

func init() { providers.RegisterConnector(connector()) }

// capabilitiesOf returns the notifications capabilities of a registered
// provider.
func capabilitiesOf(p providers.Provider) Capabilities {
	c, _ := p.Capabilities.(Capabilities)
	return c
}
