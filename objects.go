package synqly

import (
	"context"
	"encoding/json"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// get loads and decodes one object. A missing object, or an id no generator
// makes, is ErrNotFound with a message naming the kind and id.
func get[T any](ctx context.Context, r store.Reader, kind store.Kind, id string) (*T, *store.Object, error) {
	if ctx == nil {
		return nil, nil, errs.Invalid("ctx", "nil context")
	}
	if err := validID(kind, id); err != nil {
		return nil, nil, err
	}
	obj, err := r.Get(ctx, kind, id)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return nil, nil, errs.New(errs.NotFound, "%s %q not found", singular(kind), id)
		}
		return nil, nil, err
	}
	v, err := decodeDoc[T](obj)
	if err != nil {
		return nil, nil, err
	}
	return v, obj, nil
}

// insert stores v as a new object of kind.
func insert(ctx context.Context, tx store.Tx, kind store.Kind, id, scope string, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding %s", singular(kind))
	}
	return tx.Insert(ctx, &store.Object{Kind: kind, ID: id, Scope: scope, Doc: doc})
}

// replaceDoc stores v as the new document of obj, keeping obj's version
// precondition so a concurrent change is reported, never lost.
func replaceDoc(ctx context.Context, tx store.Tx, obj *store.Object, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding %s", singular(obj.Kind))
	}
	obj.Doc = doc
	obj.Expanded = nil
	return tx.Replace(ctx, obj)
}
