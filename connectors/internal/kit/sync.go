package kit

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// SyncBatch is how many records a sync object hands the engine at a time.
const SyncBatch = 500

// Col is one destination column of a sync object of model T.
type Col[T any] struct {
	Name  string
	Type  destination.ColumnType
	Value func(*T) any
}

// SyncObject declares a sync object of model T: its columns, how to read
// the id and modification time of a record, and how to iterate over an
// integration's records modified at or after since (all of them when since
// is zero). The record's JSON, as the connector returns it (with the
// vendor's unmapped fields), is its raw data.
func SyncObject[T any](name string, incremental bool, cols []Col[T], id func(*T) string, modified func(*T) time.Time,
	all func(ctx context.Context, src providers.Source, integrationID string, since time.Time) iter.Seq2[*T, error]) providers.SyncObject {
	columns := make([]destination.Column, len(cols))
	for i, c := range cols {
		columns[i] = destination.Column{Name: c.Name, Type: c.Type}
	}
	return providers.SyncObject{
		Name:        name,
		Columns:     columns,
		Incremental: incremental,
		Fetch: func(ctx context.Context, src providers.Source, integrationID string, since time.Time, emit func([]destination.Row) error) error {
			batch := make([]destination.Row, 0, SyncBatch)
			for rec, err := range all(ctx, src, integrationID, since) {
				if err != nil {
					return err
				}
				raw, err := json.Marshal(rec)
				if err != nil {
					return errs.Wrap(errs.Internal, err, "sync %s: encode a record", name)
				}
				vals := make([]any, len(cols))
				for i, c := range cols {
					vals[i] = c.Value(rec)
				}
				batch = append(batch, destination.Row{ID: id(rec), Values: vals, Raw: raw, LastModified: modified(rec)})
				if len(batch) == SyncBatch {
					if err := emit(batch); err != nil {
						return err
					}
					batch = make([]destination.Row, 0, SyncBatch)
				}
			}
			if len(batch) > 0 {
				return emit(batch)
			}
			return nil
		},
	}
}

// TimeOrNil is a Time column's value of an optional time.
func TimeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// TextOrNil is a Text column's value of an optional string.
func TextOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// JSONOrNil is a JSON column's value: v's JSON, or nil for an empty v.
func JSONOrNil[V any](v V, empty bool) any {
	if empty {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return json.RawMessage(b)
}
