package synqly

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
)

// ConnectorCapabilities lists the registered providers of one connector.
type ConnectorCapabilities struct {
	// Connector is the connector's category id, e.g. "ticketing".
	Connector providers.Category `json:"connector"`
	// Operations lists every operation of the connector.
	Operations []string `json:"operations"`
	// Providers lists the registered providers, sorted by id.
	Providers []ProviderCapabilities `json:"providers"`
}

// ProviderCapabilities says what one provider supports.
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
}

// Supports reports whether the provider supports op.
func (p ProviderCapabilities) Supports(op string) bool { return slices.Contains(p.Operations, op) }

// connectorOperations lists the operations of the connectors this module
// implements.
var connectorOperations = map[providers.Category][]string{
	providers.Ticketing: opNames(ticketing.Operations),
}

func opNames(ops []ticketing.Operation) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = string(o)
	}
	return out
}

// Capabilities lists connectors → providers → operations for every
// provider registered in this program, so an application can grey out what a
// customer's provider cannot do. Connectors with no registered provider are
// left out.
func Capabilities() []ConnectorCapabilities {
	byCat := map[providers.Category]*ConnectorCapabilities{}
	for _, p := range providers.All() {
		cc := byCat[p.Category]
		if cc == nil {
			cc = &ConnectorCapabilities{Connector: p.Category, Operations: connectorOperations[p.Category]}
			byCat[p.Category] = cc
		}
		pc := ProviderCapabilities{ID: p.ID, Fullname: p.Fullname, HasDriver: p.Open != nil,
			Operations: slices.Clone(p.Operations)}
		for _, t := range p.CredentialTypes {
			pc.CredentialTypes = append(pc.CredentialTypes, string(t))
		}
		cc.Providers = append(cc.Providers, pc)
	}
	out := make([]ConnectorCapabilities, 0, len(byCat))
	for _, cat := range providers.Categories {
		if cc := byCat[cat]; cc != nil {
			out = append(out, *cc)
		}
	}
	return out
}

// Capabilities is the package function Capabilities, for discoverability.
func (c *Client) Capabilities() []ConnectorCapabilities { return Capabilities() }

// WriteCapabilityTable writes the capability table (connector × provider ×
// operation) of the registered providers as Markdown.
func WriteCapabilityTable(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Capabilities\n\nGenerated from the provider registry by `synqly.WriteCapabilityTable` " +
		"(`go test ./providers/all -run TestCapabilityTable -update` rewrites this file). ✓ supported, – not supported.\n")
	for _, cc := range Capabilities() {
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
	_, err := io.WriteString(w, b.String())
	return err
}
