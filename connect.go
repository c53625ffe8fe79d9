package synqly

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// WithConnectorRevalidation sets how long a built connector driver is used
// without checking the store for changes made by other clients (another
// process or instance on the same database): after d, the next call reloads
// the integration's and its credentials' versions (one cheap read each) and
// rebuilds the driver if they changed. Changes made through this client are
// seen at once. Default 1s; 0 checks before every call.
func WithConnectorRevalidation(d time.Duration) Option {
	return func(o *options) { o.revalidate, o.revalidateSet = d, true }
}

// WithHTTPClient sets the *http.Client provider drivers use to reach vendor
// APIs: the application's transport, proxies and TLS settings. Drivers add
// retries, backoff and size limits on top. Default: a pooled client.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithProviders makes the client use the providers registered in r instead
// of providers.Default (the registry providers' init functions fill): for
// tests, and for programs that keep no global state. Integrations whose
// provider r lacks can be read and deleted, not used.
func WithProviders(r *providers.Registry) Option { return func(o *options) { o.registry = r } }

// WithTracerProvider and WithMeterProvider make connectors report their
// calls (a span per call; call counts and latencies by connector, provider
// and operation) to tp and mp instead of the OpenTelemetry globals, which
// are no-ops unless the application sets them.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(o *options) { o.tracer = tp } }

// WithMeterProvider: see WithTracerProvider.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(o *options) { o.meter = mp } }

// ResolveDriver implements providers.Source: it returns the built driver of
// the integration with the given id (of any account), after checking that
// its provider serves the connector and that its credentials are usable.
// Applications do not call it: they pass the client to a connector
// package's Open,
//
//	tk, err := ticketing.Open(ctx, client, integrationID)
//
// and use Client.Account(id) as the source to confine the lookup to one
// account. The driver is built once (its credentials unsealed, an expired
// one refused) and reused until the integration or one of its credentials
// changes or is deleted.
func (c *Client) ResolveDriver(ctx context.Context, integrationID string, connector providers.Category) (*providers.Resolved, error) {
	return c.resolveDriver(ctx, "", integrationID, connector)
}

// ResolveDriver implements providers.Source for one account: an
// integration of another account is ErrNotFound. See Client.ResolveDriver.
func (a *AccountScope) ResolveDriver(ctx context.Context, integrationID string, connector providers.Category) (*providers.Resolved, error) {
	if err := checkScope(a.ID); err != nil {
		return nil, err
	}
	return a.c.resolveDriver(ctx, a.ID, integrationID, connector)
}

func (c *Client) resolveDriver(ctx context.Context, accountID, integrationID string, connector providers.Category) (*providers.Resolved, error) {
	if c.closed.Load() {
		return nil, errClosed()
	}
	s, err := c.drivers.resolve(ctx, c, accountID, integrationID, connector)
	if err != nil {
		return nil, err
	}
	return s.resolved, nil
}

// driverCache keeps one built driver per integration.
type driverCache struct {
	mu      sync.Mutex
	entries map[string]*driverEntry
	// gen counts this client's changes to integrations, credentials and
	// accounts; an entry validated at the current gen, less than maxAge
	// ago, is used without touching the store.
	gen    atomic.Uint64
	maxAge time.Duration
}

type driverEntry struct {
	mu   sync.Mutex // serializes rebuilds of this entry
	snap atomic.Pointer[driverSnapshot]
}

// driverSnapshot is an immutable view of a built driver and what it was
// built from.
type driverSnapshot struct {
	gen       uint64
	checked   time.Time // when the store was last consulted (monotonic)
	driver    any
	accountID string
	category  providers.Category
	provider  string
	version   int64            // the integration object's version
	creds     map[string]int64 // credential id -> version
	expires   time.Time        // earliest credential expiry; zero if none
	resolved  *providers.Resolved
}

// invalidate marks every cached driver for revalidation.
func (dc *driverCache) invalidate() { dc.gen.Add(1) }

func (dc *driverCache) snapshot(id string) *driverSnapshot {
	dc.mu.Lock()
	e := dc.entries[id]
	dc.mu.Unlock()
	if e == nil {
		return &driverSnapshot{}
	}
	if s := e.snap.Load(); s != nil {
		return s
	}
	return &driverSnapshot{}
}

// resolve returns the driver of an integration, building or rebuilding it
// when needed.
func (dc *driverCache) resolve(ctx context.Context, c *Client, accountID, id string, want providers.Category) (*driverSnapshot, error) {
	if ctx == nil {
		return nil, errs.Invalid("ctx", "nil context")
	}
	dc.mu.Lock()
	if dc.entries == nil {
		dc.entries = map[string]*driverEntry{}
	}
	e := dc.entries[id]
	if e == nil {
		e = &driverEntry{}
		dc.entries[id] = e
	}
	dc.mu.Unlock()

	gen := dc.gen.Load()
	if s := e.snap.Load(); dc.fresh(s, gen) {
		return s.usable(c, accountID, id, want)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.snap.Load(); dc.fresh(s, gen) {
		return s.usable(c, accountID, id, want)
	}
	s, err := dc.validate(ctx, c, e.snap.Load(), id, gen)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			dc.drop(id, e)
		}
		return nil, err
	}
	e.snap.Store(s)
	return s.usable(c, accountID, id, want)
}

// fresh reports whether s may be used without consulting the store.
func (dc *driverCache) fresh(s *driverSnapshot, gen uint64) bool {
	return s != nil && s.gen == gen && time.Since(s.checked) < dc.maxAge
}

// usable checks scope, category and expiry against a snapshot.
func (s *driverSnapshot) usable(c *Client, accountID, id string, want providers.Category) (*driverSnapshot, error) {
	if accountID != "" && s.accountID != accountID {
		return nil, errs.New(errs.NotFound, "integration %q not found", id)
	}
	if s.category != want {
		return nil, errs.New(errs.InvalidInput, "integration %s uses provider %s, which is not a %s provider", id, s.provider, want)
	}
	if !s.expires.IsZero() && !c.now().Before(s.expires) {
		return nil, errs.New(errs.CredentialExpired, "a credential of integration %s expired at %s", id, s.expires.Format(time.RFC3339))
	}
	return s, nil
}

// validate reloads the integration and its credentials; if nothing changed
// since prev was built it re-stamps prev, otherwise it builds a new driver.
func (dc *driverCache) validate(ctx context.Context, c *Client, prev *driverSnapshot, id string, gen uint64) (*driverSnapshot, error) {
	in, obj, err := get[Integration](ctx, c.store, store.Integrations, id)
	if err != nil {
		return nil, err
	}
	// The provider first: it decodes a configuration read with another
	// registry than Default, so that its credential references are seen.
	prov, err := in.ProviderConfig.provider(c.registry)
	if err != nil {
		return nil, err
	}
	creds := map[string]int64{}
	refMap := in.ProviderConfig.Config.CredentialRefs()
	for _, ref := range refMap {
		if ref.ID == "" {
			continue
		}
		o, err := c.store.Get(ctx, store.Credentials, ref.ID)
		if err != nil {
			if errs.CodeOf(err) == errs.NotFound {
				return nil, errs.New(errs.NotFound, "credential %s of integration %s not found", ref.ID, id)
			}
			return nil, err
		}
		creds[ref.ID] = o.Version
	}
	if prev != nil && prev.resolved != nil && prev.version == obj.Version && maps.Equal(prev.creds, creds) {
		s := *prev
		s.gen, s.checked = gen, time.Now()
		return &s, nil
	}
	if prov.Open == nil {
		return nil, errs.New(errs.Unsupported, "provider %s has no connector driver in this module yet", prov.ID)
	}
	unsealed := map[string]credential.Config{}
	var expires time.Time
	for _, field := range slices.Sorted(maps.Keys(refMap)) {
		ref := refMap[field]
		cfg, cr, err := c.unseal(ctx, ref.ID)
		if err != nil {
			return nil, err
		}
		if cr.Expires != nil && (expires.IsZero() || cr.Expires.Before(expires)) {
			expires = *cr.Expires
		}
		unsealed[field] = cfg
	}
	logger := c.log.With("integration_id", id, "provider", prov.ID)
	d, err := prov.Open(ctx, providers.OpenRequest{
		IntegrationID: id,
		Config:        in.ProviderConfig.Config,
		Credentials:   unsealed,
		HTTPClient:    c.httpClient,
		Logger:        logger,
		State:         &integrationState{c: c, integrationID: id, accountID: in.AccountID},
		Clock:         c.now,
	})
	if err != nil {
		return nil, err
	}
	if prev != nil {
		closeDriver(prev.driver)
	}
	c.log.Debug("synqly: built connector driver", "integration_id", id, "provider", prov.ID)
	return &driverSnapshot{gen: gen, checked: time.Now(), driver: d, accountID: in.AccountID, category: prov.Category, provider: prov.ID,
		version: obj.Version, creds: creds, expires: expires,
		resolved: &providers.Resolved{Driver: d, Provider: prov, IntegrationID: id, AccountID: in.AccountID,
			Telemetry: providers.Telemetry{Logger: logger, TracerProvider: c.tracer, MeterProvider: c.meter}}}, nil
}

func (dc *driverCache) drop(id string, e *driverEntry) {
	dc.mu.Lock()
	if dc.entries[id] == e {
		delete(dc.entries, id)
	}
	dc.mu.Unlock()
	if s := e.snap.Swap(nil); s != nil {
		closeDriver(s.driver)
	}
}

// closeAll closes every cached driver.
func (dc *driverCache) closeAll() {
	dc.mu.Lock()
	entries := dc.entries
	dc.entries = nil
	dc.mu.Unlock()
	for _, e := range entries {
		if s := e.snap.Swap(nil); s != nil {
			closeDriver(s.driver)
		}
	}
}

func closeDriver(d any) {
	if cl, ok := d.(interface{ Close() error }); ok {
		_ = cl.Close()
	}
}
