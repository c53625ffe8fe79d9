package synqly

import (
	"context"
	"iter"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// DestinationType is where a destination writes.
type DestinationType string

// The destination types.
const (
	// DestinationSQLite is a SQLite database file of the application's.
	DestinationSQLite DestinationType = "sqlite"
	// DestinationPostgres is a PostgreSQL database of the application's.
	DestinationPostgres DestinationType = "postgres"
	// DestinationCallback is a Go function of the application's,
	// registered with Client.RegisterDestinationCallback.
	DestinationCallback DestinationType = "callback"
)

// Destination is where syncs write (seed 004's destination). Database
// destinations get one table per synced object, in the layout package
// destination documents. The password of a PostgreSQL destination is sealed
// like a credential's and never returned: Config is the seed's "safe" view.
type Destination struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Fullname  string            `json:"fullname"`
	Type      DestinationType   `json:"type"`
	Config    DestinationConfig `json:"config"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// DestinationConfig holds a destination's settings, without its password.
type DestinationConfig struct {
	// Path is the SQLite file (type sqlite); created if missing.
	Path string `json:"path,omitempty"`
	// Host (a name, an address or a unix socket directory), Port,
	// Database, Schema (default: the connection's), User and SSLMode
	// (default "prefer") reach a PostgreSQL database (type postgres).
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port,omitempty"`
	Database string `json:"database,omitempty"`
	Schema   string `json:"schema,omitempty"`
	User     string `json:"user,omitempty"`
	SSLMode  string `json:"sslmode,omitempty"`
	// Callback names the function registered with
	// RegisterDestinationCallback (type callback).
	Callback string `json:"callback,omitempty"`
}

// CreateDestinationRequest creates a destination. Password is the
// PostgreSQL user's password.
type CreateDestinationRequest struct {
	Name     string            `json:"name,omitempty"`
	Fullname string            `json:"fullname,omitempty"`
	Type     DestinationType   `json:"type"`
	Config   DestinationConfig `json:"config"`
	Password credential.Secret `json:"password,omitempty"`
}

type destinationSecret struct {
	Password string `json:"password,omitempty"`
}

// DestinationFunc receives the batches a sync writes to a callback
// destination. An error fails the run (it is retried); the function is
// called from the worker running the sync, one batch at a time per sync.
type DestinationFunc func(ctx context.Context, b destination.Batch) error

type callbacks struct {
	mu sync.RWMutex
	m  map[string]DestinationFunc
}

// RegisterDestinationCallback makes fn the callback named name, for
// destinations of type callback. Workers look callbacks up when a run
// starts: register them before StartWorkers, in every process that runs
// workers. Registering a name again replaces its function.
func (c *Client) RegisterDestinationCallback(name string, fn DestinationFunc) error {
	if !validName(name) || fn == nil {
		return errs.Invalid("name", "a callback needs a valid name (lowercase a-z, 0-9, '_' and '-') and a function")
	}
	c.callbacks.mu.Lock()
	defer c.callbacks.mu.Unlock()
	if c.callbacks.m == nil {
		c.callbacks.m = map[string]DestinationFunc{}
	}
	c.callbacks.m[name] = fn
	return nil
}

// DestinationsService manages destinations.
type DestinationsService struct{ c *Client }

func normalizeDestination(d *Destination) error {
	var err error
	if d.Name, d.Fullname, err = resolveNames(d.Name, d.Fullname, d.ID); err != nil {
		return err
	}
	cfg := &d.Config
	for _, f := range []struct{ name, v string }{{"config.path", cfg.Path}, {"config.host", cfg.Host},
		{"config.database", cfg.Database}, {"config.schema", cfg.Schema}, {"config.user", cfg.User},
		{"config.sslmode", cfg.SSLMode}, {"config.callback", cfg.Callback}} {
		if err := checkText(f.name, f.v, 1024); err != nil {
			return err
		}
	}
	switch d.Type {
	case DestinationSQLite:
		if cfg.Path == "" || !filepath.IsAbs(cfg.Path) || strings.ContainsAny(cfg.Path, "?\x00") {
			return errs.Invalid("config.path", "a sqlite destination needs an absolute file path without '?'")
		}
		if *cfg != (DestinationConfig{Path: cfg.Path}) {
			return errs.Invalid("config", "a sqlite destination takes only a path")
		}
	case DestinationPostgres:
		if cfg.Host == "" || cfg.Database == "" || cfg.User == "" {
			return errs.Invalid("config", "a postgres destination needs host, database and user")
		}
		if cfg.Port < 0 || cfg.Port > 65535 {
			return errs.Invalid("config.port", "port must be 1 to 65535 (0: 5432)")
		}
		switch cfg.SSLMode {
		case "", "disable", "allow", "prefer", "require", "verify-ca", "verify-full":
		default:
			return errs.Invalid("config.sslmode", "sslmode must be disable, allow, prefer, require, verify-ca or verify-full")
		}
		if cfg.Schema != "" && !destination.ValidIdentifier(cfg.Schema) {
			return errs.Invalid("config.schema", "schema must be a lowercase SQL identifier ([a-z][a-z0-9_]*)")
		}
		if cfg.Path != "" || cfg.Callback != "" {
			return errs.Invalid("config", "a postgres destination takes host, port, database, schema, user and sslmode")
		}
	case DestinationCallback:
		if !validName(cfg.Callback) || *cfg != (DestinationConfig{Callback: cfg.Callback}) {
			return errs.Invalid("config.callback", "a callback destination takes only the callback's name")
		}
	case "sink":
		return errs.New(errs.Unsupported, "sink destinations are not supported yet; use a callback destination that posts through the sink connector")
	default:
		return errs.Invalid("type", "type %q is not valid; use sqlite, postgres or callback", clip(string(d.Type)))
	}
	return nil
}

// Create creates a destination. Nothing connects to it until a sync runs.
func (s *DestinationsService) Create(ctx context.Context, req CreateDestinationRequest) (*Destination, error) {
	now := s.c.now()
	d := &Destination{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, Type: req.Type, Config: req.Config,
		CreatedAt: now, UpdatedAt: now}
	if err := checkText("password", req.Password.Reveal(), 1024); err != nil {
		return nil, errs.Invalid("password", "the password must be valid UTF-8 without NUL, at most 1024 bytes")
	}
	ch := &change{op: AuditCreate, resourceType: "destination", resourceID: d.ID}
	err := s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if err := normalizeDestination(d); err != nil {
			return err
		}
		return s.c.insertSealed(ctx, tx, store.Destinations, d.ID, d, destinationSecret{Password: req.Password.Reveal()})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Get returns a destination (without its password).
func (s *DestinationsService) Get(ctx context.Context, id string) (*Destination, error) {
	d, _, err := get[Destination](ctx, s.c.store, store.Destinations, id)
	return d, err
}

// List returns one page of destinations. Fields: id, name, fullname, type,
// created_at, updated_at.
func (s *DestinationsService) List(ctx context.Context, opts ListOptions) (*Page[Destination], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Destinations}, opts, decodeDoc[Destination])
}

// All iterates over every destination matching opts.
func (s *DestinationsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*Destination, error] {
	return all(ctx, opts, s.List)
}

// Update replaces a destination's name, fullname and config (its type
// stays); the password stays unless password is not empty. d.UpdatedAt is
// the precondition, as for accounts.
func (s *DestinationsService) Update(ctx context.Context, id string, d Destination, password credential.Secret) (*Destination, error) {
	var out *Destination
	err := s.c.mutate(ctx, &change{op: AuditUpdate, resourceType: "destination", resourceID: id}, func(tx store.Tx) error {
		cur, obj, err := get[Destination](ctx, tx, store.Destinations, id)
		if err != nil {
			return err
		}
		if err := unchangedSince("destination", id, d.UpdatedAt, cur.UpdatedAt); err != nil {
			return err
		}
		if d.Type != "" && d.Type != cur.Type {
			return errs.Invalid("type", "a destination's type cannot change; create another destination")
		}
		d.ID, d.Type, d.CreatedAt, d.UpdatedAt = id, cur.Type, cur.CreatedAt, touched(s.c.now(), cur.UpdatedAt)
		if err := normalizeDestination(&d); err != nil {
			return err
		}
		if password != "" {
			if err := s.c.sealInto(obj, destinationSecret{Password: password.Reveal()}); err != nil {
				return err
			}
		}
		out = &d
		return replaceDoc(ctx, tx, obj, &d)
	})
	return out, err
}

// Delete removes a destination; one a sync config uses is ErrConflict.
func (s *DestinationsService) Delete(ctx context.Context, id string) error {
	return s.c.mutate(ctx, &change{op: AuditDelete, resourceType: "destination", resourceID: id}, func(tx store.Tx) error {
		return tx.Delete(ctx, store.Destinations, id)
	})
}

// openDestination opens the writer of destination id for one run; the
// caller closes it.
func (c *Client) openDestination(ctx context.Context, id string) (destination.Writer, *Destination, error) {
	d, obj, err := get[Destination](ctx, c.store, store.Destinations, id)
	if err != nil {
		return nil, nil, err
	}
	switch d.Type {
	case DestinationSQLite:
		w, err := destination.OpenSQLite(ctx, d.Config.Path)
		return w, d, err
	case DestinationPostgres:
		var sec destinationSecret
		if err := c.unsealInto(obj, &sec); err != nil {
			return nil, nil, err
		}
		var opts []destination.PostgresOption
		if d.Config.Schema != "" {
			opts = append(opts, destination.WithSchema(d.Config.Schema))
		}
		w, err := destination.OpenPostgres(ctx, postgresDSN(d.Config, sec.Password), opts...)
		return w, d, err
	case DestinationCallback:
		c.callbacks.mu.RLock()
		fn := c.callbacks.m[d.Config.Callback]
		c.callbacks.mu.RUnlock()
		if fn == nil {
			return nil, nil, errs.New(errs.Unsupported, "destination %s: no callback %q is registered in this process (RegisterDestinationCallback)", d.ID, d.Config.Callback)
		}
		return callbackWriter{fn}, d, nil
	}
	return nil, nil, errs.New(errs.Internal, "destination %s has an unknown type", d.ID)
}

// postgresDSN builds a libpq key=value DSN, each value quoted.
func postgresDSN(cfg DestinationConfig, password string) string {
	q := func(v string) string {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
	}
	port := cfg.Port
	if port == 0 {
		port = 5432
	}
	parts := []string{"host=" + q(cfg.Host), "port=" + strconv.Itoa(port), "dbname=" + q(cfg.Database), "user=" + q(cfg.User)}
	if password != "" {
		parts = append(parts, "password="+q(password))
	}
	if cfg.SSLMode != "" {
		parts = append(parts, "sslmode="+q(cfg.SSLMode))
	}
	return strings.Join(parts, " ")
}

// callbackWriter hands batches to the application's function. Tables are
// the application's business: Prepare does nothing, and deletions a full
// run finds are not reported.
type callbackWriter struct{ fn DestinationFunc }

func (w callbackWriter) Prepare(context.Context, destination.Object) error { return nil }
func (w callbackWriter) Write(ctx context.Context, b destination.Batch) error {
	return w.fn(ctx, b)
}
func (w callbackWriter) SoftDeleteUnseen(context.Context, destination.Object, string, string, time.Time) (int64, error) {
	return 0, nil
}
func (w callbackWriter) DeleteIntegration(context.Context, destination.Object, string) (int64, error) {
	return 0, nil
}
func (w callbackWriter) Close() error { return nil }
