package jira

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// basicCred returns the basic credential the fake accepts.
func basicCred(f *jirafake.Server) *credential.BasicCredential {
	return &credential.BasicCredential{Username: f.Email, Secret: credential.Secret(f.Token)}
}

// fastHTTP retries quickly, so fault tests run fast.
func fastHTTP() providers.HTTPOptions {
	return providers.HTTPOptions{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Second}
}

// request returns the OpenRequest of a driver for the site cfg describes,
// authenticating with cred: a copy of cfg gets cred as its inline
// credential reference (Validate requires a reference), and Credentials
// holds cred unsealed, as the management plane hands it over (a nil cred
// leaves both out). The driver calls through the fake's HTTP client,
// retries fast and logs nowhere.
func request(f *jirafake.Server, cfg *TicketingConfig, cred credential.Config) providers.OpenRequest {
	c := *cfg
	req := providers.OpenRequest{Config: &c, HTTPClient: f.Client(), HTTPOptions: fastHTTP(), Logger: slog.New(slog.DiscardHandler)}
	if cred != nil {
		c.Credential = credential.Inline(cred)
		req.Credentials = map[string]credential.Config{"credential": cred}
	}
	return req
}

// open builds a driver with the provider's one constructor, Ticketing.Open;
// the test fails if it cannot.
func open(t testing.TB, req providers.OpenRequest) *driver {
	t.Helper()
	d, err := Ticketing.Open(context.Background(), req)
	require.NoError(t, err)
	return d.(*driver)
}

// newDriver returns a driver for the fake, with SEC as its default project
// and the given custom field mappings.
func newDriver(t testing.TB, f *jirafake.Server, mappings ...providers.CustomFieldMapping) *driver {
	t.Helper()
	return open(t, request(f, &TicketingConfig{URL: f.URL, DefaultProject: "SEC", CustomFieldMappings: mappings}, basicCred(f)))
}

// connect wraps a driver in a Connector, with the provider's registration.
func connect(d ticketing.Driver) *ticketing.Connector { return ticketing.NewConnector(Ticketing, d) }

// newConnector returns a fake and a Connector over a driver for it.
func newConnector(t testing.TB, mappings ...providers.CustomFieldMapping) (*jirafake.Server, *driver, *ticketing.Connector) {
	t.Helper()
	f := jirafake.New(t)
	d := newDriver(t, f, mappings...)
	return f, d, connect(d)
}
