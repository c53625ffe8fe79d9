package providers

import (
	"context"
	"reflect"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

// Declared is what a connector's capabilities type (ticketing.Capabilities,
// notifications.Capabilities) tells the registry: which connector it
// belongs to, and which of the connector's operations the provider
// declares.
type Declared[C any] interface {
	// Connector describes the connector: its category and every
	// operation it has.
	Connector() Connector
	// OperationNames lists the operations the provider declares.
	OperationNames() []string
	// Copy returns a copy sharing nothing with the receiver.
	Copy() C
}

// Registration is a provider's typed registration with one connector, and
// its one constructor. Each connector package names its instance
// (ticketing.Registration, notifications.Registration), and a provider
// package declares one value per connector it serves and registers it in
// its init function:
//
//	var Ticketing = ticketing.Registration{ID: "ticketing_jira", Fullname: "Atlassian Jira", ...}
//	func init() { ticketing.Register(Ticketing) }
//
// What the provider supports is declared once, in Capabilities: the
// registry's operations, the capability listings, the connector's gate and
// the conformance suites' registry-consistency check all read it there.
type Registration[D any, C Declared[C]] struct {
	// ID is the provider config id, "<connector>_<name>".
	ID string
	// Fullname is the provider's display name.
	Fullname string
	// NewConfig returns an empty configuration to decode into; its fields'
	// `schema` tags describe it (see ConfigSchema).
	NewConfig func() Config
	// CredentialTypes lists the credential types the provider accepts.
	CredentialTypes []credential.Type
	// Capabilities declares what the provider supports: the driver must
	// answer every other operation with errs.ErrUnsupported.
	Capabilities C
	// Open builds a driver for one integration, from a request the
	// management plane fills (or a program or test builds directly). nil
	// for a provider known by its configuration only: connecting to its
	// integrations is errs.ErrUnsupported.
	Open func(ctx context.Context, req OpenRequest) (D, error)
}

// Provider returns the registry's untyped view of r. Its opener returns
// what r.Open returns, refusing a nil driver.
func (r Registration[D, C]) Provider() Provider {
	p := Provider{ID: r.ID, Fullname: r.Fullname, Category: r.Capabilities.Connector().Category, NewConfig: r.NewConfig,
		CredentialTypes: r.CredentialTypes, Operations: r.Capabilities.OperationNames(), Capabilities: r.Capabilities.Copy()}
	if open := r.Open; open != nil {
		p.Open = func(ctx context.Context, req OpenRequest) (any, error) {
			d, err := open(ctx, req)
			if err != nil {
				return nil, err
			}
			if v := reflect.ValueOf(d); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
				return nil, errs.New(errs.Internal, "provider %s opened no driver", r.ID)
			}
			return d, nil
		}
	}
	return p
}

// RegisterIn registers r and its connector in reg. It panics, like
// sql.Register, on a malformed registration or a duplicate id: both are
// programming errors of the provider package.
func (r Registration[D, C]) RegisterIn(reg *Registry) {
	reg.RegisterConnector(r.Capabilities.Connector())
	reg.Register(r.Provider())
}

// Names returns operations' names, for Declared.OperationNames.
func Names[O ~string](ops []O) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = string(o)
	}
	return out
}
