package notifications

import (
	"slices"

	"github.com/seed-e6251c81/synqly/providers"
)

// Registration describes a notifications provider to the registry, and is
// its one constructor: Open builds the driver of an integration from a
// providers.OpenRequest. See providers.Registration.
//
//	var Notifications = notifications.Registration{ID: "notifications_slack", Fullname: "Slack", ...}
//	func init() { notifications.Register(Notifications) }
type Registration = providers.Registration[Driver, Capabilities]

// Register makes a notifications provider available in providers.Default.
// It panics, like sql.Register, on a malformed registration or a duplicate
// id.
func Register(r Registration) { r.RegisterIn(providers.Default) }

// RegisterIn registers r (and the notifications connector) in reg.
func RegisterIn(reg *providers.Registry, r Registration) { r.RegisterIn(reg) }

// Connector implements providers.Declared: the notifications connector and
// every operation it has.
func (Capabilities) Connector() providers.Connector {
	return providers.Connector{Category: providers.Notifications, Operations: providers.Names(Operations)}
}

// OperationNames implements providers.Declared.
func (c Capabilities) OperationNames() []string { return providers.Names(c.Operations) }

// Copy implements providers.Declared.
func (c Capabilities) Copy() Capabilities {
	return Capabilities{Operations: slices.Clone(c.Operations)}
}

func init() { providers.RegisterConnector(Capabilities{}.Connector()) }

func capabilitiesOf(p providers.Provider) Capabilities {
	c, _ := p.Capabilities.(Capabilities)
	return c
}
