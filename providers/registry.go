// Package providers is the registry of provider drivers, and what connectors
// and the management plane share about them.
//
// A provider is one third-party service behind a connector: "ticketing_jira"
// is the Jira provider of the ticketing connector. A vendor's package under
// providers/ registers its providers — one per connector it serves — in an
// init function, the way database/sql drivers do, through the typed Register
// of each connector package (ticketing.Register, notifications.Register); an
// application makes them available by importing the package for the side
// effect:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/jira"
//
// or every provider at once with providers/all. The registry records, for
// each provider, its connector, how to decode and validate its configuration
// (and the configuration's schema), which credential types it accepts, the
// operations it supports, and how to open its driver. An integration whose
// provider is not registered is refused.
//
// Registrations go to Default unless a Registry is given: tests and
// programs that want no global state make their own with NewRegistry and
// pass it to the client (synqly.WithProviders).
package providers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/credential"
)

// Category is a connector category id (the reference's CategoryId).
type Category string

// The connector categories.
const (
	AppSec             Category = "appsec"
	Assets             Category = "assets"
	Chat               Category = "chat"
	CloudSecurity      Category = "cloudsecurity"
	Custom             Category = "custom"
	EDR                Category = "edr"
	EmailSecurity      Category = "emailsecurity"
	EndpointManagement Category = "endpointmanagement"
	Identity           Category = "identity"
	IncidentResponse   Category = "incidentresponse"
	Notifications      Category = "notifications"
	SIEM               Category = "siem"
	Sink               Category = "sink"
	Storage            Category = "storage"
	Ticketing          Category = "ticketing"
	Vulnerabilities    Category = "vulnerabilities"
)

// Categories lists every category, sorted.
var Categories = []Category{AppSec, Assets, Chat, CloudSecurity, Custom, EDR, EmailSecurity,
	EndpointManagement, Identity, IncidentResponse, Notifications, SIEM, Sink, Storage, Ticketing,
	Vulnerabilities}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Config is a provider's configuration: the fields of one ProviderConfig
// variant except "type".
type Config interface {
	// Validate reports what is wrong with the configuration, as an
	// errs.InvalidInput error naming the field; nil if it is usable.
	Validate() error
	// CredentialRefs returns the credential references the configuration
	// holds, keyed by their JSON field name ("credential"). Absent optional
	// references are left out. The library resolves inline credentials into
	// stored ones by rewriting the references in place.
	CredentialRefs() map[string]*credential.Ref
}

// Opener builds a provider's connector driver for one integration. The
// value it returns implements the driver interface of the provider's
// connector (e.g. ticketing.Driver); connector packages register typed
// openers and wrap them in an Opener.
type Opener func(ctx context.Context, req OpenRequest) (any, error)

// Provider describes one registered provider.
type Provider struct {
	// ID is the provider config id, e.g. "ticketing_jira". The part before
	// the first "_" is its Category.
	ID string
	// Fullname is the provider's display name, e.g. "Atlassian Jira".
	Fullname string
	// Category is the connector the provider implements.
	Category Category
	// NewConfig returns an empty configuration value to decode into.
	NewConfig func() Config
	// CredentialTypes lists the credential types the provider accepts in its
	// credential references; empty when it needs none.
	CredentialTypes []credential.Type
	// Open builds the provider's connector driver; nil for a provider whose
	// configuration is known but that has no driver in this module (its
	// integrations can be managed, and connecting to them is an
	// errs.ErrUnsupported error).
	Open Opener
	// Operations lists the connector operations the provider supports, as
	// its registration declares them once (the connector derives it from
	// its typed capabilities).
	Operations []string
	// Capabilities is the connector's own description of what the
	// provider supports (e.g. a ticketing.Capabilities with the orders it
	// can sort by), for the connector package; nil if none.
	Capabilities any
}

// Accepts reports whether the provider accepts credentials of type t.
func (p Provider) Accepts(t credential.Type) bool { return slices.Contains(p.CredentialTypes, t) }

// Supports reports whether the provider supports the connector operation.
func (p Provider) Supports(op string) bool { return slices.Contains(p.Operations, op) }

// Schema describes the provider's configuration fields (see ConfigSchema).
func (p Provider) Schema() []ConfigField {
	if p.NewConfig == nil {
		return nil
	}
	return ConfigSchema(p.NewConfig(), p.CredentialTypes)
}

// Connector describes a connector, as its package registers it.
type Connector struct {
	// Category is the connector's id, e.g. "ticketing".
	Category Category
	// Operations lists every operation of the connector, in the
	// reference's order.
	Operations []string
	// Objects are what the sync plane can copy from the connector's
	// integrations into a destination (none for sink and storage).
	Objects []SyncObject
}

// Registry holds registered providers and connectors. It is safe for
// concurrent use; its zero value is not ready, use NewRegistry.
type Registry struct {
	mu         sync.RWMutex
	providers  map[string]Provider
	connectors map[Category]Connector
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{providers: map[string]Provider{}, connectors: map[Category]Connector{}}
}

// Default is the registry that providers' init functions register into, and
// that clients use unless given another (synqly.WithProviders).
var Default = NewRegistry()

// Register makes a provider available in r. It is meant to be called from
// a provider package's init function (through its connector's Register)
// and panics, like sql.Register, if the description is inconsistent or the
// id is registered twice: both are programming errors in the provider
// package, never the result of user input.
func (r *Registry) Register(p Provider) {
	if err := check(p); err != nil {
		panic("providers: Register: " + err.Error())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.providers[p.ID]; dup {
		panic("providers: Register called twice for " + p.ID)
	}
	p.CredentialTypes = slices.Clone(p.CredentialTypes)
	p.Operations = slices.Clone(p.Operations)
	r.providers[p.ID] = p
}

// RegisterConnector records a connector and its operations, for capability
// listings. A connector package calls it in its init function; registering
// one category twice with other operations panics.
func (r *Registry) RegisterConnector(c Connector) {
	if !c.Category.Valid() {
		panic(fmt.Sprintf("providers: RegisterConnector: unknown category %q", c.Category))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.connectors[c.Category]; ok {
		if !slices.Equal(old.Operations, c.Operations) {
			panic("providers: RegisterConnector called twice for " + string(c.Category))
		}
		return
	}
	c.Operations = slices.Clone(c.Operations)
	c.Objects = slices.Clone(c.Objects)
	r.connectors[c.Category] = c
}

func check(p Provider) error {
	cat, _, ok := strings.Cut(p.ID, "_")
	switch {
	case !ok || p.ID == "" || strings.ToLower(p.ID) != p.ID:
		return fmt.Errorf("invalid provider id %q", p.ID)
	case Category(cat) != p.Category || !p.Category.Valid():
		return fmt.Errorf("provider %q: category %q does not match its id", p.ID, p.Category)
	case p.NewConfig == nil:
		return fmt.Errorf("provider %q: NewConfig is nil", p.ID)
	}
	for _, t := range p.CredentialTypes {
		if !t.Valid() {
			return fmt.Errorf("provider %q: unknown credential type %q", p.ID, t)
		}
	}
	return nil
}

// Lookup returns the provider registered under id.
func (r *Registry) Lookup(id string) (Provider, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.providers[id]
	return p, ok
}

// All returns every registered provider, sorted by id.
func (r *Registry) All() []Provider {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Provider, 0, len(r.providers))
	for _, p := range r.providers {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Provider) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// IDs returns the ids of every registered provider, sorted.
func (r *Registry) IDs() []string {
	ps := r.All()
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// Connectors returns the registered connectors, in the order of Categories.
func (r *Registry) Connectors() []Connector {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Connector
	for _, c := range Categories {
		if conn, ok := r.connectors[c]; ok {
			out = append(out, conn)
		}
	}
	return out
}

// Register registers p in Default; see Registry.Register.
func Register(p Provider) { Default.Register(p) }

// RegisterConnector registers c in Default; see Registry.RegisterConnector.
func RegisterConnector(c Connector) { Default.RegisterConnector(c) }

// Lookup returns the provider registered in Default under id.
func Lookup(id string) (Provider, bool) { return Default.Lookup(id) }

// All returns every provider registered in Default, sorted by id.
func All() []Provider { return Default.All() }

// IDs returns the ids of every provider registered in Default, sorted.
func IDs() []string { return Default.IDs() }
