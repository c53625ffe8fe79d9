package servicenow

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// Authentication modes of the tests.
const (
	modeBasic = "basic"
	modeToken = "token"
	modeOAuth = "oauth"
)

// newFake starts a fake instance closed at the end of the test.
func newFake(t testing.TB) *snowfake.Server {
	t.Helper()
	f := snowfake.New()
	t.Cleanup(f.Close)
	return f
}

// credentialFor returns the fake's credential of an authentication mode.
func credentialFor(mode string) credential.Config {
	switch mode {
	case modeToken:
		return &credential.TokenCredential{Secret: snowfake.BearerToken}
	case modeOAuth:
		return &credential.OAuthClientCredential{ClientID: snowfake.ClientID, ClientSecret: snowfake.ClientSecret}
	}
	return &credential.BasicCredential{Username: snowfake.BasicUsername, Secret: snowfake.BasicPassword}
}

// testRef is the credential reference of the test configurations; the
// credential itself is given in the OpenRequest.
var testRef = credential.RefTo("cred-test", credential.TypeBasic)

// testConfig is the configuration of the tests: a custom field mapped to
// the fake's u_cve column.
func testConfig(f *snowfake.Server) *TicketingConfig {
	return &TicketingConfig{
		Credential: testRef,
		URL:        f.URL,
		CustomFieldMappings: []providers.CustomFieldMapping{
			{Name: "synqly_conformance", ProjectID: "*", ProviderFieldPath: "u_cve"},
			{Name: "risk", ProjectID: snowfake.GroupNetwork, ProviderFieldPath: "u_risk_score"},
		},
		OAuthScopes: []string{"useraccount"},
	}
}

// fastRetries are HTTP options that keep fault tests quick.
var fastRetries = providers.HTTPOptions{RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// providersRequest is an OpenRequest for a configuration (a nil one stays
// a typed nil) and a credential (none if nil), with fastRetries and no HTTP
// client.
func providersRequest(cfg *TicketingConfig, cred credential.Config) providers.OpenRequest {
	creds := map[string]credential.Config{}
	if cred != nil {
		creds["credential"] = cred
	}
	return providers.OpenRequest{Config: cfg, Credentials: creds, HTTPOptions: fastRetries}
}

// fakeRequest is the OpenRequest of a driver on the fake: cfg and cred
// over the fake's HTTP client, with fastRetries. Tests change its
// HTTPOptions, HTTPClient or Logger before opening.
func fakeRequest(f *snowfake.Server, cfg *TicketingConfig, cred credential.Config) providers.OpenRequest {
	req := providersRequest(cfg, cred)
	req.HTTPClient = f.Client()
	return req
}

// openWith opens a driver with the provider's one constructor,
// Ticketing.Open.
func openWith(t testing.TB, req providers.OpenRequest) *driver {
	t.Helper()
	d, err := Ticketing.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("Ticketing.Open: %v", err)
	}
	sd, ok := d.(*driver)
	if !ok {
		t.Fatalf("Ticketing.Open returned a %T, want a *servicenow.driver", d)
	}
	return sd
}

// openDriver opens a driver on the fake with an authentication mode.
func openDriver(t testing.TB, f *snowfake.Server, mode string) *driver {
	t.Helper()
	return openWith(t, fakeRequest(f, testConfig(f), credentialFor(mode)))
}

// connector wraps a driver for tests that go through the portable API.
func connector(d ticketing.Driver) *ticketing.Connector { return ticketing.NewConnector(Ticketing, d) }

// logBuffer captures logs (fakekit.Logs).
type logBuffer = fakekit.Logs

// debugLogger returns a logger that writes everything to b.
func debugLogger(b *logBuffer) *slog.Logger { return b.Logger() }

// plainClient returns a fresh client with its own transport, so a test can
// close its idle connections.
func plainClient() *http.Client { return &http.Client{Transport: &http.Transport{}} }

// patchRequest is a raw PATCH of an incident.
func patchRequest(id string, fields map[string]any) httpx.Request {
	return httpx.Request{Method: http.MethodPatch, Path: incidentPath + "/" + id, JSON: fields}
}
