package pagerduty_test

import (
	"errors"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

func TestNotesAndComments(t *testing.T) {
	c := connector(t, fake(t))
	ctx := t.Context()
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "notes"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.CreateNote(ctx, tk.ID, ticketing.CreateNoteRequest{Title: "Triage", Content: "Looks real.", Creator: pdfake.EmailBob})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := c.CreateComment(ctx, tk.ID, ticketing.CreateCommentRequest{Content: "A comment.", Creator: pdfake.EmailCarol})
	if err != nil {
		t.Fatal(err)
	}
	notes, err := c.ListNotes(ctx, tk.ID, ticketing.ListRequest{})
	if err != nil || len(notes.Result) != 2 {
		t.Fatalf("ListNotes: %+v, %v", notes, err)
	}
	if got := notes.Result[0]; got.ID != n.ID || got.Title != "Triage" || got.Content != "Looks real." || got.Creator != pdfake.EmailBob ||
		got.TicketID != tk.ID || got.CreatedAt.IsZero() {
		t.Errorf("the note lists as %+v", got)
	}
	if got := notes.Result[1]; got.ID != cm.ID || got.Title != "" || got.Content != "A comment." || got.Creator != pdfake.EmailCarol {
		t.Errorf("the comment lists as the note %+v", got)
	}
	comments, err := c.ListComments(ctx, tk.ID, ticketing.ListRequest{})
	if err != nil || len(comments.Result) != 2 {
		t.Fatalf("ListComments: %+v, %v", comments, err)
	}
	if got := comments.Result[0]; got.Content != "**Triage**\n\nLooks real." || got.Creator != pdfake.EmailBob {
		t.Errorf("the note lists as the comment %+v", got)
	}

	patched, err := c.PatchNote(ctx, tk.ID, n.ID, []patch.Operation{{Op: "replace", Path: "/title", Value: "Triage (done)"}})
	if err != nil || patched.Title != "Triage (done)" || patched.Content != "Looks real." {
		t.Errorf("PatchNote of the title: %+v, %v", patched, err)
	}
	if err := c.DeleteComment(ctx, tk.ID, cm.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteNote(ctx, tk.ID, cm.ID); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("deleting the comment's note again: want ErrNotFound, got %v", err)
	}
	p1, err := c.ListNotes(ctx, tk.ID, ticketing.ListRequest{Limit: 1})
	if err != nil || len(p1.Result) != 1 || p1.Next != "" {
		t.Errorf("one note left, in a page of 1 without a cursor: %+v, %v", p1, err)
	}
	if _, err := c.ListNotes(ctx, "QNOSUCH", ticketing.ListRequest{}); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("ListNotes of an unknown incident: want ErrNotFound, got %v", err)
	}
}
