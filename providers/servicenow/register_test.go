package servicenow

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// TestRegistration checks what init registers: the registry's view of
// Ticketing, its operations derived from Ticketing.Capabilities (that they
// are what the driver implements is ticketingtest's RegistryConsistency,
// in TestConformance), and a registered Open that builds a working driver,
// as the management plane calls it.
func TestRegistration(t *testing.T) {
	p, ok := providers.Lookup(TicketingID)
	if !ok || p.Open == nil {
		t.Fatal("ticketing_servicenow is not registered with an Open function")
	}
	if p.Category != providers.Ticketing || p.Fullname != "ServiceNow" {
		t.Errorf("registered as %+v", p)
	}
	for _, ct := range []credential.Type{credential.TypeBasic, credential.TypeOAuthClient, credential.TypeToken} {
		if !p.Accepts(ct) {
			t.Errorf("the registration does not accept %s credentials", ct)
		}
	}
	if p.Accepts(credential.TypeSecret) {
		t.Error("the registration accepts secret credentials")
	}
	var want []string
	for _, op := range Ticketing.Capabilities.Operations {
		want = append(want, string(op))
	}
	if !slices.Equal(p.Operations, want) {
		t.Errorf("registered operations %v, want Ticketing.Capabilities' %v", p.Operations, want)
	}
	if !p.Supports(string(ticketing.OpCreateTicket)) || p.Supports(string(ticketing.OpDeleteComment)) {
		t.Errorf("Supports disagrees with Ticketing.Capabilities: %v", p.Operations)
	}
	if c, ok := p.Capabilities.(ticketing.Capabilities); !ok || !slices.Equal(c.Orders, Ticketing.Capabilities.Orders) {
		t.Errorf("registered capabilities %#v, want Ticketing.Capabilities", p.Capabilities)
	}
	// The driver's order columns are the declared orders and id, which the
	// Connector always allows: no more, no less.
	cols := []string{"id"}
	for _, o := range Ticketing.Capabilities.Orders {
		cols = append(cols, o)
		if _, ok := orderColumns[o]; !ok {
			t.Errorf("the declared order %s has no ServiceNow column", o)
		}
	}
	if len(orderColumns) != len(cols) {
		t.Errorf("order columns %v, want exactly %v", orderColumns, cols)
	}
	if _, ok := p.NewConfig().(*TicketingConfig); !ok {
		t.Errorf("NewConfig returns a %T, want a *TicketingConfig", p.NewConfig())
	}

	f := newFake(t)
	d, err := p.Open(t.Context(), fakeRequest(f, testConfig(f), credentialFor(modeBasic)))
	if err != nil {
		t.Fatal(err)
	}
	td, ok := d.(ticketing.Driver)
	if !ok {
		t.Fatalf("the registered Open returned a %T, not a ticketing.Driver", d)
	}
	defer td.Close()
	if _, err := connector(td).CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "opened through the registry"}); err != nil {
		t.Errorf("CreateTicket through the registered driver: %v", err)
	}
}

// TestConfigSchema: the schema tags mark credential and url required (a
// credential taking the provider's credential types), every other field
// optional.
func TestConfigSchema(t *testing.T) {
	p, ok := providers.Lookup(TicketingID)
	if !ok {
		t.Fatal("ticketing_servicenow is not registered")
	}
	got := map[string]providers.ConfigField{}
	var names []string
	for _, f := range p.Schema() {
		got[f.Name] = f
		names = append(names, f.Name)
	}
	if want := []string{"credential", "url", "custom_field_mappings", "default_issue_type", "default_project",
		"oauth_scopes", "resolution_code", "resolution_notes"}; !slices.Equal(names, want) {
		t.Fatalf("schema fields %v, want %v", names, want)
	}
	if c := got["credential"]; c.Type != "credential" || !c.Required || !c.Secret ||
		!slices.Equal(c.CredentialTypes, []string{"basic", "o_auth_client", "token"}) {
		t.Errorf("credential: %+v", c)
	}
	if u := got["url"]; u.Type != "string" || !u.Required || u.Secret {
		t.Errorf("url: %+v", u)
	}
	for _, name := range names[2:] {
		if f := got[name]; f.Required || f.Secret {
			t.Errorf("%s: %+v, want optional and not secret", name, f)
		}
	}
	if f := got["oauth_scopes"]; f.Type != "array" || f.Items != "string" {
		t.Errorf("oauth_scopes: %+v", f)
	}
}

// uaRecorder records the User-Agent of every request it forwards.
type uaRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	uas  []string
}

func (r *uaRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.uas = append(r.uas, req.Header.Get("User-Agent"))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// TestOpenRequestPlumbing checks that Ticketing.Open builds the HTTP
// plumbing from the OpenRequest: the application's HTTP client carries
// every call, HTTPOptions.MaxRetries bounds the retries, and the
// User-Agent is the one the driver has always sent.
func TestOpenRequestPlumbing(t *testing.T) {
	f := newFake(t)
	rec := &uaRecorder{next: f.Client().Transport}
	req := fakeRequest(f, testConfig(f), credentialFor(modeBasic))
	req.HTTPClient = &http.Client{Transport: rec}
	req.MaxRetries = -1
	c := connector(openWith(t, req))
	f.FailNext(1, http.StatusServiceUnavailable)
	if _, err := c.GetTicket(t.Context(), "0123456789abcdef0123456789abcdef"); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("a 503 with MaxRetries -1: want ErrProvider, got %v", err)
	}
	if n := len(f.Requests()); n != 1 {
		t.Errorf("%d requests with MaxRetries -1, want 1", n)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	const userAgent = "synqly-go (servicenow)"
	if len(rec.uas) != 1 || rec.uas[0] != userAgent {
		t.Errorf("User-Agents %q, want one %q through the request's HTTP client", rec.uas, userAgent)
	}
}
