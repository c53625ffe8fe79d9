package sink

import (
	"slices"

	"github.com/seed-e6251c81/synqly/providers"
)

// Registration describes a sink provider to the registry, and is its one
// constructor: Open builds the driver of an integration from a
// providers.OpenRequest. See providers.Registration.
//
//	var Splunk = sink.Registration{ID: "sink_splunk", Fullname: "Splunk", ...}
//	func init() { sink.Register(Splunk) }
type Registration = providers.Registration[Driver, Capabilities]

// Register makes a sink provider available in providers.Default. It
// panics, like sql.Register, on a malformed registration or a duplicate id.
func Register(r Registration) { r.RegisterIn(providers.Default) }

// RegisterIn registers r (and the sink connector) in reg.
func RegisterIn(reg *providers.Registry, r Registration) { r.RegisterIn(reg) }

// Connector implements providers.Declared: the sink connector and every
// operation it has.
func (Capabilities) Connector() providers.Connector {
	return providers.Connector{Category: providers.Sink, Operations: providers.Names(Operations)}
}

// OperationNames implements providers.Declared.
func (c Capabilities) OperationNames() []string { return providers.Names(c.Operations) }

// Copy implements providers.Declared.
func (c Capabilities) Copy() Capabilities {
	c.Operations = slices.Clone(c.Operations)
	return c
}

func init() { providers.RegisterConnector(Capabilities{}.Connector()) }
