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
type State interface {
	// Get returns the value stored under key, or an errs.NotFound error.
	Get(ctx context.Context, key string) ([]byte, error)
	// Put stores value (a JSON document) under key.
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes key; a missing key is an errs.NotFound error.
	Delete(ctx context.Context, key string) error
	// List returns up to limit entries whose keys start with prefix and
	// sort after the key after ("" for the first), in key order.
	List(ctx context.Context, prefix, after string, limit int) ([]Entry, error)
}

// Entry is one key and value of a State.
type Entry struct {
	Key   string
	Value []byte
}
