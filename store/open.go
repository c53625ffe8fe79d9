package store

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/errs"
)

// Opener opens a store from a data source name.
type Opener func(ctx context.Context, dsn string) (Store, error)

var (
	openersMu sync.RWMutex
	openers   = map[string]Opener{}
)

// Register makes an engine openable by OpenDSN under a URL scheme, the way
// database/sql drivers register: store/sqlite registers "sqlite",
// store/postgres "postgres" and "postgresql". It panics if the scheme is
// registered twice (a programming error).
func Register(scheme string, open Opener) {
	openersMu.Lock()
	defer openersMu.Unlock()
	if _, dup := openers[scheme]; dup || open == nil || scheme == "" {
		panic("store: Register called twice, or with nothing, for " + scheme)
	}
	openers[scheme] = open
}

// OpenDSN opens the store a data source name names, by its scheme:
// "postgres://user@host/db" (import store/postgres), "sqlite:/path/to/file.db"
// (store/sqlite). The engine's package must be imported.
func OpenDSN(ctx context.Context, dsn string) (Store, error) {
	scheme, _, ok := strings.Cut(dsn, ":")
	openersMu.RLock()
	open, found := openers[scheme]
	known := make([]string, 0, len(openers))
	for s := range openers {
		known = append(known, s)
	}
	openersMu.RUnlock()
	if !ok || !found {
		slices.Sort(known)
		return nil, errs.Invalid("dsn", "the data source name must start with a registered scheme (%s); import the engine's package, e.g. store/postgres", strings.Join(known, ", "))
	}
	return open(ctx, dsn)
}
