package pagerduty_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

func TestRegisteredOpen(t *testing.T) {
	srv := fake(t)
	p, ok := providers.Lookup(pagerduty.ProviderID)
	if !ok || p.Open == nil {
		t.Fatal("ticketing_pagerduty is not registered with an Open function")
	}
	ref := credential.InlineRef(&credential.TokenCredential{Secret: pdfake.Token})
	cfg := &pagerduty.Config{URL: srv.URL, Credential: &ref, DefaultCreator: pdfake.EmailAlice, DefaultProject: pdfake.ServiceWeb}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := p.Open(t.Context(), providers.OpenRequest{Config: cfg,
		Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: pdfake.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	td, ok := d.(ticketing.Driver)
	if !ok {
		t.Fatalf("Open returned %T, not a ticketing.Driver", d)
	}
	defer td.Close()
	var ops []string
	for _, op := range td.Capabilities().Operations {
		ops = append(ops, string(op))
	}
	if !slices.Equal(ops, p.Operations) {
		t.Errorf("registered operations %v differ from the driver's capabilities %v", p.Operations, ops)
	}
	if _, err := ticketing.New(td).CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "opened"}); err != nil {
		t.Errorf("CreateTicket through the opened driver: %v", err)
	}

	for name, req := range map[string]providers.OpenRequest{
		"a basic credential": {Config: cfg, Credentials: map[string]credential.Config{
			"credential": &credential.BasicCredential{Username: "u", Secret: "s"}}},
		"no credential":   {Config: cfg},
		"an empty token":  {Config: cfg, Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{}}},
		"another config":  {Config: &badConfig{}},
		"a relative URL":  {Config: &pagerduty.Config{URL: "/api", Credential: &ref}, Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: "x"}}},
		"a bad project":   {Config: &pagerduty.Config{URL: srv.URL, Credential: &ref, DefaultProject: "a/b"}, Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: "x"}}},
		"a bad from user": {Config: &pagerduty.Config{URL: srv.URL, Credential: &ref, DefaultCreator: "alice"}, Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: "x"}}},
	} {
		if _, err := p.Open(t.Context(), req); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("Open with %s: want ErrInvalidInput, got %v", name, err)
		}
	}
}

type badConfig struct{}

func (*badConfig) Validate() error                            { return nil }
func (*badConfig) CredentialRefs() map[string]*credential.Ref { return nil }
