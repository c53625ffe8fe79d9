package ticketing

import (
	"slices"

	"github.com/seed-e6251c81/synqly/providers"
)

// Registration describes a ticketing provider to the registry, and is its
// one constructor: Open builds the driver of an integration from a
// providers.OpenRequest. See providers.Registration.
//
//	var Ticketing = ticketing.Registration{ID: "ticketing_jira", Fullname: "Atlassian Jira", ...}
//	func init() { ticketing.Register(Ticketing) }
type Registration = providers.Registration[Driver, Capabilities]

// Register makes a ticketing provider available in providers.Default. It
// panics, like sql.Register, on a malformed registration or a duplicate id.
func Register(r Registration) { r.RegisterIn(providers.Default) }

// RegisterIn registers r (and the ticketing connector) in reg.
func RegisterIn(reg *providers.Registry, r Registration) { r.RegisterIn(reg) }

// Connector implements providers.Declared: the ticketing connector and
// every operation it has.
func (Capabilities) Connector() providers.Connector {
	return providers.Connector{Category: providers.Ticketing, Operations: providers.Names(Operations), Objects: syncObjects}
}

// OperationNames implements providers.Declared.
func (c Capabilities) OperationNames() []string { return providers.Names(c.Operations) }

// Copy implements providers.Declared: a copy sharing no slice with c (a
// registration is an exported variable; what the registry keeps must not
// change with it).
func (c Capabilities) Copy() Capabilities {
	return Capabilities{Operations: slices.Clone(c.Operations), Orders: slices.Clone(c.Orders)}
}

func init() { providers.RegisterConnector(Capabilities{}.Connector()) }

// capabilitiesOf returns the ticketing capabilities of a registered
// provider.
func capabilitiesOf(p providers.Provider) Capabilities {
	c, _ := p.Capabilities.(Capabilities)
	return c
}
