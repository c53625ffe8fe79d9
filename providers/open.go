package providers

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/seed-e6251c81/synqly/credential"
)

// OpenRequest is what a provider's Open function gets to build a driver for
// one integration.
type OpenRequest struct {
	// IntegrationID identifies the integration.
	IntegrationID string
	// Config is the integration's provider configuration (the provider's own
	// Config type).
	Config Config
	// Credentials holds the unsealed credentials of the configuration's
	// references, keyed like Config.CredentialRefs. They are secrets: a
	// driver keeps them in memory only and never logs or returns them.
	Credentials map[string]credential.Config
	// HTTPClient is the application's client for vendor calls (transport,
	// proxies, TLS); drivers wrap it with internal/httpx.
	HTTPClient *http.Client
	// Logger is the application's logger.
	Logger *slog.Logger
	// State is durable storage private to this integration, for providers
	// that keep data of their own (the mock provider keeps its tickets).
	State State
}

// Opener builds a connector driver for one integration. The value it
// returns implements the driver interface of the provider's connector, e.g.
// ticketing.Driver.
type Opener func(ctx context.Context, req OpenRequest) (any, error)

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
