package providers

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// ConnectorCapabilities lists the registered providers of one connector.
type ConnectorCapabilities struct {
	// Connector is the connector's category id, e.g. "ticketing".
	Connector Category `json:"connector"`
	// Operations lists every operation of the connector.
	Operations []string `json:"operations"`
	// Providers lists the registered providers, sorted by id.
	Providers []ProviderCapabilities `json:"providers"`
}

// ProviderCapabilities says what one provider supports and how it is
// configured.
type ProviderCapabilities struct {
	ID       string `json:"id"`
	Fullname string `json:"fullname"`
	// HasDriver is false for providers whose configuration is known but
	// that have no connector driver in this module.
	HasDriver bool `json:"has_driver"`
	// Operations lists the supported operations.
	Operations []string `json:"operations"`
	// CredentialTypes lists the accepted credential types.
	CredentialTypes []string `json:"credential_types,omitempty"`
	// Config describes the provider's configuration fields.
	Config []ConfigField `json:"config"`
}

// Supports reports whether the provider supports op.
func (p ProviderCapabilities) Supports(op string) bool { return slices.Contains(p.Operations, op) }

// Capabilities lists connectors → providers → operations (and each
// provider's configuration schema) for every provider registered in r, so
// an application can grey out what a customer's provider cannot do, or ask
// for a provider's settings. Connectors with no registered provider are
// left out. Everything is derived from the registrations.
func (r *Registry) Capabilities() []ConnectorCapabilities {
	byCat := map[Category]*ConnectorCapabilities{}
	ops := map[Category][]string{}
	for _, c := range r.Connectors() {
		ops[c.Category] = c.Operations
	}
	for _, p := range r.All() {
		cc := byCat[p.Category]
		if cc == nil {
			cc = &ConnectorCapabilities{Connector: p.Category, Operations: slices.Clone(ops[p.Category])}
			byCat[p.Category] = cc
		}
		pc := ProviderCapabilities{ID: p.ID, Fullname: p.Fullname, HasDriver: p.Open != nil,
			Operations: slices.Clone(p.Operations), Config: p.Schema()}
		for _, t := range p.CredentialTypes {
			pc.CredentialTypes = append(pc.CredentialTypes, string(t))
		}
		cc.Providers = append(cc.Providers, pc)
	}
	out := make([]ConnectorCapabilities, 0, len(byCat))
	for _, cat := range Categories {
		if cc := byCat[cat]; cc != nil {
			out = append(out, *cc)
		}
	}
	return out
}

// WriteCapabilityTable writes the capability table (connector × provider ×
// operation, then each provider's configuration fields) of the providers
// registered in r as Markdown.
func (r *Registry) WriteCapabilityTable(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Capabilities\n\nGenerated from the provider registry by `providers.Registry.WriteCapabilityTable` " +
		"(`go test ./providers/all -run TestCapabilityTable -update` rewrites this file). ✓ supported, – not supported.\n")
	caps := r.Capabilities()
	for _, cc := range caps {
		fmt.Fprintf(&b, "\n## %s\n\n| operation |", cc.Connector)
		for _, p := range cc.Providers {
			fmt.Fprintf(&b, " %s |", p.ID)
		}
		b.WriteString("\n|---|")
		for range cc.Providers {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, op := range cc.Operations {
			fmt.Fprintf(&b, "| %s |", op)
			for _, p := range cc.Providers {
				mark := "–"
				if p.Supports(op) {
					mark = "✓"
				}
				fmt.Fprintf(&b, " %s |", mark)
			}
			b.WriteString("\n")
		}
		b.WriteString("| *credentials* |")
		for _, p := range cc.Providers {
			fmt.Fprintf(&b, " %s |", strings.Join(p.CredentialTypes, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## Configuration\n\nEach provider's `provider_config` fields (besides `type`); * required.\n")
	for _, cc := range caps {
		for _, p := range cc.Providers {
			fmt.Fprintf(&b, "\n- `%s` (%s):", p.ID, p.Fullname)
			if len(p.Config) == 0 {
				b.WriteString(" none")
			}
			for i, f := range p.Config {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, " `%s`", f.Name)
				if f.Required {
					b.WriteString("*")
				}
				typ := f.Type
				if f.Items != "" {
					typ += " of " + f.Items
				}
				if len(f.CredentialTypes) > 0 {
					typ += ": " + strings.Join(f.CredentialTypes, "|")
				}
				fmt.Fprintf(&b, " (%s)", typ)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
