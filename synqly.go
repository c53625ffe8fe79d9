// Package synqly is an embeddable unified API over third-party security and IT
// services. An application opens a Client over a store, keeps its tenants
// (Accounts), the providers each class of integration may use
// (IntegrationPoints), its tenants' connections (Integrations) and their
// secrets (Credentials) in it, lists them with the query language of package
// filter, and reads the Audit trail of every change.
//
// With no options, Open uses the embedded default: a SQLite file and a sealing
// key kept beside it.
//
//	c, err := synqly.Open(ctx)
//	if err != nil { ... }
//	defer c.Close()
//	acct, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme Corp"})
//
// Every call takes a context, returns errors that errors.Is matches against
// the sentinels (ErrNotFound, ErrConflict, ErrInvalidInput, ...), and never
// puts a secret in an error, a log line, an audit event, a String or a JSON
// output. Secrets are sealed with AES-256-GCM before they reach the store.
//
// Objects of one tenant never leak to another: Client.Account returns a
// handle whose every call is confined to one account.
package synqly

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/ids"
	"github.com/seed-e6251c81/synqly/internal/seal"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/sqlite"
)

// Environment variables read by Open when the corresponding option is absent.
const (
	// EnvDatabase names the SQLite file of the embedded default store.
	EnvDatabase = "SYNQLY_DB"
	// EnvSecretKey holds the sealing key (32 bytes, base64 or hex). When it
	// is set, no key file is read or written.
	EnvSecretKey = "SYNQLY_SECRET_KEY"
)

// DefaultDatabasePath returns where Open keeps the embedded SQLite database
// when neither WithDatabasePath nor $SYNQLY_DB says otherwise:
// synqly/synqly.db under the user's configuration directory
// (os.UserConfigDir: ~/.config on Linux), or under the working directory if
// there is none. The sealing key is kept beside it, in the same name plus
// ".key", readable by its owner only.
func DefaultDatabasePath() string {
	if p := os.Getenv(EnvDatabase); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "synqly", "synqly.db")
}

// KeyProvider supplies the sealing keys: the current key, which seals, and
// previous keys, which still open what they sealed until RotateKey re-seals
// it. Each key is 32 bytes of key material.
type KeyProvider interface {
	SealingKeys(ctx context.Context) (current []byte, previous [][]byte, err error)
}

// KeyProviderFunc adapts a function to KeyProvider.
type KeyProviderFunc func(ctx context.Context) (current []byte, previous [][]byte, err error)

// SealingKeys implements KeyProvider.
func (f KeyProviderFunc) SealingKeys(ctx context.Context) ([]byte, [][]byte, error) { return f(ctx) }

// Option configures Open.
type Option func(*options)

type options struct {
	store   store.Store
	keys    KeyProvider
	dbPath  string
	logger  *slog.Logger
	now     func() time.Time
	newID   func() string
	hasKeys bool

	dsn           string
	httpClient    *http.Client
	revalidate    time.Duration
	revalidateSet bool
	registry      *providers.Registry
	tracer        trace.TracerProvider
	meter         metric.MeterProvider
	workers       WorkerOptions
}

// WithStore makes the client keep its objects in s instead of the embedded
// SQLite default. A secret key (WithSecretKey or WithKeyProvider) is then
// required, since there is no default place to keep one. Close does not
// close s: the caller opened it and closes it.
func WithStore(s store.Store) Option { return func(o *options) { o.store = s } }

// WithStoreDSN opens the store a data source name names and makes the
// client keep its objects there; Close closes it. The engine's package must
// be imported: "postgres://user:pass@host/db" needs
// github.com/seed-e6251c81/synqly/store/postgres; "sqlite:path/to/file.db"
// is always available. As with WithStore, a secret key is required.
func WithStoreDSN(dsn string) Option { return func(o *options) { o.dsn = dsn } }

// WithSecretKey sets the 32-byte key that seals credential secrets, and
// previous keys that can still open secrets sealed before a rotation (see
// Client.RotateKey). Generate one with GenerateKey.
func WithSecretKey(current []byte, previous ...[]byte) Option {
	return WithKeyProvider(KeyProviderFunc(func(context.Context) ([]byte, [][]byte, error) {
		return current, previous, nil
	}))
}

// WithKeyProvider makes Open ask p for the sealing keys, e.g. from a KMS or
// a secrets manager.
func WithKeyProvider(p KeyProvider) Option {
	return func(o *options) { o.keys, o.hasKeys = p, p != nil }
}

// WithDatabasePath sets the SQLite file of the embedded default store
// (default DefaultDatabasePath). Ignored with WithStore.
func WithDatabasePath(path string) Option { return func(o *options) { o.dbPath = path } }

// WithLogger sets the logger (default slog.Default()). The client logs
// where its database and key are, and every change at debug level; it never
// logs a secret.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithClock sets the clock used for created_at, updated_at, audit times and
// credential expiry (default time.Now). For tests.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithIDGenerator sets the function that makes new object ids (default:
// random UUIDs). Generated ids must be unique and consist of letters, digits,
// '-' and '_' only.
func WithIDGenerator(newID func() string) Option { return func(o *options) { o.newID = newID } }

// Client is the entry point of the library. It is safe for concurrent use by
// many goroutines. Close it when done.
type Client struct {
	// Accounts manages the organization's accounts (tenants).
	Accounts *AccountsService
	// IntegrationPoints manages integration points.
	IntegrationPoints *IntegrationPointsService
	// Integrations manages integrations across all accounts. Use
	// Client.Account for calls confined to one account.
	Integrations *IntegrationsService
	// Credentials manages credentials of every owner.
	Credentials *CredentialsService
	// Audit lists the audit trail.
	Audit *AuditService

	// The sync plane: where syncs write, what they copy and how often,
	// the syncs themselves and their runs.
	Destinations *DestinationsService
	SyncConfigs  *SyncConfigsService
	Syncs        *SyncsService
	SyncRuns     *SyncRunsService
	// Events lists the outbox of every event recorded; Webhooks manages
	// the organization's webhooks and lists their deliveries. See also
	// Subscribe.
	Events   *EventsService
	Webhooks *WebhooksService

	store     store.Store // the guarded store: refuses calls after Close
	raw       store.Store // the store as opened or given
	ownsStore bool
	closed    atomic.Bool
	keys      *seal.Keyring
	log       *slog.Logger
	now       func() time.Time
	newID     func() string

	httpClient *http.Client
	drivers    driverCache
	registry   *providers.Registry
	tracer     trace.TracerProvider
	meter      metric.MeterProvider

	jobs      *engine
	subs      subscribers
	callbacks callbacks
	eventMu   sync.Mutex
	lastEvent time.Time
}

// Open returns a client. With no options it opens (creating if needed) the
// SQLite database at DefaultDatabasePath and the sealing key beside it, and
// logs where both are.
func Open(ctx context.Context, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.newID == nil {
		o.newID = ids.New
	}
	c := &Client{log: o.logger, now: func() time.Time { return o.now().UTC() }, newID: o.newID, httpClient: o.httpClient,
		registry: cmp.Or(o.registry, providers.Default), tracer: o.tracer, meter: o.meter}
	c.drivers.maxAge = time.Second
	if o.revalidateSet {
		c.drivers.maxAge = max(o.revalidate, 0)
	}

	if o.store == nil && o.dsn != "" {
		if !o.hasKeys {
			return nil, errs.Invalid("key", "a secret key is required with WithStoreDSN: pass WithSecretKey or WithKeyProvider")
		}
		s, err := store.OpenDSN(ctx, o.dsn)
		if err != nil {
			return nil, err
		}
		c.store, c.ownsStore = s, true
	} else if o.store == nil {
		path := o.dbPath
		if path == "" {
			path = DefaultDatabasePath()
		}
		if !o.hasKeys {
			kr, err := defaultKey(path, o.logger)
			if err != nil {
				return nil, err
			}
			c.keys = kr
		}
		s, err := sqlite.Open(ctx, path, sqlite.WithLogger(o.logger))
		if err != nil {
			return nil, err
		}
		o.logger.Info("synqly: opened embedded SQLite store", "path", path)
		c.store, c.ownsStore = s, true
	} else {
		if !o.hasKeys {
			return nil, errs.Invalid("key", "a secret key is required with WithStore: pass WithSecretKey or WithKeyProvider")
		}
		c.store = o.store
	}

	if c.keys == nil {
		kr, err := keyring(ctx, o.keys)
		if err != nil {
			c.closeStore()
			return nil, err
		}
		c.keys = kr
	}
	c.raw = c.store
	c.store = &guardedStore{Store: c.raw, closed: &c.closed}

	c.Accounts = &AccountsService{c: c}
	c.IntegrationPoints = &IntegrationPointsService{c: c}
	c.Integrations = &IntegrationsService{c: c}
	c.Credentials = &CredentialsService{c: c}
	c.Audit = &AuditService{c: c}
	c.Destinations = &DestinationsService{c: c}
	c.SyncConfigs = &SyncConfigsService{c: c}
	c.Syncs = &SyncsService{c: c}
	c.SyncRuns = &SyncRunsService{c: c}
	c.Events = &EventsService{c: c}
	c.Webhooks = &WebhooksService{c: c}
	jobs, err := newEngine(c, c.raw, o.workers)
	if err != nil {
		c.closeStore()
		return nil, err
	}
	c.jobs = jobs
	return c, nil
}

// Close releases the client's resources. It closes the store only if Open
// opened it (the embedded default, WithStoreDSN); a store given with
// WithStore stays open for its owner. Every call made through the client
// after Close — management calls, connectors obtained before — returns an
// ErrClosed error and touches nothing. Closing twice is not an error.
func (c *Client) Close() error {
	if c == nil || c.closed.Load() {
		return nil
	}
	// Workers stop first: a running job still uses the store.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	werr := c.StopWorkers(ctx)
	cancel()
	if c.closed.Swap(true) {
		return nil
	}
	c.drivers.closeAll()
	if werr != nil {
		return errors.Join(werr, c.closeStore())
	}
	return c.closeStore()
}

func (c *Client) closeStore() error {
	s := c.raw
	if s == nil {
		s = c.store
	}
	if c.ownsStore && s != nil {
		return s.Close()
	}
	return nil
}

// errClosed is the error of every call after Close.
func errClosed() error {
	return errs.New(errs.Closed, "the synqly client is closed")
}

// guardedStore is the client's view of its store: once the client is
// closed it refuses every call, so an injected store that stays open for
// its owner is not written through a closed client.
type guardedStore struct {
	store.Store
	closed *atomic.Bool
}

func (g *guardedStore) Get(ctx context.Context, kind store.Kind, id string) (*store.Object, error) {
	if g.closed.Load() {
		return nil, errClosed()
	}
	return g.Store.Get(ctx, kind, id)
}

func (g *guardedStore) List(ctx context.Context, req store.ListRequest) (*store.Page, error) {
	if g.closed.Load() {
		return nil, errClosed()
	}
	return g.Store.List(ctx, req)
}

func (g *guardedStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if g.closed.Load() {
		return errClosed()
	}
	return g.Store.Update(ctx, fn)
}

// GenerateKey returns 32 random bytes for WithSecretKey.
func GenerateKey() ([]byte, error) { return seal.GenerateKey() }

func keyring(ctx context.Context, p KeyProvider) (*seal.Keyring, error) {
	cur, prev, err := p.SealingKeys(ctx)
	if err != nil {
		return nil, errs.Wrap(errs.InvalidInput, err, "the key provider failed")
	}
	k, err := seal.NewKey(cur)
	if err != nil {
		return nil, errs.Wrap(errs.InvalidInput, err, "invalid current sealing key")
	}
	olds := make([]seal.Key, 0, len(prev))
	for i, m := range prev {
		pk, err := seal.NewKey(m)
		if err != nil {
			return nil, errs.Wrap(errs.InvalidInput, err, "invalid previous sealing key %d", i)
		}
		olds = append(olds, pk)
	}
	return seal.NewKeyring(k, olds...), nil
}

// defaultKey finds the sealing key of the embedded default: $SYNQLY_SECRET_KEY,
// else the key file beside the database, created with 0600 permissions on
// first use.
func defaultKey(dbPath string, log *slog.Logger) (*seal.Keyring, error) {
	if v := os.Getenv(EnvSecretKey); v != "" {
		k, err := seal.ParseKey(strings.TrimSpace(v))
		if err != nil {
			return nil, errs.Wrap(errs.InvalidInput, err, "$%s is not a valid key (32 bytes, base64 or hex)", EnvSecretKey)
		}
		log.Info("synqly: using the sealing key from the environment", "variable", EnvSecretKey)
		return seal.NewKeyring(k), nil
	}
	path := dbPath + ".key"
	k, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k, err = createKeyFile(path)
		if err == nil {
			log.Info("synqly: created a new sealing key; back it up with the database, secrets cannot be opened without it", "path", path)
		}
	} else if err == nil {
		log.Info("synqly: using the sealing key file", "path", path)
	}
	if err != nil {
		return nil, err
	}
	return seal.NewKeyring(k), nil
}

func readKeyFile(path string) (seal.Key, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return seal.Key{}, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return seal.Key{}, errs.New(errs.InvalidInput, "key file %s is readable by others (mode %v); run chmod 600 on it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return seal.Key{}, errs.Wrap(errs.Internal, err, "reading key file %s", path)
	}
	k, err := seal.ParseKey(strings.TrimSpace(string(b)))
	if err != nil {
		return seal.Key{}, errs.Wrap(errs.InvalidInput, err, "key file %s does not hold a valid key", path)
	}
	return k, nil
}

func createKeyFile(path string) (seal.Key, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return seal.Key{}, errs.Wrap(errs.Internal, err, "creating the directory of %s", path)
	}
	m, err := seal.GenerateKey()
	if err != nil {
		return seal.Key{}, errs.Wrap(errs.Internal, err, "generating a sealing key")
	}
	k, err := seal.NewKey(m)
	if err != nil {
		return seal.Key{}, errs.Wrap(errs.Internal, err, "generating a sealing key")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process won the race: use its key
		return readKeyFile(path)
	}
	if err != nil {
		return seal.Key{}, errs.Wrap(errs.Internal, err, "creating key file %s", path)
	}
	_, err = fmt.Fprintln(f, seal.FormatKey(m))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return seal.Key{}, errs.Wrap(errs.Internal, err, "writing key file %s", path)
	}
	return k, nil
}
