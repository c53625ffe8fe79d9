package jirafake

import (
	"cmp"
	"fmt"
	"strings"
)

// sorter compiles an ORDER BY; empty values sort last ascending, first
// descending, as in Jira.
func (st *state) sorter(order []orderTerm) (func(a, b *issueRec) int, error) {
	type key struct {
		f    jqlField
		desc bool
	}
	var keys []key
	for _, o := range order {
		f, err := st.resolveField(o.field)
		if err != nil {
			return nil, err
		}
		switch f.kind {
		case kLabels, kText:
			if f.name != "summary" {
				return nil, &jqlError{fmt.Sprintf("Field '%s' does not support sorting.", f.name)}
			}
		}
		keys = append(keys, key{f, o.desc})
	}
	if len(keys) == 0 {
		keys = []key{{jqlField{"key", kKey}, true}}
	}
	return func(a, b *issueRec) int {
		for _, k := range keys {
			c := st.compareBy(k.f, a, b)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

// compareBy compares two issues by a field, empty values last.
func (st *state) compareBy(f jqlField, a, b *issueRec) int {
	ea, eb := st.empty(f, a), st.empty(f, b)
	switch {
	case ea && eb:
		return 0
	case ea:
		return 1
	case eb:
		return -1
	}
	switch f.kind {
	case kKey:
		return compareKeys(a, b)
	case kDate:
		ta, _ := st.timeOf(f, a)
		tb, _ := st.timeOf(f, b)
		return ta.Compare(tb)
	case kPriority:
		// Ascending runs from the lowest priority to the highest.
		return cmp.Compare(b.priority.rank, a.priority.rank)
	case kStatus:
		return cmp.Compare(a.status.rank, b.status.rank)
	case kIssueType:
		return cmp.Compare(a.issueType.id, b.issueType.id)
	case kText, kCustomText:
		return strings.Compare(strings.ToLower(st.textOf(f, a)), strings.ToLower(st.textOf(f, b)))
	case kCustomNumber:
		na, _ := numberOf(a.custom[f.name])
		nb, _ := numberOf(b.custom[f.name])
		return cmp.Compare(na, nb)
	case kUser:
		return strings.Compare(st.userName(st.nameOf(f, a)), st.userName(st.nameOf(f, b)))
	}
	return strings.Compare(st.nameOf(f, a), st.nameOf(f, b))
}

func (st *state) userName(id string) string {
	if u := st.users[id]; u != nil {
		return strings.ToLower(u.name)
	}
	return id
}
