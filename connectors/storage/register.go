package storage

import (
	"slices"

	"github.com/seed-e6251c81/synqly/providers"
)

// Registration describes a storage provider to the registry, and is its
// one constructor. See providers.Registration.
//
//	var Storage = storage.Registration{ID: "storage_aws_s3", Fullname: "Amazon S3", ...}
//	func init() { storage.Register(Storage) }
type Registration = providers.Registration[Driver, Capabilities]

// Register makes a storage provider available in providers.Default. It
// panics, like sql.Register, on a malformed registration or a duplicate id.
func Register(r Registration) { r.RegisterIn(providers.Default) }

// RegisterIn registers r (and the storage connector) in reg.
func RegisterIn(reg *providers.Registry, r Registration) { r.RegisterIn(reg) }

// Connector implements providers.Declared: the storage connector and every
// operation it has.
func (Capabilities) Connector() providers.Connector {
	return providers.Connector{Category: providers.Storage, Operations: providers.Names(Operations)}
}

// OperationNames implements providers.Declared.
func (c Capabilities) OperationNames() []string { return providers.Names(c.Operations) }

// Copy implements providers.Declared.
func (c Capabilities) Copy() Capabilities {
	return Capabilities{Operations: slices.Clone(c.Operations)}
}

func init() { providers.RegisterConnector(Capabilities{}.Connector()) }
