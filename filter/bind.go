package filter

import (
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/timefmt"
)

// Bound is a Query checked against a FieldSet: every field is known, every
// value parsed to its field's type, the page size and the order settled. It
// runs as SQL (SQL, KeysetSQL) or in memory (Match, Compare). A Bound is
// immutable and safe for concurrent use.
type Bound struct {
	q      *Query
	fs     *FieldSet
	conds  []cond
	keys   []key
	order  []OrderTerm
	limit  int
	expand []string
	joins  []string
}

// cond is one bound filter condition.
type cond struct {
	Condition        // with the field's canonical name
	f         *Field // the field
	vals      []scalar
	pattern   string // for Like and NotLike: the SQL LIKE pattern
	onNull    bool   // the result for an absent (NULL) value
}

// key is one term of the effective order.
type key struct {
	f    *Field
	desc bool
}

// nullable reports whether the field's column may be NULL. A field reached
// through a relation always may: the relation's row may be missing.
func nullable(f *Field) bool { return f.Nullable || f.Join != "" }

// validType reports whether t is one of the field types.
func validType(t Type) bool { return t >= String && t <= Bool }

// negated reports whether op is one of the negative operators, which an
// absent value of a nullable field satisfies.
func negated(op Op) bool { return op == Ne || op == NotIn || op == NotLike }

// Bind checks q against the field set fs and returns the executable query.
//
// It refuses, with an errs.InvalidQuery error whose Field names the bad part:
// an unknown field (the message lists the allowed ones), an order on a field
// that is not Orderable, a value that does not parse as its field's type
// (times are RFC 3339 as the package documentation says, numbers decimal,
// booleans true or false), a value outside a field's Enum, like/not like on
// a field that is not text, gt/lt/gte/lte on a true/false field, a limit
// above the maximum, an unknown expand. A Query built by hand rather than by Parse gets the same size and
// encoding checks as Parse makes.
//
// A field may be named with any alias of its relation as prefix
// ("accounts.name" for "account.name"). Filtering or ordering on a field of a
// relation joins the relation; it need not be expanded.
//
// Bind returns an errs.Internal error if fs itself is inconsistent (a Join,
// DefaultOrder or Tiebreak naming something it does not hold).
func (q *Query) Bind(fs *FieldSet) (*Bound, error) {
	if fs == nil {
		return nil, internal("Bind needs a FieldSet")
	}
	if q == nil {
		q = &Query{}
	}
	if err := q.checkSizes(); err != nil {
		return nil, err
	}
	b := &Bound{q: q.clone(), fs: fs}
	need := make([]bool, len(fs.Relations))
	if len(q.Filters) > 0 {
		b.conds = make([]cond, len(q.Filters))
	}
	for i, c := range q.Filters {
		if err := b.bindCond(i, c, &b.conds[i]); err != nil {
			return nil, err
		}
		if err := fs.needJoin(b.conds[i].f, need); err != nil {
			return nil, err
		}
	}
	if err := b.bindOrder(); err != nil {
		return nil, err
	}
	for _, k := range b.keys {
		if err := fs.needJoin(k.f, need); err != nil {
			return nil, err
		}
	}
	if err := b.bindLimit(); err != nil {
		return nil, err
	}
	if err := b.bindExpand(need); err != nil {
		return nil, err
	}
	for i, r := range fs.Relations {
		if need[i] {
			b.joins = append(b.joins, r.Name)
		}
	}
	return b, nil
}

// checkSizes makes on any Query the checks of count, size and encoding that
// Parse makes on the raw parameters.
func (q *Query) checkSizes() error {
	if n := len(q.Filters) + len(q.Order); n > MaxTerms {
		return invalid("filter", "too many filter and order terms (%d); at most %d are allowed", n, MaxTerms)
	}
	if len(q.Expand) > MaxTerms {
		return invalid("expand", "too many expand entries (%d); at most %d are allowed", len(q.Expand), MaxTerms)
	}
	if q.Limit < 0 {
		return invalid("limit", "limit %d is negative; use 0 for the default page size or a positive number", q.Limit)
	}
	return checkStartAfter(q.StartAfter)
}

// bindCond binds the i-th filter condition c into out.
func (b *Bound) bindCond(i int, c Condition, out *cond) error {
	fs := b.fs
	part := index("filter", i)
	f := fs.lookup(c.Field)
	if f == nil {
		return invalid(part, "unknown field %s in filter %s; %s can be filtered by: %s", quote(c.Field), quote(c.String()), fs.resource(), fs.names(false))
	}
	if !validType(f.Type) {
		return internal("field %q of %s has an unknown Type %d", f.Name, fs.resource(), int(f.Type))
	}
	texts, err := condValues(part, c)
	if err != nil {
		return err
	}
	switch c.Op {
	case Like, NotLike:
		if f.Type != String {
			return invalid(part, "operator %q in filter %s works only on text fields, and %s is a %s field; use eq, ne, gt, lt, gte, lte, in or not in", string(c.Op), quote(c.String()), f.Name, typeName(f.Type))
		}
	case Gt, Lt, Gte, Lte:
		if f.Type == Bool {
			return invalid(part, "operator %q in filter %s does not apply to %s, a true/false field; use eq, ne, in or not in", string(c.Op), quote(c.String()), f.Name)
		}
	}
	*out = cond{
		Condition: Condition{Field: f.Name, Op: c.Op, Value: c.Value},
		f:         f,
		onNull:    negated(c.Op) && nullable(f),
	}
	if c.Op == In || c.Op == NotIn {
		out.Values = slices.Clone(texts)
		out.Value = strings.Join(texts, ",")
	}
	if c.Op == Like || c.Op == NotLike {
		out.vals = []scalar{{s: c.Value}}
		out.pattern = likeSQL(c.Value)
		return nil
	}
	enum := len(f.Enum) > 0 && (c.Op == Eq || c.Op == Ne || c.Op == In || c.Op == NotIn)
	out.vals = make([]scalar, len(texts))
	for j, t := range texts {
		if enum && !slices.Contains(f.Enum, t) {
			return invalid(part, "invalid value %s for %s in filter %s; use one of: %s", quote(t), f.Name, quote(c.String()), strings.Join(f.Enum, ", "))
		}
		v, ok, err := parseValue(f.Type, t)
		if err != nil {
			// timefmt says what is wrong, and how to write a time.
			why := strings.TrimPrefix(err.(*errs.Error).Message, "not a valid time: ")
			return invalid(part, "invalid %s value %s for %s in filter %s: %s", typeName(f.Type), quote(t), f.Name, quote(c.String()), why)
		}
		if !ok {
			return invalid(part, "invalid %s value %s for %s in filter %s; %s", typeName(f.Type), quote(t), f.Name, quote(c.String()), valueHint(f.Type))
		}
		out.vals[j] = v
	}
	return nil
}

// condValues returns the value texts of c after the checks Parse makes: the
// comma-separated set of in and not in, the single value of the others.
func condValues(part string, c Condition) ([]string, error) {
	var texts []string
	switch c.Op {
	case Eq, Ne, Gt, Lt, Gte, Lte, Like, NotLike:
		texts = []string{c.Value}
	case In, NotIn:
		texts = c.Values
		if len(texts) == 0 {
			if c.Value == "" {
				return nil, invalid(part, "filter %s has an empty set; list one or more values separated by commas, e.g. status[in]open,closed", quote(c.String()))
			}
			texts = strings.Split(c.Value, ",")
		}
		if len(texts) > MaxInValues {
			return nil, invalid(part, "filter %s has too many values (%d); at most %d are allowed", quote(c.String()), len(texts), MaxInValues)
		}
	default:
		return nil, invalid(part, "unknown operator %s in filter %s; use one of %s", quote(string(c.Op)), quote(c.String()), opList)
	}
	for _, t := range texts {
		if len(t) > MaxValueLen {
			return nil, invalid(part, "a value of filter %s is too long (%d bytes); at most %d bytes are allowed", quote(c.String()), len(t), MaxValueLen)
		}
		if bad := badText(t); bad != "" {
			return nil, invalid(part, "the value %s of filter %s %s", quote(t), quote(c.String()), bad)
		}
	}
	return texts, nil
}

// valueHint says how to write a value of type t.
func valueHint(t Type) string {
	switch t {
	case Time:
		return "write " + timefmt.Syntax
	case Number:
		return "write a finite decimal number, e.g. 42 or -1.5"
	case Bool:
		return "write true or false"
	}
	return ""
}

// bindOrder settles the effective order: the query's, or the field set's
// default, then the tiebreak.
func (b *Bound) bindOrder() error {
	fs := b.fs
	terms, fromQuery := b.q.Order, true
	if len(terms) == 0 {
		fromQuery = false
		terms = fs.DefaultOrder
		if len(terms) == 0 {
			if f := fs.lookup("name"); f != nil && f.Orderable {
				terms = []OrderTerm{{Field: "name", Dir: Asc}}
			}
		}
	}
	for i, t := range terms {
		f := fs.lookup(t.Field)
		if f == nil || !f.Orderable {
			if !fromQuery {
				return internal("DefaultOrder of %s names %q, which is not an orderable field", fs.resource(), t.Field)
			}
			what := "unknown field"
			if f != nil {
				what = "field that cannot be ordered by,"
			}
			return invalid(index("order", i), "%s %s in order %s; %s can be ordered by: %s", what, quote(t.Field), quote(t.String()), fs.resource(), fs.names(true))
		}
		if !validType(f.Type) {
			return internal("field %q of %s has an unknown Type %d", f.Name, fs.resource(), int(f.Type))
		}
		var desc bool
		switch t.Dir {
		case "", Asc:
		case Desc:
			desc = true
		default:
			if !fromQuery {
				return internal("DefaultOrder of %s has an unknown direction %q", fs.resource(), string(t.Dir))
			}
			return invalid(index("order", i), "unknown direction %s in order %s; use asc or desc", quote(string(t.Dir)), quote(t.String()))
		}
		if b.ordered(f) {
			if !fromQuery {
				return internal("DefaultOrder of %s names %q twice", fs.resource(), f.Name)
			}
			return invalid(index("order", i), "field %s appears twice in order; order by each field once", quote(f.Name))
		}
		b.add(f, desc)
	}
	if fs.Tiebreak != "" {
		f := fs.lookup(fs.Tiebreak)
		if f == nil {
			return internal("Tiebreak of %s names %q, which is not a field", fs.resource(), fs.Tiebreak)
		}
		if !validType(f.Type) {
			return internal("field %q of %s has an unknown Type %d", f.Name, fs.resource(), int(f.Type))
		}
		if !b.ordered(f) {
			// The tiebreak follows the direction of the last term, so an
			// index on (field, tiebreak) serves the order in one scan.
			b.add(f, len(b.keys) > 0 && b.keys[len(b.keys)-1].desc)
		}
	}
	return nil
}

// ordered reports whether the effective order already holds f.
func (b *Bound) ordered(f *Field) bool {
	return slices.ContainsFunc(b.keys, func(k key) bool { return k.f == f })
}

// add appends f to the effective order.
func (b *Bound) add(f *Field, desc bool) {
	dir := Asc
	if desc {
		dir = Desc
	}
	b.keys = append(b.keys, key{f: f, desc: desc})
	b.order = append(b.order, OrderTerm{Field: f.Name, Dir: dir})
}

// bindLimit settles the page size.
func (b *Bound) bindLimit() error {
	maxLimit := positiveOr(b.fs.MaxLimit, MaxLimit)
	b.limit = b.q.Limit
	if b.limit == 0 {
		b.limit = min(positiveOr(b.fs.DefaultLimit, DefaultLimit), maxLimit)
	}
	if b.limit > maxLimit {
		return invalid("limit", "limit %d is larger than the maximum of %d", b.limit, maxLimit)
	}
	return nil
}

// cmpOr returns v, or def when v is not positive.
func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// bindExpand resolves the expand entries to relation names and marks the
// relations needed.
func (b *Bound) bindExpand(need []bool) error {
	fs := b.fs
	want := make([]bool, len(fs.Relations))
	for i, raw := range b.q.Expand {
		e, err := parseExpand(i, raw)
		if err != nil {
			return err
		}
		if e == "all" {
			for j := range want {
				want[j] = true
			}
			continue
		}
		j := fs.relation(e)
		if j < 0 {
			return invalid(index("expand", i), "unknown expand %s; %s can expand: %s", quote(e), fs.resource(), fs.relationNames())
		}
		want[j] = true
	}
	for j, r := range fs.Relations {
		if want[j] {
			b.expand = append(b.expand, r.Name)
			need[j] = true
		}
	}
	return nil
}

// lookup returns the field named name, accepting any alias of a relation as
// the name's prefix, or nil.
func (fs *FieldSet) lookup(name string) *Field {
	if f := fs.field(name); f != nil {
		return f
	}
	head, rest, ok := strings.Cut(name, ".")
	if !ok {
		return nil
	}
	for _, r := range fs.Relations {
		if r.Name != head && slices.Contains(r.Aliases, head) {
			return fs.field(r.Name + "." + rest)
		}
	}
	return nil
}

// field returns the field named exactly name, or nil.
func (fs *FieldSet) field(name string) *Field {
	for i := range fs.Fields {
		if fs.Fields[i].Name == name {
			return &fs.Fields[i]
		}
	}
	return nil
}

// relation returns the index of the relation named, or aliased, name, or -1.
func (fs *FieldSet) relation(name string) int {
	return slices.IndexFunc(fs.Relations, func(r Relation) bool {
		return r.Name == name || slices.Contains(r.Aliases, name)
	})
}

// needJoin marks the relation f is reached through as needed.
func (fs *FieldSet) needJoin(f *Field, need []bool) error {
	if f.Join == "" {
		return nil
	}
	j := fs.relation(f.Join)
	if j < 0 {
		return internal("field %q of %s joins %q, which is not one of its Relations", f.Name, fs.resource(), f.Join)
	}
	need[j] = true
	return nil
}

// resource names the field set's resource in messages.
func (fs *FieldSet) resource() string {
	if fs.Resource == "" {
		return "this resource"
	}
	return fs.Resource
}

// names lists the fields (the orderable ones if orderable) for messages.
func (fs *FieldSet) names(orderable bool) string {
	var names []string
	for _, f := range fs.Fields {
		if !orderable || f.Orderable {
			names = append(names, f.Name)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// relationNames lists the relations for messages.
func (fs *FieldSet) relationNames() string {
	var names []string
	for _, r := range fs.Relations {
		names = append(names, r.Name)
	}
	return strings.Join(append(names, "all"), ", ")
}

// clone returns a deep copy of q.
func (q *Query) clone() *Query {
	c := *q
	c.Filters = slices.Clone(q.Filters)
	for i := range c.Filters {
		c.Filters[i].Values = slices.Clone(c.Filters[i].Values)
	}
	c.Order = slices.Clone(q.Order)
	c.Expand = slices.Clone(q.Expand)
	return &c
}

// Limit returns the page size: the query's limit, or the field set's default
// when the query has none.
func (b *Bound) Limit() int { return b.limit }

// Order returns the effective order: the query's order terms, or the field
// set's default order, then the tiebreak field. Field names are canonical.
func (b *Bound) Order() []OrderTerm { return slices.Clone(b.order) }

// Expand returns the canonical names of the relations to expand, each once,
// in the field set's order.
func (b *Bound) Expand() []string { return slices.Clone(b.expand) }

// Joins returns the canonical names of the relations the query needs joined
// (for its filters, its order or its expand), in the field set's order.
func (b *Bound) Joins() []string { return slices.Clone(b.joins) }

// StartAfter returns the query's start_after: "" on the first page, else a
// cursor (see DecodeCursor) or a name.
func (b *Bound) StartAfter() string { return b.q.StartAfter }

// Fields returns the field set the query was bound to.
func (b *Bound) Fields() *FieldSet { return b.fs }

// Query returns a copy of the query as it was bound.
func (b *Bound) Query() *Query { return b.q.clone() }

// Filters returns the filter conditions with canonical field names (relation
// aliases resolved), for back ends that push conditions down to a native
// query language.
func (b *Bound) Filters() []Condition {
	out := make([]Condition, len(b.conds))
	for i, c := range b.conds {
		out[i] = c.Condition
		out[i].Values = slices.Clone(c.Values)
	}
	return out
}
