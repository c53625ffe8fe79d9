package sqlstore

import (
	"context"
	"maps"
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// usesLog keeps, in one transaction, the join table of a Table.Uses in step
// with the objects written: the uses of an object written are recorded as
// pending and written (its old rows deleted, the new ones inserted) just
// before the transaction commits — when every object the transaction
// creates exists, so that an integration can be written before the managed
// credentials it references — or before objects of the used kind are
// deleted. The database's foreign keys check the rows as they are written.
//
// It also remembers the uses it knows to be stored (of objects the
// transaction read, inserted or flushed), so that a write that does not
// change them costs no statement.
type usesLog struct {
	pending map[*table]map[string][]string
	stored  map[*table]map[string][]string
	// docs holds the documents of objects the transaction read, whose
	// stored uses are worked out only if the object is replaced.
	docs map[*table]map[string][]byte
	// fresh marks objects inserted in the transaction and not flushed:
	// they have no rows to delete.
	fresh map[*table]map[string]bool
}

// ensure returns m[tb], made if needed.
func ensure[V any](m *map[*table]map[string]V, tb *table) map[string]V {
	if *m == nil {
		*m = map[*table]map[string]V{}
	}
	if (*m)[tb] == nil {
		(*m)[tb] = map[string]V{}
	}
	return (*m)[tb]
}

// read records the document of an object the transaction read: its uses
// are the stored ones.
func (l *usesLog) read(tb *table, obj *store.Object) {
	if tb == nil || tb.Uses == nil {
		return
	}
	if _, ok := l.pending[tb][obj.ID]; ok {
		return // the transaction changed them already
	}
	if _, ok := l.stored[tb][obj.ID]; ok {
		return
	}
	ensure(&l.docs, tb)[obj.ID] = obj.Doc
}

// storedUses returns the uses known to be stored for id.
func (l *usesLog) storedUses(tb *table, id string) ([]string, bool) {
	if uses, ok := l.stored[tb][id]; ok {
		return uses, true
	}
	raw, ok := l.docs[tb][id]
	if !ok {
		return nil, false
	}
	delete(l.docs[tb], id)
	doc, err := decodeDoc(raw)
	if err != nil {
		return nil, false
	}
	uses := tb.Uses.Of(doc)
	ensure(&l.stored, tb)[id] = uses
	return uses, true
}

// inserted records the uses of an object inserted.
func (l *usesLog) inserted(tb *table, id string, uses []string) {
	if tb.Uses == nil {
		return
	}
	ensure(&l.pending, tb)[id] = uses
	ensure(&l.fresh, tb)[id] = true
}

// replaced records the uses of an object replaced; nothing is pending if
// they are the ones stored.
func (l *usesLog) replaced(tb *table, id string, uses []string) {
	if tb.Uses == nil {
		return
	}
	if _, ok := l.pending[tb][id]; !ok {
		if stored, ok := l.storedUses(tb, id); ok && slices.Equal(stored, uses) {
			return
		}
	}
	delete(l.docs[tb], id)
	ensure(&l.pending, tb)[id] = uses
}

// deleted forgets objects deleted (the database removes their rows).
func (l *usesLog) deleted(tb *table, ids ...string) {
	for _, id := range ids {
		delete(l.pending[tb], id)
		delete(l.stored[tb], id)
		delete(l.fresh[tb], id)
		delete(l.docs[tb], id)
	}
}

// flushBeforeDelete writes the pending uses before objects of kind are
// deleted, when kind is a used kind: the join table must first stop naming
// what the transaction's writes no longer use (an integration that replaced
// its managed credential deletes the old one next).
func (l *usesLog) flushBeforeDelete(ctx context.Context, t *tx, kind store.Kind) error {
	for tb, p := range l.pending {
		if tb.Uses.Kind == kind && len(p) > 0 {
			return l.flush(ctx, t)
		}
	}
	return nil
}

// flush writes the pending uses. A used object that does not exist (any
// more) fails the transaction with errs.NotFound: the database's foreign key
// says so, also when a concurrent transaction deleted it a moment ago.
func (l *usesLog) flush(ctx context.Context, t *tx) error {
	for tb, byID := range l.pending {
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			if !l.fresh[tb][id] {
				if _, err := t.stx.ExecContext(ctx, tb.usesDelete, id); err != nil {
					return t.e.internal(err, "write the uses of "+tb.Noun)
				}
			}
			for _, used := range byID[id] {
				if _, err := t.stx.ExecContext(ctx, tb.usesInsert, id, used); err != nil {
					if t.e.d.Classify(err) == ForeignKey {
						noun := string(tb.Uses.Kind)
						if usedTb, ok := t.e.tables[tb.Uses.Kind]; ok {
							noun = usedTb.Noun
						}
						return errs.New(errs.NotFound, "%s %s uses %s %s, which does not exist (it may just have been deleted)",
							tb.Noun, quote(id), noun, quote(used))
					}
					return t.e.internal(err, "write the uses of "+tb.Noun)
				}
			}
			ensure(&l.stored, tb)[id] = byID[id]
		}
	}
	l.pending, l.fresh = nil, nil
	return nil
}
