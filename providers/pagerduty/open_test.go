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

// TestRegisteredOpen opens a driver the way the management plane does,
// through the registry, and checks that Ticketing.Open refuses what it
// cannot use. (That the registered operations are what the driver
// implements is ticketingtest's RegistryConsistency, in TestConformance.)
func TestRegisteredOpen(t *testing.T) {
	srv := fake(t)
	p, ok := providers.Lookup(pagerduty.TicketingID)
	if !ok || p.Open == nil {
		t.Fatal("ticketing_pagerduty is not registered with an Open function")
	}
	if p.Category != providers.Ticketing || p.Fullname != "PagerDuty" || !p.Accepts(credential.TypeToken) || p.Accepts(credential.TypeBasic) {
		t.Errorf("registered as %+v", p)
	}
	ref := credential.Inline(&credential.TokenCredential{Secret: pdfake.Token})
	cfg := &pagerduty.TicketingConfig{URL: srv.URL, Credential: ref, DefaultCreator: pdfake.EmailAlice, DefaultProject: pdfake.ServiceWeb}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	hc := srv.Client()
	defer hc.CloseIdleConnections()
	d, err := p.Open(t.Context(), providers.OpenRequest{Config: cfg, HTTPClient: hc,
		Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: pdfake.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	td, ok := d.(ticketing.Driver)
	if !ok {
		t.Fatalf("Open returned %T, not a ticketing.Driver", d)
	}
	defer td.Close()
	if _, err := ticketing.NewConnector(pagerduty.Ticketing, td).CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "opened"}); err != nil {
		t.Errorf("CreateTicket through the opened driver: %v", err)
	}

	tok := func(s string) map[string]credential.Config {
		return map[string]credential.Config{"credential": &credential.TokenCredential{Secret: credential.Secret(s)}}
	}
	// A configuration that carries its credential inline needs nothing else.
	inl, err := pagerduty.Ticketing.Open(t.Context(), providers.OpenRequest{Config: cfg, HTTPClient: hc})
	if err != nil {
		t.Errorf("Ticketing.Open with an inline credential only: %v", err)
	} else {
		inl.Close()
	}
	byRef := &pagerduty.TicketingConfig{URL: srv.URL, Credential: credential.RefTo("cred-1", credential.TypeToken)}
	for name, req := range map[string]providers.OpenRequest{
		"a basic credential": {Config: cfg, Credentials: map[string]credential.Config{
			"credential": &credential.BasicCredential{Username: "u", Secret: "s"}}},
		"no credential":     {Config: byRef},
		"an empty token":    {Config: cfg, Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{}}},
		"no config":         {Credentials: tok("x")},
		"a nil config":      {Config: (*pagerduty.TicketingConfig)(nil), Credentials: tok("x")},
		"another config":    {Config: &badConfig{}, Credentials: tok("x")},
		"no credential ref": {Config: &pagerduty.TicketingConfig{URL: srv.URL}, Credentials: tok("x")},
		"a relative URL":    {Config: &pagerduty.TicketingConfig{URL: "/api", Credential: ref}, Credentials: tok("x")},
		"a bad project":     {Config: &pagerduty.TicketingConfig{URL: srv.URL, Credential: ref, DefaultProject: "a/b"}, Credentials: tok("x")},
		"a bad from user":   {Config: &pagerduty.TicketingConfig{URL: srv.URL, Credential: ref, DefaultCreator: "alice"}, Credentials: tok("x")},
	} {
		// A request without a *TicketingConfig is its builder's mistake,
		// not the integration's.
		want := errs.ErrInvalidInput
		switch name {
		case "no config", "a nil config", "another config":
			want = errs.ErrInternal
		}
		if _, err := pagerduty.Ticketing.Open(t.Context(), req); !errors.Is(err, want) {
			t.Errorf("Ticketing.Open with %s: want %v, got %v", name, want, err)
		}
		if _, err := p.Open(t.Context(), req); !errors.Is(err, want) {
			t.Errorf("the registered Open with %s: want %v, got %v", name, want, err)
		}
	}
}

// TestConfigSchema: the schema tags mark url and credential required (a
// credential taking the provider's token type), the defaults optional.
func TestConfigSchema(t *testing.T) {
	p, ok := providers.Lookup(pagerduty.TicketingID)
	if !ok {
		t.Fatal("ticketing_pagerduty is not registered")
	}
	got := map[string]providers.ConfigField{}
	var names []string
	for _, f := range p.Schema() {
		got[f.Name] = f
		names = append(names, f.Name)
	}
	if want := []string{"credential", "url", "default_creator", "default_project"}; !slices.Equal(names, want) {
		t.Fatalf("schema fields %v, want %v", names, want)
	}
	if c := got["credential"]; c.Type != "credential" || !c.Required || !c.Secret || !slices.Equal(c.CredentialTypes, []string{string(credential.TypeToken)}) {
		t.Errorf("credential: %+v", c)
	}
	if u := got["url"]; u.Type != "string" || !u.Required || u.Secret {
		t.Errorf("url: %+v", u)
	}
	for _, name := range []string{"default_creator", "default_project"} {
		if f := got[name]; f.Type != "string" || f.Required || f.Secret {
			t.Errorf("%s: %+v", name, f)
		}
	}
}

type badConfig struct{}

func (*badConfig) Validate() error                            { return nil }
func (*badConfig) CredentialRefs() map[string]*credential.Ref { return nil }
