package ticketingtest

import (
	"slices"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/patch"
)

// opCalls calls each operation through the Connector with valid input.
var opCalls = map[ticketing.Operation]func(e *env) error{
	ticketing.OpListRemoteFields: func(e *env) error { _, err := e.c.ListRemoteFields(e.ctx); return err },
	ticketing.OpListProjects: func(e *env) error {
		_, err := e.c.ListProjects(e.ctx, ticketing.ListRequest{})
		return err
	},
	ticketing.OpListIssueTypes: func(e *env) error { _, err := e.c.ListIssueTypes(e.ctx, e.h.Project); return err },
	ticketing.OpQueryTickets: func(e *env) error {
		_, err := e.c.QueryTickets(e.ctx, ticketing.QueryTicketsRequest{})
		return err
	},
	ticketing.OpGetTicket: func(e *env) error { _, err := e.c.GetTicket(e.ctx, missingID); return err },
	ticketing.OpCreateTicket: func(e *env) error {
		_, err := e.c.CreateTicket(e.ctx, e.newTicket("conformance unsupported"))
		return err
	},
	ticketing.OpPatchTicket: func(e *env) error {
		_, err := e.c.PatchTicket(e.ctx, missingID, []patch.Operation{{Op: "replace", Path: "/summary", Value: "x"}})
		return err
	},
	ticketing.OpCreateAttachment: func(e *env) error {
		_, err := e.c.CreateAttachment(e.ctx, missingID, ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("a")})
		return err
	},
	ticketing.OpListAttachmentsMetadata: func(e *env) error {
		_, err := e.c.ListAttachmentsMetadata(e.ctx, missingID)
		return err
	},
	ticketing.OpDownloadAttachment: func(e *env) error {
		_, err := e.c.DownloadAttachment(e.ctx, missingID, missingID)
		return err
	},
	ticketing.OpDeleteAttachment: func(e *env) error { return e.c.DeleteAttachment(e.ctx, missingID, missingID) },
	ticketing.OpListComments: func(e *env) error {
		_, err := e.c.ListComments(e.ctx, missingID, ticketing.ListRequest{})
		return err
	},
	ticketing.OpCreateComment: func(e *env) error {
		_, err := e.c.CreateComment(e.ctx, missingID, ticketing.CreateCommentRequest{Content: "x", Creator: e.h.Creator})
		return err
	},
	ticketing.OpDeleteComment: func(e *env) error { return e.c.DeleteComment(e.ctx, missingID, missingID) },
	ticketing.OpCreateNote: func(e *env) error {
		_, err := e.c.CreateNote(e.ctx, missingID, ticketing.CreateNoteRequest{Content: "x", Title: "t", Creator: e.h.Creator})
		return err
	},
	ticketing.OpListNotes: func(e *env) error {
		_, err := e.c.ListNotes(e.ctx, missingID, ticketing.ListRequest{})
		return err
	},
	ticketing.OpPatchNote: func(e *env) error {
		_, err := e.c.PatchNote(e.ctx, missingID, missingID, []patch.Operation{{Op: "replace", Path: "/content", Value: "x"}})
		return err
	},
	ticketing.OpDeleteNote: func(e *env) error { return e.c.DeleteNote(e.ctx, missingID, missingID) },
	ticketing.OpQueryEscalationPolicies: func(e *env) error {
		_, err := e.c.QueryEscalationPolicies(e.ctx, ticketing.ListRequest{})
		return err
	},
	ticketing.OpListOnCall: func(e *env) error { _, err := e.c.ListOnCall(e.ctx, missingID); return err },
}

func orderable(name string) bool {
	return slices.ContainsFunc(ticketing.TicketFields.Fields, func(f filter.Field) bool { return f.Name == name && f.Orderable })
}

func testCapabilities(e *env) {
	seen := map[ticketing.Operation]bool{}
	var lacks []string
	for _, op := range e.caps.Operations {
		if !slices.Contains(ticketing.Operations, op) {
			e.t.Errorf("Capabilities.Operations lists %q, which is not a ticketing operation (see ticketing.Operations)", op)
		}
		if seen[op] {
			e.t.Errorf("Capabilities.Operations lists %q twice", op)
		}
		seen[op] = true
	}
	for _, op := range ticketing.Operations {
		if !seen[op] {
			lacks = append(lacks, string(op))
		}
	}
	e.t.Logf("the driver supports %d of %d operations; it lacks %v", len(ticketing.Operations)-len(lacks), len(ticketing.Operations), lacks)
	if e.caps.Supports(ticketing.OpQueryTickets) {
		seenOrder := map[string]bool{}
		for _, f := range e.caps.Orders {
			if !orderable(f) {
				e.t.Errorf("Capabilities.Orders lists %q, which is not an orderable field of ticketing.TicketFields", f)
			}
			if seenOrder[f] {
				e.t.Errorf("Capabilities.Orders lists %q twice", f)
			}
			seenOrder[f] = true
		}
		if !seenOrder["created_at"] {
			e.t.Errorf("Capabilities.Orders lacks created_at: it is the default order of QueryTickets, so the Connector refuses every query without an order")
		}
	}
	if e.caps.Supports(ticketing.OpPatchTicket) && !e.caps.Supports(ticketing.OpGetTicket) {
		e.t.Errorf("the driver supports patch_ticket but not get_ticket: the Connector reads the ticket to apply a patch, so every patch fails")
	}
	if e.caps.Supports(ticketing.OpPatchNote) && !e.caps.Supports(ticketing.OpListNotes) {
		e.t.Errorf("the driver supports patch_note but not list_notes: the Connector lists the notes to apply a patch, so every patch fails")
	}
}

func testUnsupported(e *env) {
	for _, op := range ticketing.Operations {
		if _, ok := opCalls[op]; !ok {
			e.t.Errorf("ticketingtest does not know the operation %q: add it to opCalls", op)
			continue
		}
		if !e.caps.Supports(op) {
			e.assertUnsupported(op)
		}
	}
	if e.caps.Supports(ticketing.OpQueryTickets) {
		for _, f := range ticketing.TicketFields.Fields {
			if !f.Orderable || f.Name == "id" || slices.Contains(e.caps.Orders, f.Name) {
				continue
			}
			e.noDriverCall("QueryTickets ordered by "+f.Name, func() {
				_, err := e.c.QueryTickets(e.ctx, ticketing.QueryTicketsRequest{Order: []string{f.Name + "[desc]"}})
				e.expect("QueryTickets ordered by "+f.Name+", which Capabilities.Orders lacks", err, errs.ErrUnsupported)
			})
		}
	}
	// With capabilities that list nothing, every operation must be refused
	// before the driver, whatever the driver could do.
	nothing := e.h.Registration
	nothing.Capabilities = ticketing.Capabilities{}
	masked := newSpy(e.t, e.spy.d, nothing.Capabilities)
	me := &env{t: e.t, h: e.h, ctx: e.ctx, spy: masked, c: ticketing.NewConnector(nothing, masked), caps: nothing.Capabilities}
	for _, op := range ticketing.Operations {
		if _, ok := opCalls[op]; ok {
			me.assertUnsupported(op)
		}
	}
}

func testInvalidInput(e *env) {
	ctx, c := e.ctx, e.c
	ticket := func(mod func(*ticketing.CreateTicketRequest)) func() error {
		return func() error {
			req := e.newTicket("conformance invalid")
			mod(&req)
			_, err := c.CreateTicket(ctx, req)
			return err
		}
	}
	query := func(req ticketing.QueryTicketsRequest) func() error {
		return func() error { _, err := c.QueryTickets(ctx, req); return err }
	}
	for _, tc := range []struct {
		what string
		want error
		call func() error
	}{
		{"CreateTicket with an empty summary", errs.ErrInvalidInput, ticket(func(r *ticketing.CreateTicketRequest) { r.Summary = "" })},
		{"CreateTicket with a blank summary", errs.ErrInvalidInput, ticket(func(r *ticketing.CreateTicketRequest) { r.Summary = " \t\n" })},
		{"CreateTicket with priority SEVERE", errs.ErrInvalidInput, ticket(func(r *ticketing.CreateTicketRequest) { r.Priority = "SEVERE" })},
		{"CreateTicket with priority high (lower case)", errs.ErrInvalidInput, ticket(func(r *ticketing.CreateTicketRequest) { r.Priority = "high" })},
		{"CreateTicket with a tag holding a space", errs.ErrInvalidInput, ticket(func(r *ticketing.CreateTicketRequest) { r.Tags = []string{"two words"} })},
		{"CreateTicket with invalid UTF-8 in the description", errs.ErrInvalidInput, ticket(func(r *ticketing.CreateTicketRequest) { r.Description = "bad \xff" })},
		{"GetTicket with an empty id", errs.ErrInvalidInput, func() error { _, err := c.GetTicket(ctx, ""); return err }},
		{"GetTicket with an id holding a slash", errs.ErrInvalidInput, func() error { _, err := c.GetTicket(ctx, "a/../b"); return err }},
		{"PatchTicket with an empty id", errs.ErrInvalidInput, func() error {
			_, err := c.PatchTicket(ctx, "", []patch.Operation{{Op: "replace", Path: "/summary", Value: "x"}})
			return err
		}},
		{"CreateComment with empty content", errs.ErrInvalidInput, func() error {
			_, err := c.CreateComment(ctx, missingID, ticketing.CreateCommentRequest{Content: ""})
			return err
		}},
		{"CreateComment with blank content", errs.ErrInvalidInput, func() error {
			_, err := c.CreateComment(ctx, missingID, ticketing.CreateCommentRequest{Content: " \n "})
			return err
		}},
		{"CreateNote with empty content", errs.ErrInvalidInput, func() error {
			_, err := c.CreateNote(ctx, missingID, ticketing.CreateNoteRequest{Title: "t"})
			return err
		}},
		{"CreateAttachment without a file name", errs.ErrInvalidInput, func() error {
			_, err := c.CreateAttachment(ctx, missingID, ticketing.CreateAttachmentRequest{Content: []byte("x")})
			return err
		}},
		{"CreateAttachment with a path as file name", errs.ErrInvalidInput, func() error {
			_, err := c.CreateAttachment(ctx, missingID, ticketing.CreateAttachmentRequest{FileName: "../etc/passwd", Content: []byte("x")})
			return err
		}},
		{"DownloadAttachment with an empty attachment id", errs.ErrInvalidInput, func() error {
			_, err := c.DownloadAttachment(ctx, missingID, "")
			return err
		}},
		{"DeleteComment with an empty comment id", errs.ErrInvalidInput, func() error { return c.DeleteComment(ctx, missingID, "") }},
		{"ListOnCall with an empty policy id", errs.ErrInvalidInput, func() error { _, err := c.ListOnCall(ctx, ""); return err }},
		{"QueryTickets filtering on an unknown field", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Filter: []string{"nosuchfield[eq]x"}})},
		{"QueryTickets filtering on priority SEVERE", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Filter: []string{"priority[eq]SEVERE"}})},
		{"QueryTickets with a malformed time", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Filter: []string{"created_at[gt]yesterday"}})},
		{"QueryTickets with an unknown operator", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Filter: []string{"summary[about]x"}})},
		{"QueryTickets ordered by tags", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Order: []string{"tags"}})},
		{"QueryTickets with limit 1001", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Limit: ticketing.MaxTicketLimit + 1})},
		{"QueryTickets with limit -1", errs.ErrInvalidQuery, query(ticketing.QueryTicketsRequest{Limit: -1})},
		{"ListComments with limit -1", errs.ErrInvalidQuery, func() error {
			_, err := c.ListComments(ctx, missingID, ticketing.ListRequest{Limit: -1})
			return err
		}},
		{"ListProjects with limit 100000", errs.ErrInvalidQuery, func() error {
			_, err := c.ListProjects(ctx, ticketing.ListRequest{Limit: 100000})
			return err
		}},
	} {
		e.noDriverCall(tc.what, func() { e.expect(tc.what, tc.call(), tc.want) })
	}
}

func testNotFound(e *env) {
	ctx, c := e.ctx, e.c
	checks := []struct {
		op   ticketing.Operation
		call func() error
	}{
		{ticketing.OpGetTicket, func() error { _, err := c.GetTicket(ctx, missingID); return err }},
		{ticketing.OpPatchTicket, func() error {
			_, err := c.PatchTicket(ctx, missingID, []patch.Operation{{Op: "replace", Path: "/summary", Value: "x"}})
			return err
		}},
		{ticketing.OpCreateComment, func() error {
			_, err := c.CreateComment(ctx, missingID, ticketing.CreateCommentRequest{Content: "x", Creator: e.h.Creator})
			return err
		}},
		{ticketing.OpListComments, func() error {
			_, err := c.ListComments(ctx, missingID, ticketing.ListRequest{})
			return err
		}},
		{ticketing.OpDeleteComment, func() error { return c.DeleteComment(ctx, missingID, missingID) }},
		{ticketing.OpCreateNote, func() error {
			_, err := c.CreateNote(ctx, missingID, ticketing.CreateNoteRequest{Content: "x", Title: "t", Creator: e.h.Creator})
			return err
		}},
		{ticketing.OpListNotes, func() error { _, err := c.ListNotes(ctx, missingID, ticketing.ListRequest{}); return err }},
		{ticketing.OpPatchNote, func() error {
			_, err := c.PatchNote(ctx, missingID, missingID, []patch.Operation{{Op: "replace", Path: "/content", Value: "x"}})
			return err
		}},
		{ticketing.OpDeleteNote, func() error { return c.DeleteNote(ctx, missingID, missingID) }},
		{ticketing.OpCreateAttachment, func() error {
			_, err := c.CreateAttachment(ctx, missingID, ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("a")})
			return err
		}},
		{ticketing.OpListAttachmentsMetadata, func() error { _, err := c.ListAttachmentsMetadata(ctx, missingID); return err }},
		{ticketing.OpDownloadAttachment, func() error { _, err := c.DownloadAttachment(ctx, missingID, missingID); return err }},
		{ticketing.OpDeleteAttachment, func() error { return c.DeleteAttachment(ctx, missingID, missingID) }},
		{ticketing.OpListOnCall, func() error { _, err := c.ListOnCall(ctx, missingID); return err }},
	}
	ran := 0
	for _, ch := range checks {
		if !e.caps.Supports(ch.op) || (ch.op == ticketing.OpPatchNote && !e.caps.Supports(ticketing.OpListNotes)) {
			continue
		}
		ran++
		what := string(ch.op) + " of " + missingID
		if ch.op != ticketing.OpListOnCall {
			what = string(ch.op) + " on ticket " + missingID + ", which does not exist"
		}
		e.expect(what, ch.call(), errs.ErrNotFound)
	}
	if ran == 0 {
		e.t.Skip("the driver supports none of the operations that can miss an object")
	}
}
