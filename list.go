package synqly

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/page"
	"github.com/seed-e6251c81/synqly/store"
)

// ListOptions are the query parameters every List and All call takes: the
// query language of package filter (seed "filtering guide").
//
//	synqly.ListOptions{
//		Filter: []string{"name[like]jira*", "created_at[gte]2026-01-01T00:00:00Z"},
//		Order:  []string{"created_at[desc]"},
//		Limit:  50,
//	}
type ListOptions struct {
	// Filter holds field[op]value terms, ANDed. Operators: eq ne gt lt gte
	// lte in like, "not in", "not like". In like, * matches any run of
	// characters and % exactly one.
	Filter []string
	// Order holds field, field[asc] or field[desc] terms; default name (the
	// audit trail: created_at).
	Order []string
	// Limit is the page size: default 100, at most 1000.
	Limit int
	// StartAfter resumes after the object with this name, or after the last
	// object of a page when given that page's Next.
	StartAfter string
	// Expand fills related objects: "account" and "integration_point" (or
	// "all") on integrations. Their fields can be filtered and ordered with
	// the prefix, e.g. "account.name[eq]acme", expanded or not.
	Expand []string
}

// Page is one page of a List call: page.Page, the one page type of every
// list of the library. Next, when not empty, is the StartAfter of the next
// page.
type Page[T any] = page.Page[T]

// bind parses opts and binds them to kind's field set.
func bind(kind store.Kind, opts ListOptions) (*filter.Bound, error) {
	q, err := filter.Parse(filter.Params(opts))
	if err != nil {
		return nil, err
	}
	return q.Bind(store.Fields(kind))
}

// listPage runs one List against the store and decodes the objects.
func listPage[T any](ctx context.Context, c *Client, req store.ListRequest, opts ListOptions, decode func(*store.Object) (*T, error)) (*Page[T], error) {
	if ctx == nil {
		return nil, errs.Invalid("ctx", "nil context")
	}
	b, err := bind(req.Kind, opts)
	if err != nil {
		return nil, err
	}
	req.Query = b
	p, err := c.store.List(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &Page[T]{Result: make([]*T, 0, len(p.Objects)), Next: p.Next}
	for _, o := range p.Objects {
		v, err := decode(o)
		if err != nil {
			return nil, err
		}
		out.Result = append(out.Result, v)
	}
	return out, nil
}

// all iterates over every object matching opts, page by page.
func all[T any](ctx context.Context, opts ListOptions, list func(context.Context, ListOptions) (*Page[T], error)) iter.Seq2[*T, error] {
	return page.All(ctx, opts.StartAfter, func(ctx context.Context, next string) (*Page[T], error) {
		o := opts
		o.StartAfter = next
		return list(ctx, o)
	})
}

// decodeDoc decodes a stored document into a new T.
func decodeDoc[T any](o *store.Object) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(o.Doc, v); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "stored %s %s is corrupt", singular(o.Kind), o.ID)
	}
	return v, nil
}

// singular names one object of kind in messages and audit events.
func singular(k store.Kind) string {
	switch k {
	case store.Accounts:
		return "account"
	case store.IntegrationPoints:
		return "integration_point"
	case store.Integrations:
		return "integration"
	case store.Credentials:
		return "credential"
	case store.AuditEvents:
		return "audit_event"
	}
	return string(k)
}
