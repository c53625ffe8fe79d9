// Package providers is the registry of provider drivers.
//
// A provider is one third-party service behind a connector: "ticketing_jira"
// is the Jira provider of the ticketing connector. Each provider lives in its
// own package under providers/ and registers itself in an init function, the
// way database/sql drivers do; an application makes a provider available by
// importing its package for the side effect:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/jira"
//
// or every provider at once with providers/all. The registry records, for each
// provider, its connector category, how to decode and validate its
// configuration, and which credential types it accepts. An integration whose
// provider is not registered is refused.
package providers

import (
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
	// Operations lists the connector operations the driver supports, for
	// capability listings; the driver's own Capabilities are authoritative.
	Operations []string
}

// Accepts reports whether the provider accepts credentials of type t.
func (p Provider) Accepts(t credential.Type) bool { return slices.Contains(p.CredentialTypes, t) }

var (
	mu       sync.RWMutex
	registry = map[string]Provider{}
)

// Register makes a provider available. It is meant to be called from the
// provider package's init function and panics, like sql.Register, if the
// description is inconsistent or the id is registered twice: both are
// programming errors in the provider package, never the result of user input.
func Register(p Provider) {
	if err := check(p); err != nil {
		panic("providers: Register: " + err.Error())
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[p.ID]; dup {
		panic("providers: Register called twice for " + p.ID)
	}
	p.CredentialTypes = slices.Clone(p.CredentialTypes)
	registry[p.ID] = p
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
func Lookup(id string) (Provider, bool) {
	mu.RLock()
	defer mu.RUnlock()
	p, ok := registry[id]
	return p, ok
}

// All returns every registered provider, sorted by id.
func All() []Provider {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Provider, 0, len(registry))
	for _, p := range registry {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Provider) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// IDs returns the ids of every registered provider, sorted.
func IDs() []string {
	ps := All()
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}
