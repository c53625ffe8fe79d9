package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// objRow holds the scan destinations of a table's objCols.
type objRow struct {
	id, scope string
	version   int64
	doc       []byte
	sealed    []byte
	keyID     sql.NullString
}

// dest appends the scan destinations of t's objCols to d.
func (r *objRow) dest(t *table, d []any) []any {
	d = append(d, &r.id, &r.scope, &r.version, &r.doc)
	if t.Sealed {
		d = append(d, &r.sealed, &r.keyID)
	}
	return d
}

// object returns the scanned object. Scanning into []byte copies, so the
// object owns its bytes.
func (r *objRow) object(kind store.Kind) *store.Object {
	return &store.Object{
		Kind:    kind,
		ID:      r.id,
		Scope:   r.scope,
		Version: r.version,
		Doc:     r.doc,
		Sealed:  r.sealed,
		KeyID:   r.keyID.String,
	}
}

// get reads one object through q.
func (e *Engine) get(ctx context.Context, q querier, kind store.Kind, id string) (*store.Object, error) {
	t, err := e.table(kind)
	if err != nil {
		return nil, err
	}
	var row objRow
	err = q.QueryRowContext(ctx, t.get, id).Scan(row.dest(t, make([]any, 0, 6))...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(t, id)
	}
	if err != nil {
		return nil, e.internal(err, "get "+t.Noun)
	}
	return row.object(kind), nil
}

// notFound is the error for a missing object.
func notFound(t *table, id string) error {
	return errs.New(errs.NotFound, "%s %s not found", t.Noun, quote(id))
}
