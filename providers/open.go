package providers

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

// OpenRequest is what a provider's opener gets to build a driver for one
// integration. It is the one way every provider's driver is built: by the
// management plane when an integration is connected, and by tests and
// programs that build a driver directly (jira.Ticketing.Open(ctx, req)).
type OpenRequest struct {
	// IntegrationID identifies the integration ("" outside the management
	// plane).
	IntegrationID string
	// Config is the integration's provider configuration (the provider's own
	// Config type).
	Config Config
	// Credentials holds the unsealed credentials of the configuration's
	// references, keyed like Config.CredentialRefs. They are secrets: a
	// driver keeps them in memory only and never logs or returns them.
	Credentials map[string]credential.Config
	// HTTPClient is the application's client for vendor calls (transport,
	// proxies, TLS); drivers wrap it with the shared HTTP plumbing. nil
	// means a pooled client of the driver's own.
	HTTPClient *http.Client
	// HTTPOptions tune the shared HTTP plumbing (retries, backoff, timeout,
	// size cap); the zero value takes the defaults.
	HTTPOptions
	// Logger is the application's logger (nil discards).
	Logger *slog.Logger
	// State is durable storage private to this integration, for providers
	// that keep data of their own (the mocks); nil means a fresh
	// MemoryState.
	State State
	// Clock, when set, is the time source of providers that stamp times
	// themselves (the mocks); default time.Now. For tests.
	Clock func() time.Time
}

// HTTPOptions tune the HTTP plumbing every vendor driver shares. The zero
// value takes the defaults.
type HTTPOptions struct {
	// MaxRetries bounds the retries of one call (default 3; -1 for none).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between retries
	// (defaults 250ms and 10s). A Retry-After longer than RetryWaitMax is
	// not waited for: the call fails with errs.ErrRateLimited and the wait
	// in errs.Error.RetryAfter.
	RetryWaitMin, RetryWaitMax time.Duration
	// Timeout bounds a call whose context has no deadline (default 60s).
	Timeout time.Duration
	// MaxResponseBytes caps a response body (default 32 MiB).
	MaxResponseBytes int64
}

// Source resolves an integration to its provider's driver, after checking
// that the integration is in the source's scope, that its provider serves
// the connector, and that its credentials are usable (unsealed, not
// expired). *synqly.Client and *synqly.AccountScope implement it; connector
// packages take one in their Open function:
//
//	tk, err := ticketing.Open(ctx, client.Account(accountID), integrationID)
//
// A connector resolves again before every call, so a source may cache the
// driver and rebuild it when the integration or a credential changes.
type Source interface {
	ResolveDriver(ctx context.Context, integrationID string, connector Category) (*Resolved, error)
}

// Resolved is an integration's driver, as a Source hands it out.
type Resolved struct {
	// Driver implements the connector's driver interface.
	Driver any
	// Provider is the registration of the integration's provider.
	Provider Provider
	// IntegrationID and AccountID identify the integration.
	IntegrationID, AccountID string
	// Telemetry is where the connector reports its calls.
	Telemetry Telemetry
}

// Telemetry is where connectors report their calls: a debug line per call
// (Logger), a span per call (TracerProvider) and call, error and latency
// metrics (MeterProvider). A nil field means the OpenTelemetry global
// provider (a no-op unless the application sets one) or, for the logger,
// discarding.
type Telemetry struct {
	Logger         *slog.Logger
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
}

// State is durable key-value storage private to one integration, kept in
// the client's store and deleted with the integration. Values are JSON
// documents. Keys are 1 to 200 bytes of printable ASCII; List returns them
// in byte order.
//
// Several clients (processes, instances) may share one store, and so one
// integration's State: a driver that reads a value and writes something
// derived from it (a counter, a record it changes) must do both in one
// Update, never as a Get followed by a Put, or two writers lose each other's
// changes. Writes for an integration that has been deleted fail with an
// errs.NotFound error, never succeed.
type State interface {
	StateReader
	// Put stores value (a JSON document) under key, in a transaction of its
	// own.
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes key, in a transaction of its own; a missing key is an
	// errs.NotFound error.
	Delete(ctx context.Context, key string) error
	// Update runs fn in one transaction: everything fn writes through tx
	// lands together or not at all, and a key fn reads and then writes is
	// compare-and-swapped — if another writer changed (or created, or
	// deleted) it in between, the transaction is undone and fn runs again
	// with fresh values, until it commits or ctx ends. fn must therefore
	// have no effect outside tx, and must not call the State's own methods
	// (use tx). An error fn returns undoes the transaction and is returned
	// as is.
	Update(ctx context.Context, fn func(tx StateTx) error) error
}

// StateReader reads a State.
type StateReader interface {
	// Get returns the value stored under key, or an errs.NotFound error.
	Get(ctx context.Context, key string) ([]byte, error)
	// List returns up to limit entries whose keys start with prefix and
	// sort after the key after ("" for the first), in key order.
	List(ctx context.Context, prefix, after string, limit int) ([]Entry, error)
}

// StateTx is a transaction of a State; see State.Update. Reads see the
// transaction's own writes.
type StateTx interface {
	StateReader
	// Put stores value (a JSON document) under key.
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes key; a missing key is an errs.NotFound error.
	Delete(ctx context.Context, key string) error
}

// Entry is one key and value of a State.
type Entry struct {
	Key   string
	Value []byte
}

// ConfigAs returns the request's configuration as the provider's own type
// C (a pointer, such as *jira.TicketingConfig), validated. A configuration
// of another type, or none, is a programming error of whoever built the
// request (the management plane always passes the registered type), so it
// is errs.ErrInternal; an invalid one is the configuration's own
// errs.ErrInvalidInput.
func ConfigAs[C Config](req OpenRequest) (C, error) {
	var zero C
	c, ok := req.Config.(C)
	if !ok || isNilConfig(c) {
		return zero, errs.New(errs.Internal, "the provider needs a %T configuration, got %T", zero, req.Config)
	}
	if err := c.Validate(); err != nil {
		return zero, err
	}
	return c, nil
}

// Credential returns the credential of the configuration's field (usually
// "credential"): the unsealed one in Credentials, or, for a driver built
// directly from a configuration that carries its credential inline
// (credential.Inline), that inline configuration. nil if there is neither.
func (r OpenRequest) Credential(field string) credential.Config {
	if c, ok := r.Credentials[field]; ok && c != nil {
		return c
	}
	if r.Config == nil || isNilConfig(r.Config) {
		return nil
	}
	if ref := r.Config.CredentialRefs()[field]; ref != nil && ref.IsInline() {
		return ref.Inline
	}
	return nil
}

func isNilConfig(c Config) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
