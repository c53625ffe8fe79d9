package ocsf

import (
	"sort"
	"strconv"
)

// enumTable is the schema's enum of one integer attribute: its values and
// their captions, sorted by value.
type enumTable struct {
	attr     string // the attribute it belongs to, for messages
	values   []int32
	captions []string
}

func newEnum(attr string, values []int32, captions []string) enumTable {
	if len(values) != len(captions) || !sort.SliceIsSorted(values, func(i, j int) bool { return values[i] < values[j] }) {
		panic("ocsf: bad enum table for " + attr)
	}
	return enumTable{attr: attr, values: values, captions: captions}
}

func (t *enumTable) index(v int32) int {
	lo, hi := 0, len(t.values)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.values[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.values) && t.values[lo] == v {
		return lo
	}
	return -1
}

func (t *enumTable) has(v int32) bool { return t.index(v) >= 0 }

func (t *enumTable) caption(v int32) string {
	if i := t.index(v); i >= 0 {
		return t.captions[i]
	}
	return ""
}

func (t *enumTable) str(v int32) string {
	if i := t.index(v); i >= 0 {
		return t.captions[i]
	}
	return strconv.FormatInt(int64(v), 10)
}

// enumOther is the value OCSF reserves for "Other": a caption defined by
// the source, which FillCaptions does not overwrite with "Other".
const enumOther = 99
