package jira

import (
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

// fastOptions retry quickly, so fault tests run fast.
func fastOptions() Options {
	return Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Second}
}

// newDriver returns a driver for the fake.
func newDriver(t testing.TB, f *jirafake.Server, opts Options, mappings ...providers.CustomFieldMapping) *Driver {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	d, err := New(&Config{URL: f.URL, DefaultProject: "SEC", CustomFieldMappings: mappings}, basicCred(f), opts)
	require.NoError(t, err)
	return d
}

// newConnector returns a fake and a Connector over a driver for it.
func newConnector(t testing.TB, mappings ...providers.CustomFieldMapping) (*jirafake.Server, *Driver, *ticketing.Connector) {
	t.Helper()
	f := jirafake.New(t)
	d := newDriver(t, f, fastOptions(), mappings...)
	return f, d, ticketing.New(d)
}
