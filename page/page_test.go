package page

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

func TestAll(t *testing.T) {
	ctx := context.Background()
	// Three pages of two items, then the end.
	fetch := func(_ context.Context, next string) (*Page[int], error) {
		n, _ := strconv.Atoi(next)
		p := &Page[int]{Result: []*int{new(int), new(int)}}
		*p.Result[0], *p.Result[1] = 2*n, 2*n+1
		if n < 2 {
			p.Next = strconv.Itoa(n + 1)
		}
		return p, nil
	}
	var got []int
	for v, err := range All(ctx, "", fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *v)
	}
	if len(got) != 6 || got[5] != 5 {
		t.Errorf("got %v", got)
	}
	// From a start, and stopping early.
	got = nil
	for v := range All(ctx, "1", fetch) {
		got = append(got, *v)
		if len(got) == 3 {
			break
		}
	}
	if len(got) != 3 || got[0] != 2 {
		t.Errorf("from 1: %v", got)
	}
	// An empty page with a Next does not end the walk; a repeated cursor
	// and an error do.
	empty := 0
	for range All(ctx, "", func(_ context.Context, next string) (*Page[int], error) {
		empty++
		if next == "" {
			return &Page[int]{Next: "more"}, nil
		}
		return &Page[int]{Result: []*int{new(int)}}, nil
	}) {
	}
	if empty != 2 {
		t.Errorf("an empty page with a Next ended the walk after %d pages", empty)
	}
	calls := 0
	repeat := func(context.Context, string) (*Page[int], error) {
		calls++
		return &Page[int]{Result: []*int{new(int)}, Next: "same"}, nil
	}
	for range All(ctx, "", repeat) {
	}
	if calls != 2 {
		t.Errorf("a repeated cursor was followed %d times", calls)
	}
	boom := errors.New("boom")
	n := 0
	for _, err := range All(ctx, "", func(context.Context, string) (*Page[int], error) { return nil, boom }) {
		n++
		if !errors.Is(err, boom) {
			t.Errorf("err %v", err)
		}
	}
	if n != 1 {
		t.Errorf("the error was yielded %d times", n)
	}
	for _, err := range All(ctx, "", func(context.Context, string) (*Page[int], error) { return nil, nil }) {
		if err == nil {
			t.Error("a nil page is not an error")
		}
	}
}
