// Package store defines the persistence interface a synqly.Client is given,
// and the schema of the management resources shared by every engine.
//
// A Store keeps objects: a JSON document plus the few things the library needs
// the engine to enforce (identity, name uniqueness within a scope, a version for
// optimistic concurrency, and for credentials a sealed secret). Engines index
// the document fields listed in the Schema so the query language (package
// filter) runs as parameterized SQL. Implementations: store/sqlite (the
// default) and store/postgres (several instances on one database). Every
// implementation must pass the conformance suite in store/storetest.
//
// The store never sees a plaintext secret: the root package seals credential
// secrets before they reach Object.Sealed.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/seed-e6251c81/synqly/filter"
)

// ErrStale is the cause of the errs.Conflict error of a Replace whose
// version is no longer the stored one: another transaction changed the
// object since it was read. Test for it with errors.Is; a transaction that
// read the object may read it again and retry.
var ErrStale = errors.New("stale version")

// Kind names a stored resource.
type Kind string

// The stored resources.
const (
	Accounts          Kind = "accounts"
	IntegrationPoints Kind = "integration_points"
	Integrations      Kind = "integrations"
	Credentials       Kind = "credentials"
	AuditEvents       Kind = "audit_events"
	// ProviderState holds providers' own durable data (see
	// providers.State): one object per key, its Scope the integration id.
	ProviderState Kind = "provider_state"

	// The sync plane (see the root package's Syncs).
	Destinations Kind = "destinations"
	SyncConfigs  Kind = "sync_configs"
	// Syncs ids are made of the sync config's id, the integration's and
	// the object's name, so one sync exists per config, integration and
	// object.
	Syncs    Kind = "syncs"
	SyncRuns Kind = "sync_runs"
	// Events is the outbox: each event is written in the transaction of
	// the change that caused it.
	Events            Kind = "events"
	Webhooks          Kind = "webhooks"
	WebhookDeliveries Kind = "webhook_deliveries"
)

// Kinds lists every Kind, in dependency order (owners before what they own).
var Kinds = []Kind{Accounts, IntegrationPoints, Integrations, Credentials, AuditEvents, ProviderState,
	Destinations, SyncConfigs, Syncs, SyncRuns, Events, Webhooks, WebhookDeliveries}

// Object is one stored object.
type Object struct {
	// Kind is the resource the object belongs to.
	Kind Kind
	// ID is the object's unique id (set by the library, never by users).
	ID string
	// Scope is the uniqueness scope of the document's "name": "" for
	// organization-level objects (accounts, integration points), the account
	// id for integrations, the owner id for credentials. Names are unique
	// case-insensitively within (Kind, Scope). Audit events have no name.
	Scope string
	// Version is 1 after Insert and grows by one with each Replace. Replace
	// succeeds only if it equals the stored version.
	Version int64
	// Doc is the object's JSON document as the library's model marshals it.
	// It never holds a secret.
	Doc json.RawMessage
	// Sealed is the sealed secret of a credential (nil for other kinds), and
	// KeyID names the key that sealed it.
	Sealed []byte
	KeyID  string
	// Expanded holds the documents of expanded relations by relation name
	// ("account", "integration_point"); filled by List only when the query
	// expands them and the related object exists.
	Expanded map[string]json.RawMessage
}

// ListRequest selects objects of one kind.
type ListRequest struct {
	Kind Kind
	// Query is the caller's query bound against Fields(Kind); nil lists
	// in the default order with the default limit.
	Query *filter.Bound
	// AccountID, when not empty, confines the list to objects whose
	// account_id equals it (account scope).
	AccountID string
	// Scope, when not empty, confines the list to objects with this Scope
	// (an owner's credentials, an account's integrations).
	Scope string
}

// Page is one page of a List.
type Page struct {
	Objects []*Object
	// Next is an opaque cursor designating the last object of this page, to
	// pass as start_after for the next page; "" when there are no more.
	Next string
}

// Reader reads objects.
type Reader interface {
	// Get returns the object, or an errs.NotFound error.
	Get(ctx context.Context, kind Kind, id string) (*Object, error)
	// List returns one page of objects matching req, in the query's order.
	// Query.StartAfter is either a Next cursor or a name; a name resolves to
	// the object of that name within req's AccountID/Scope (an invalid-query
	// error if there is none or if several match) and the page starts after
	// its full sort key, so paging is exact under any order.
	List(ctx context.Context, req ListRequest) (*Page, error)
}

// Tx is a read-write transaction. Everything done through it becomes visible
// at once when the function given to Store.Update returns nil, or not at all.
type Tx interface {
	Reader
	// Insert stores a new object with Version 1 (the stored Version is
	// written back to obj). A duplicate id or a duplicate name in (Kind,
	// Scope) is an errs.Conflict error. A reference to an object that does
	// not exist — an integration's account or integration point, a
	// credential's owner, a provider state entry's integration (its Scope),
	// a credential an integration uses (Table.Uses) — is an errs.NotFound
	// error, also when a concurrent transaction deleted it a moment ago:
	// the database's foreign keys decide. Text that the database cannot
	// hold as given (invalid UTF-8 anywhere, NUL in an extracted column) is
	// an errs.InvalidInput error.
	Insert(ctx context.Context, obj *Object) error
	// Replace overwrites an object whose stored Version equals obj.Version,
	// and increments obj.Version. A stale version or a duplicate name is an
	// errs.Conflict error (a stale version's also matches ErrStale with
	// errors.Is); a missing object, or a reference to one, is
	// errs.NotFound.
	Replace(ctx context.Context, obj *Object) error
	// Delete removes an object, and with it what the object owns: an
	// account's integrations, credentials and provider state; an
	// integration's credentials and provider state; an integration point's
	// credentials. A missing object is errs.NotFound; one still referred to
	// (an integration point that integrations use, a credential an
	// integration references) is errs.Conflict.
	Delete(ctx context.Context, kind Kind, id string) error
	// Lock reads the object and holds it until the transaction ends, so
	// that what the transaction concludes from it (and from what it reads
	// after locking it) still holds when it commits. It returns the object
	// as it is now: the latest committed version, which a Replace may be
	// based on. Under LockShared, other transactions
	// may lock the object shared too, but their Replace, Delete and
	// LockExclusive wait; under LockExclusive, every other Lock, Replace
	// and Delete of it waits. A missing object is errs.NotFound. An engine
	// that runs one writing transaction at a time (SQLite) needs no more
	// than that: only the existence check remains.
	//
	// The library pairs them so that checks spanning objects hold under
	// concurrency: a change that other objects' validity depends on (an
	// account's environment, an integration point's allow-lists, a
	// credential's type) locks its object exclusively before checking its
	// dependents, and a write that depends on those objects (an
	// integration) locks them shared before reading them.
	Lock(ctx context.Context, kind Kind, id string, mode LockMode) (*Object, error)
	// DeleteWhere removes every object of kind whose column (a Schema column,
	// e.g. "account_id" or "scope") equals value, and returns their ids.
	DeleteWhere(ctx context.Context, kind Kind, column, value string) ([]string, error)
	// ForEach calls fn for every object of kind, in id order; fn may Replace
	// the object it is given.
	ForEach(ctx context.Context, kind Kind, fn func(*Object) error) error
}

// SQLBacked is implemented by stores over database/sql (both engines of
// this module). The library's background jobs (River) keep their tables in
// the same database and insert jobs in the store's own transactions, so a
// change and the job it causes commit together.
type SQLBacked interface {
	// SQLDB returns the pool that writes go through. Writing through it
	// bypasses every check of the store.
	SQLDB() *sql.DB
	// Engine names the database: "sqlite" or "postgres".
	Engine() string
}

// SQLTx is implemented by the Tx of a SQLBacked store: the database/sql
// transaction under it, for inserting jobs in the same transaction.
type SQLTx interface {
	SQLTx() *sql.Tx
}

// LockMode is the mode of Tx.Lock.
type LockMode int

// The lock modes.
const (
	// LockShared keeps the object from changing until the transaction
	// ends, and lets other transactions lock it shared too.
	LockShared LockMode = iota + 1
	// LockExclusive keeps every other transaction from locking, changing
	// or deleting the object until the transaction ends.
	LockExclusive
)

// Store is a persistent object store. Implementations are safe for concurrent
// use.
//
// The errors of Get, List and Update never carry the database driver's own
// message, which can quote the values of a statement: an internal failure
// says what the store was doing and the database's code for what went wrong
// (a SQLSTATE, an SQLite result code); the driver's error remains reachable
// with errors.As. (Opening a store and migrating it report the driver's
// text, which is about the connection and the schema, never about stored
// values.)
type Store interface {
	Reader
	// Update runs fn in a read-write transaction. If fn returns an error or
	// panics, nothing it did is kept and the error is returned as is. An
	// engine may run fn again when the database aborted the transaction
	// (a deadlock, a serialization failure): fn must have no effects outside
	// tx that a second run would repeat.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Close releases the store's resources.
	Close() error
}
