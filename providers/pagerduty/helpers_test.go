package pagerduty_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
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
var fastRetries = pagerduty.Options{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// driverFor returns a driver for srv; cfg may leave URL empty.
func driverFor(t testing.TB, srv *pdfake.Server, cfg pagerduty.Config, opts pagerduty.Options) *pagerduty.Driver {
	t.Helper()
	if cfg.URL == "" {
		cfg.URL = srv.URL
	}
	if opts.RetryWaitMin == 0 && opts.RetryWaitMax == 0 {
		opts.MaxRetries, opts.RetryWaitMin, opts.RetryWaitMax = fastRetries.MaxRetries, fastRetries.RetryWaitMin, fastRetries.RetryWaitMax
	}
	d, err := pagerduty.New(&cfg, credential.Secret(pdfake.Token), opts)
	if err != nil {
		t.Fatalf("pagerduty.New: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// connector returns a Connector over a driver for srv with
// default_creator Alice and default_project ServiceWeb.
func connector(t testing.TB, srv *pdfake.Server) *ticketing.Connector {
	t.Helper()
	return ticketing.New(driverFor(t, srv, pagerduty.Config{DefaultCreator: pdfake.EmailAlice,
		DefaultProject: pdfake.ServiceWeb}, pagerduty.Options{}))
}

// logBuffer captures log output, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// debugLogger returns a logger writing every level to b.
func debugLogger(b *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
