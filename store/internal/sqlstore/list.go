package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// list reads one page through q.
func (e *Engine) list(ctx context.Context, q querier, req store.ListRequest) (*store.Page, error) {
	t, err := e.table(req.Kind)
	if err != nil {
		return nil, err
	}
	b := req.Query
	if b == nil {
		if b, err = defaultQuery(t); err != nil {
			return nil, err
		}
	}
	if b.Fields() != t.Fields {
		return nil, errs.New(errs.InvalidQuery, "the query was not bound against the field set of %s", t.Name)
	}

	// WHERE: confinement AND the query's filters AND the keyset.
	where, args := confine(e.d, req, make([]string, 0, 4), make([]any, 0, 8))
	conf := len(where)
	s, err := b.SQL(e.d, len(args)+1)
	if err != nil {
		return nil, err
	}
	if s.Where != "" {
		where = append(where, "("+s.Where+")")
		args = append(args, s.Args...)
	}
	rels, joins := relations(t, b, s)
	if sa := b.StartAfter(); sa != "" {
		after, err := e.startAfter(ctx, q, t, b, s, joins, where[:conf], args[:conf], sa)
		if err != nil {
			return nil, err
		}
		kw, kargs, err := b.KeysetSQL(e.d, after, len(args)+1) // checks after
		if err != nil {
			return nil, err
		}
		if kw != "" {
			where = append(where, "("+kw+")")
			args = append(args, kargs...)
		}
	}
	limit := b.Limit()

	var sb strings.Builder
	sb.Grow(256)
	sb.WriteString("SELECT ")
	sb.WriteString(t.objCols)
	for _, r := range rels {
		sb.WriteString(", " + r + ".doc")
	}
	for _, c := range s.OrderColumns {
		sb.WriteString(", " + c)
	}
	writeFrom(&sb, t, joins, where)
	if s.OrderBy != "" {
		sb.WriteString(" ORDER BY " + s.OrderBy)
	}
	sb.WriteString(" LIMIT " + strconv.Itoa(limit+1))

	rows, err := q.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, e.internal(err, "list "+t.Name)
	}
	defer rows.Close()

	var row objRow
	exp := make([][]byte, len(rels))
	ord := make([]any, len(s.OrderColumns))
	dest := row.dest(t, make([]any, 0, t.nObjCols()+len(exp)+len(ord)))
	for i := range exp {
		dest = append(dest, &exp[i])
	}
	for i := range ord {
		dest = append(dest, &ord[i])
	}
	page := &store.Page{Objects: make([]*store.Object, 0, min(limit, 128))}
	var last []any
	for rows.Next() {
		if len(page.Objects) == limit {
			// One row more than the page: there is a next page.
			c, err := b.CursorFromRow(last)
			if err != nil {
				return nil, err
			}
			page.Next = b.Encode(c)
			break
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, e.internal(err, "list "+t.Name)
		}
		obj := row.object(req.Kind)
		for i, r := range rels {
			if exp[i] != nil {
				if obj.Expanded == nil {
					obj.Expanded = make(map[string]json.RawMessage, len(rels))
				}
				obj.Expanded[r] = exp[i]
			}
		}
		page.Objects = append(page.Objects, obj)
		if len(page.Objects) == limit {
			last = slices.Clone(ord)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, e.internal(err, "list "+t.Name)
	}
	return page, nil
}

// confine appends the conditions and arguments that confine a list to
// req's account and scope.
func confine(d Dialect, req store.ListRequest, where []string, args []any) ([]string, []any) {
	if req.AccountID != "" {
		args = append(args, req.AccountID)
		where = append(where, "t.account_id = "+d.Placeholder(len(args)))
	}
	if req.Scope != "" {
		args = append(args, req.Scope)
		where = append(where, "t.scope = "+d.Placeholder(len(args)))
	}
	return where, args
}

// relations returns the names of the relations whose documents the query
// expands, and the join clauses the query needs: those of its filters and
// order, then those of its expanded relations, each once.
func relations(t *table, b *filter.Bound, s *filter.SQL) (rels, joins []string) {
	joins = s.Joins
	for _, name := range b.Expand() {
		for _, r := range t.Fields.Relations {
			if r.Name != name {
				continue
			}
			rels = append(rels, r.Name)
			if !slices.Contains(joins, r.Join) {
				if len(joins) == len(s.Joins) {
					joins = slices.Clip(joins) // never append into s.Joins
				}
				joins = append(joins, r.Join)
			}
		}
	}
	return rels, joins
}

// writeFrom writes the FROM clause, the joins and the WHERE clause.
func writeFrom(sb *strings.Builder, t *table, joins, where []string) {
	sb.WriteString(" FROM " + t.Name + " t")
	for _, j := range joins {
		sb.WriteString(" " + j)
	}
	if len(where) > 0 {
		sb.WriteString(" WHERE ")
		for i, w := range where {
			if i > 0 {
				sb.WriteString(" AND ")
			}
			sb.WriteString(w)
		}
	}
}

// startAfter resolves a start_after: a Next cursor, or else the name of an
// object within the list's confinement, whose sort key it returns.
func (e *Engine) startAfter(ctx context.Context, q querier, t *table, b *filter.Bound, s *filter.SQL,
	joins, conf []string, confArgs []any, sa string) (filter.Cursor, error) {
	c, ok, err := b.DecodeCursor(sa)
	if err != nil {
		var ee *errs.Error
		if !errors.As(err, &ee) {
			err = errs.Wrap(errs.InvalidQuery, err, "start_after: not a valid cursor")
		}
		return nil, err
	}
	if ok {
		return c, nil
	}
	if !t.Named {
		return nil, invalidStart("start_after: %s have no names; pass the page's Next cursor instead", t.Name)
	}

	args := append(slices.Clone(confArgs), strings.ToLower(sa))
	where := append(slices.Clone(conf), "t.name_key = "+e.d.Placeholder(len(args)))
	var sb strings.Builder
	sb.WriteString("SELECT ")
	sb.WriteString(strings.Join(s.OrderColumns, ", "))
	writeFrom(&sb, t, joins, where)
	sb.WriteString(" LIMIT 2")

	rows, err := q.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, e.internal(err, "list "+t.Name)
	}
	defer rows.Close()
	vals := make([]any, len(s.OrderColumns))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if n++; n > 1 {
			return nil, invalidStart("start_after: name %s is ambiguous here; pass the page's Next cursor instead", quote(sa))
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, e.internal(err, "list "+t.Name)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, e.internal(err, "list "+t.Name)
	}
	if n == 0 {
		return nil, invalidStart("start_after: no %s named %s", t.Noun, quote(sa))
	}
	return b.CursorFromRow(vals)
}

// invalidStart is an invalid-query error about start_after.
func invalidStart(format string, args ...any) error {
	e := errs.New(errs.InvalidQuery, format, args...)
	e.Field = "start_after"
	return e
}

// defaultQuery returns the query with no parameters bound against t.
func defaultQuery(t *table) (*filter.Bound, error) {
	q, err := filter.Parse(filter.Params{})
	if err != nil {
		return nil, err
	}
	return q.Bind(t.Fields)
}
