package pagerduty_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// fake starts a fake PagerDuty closed with the test.
func fake(t testing.TB) *pdfake.Server {
	t.Helper()
	srv := pdfake.New()
	t.Cleanup(srv.Close)
	return srv
}

// fastRetries are retry settings that keep fault tests quick.
var fastRetries = providers.HTTPOptions{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// requestFor returns the OpenRequest of an integration of srv: cfg (whose
// URL defaults to srv's and whose credential to an inline token), the
// fake's API key as the credential, the fake's HTTP client (its idle
// connections closed with the test) and fastRetries.
func requestFor(t testing.TB, srv *pdfake.Server, cfg pagerduty.TicketingConfig) providers.OpenRequest {
	t.Helper()
	if cfg.URL == "" {
		cfg.URL = srv.URL
	}
	tok := &credential.TokenCredential{Secret: pdfake.Token}
	if cfg.Credential == nil {
		cfg.Credential = credential.Inline(tok)
	}
	hc := srv.Client()
	t.Cleanup(hc.CloseIdleConnections)
	return providers.OpenRequest{Config: &cfg, Credentials: map[string]credential.Config{"credential": tok},
		HTTPClient: hc, HTTPOptions: fastRetries}
}

// open builds a driver with the provider's one constructor, closed with
// the test.
func open(t testing.TB, req providers.OpenRequest) ticketing.Driver {
	t.Helper()
	d, err := pagerduty.Ticketing.Open(context.Background(), req)
	if err != nil {
		t.Fatalf("pagerduty.Ticketing.Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// driverFor returns a driver for srv; cfg may leave URL and Credential
// empty, and opts leave the retry waits zero for fastRetries'.
func driverFor(t testing.TB, srv *pdfake.Server, cfg pagerduty.TicketingConfig, opts providers.HTTPOptions) ticketing.Driver {
	t.Helper()
	req := requestFor(t, srv, cfg)
	if opts.RetryWaitMin == 0 && opts.RetryWaitMax == 0 {
		opts.MaxRetries, opts.RetryWaitMin, opts.RetryWaitMax = fastRetries.MaxRetries, fastRetries.RetryWaitMin, fastRetries.RetryWaitMax
	}
	req.HTTPOptions = opts
	return open(t, req)
}

// connector returns a Connector over a driver for srv with
// default_creator Alice and default_project ServiceWeb.
func connector(t testing.TB, srv *pdfake.Server) *ticketing.Connector {
	t.Helper()
	return ticketing.NewConnector(pagerduty.Ticketing, driverFor(t, srv, pagerduty.TicketingConfig{DefaultCreator: pdfake.EmailAlice,
		DefaultProject: pdfake.ServiceWeb}, providers.HTTPOptions{}))
}

// logBuffer captures logs (fakekit.Logs).
type logBuffer = fakekit.Logs

// debugLogger returns a logger that writes everything to b.
func debugLogger(b *logBuffer) *slog.Logger { return b.Logger() }
