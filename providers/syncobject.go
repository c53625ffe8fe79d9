package providers

import (
	"context"
	"slices"
	"time"

	"github.com/seed-e6251c81/synqly/destination"
)

// SyncObject is an object a connector can copy into a destination on a
// schedule (the sync plane): its name, the columns of its destination table,
// and how to read it from an integration. Connectors declare theirs in
// Connector.Objects through the connector kit; the sync engine needs no
// change for a new one.
type SyncObject struct {
	// Name is the object's name within its connector, e.g. "tickets"; the
	// destination table is synqly_<connector>_<name>.
	Name string
	// Columns are the model's columns in the destination table, besides id.
	Columns []destination.Column
	// Incremental objects honour Fetch's since; the others are read whole
	// on every run (and every run of theirs is a full run).
	Incremental bool
	// Fetch reads the integration's records modified at or after since
	// (every record when since is zero) and hands them to emit in batches;
	// it stops at emit's first error and returns it.
	Fetch func(ctx context.Context, src Source, integrationID string, since time.Time, emit func([]destination.Row) error) error
}

// Object returns the connector's sync object of the given name.
func (c Connector) Object(name string) (SyncObject, bool) {
	i := slices.IndexFunc(c.Objects, func(o SyncObject) bool { return o.Name == name })
	if i < 0 {
		return SyncObject{}, false
	}
	return c.Objects[i], true
}

// ObjectNames lists the names of the connector's sync objects.
func (c Connector) ObjectNames() []string {
	out := make([]string, len(c.Objects))
	for i, o := range c.Objects {
		out[i] = o.Name
	}
	return out
}

// Connector returns the registered connector of a category.
func (r *Registry) Connector(c Category) (Connector, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	conn, ok := r.connectors[c]
	return conn, ok
}
