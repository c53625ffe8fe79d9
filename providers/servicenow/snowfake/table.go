package snowfake

import (
	"slices"
	"strings"
)

// colType is the type of a column, which decides how its values compare
// and render.
type colType int

const (
	colString colType = iota
	colInt
	colDecimal
	colDateTime
	colBool
	colRef     // a reference to a record of another table
	colChoice  // a choice list: values with labels in sys_choice
	colJournal // a journal field: writes go to sys_journal_field
)

// column describes one column of a table.
type column struct {
	typ colType
	ref string // referenced table, for colRef
	// readOnly columns are set by the instance; client writes are ignored.
	readOnly bool
}

// record is one row. As in ServiceNow, every value is a string; "" is
// empty.
type record map[string]string

// table is one table of the instance.
type table struct {
	name string
	cols map[string]column
	// display is the column whose value is a record's display value.
	display string
	rows    []record // in insertion order
	byID    map[string]record
}

func newTable(name, display string, cols map[string]column) *table {
	base := map[string]column{
		"sys_id":         {typ: colString, readOnly: true},
		"sys_created_on": {typ: colDateTime, readOnly: true},
		"sys_created_by": {typ: colString, readOnly: true},
		"sys_updated_on": {typ: colDateTime, readOnly: true},
		"sys_updated_by": {typ: colString, readOnly: true},
		"sys_mod_count":  {typ: colInt, readOnly: true},
		"sys_tags":       {typ: colString, readOnly: true},
	}
	for k, v := range cols {
		base[k] = v
	}
	return &table{name: name, cols: base, display: display, byID: map[string]record{}}
}

// insert adds r (which must carry a sys_id).
func (t *table) insert(r record) {
	t.rows = append(t.rows, r)
	t.byID[r["sys_id"]] = r
}

// remove deletes the record with the given sys_id.
func (t *table) remove(id string) bool {
	if _, ok := t.byID[id]; !ok {
		return false
	}
	delete(t.byID, id)
	t.rows = slices.DeleteFunc(t.rows, func(r record) bool { return r["sys_id"] == id })
	return true
}

// columnNames returns the table's columns, sorted, without journal fields
// (which read as empty and are left out of full records).
func (t *table) columnNames() []string {
	out := make([]string, 0, len(t.cols))
	for k, c := range t.cols {
		if c.typ != colJournal {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// validColumn reports whether name is a column of t.
func (t *table) validColumn(name string) bool {
	_, ok := t.cols[name]
	return ok
}

// fold is ServiceNow's (MySQL's) case-insensitive comparison key.
func fold(s string) string { return strings.ToLower(s) }
