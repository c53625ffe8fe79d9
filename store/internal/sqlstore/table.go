package sqlstore

import (
	"strconv"
	"strings"

	"github.com/seed-e6251c81/synqly/store"
)

// table holds one Kind's schema and the statements built from it once, with
// the dialect's placeholders.
type table struct {
	*store.Table
	// cols are the columns extracted from the Doc, with their paths split.
	cols []column
	// objCols is the select list of an Object: id, scope, version, doc and,
	// for sealed tables, sealed and key_id; each qualified with "t.".
	objCols string
	insert  string // args: insertArgs
	update  string // args: updateArgs
	get     string // args: id
	exists  string // args: id
	// lockShared and lockExclusive read and lock one object (args: id).
	lockShared, lockExclusive string
	delete                    string // args: id
	forEach                   string // args: after id
	// usesDelete and usesInsert rewrite a user's rows of the Uses join
	// table (args: user id; user id, used id).
	usesDelete, usesInsert string
}

// column is an extracted column with its JSON path split at the dots.
type column struct {
	store.Column
	parts []string
}

// forEachBatch is how many objects ForEach reads at a time.
const forEachBatch = 256

// newTable builds the statements of t.
func newTable(t *store.Table, d Dialect) *table {
	tb := &table{Table: t}
	for _, c := range t.Columns {
		tb.cols = append(tb.cols, column{Column: c, parts: strings.Split(c.Path, ".")})
	}

	// The written columns, in the order of insertArgs.
	names := []string{"scope", "doc"}
	if t.Named {
		names = append(names, "name_key")
	}
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	if t.Sealed {
		names = append(names, "sealed", "key_id")
	}

	var b strings.Builder
	b.WriteString("INSERT INTO " + t.Name + " (id, version, " + strings.Join(names, ", ") + ") VALUES (")
	for i := range len(names) + 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Placeholder(i + 1))
	}
	b.WriteString(")")
	tb.insert = b.String()

	b.Reset()
	b.WriteString("UPDATE " + t.Name + " SET version = version + 1")
	for i, n := range names {
		b.WriteString(", " + n + " = " + d.Placeholder(i+1))
	}
	n := len(names)
	b.WriteString(" WHERE id = " + d.Placeholder(n+1) + " AND version = " + d.Placeholder(n+2))
	tb.update = b.String()

	tb.objCols = "t.id, t.scope, t.version, t.doc"
	if t.Sealed {
		tb.objCols += ", t.sealed, t.key_id"
	}
	from := " FROM " + t.Name + " t"
	p1 := d.Placeholder(1)
	tb.get = "SELECT " + tb.objCols + from + " WHERE t.id = " + p1
	tb.exists = "SELECT 1" + from + " WHERE t.id = " + p1
	tb.lockShared = tb.get + d.RowLock(false)
	tb.lockExclusive = tb.get + d.RowLock(true)
	tb.delete = "DELETE FROM " + t.Name + " WHERE id = " + p1
	tb.forEach = "SELECT " + tb.objCols + from + " WHERE t.id > " + p1 +
		" ORDER BY t.id LIMIT " + strconv.Itoa(forEachBatch)
	if u := t.Uses; u != nil {
		tb.usesDelete = "DELETE FROM " + u.Table + " WHERE " + u.UserColumn + " = " + p1
		tb.usesInsert = "INSERT INTO " + u.Table + " (" + u.UserColumn + ", " + u.UsedColumn + ") VALUES (" +
			p1 + ", " + d.Placeholder(2) + ")"
	}
	return tb
}

// nObjCols is how many columns objCols selects.
func (t *table) nObjCols() int {
	if t.Sealed {
		return 6
	}
	return 4
}
