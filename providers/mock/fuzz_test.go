package mock_test

import (
	"context"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
)

// FuzzDriver calls every driver method directly (no Connector to validate
// first) with arbitrary ids, cursors, text and orders: the driver must
// answer with errors, never panic.
func FuzzDriver(f *testing.F) {
	f.Add("MOCK-00000001", "", "summary", "created_at", int64(0))
	f.Add("MOCK-00000002", "MOCK-00000001", "", "summary[desc]", int64(-1))
	f.Add("C-00000001", "c1.e30", "\x00\xff", "priority", int64(1<<62))
	f.Add("../../x", "C-00000001", "Done", "id[desc]", int64(253402300800))
	f.Fuzz(func(t *testing.T, id, cursor, text, order string, unix int64) {
		ctx := context.Background()
		d := newTicketing(providers.NewMemoryState(), nil, nil)
		tk, err := d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "seed"})
		if err != nil {
			t.Fatal(err)
		}
		when := time.Unix(unix, 0)
		_, _ = d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: text, Name: text, Status: text, Project: text,
			IssueType: text, Priority: ticketing.Priority(text), DueDate: &when, Tags: []string{text},
			CustomFields: map[string]any{text: text}})
		for _, tid := range []string{id, tk.ID} {
			_, _ = d.GetTicket(ctx, tid)
			after := *tk
			after.Summary, after.Status, after.DueDate = text, text, &when
			_, _ = d.UpdateTicket(ctx, tid, ticketing.TicketUpdate{Before: tk, After: &after, Changed: []string{"summary", "status", "due_date", text}})
			_, _ = d.CreateComment(ctx, tid, ticketing.CreateCommentRequest{Content: text})
			_, _ = d.ListComments(ctx, tid, ticketing.ListRequest{Cursor: cursor, Limit: len(text) - 3})
			_ = d.DeleteComment(ctx, tid, id)
			_, _ = d.CreateNote(ctx, tid, ticketing.CreateNoteRequest{Content: text, Title: text})
			_, _ = d.ListNotes(ctx, tid, ticketing.ListRequest{Cursor: cursor})
			_, _ = d.UpdateNote(ctx, tid, id, ticketing.NoteUpdate{After: &ticketing.Note{Content: text}, Changed: []string{"content"}})
			_ = d.DeleteNote(ctx, tid, id)
			_, _ = d.CreateAttachment(ctx, tid, ticketing.CreateAttachmentRequest{FileName: text, Content: []byte(text)})
			_, _ = d.ListAttachmentsMetadata(ctx, tid)
			_, _ = d.DownloadAttachment(ctx, tid, id)
			_ = d.DeleteAttachment(ctx, tid, id)
		}
		_, _ = d.ListIssueTypes(ctx, id)
		_, _ = d.ListOnCall(ctx, id)
		_, _ = d.ListProjects(ctx, ticketing.ListRequest{Cursor: cursor, Limit: int(unix % 100)})
		_, _ = d.QueryEscalationPolicies(ctx, ticketing.ListRequest{Cursor: cursor, Limit: int(unix % 100)})
		q, err := filter.Parse(filter.Params{Order: []string{order}})
		if err != nil {
			return
		}
		b, err := q.Bind(ticketing.TicketFields)
		if err != nil {
			return
		}
		_, _ = d.QueryTickets(ctx, ticketing.TicketQuery{Query: b, Cursor: cursor, Limit: int(unix % 2000)})
	})
}
