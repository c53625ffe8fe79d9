package servicenow

import (
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
)

// TestPatchWritingNoColumnSendsNothing patches only tags, which ServiceNow
// does not write through the incident: no PATCH reaches the instance (no
// empty {} body), the answer is what a read returns, and the changes the
// driver refuses are still refused.
func TestPatchWritingNoColumnSendsNothing(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	ctx := t.Context()
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "tags only", Tags: []string{"ignored"}})
	if err != nil {
		t.Fatal(err)
	}
	path := incidentPath + "/" + tk.ID
	for _, ops := range [][]patch.Operation{
		{{Op: "add", Path: "/tags", Value: []any{"vuln", "web"}}},
		{{Op: "add", Path: "/tags", Value: []any{"a"}}, {Op: "add", Path: "/tags/-", Value: "b"}},
	} {
		f.ResetRequests()
		got, err := c.PatchTicket(ctx, tk.ID, ops)
		if err != nil {
			t.Fatalf("PatchTicket %v: %v", ops, err)
		}
		if n := f.Count(http.MethodPatch, path); n != 0 {
			t.Errorf("patching only tags sent %d PATCHes, want none", n)
		}
		for _, r := range f.Requests() {
			if r.Method != http.MethodGet {
				t.Errorf("patching only tags sent %s %s", r.Method, r.Path)
			}
		}
		read, err := c.GetTicket(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, read) {
			t.Errorf("the patch answered\n%+v\nbut a read gives\n%+v", got, read)
		}
	}

	// What the driver refuses is refused before anything is sent, tags
	// or not.
	f.ResetRequests()
	_, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "add", Path: "/tags", Value: []any{"x"}}, {Op: "replace", Path: "/name", Value: "INC9999999"}})
	var e *errs.Error
	if !errors.Is(err, errs.ErrInvalidInput) || !errors.As(err, &e) || e.Field != "name" {
		t.Errorf("changing the number with the tags: want ErrInvalidInput on name, got %v", err)
	}
	if n := f.Count(http.MethodPatch, path); n != 0 {
		t.Errorf("a refused change sent %d PATCHes", n)
	}

	// A change that writes a column is still sent, once, without the
	// tags.
	f.ResetRequests()
	got, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "add", Path: "/tags", Value: []any{"y"}}, {Op: "replace", Path: "/summary", Value: "renamed"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Count(http.MethodPatch, path); n != 1 || got.Summary != "renamed" {
		t.Errorf("summary and tags: %d PATCHes and summary %q, want 1 and renamed", n, got.Summary)
	}

	// Called without the ticket before (not through the Connector), the
	// driver reads it.
	d := openDriver(t, f, modeBasic)
	f.ResetRequests()
	got, err = d.UpdateTicket(ctx, tk.ID, ticketing.TicketUpdate{After: &ticketing.Ticket{ID: tk.ID, Tags: []string{"z"}}, Changed: []string{"tags"}})
	if err != nil || got.ID != tk.ID || got.Summary != "renamed" {
		t.Fatalf("UpdateTicket without Before: %+v, %v", got, err)
	}
	if n := f.Count(http.MethodPatch, path); n != 0 {
		t.Errorf("%d PATCHes, want none", n)
	}
}
