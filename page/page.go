// Package page holds the one page type of every list of the library — the
// management plane's (synqly.Page) and every connector's — and the iterator
// that walks the pages of a list.
package page

import (
	"context"
	"iter"

	"github.com/seed-e6251c81/synqly/errs"
)

// Page is one page of a list.
type Page[T any] struct {
	// Result holds the page's items.
	Result []*T `json:"result"`
	// Next, when not empty, resumes the list after this page: pass it as
	// the next call's start_after (management lists) or cursor (connector
	// lists). It is "" on the last page.
	Next string `json:"next,omitempty"`
}

// Fetch returns the page that starts after next ("" for the first page).
type Fetch[T any] func(ctx context.Context, next string) (*Page[T], error)

// All iterates over every item of the pages fetch returns, from the page
// after start (the first page if start is ""), following Next until a page
// has none. A page may hold fewer items than asked for, none even, and
// still have a Next (a connector that filters a provider's page in memory
// does that): the walk goes on. It stops at an error (yielded once, with a
// nil item) and at a Next that repeats the one just followed, so a provider
// that answers the same cursor again cannot make it loop forever.
func All[T any](ctx context.Context, start string, fetch Fetch[T]) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		next := start
		for {
			p, err := fetch(ctx, next)
			if err == nil && p == nil {
				err = errs.New(errs.Internal, "the list returned no page")
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for _, v := range p.Result {
				if !yield(v, nil) {
					return
				}
			}
			if p.Next == "" || p.Next == next {
				return
			}
			next = p.Next
		}
	}
}
