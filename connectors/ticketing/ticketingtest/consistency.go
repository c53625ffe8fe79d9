package ticketingtest

import (
	"context"
	"errors"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
)

// driverCalls calls each operation's driver method directly, with
// arguments naming nothing that exists, for the registry-consistency check.
var driverCalls = map[ticketing.Operation]func(ctx context.Context, d ticketing.Driver) error{
	ticketing.OpListRemoteFields: func(ctx context.Context, d ticketing.Driver) error { _, err := d.ListRemoteFields(ctx); return err },
	ticketing.OpListProjects: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.ListProjects(ctx, ticketing.ListRequest{Limit: 1})
		return err
	},
	ticketing.OpListIssueTypes: func(ctx context.Context, d ticketing.Driver) error { _, err := d.ListIssueTypes(ctx, ""); return err },
	ticketing.OpQueryTickets: func(ctx context.Context, d ticketing.Driver) error {
		b, err := (&filter.Query{}).Bind(ticketing.TicketFields)
		if err != nil {
			return err
		}
		_, err = d.QueryTickets(ctx, ticketing.TicketQuery{Query: b, Limit: 1})
		return err
	},
	ticketing.OpGetTicket: func(ctx context.Context, d ticketing.Driver) error { _, err := d.GetTicket(ctx, missingID); return err },
	ticketing.OpCreateTicket: func(ctx context.Context, d ticketing.Driver) error {
		// An invalid create: the driver may refuse it, but not as unsupported.
		_, err := d.CreateTicket(ctx, ticketing.CreateTicketRequest{Project: missingID})
		return err
	},
	ticketing.OpPatchTicket: func(ctx context.Context, d ticketing.Driver) error {
		t := &ticketing.Ticket{ID: missingID, Summary: "x"}
		_, err := d.UpdateTicket(ctx, missingID, ticketing.TicketUpdate{Before: t, After: t, Changed: []string{"summary"}})
		return err
	},
	ticketing.OpCreateAttachment: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.CreateAttachment(ctx, missingID, ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("a")})
		return err
	},
	ticketing.OpListAttachmentsMetadata: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.ListAttachmentsMetadata(ctx, missingID)
		return err
	},
	ticketing.OpDownloadAttachment: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.DownloadAttachment(ctx, missingID, missingID)
		return err
	},
	ticketing.OpDeleteAttachment: func(ctx context.Context, d ticketing.Driver) error {
		return d.DeleteAttachment(ctx, missingID, missingID)
	},
	ticketing.OpListComments: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.ListComments(ctx, missingID, ticketing.ListRequest{Limit: 1})
		return err
	},
	ticketing.OpCreateComment: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.CreateComment(ctx, missingID, ticketing.CreateCommentRequest{Content: "x"})
		return err
	},
	ticketing.OpDeleteComment: func(ctx context.Context, d ticketing.Driver) error { return d.DeleteComment(ctx, missingID, missingID) },
	ticketing.OpCreateNote: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.CreateNote(ctx, missingID, ticketing.CreateNoteRequest{Content: "x"})
		return err
	},
	ticketing.OpListNotes: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.ListNotes(ctx, missingID, ticketing.ListRequest{Limit: 1})
		return err
	},
	ticketing.OpPatchNote: func(ctx context.Context, d ticketing.Driver) error {
		n := &ticketing.Note{ID: missingID, TicketID: missingID, Content: "x"}
		_, err := d.UpdateNote(ctx, missingID, missingID, ticketing.NoteUpdate{Before: n, After: n, Changed: []string{"content"}})
		return err
	},
	ticketing.OpDeleteNote: func(ctx context.Context, d ticketing.Driver) error { return d.DeleteNote(ctx, missingID, missingID) },
	ticketing.OpQueryEscalationPolicies: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.QueryEscalationPolicies(ctx, ticketing.ListRequest{Limit: 1})
		return err
	},
	ticketing.OpListOnCall: func(ctx context.Context, d ticketing.Driver) error {
		_, err := d.ListOnCall(ctx, missingID)
		return err
	},
}

// testRegistryConsistency checks that what the registration declares is
// what the driver does: every operation it lacks, called on the driver
// directly, answers errs.ErrUnsupported (the driver embeds
// ticketing.Unimplemented, or says so itself), and every operation it
// declares answers something else (a result, or an error such as not
// found for the missing ids the suite passes).
func testRegistryConsistency(e *env) {
	d := e.spy.d
	for _, op := range ticketing.Operations {
		call, ok := driverCalls[op]
		if !ok {
			e.t.Errorf("ticketingtest does not know the operation %q: add it to driverCalls", op)
			continue
		}
		err := call(e.ctx, d)
		unsupported := errors.Is(err, errs.ErrUnsupported)
		switch declared := e.caps.Supports(op); {
		case declared && unsupported:
			e.t.Errorf("the registration declares %s, but the driver answers it with ErrUnsupported (%v): declare only what the driver implements", op, err)
		case !declared && !unsupported:
			e.t.Errorf("the registration does not declare %s, but the driver implements it (it answered %v): declare it, or answer ErrUnsupported", op, err)
		}
	}
}
