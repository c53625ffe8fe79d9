package ticketingtest

import (
	"bytes"
	"iter"
	"slices"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
)

// collect gathers what an iterator yields by id, failing on errors,
// duplicates and endless iteration.
func collect[T any](e *env, what string, it iter.Seq2[*T, error], id func(*T) string) map[string]*T {
	e.t.Helper()
	out := map[string]*T{}
	n := 0
	for v, err := range it {
		if err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
		if _, dup := out[id(v)]; dup {
			e.t.Errorf("%s yields %q twice", what, id(v))
		}
		out[id(v)] = v
		if n++; n > maxItems {
			e.t.Fatalf("%s yielded more than %d items: its cursors never end", what, maxItems)
		}
	}
	return out
}

// pageByPage follows a list one page of limit at a time and returns the ids
// in the order listed.
func pageByPage[T any](e *env, what string, limit int, page func(cursor string) (*ticketing.Page[T], error), id func(*T) string) []string {
	e.t.Helper()
	var out []string
	cursor := ""
	for pages := 1; ; pages++ {
		p, err := page(cursor)
		if err != nil {
			e.t.Fatalf("%s, page %d (cursor %q): %v", what, pages, cursor, err)
		}
		if len(p.Result) > limit {
			e.t.Errorf("%s: page %d holds %d items for limit %d", what, pages, len(p.Result), limit)
		}
		for _, v := range p.Result {
			out = append(out, id(v))
		}
		if p.Next == "" {
			return out
		}
		if pages > maxItems {
			e.t.Fatalf("%s: more than %d pages: its cursors never end", what, maxItems)
		}
		cursor = p.Next
	}
}

// onceEach checks that got lists each of want exactly once.
func (e *env) onceEach(what string, got, want []string) {
	e.t.Helper()
	for _, id := range want {
		if n := count(got, id); n != 1 {
			e.t.Errorf("%s lists %q %d times, want once (listed: %v)", what, id, n, got)
		}
	}
}

func count(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func commentID(c *ticketing.Comment) string { return c.ID }

func noteID(n *ticketing.Note) string { return n.ID }

func testComments(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpCreateComment, ticketing.OpListComments)
	tk := e.create(e.newTicket("conformance comments"))
	contents := []string{"First comment with **bold** text.", "Second comment."}
	var made []*ticketing.Comment
	for _, content := range contents {
		cm, err := e.c.CreateComment(e.ctx, tk.ID, ticketing.CreateCommentRequest{Content: content, Creator: e.h.Creator})
		if err != nil {
			e.t.Fatalf("CreateComment(%s, %q): %v", tk.ID, content, err)
		}
		if cm.ID == "" {
			e.t.Fatalf("CreateComment(%s) returned a comment without an id", tk.ID)
		}
		if cm.TicketID != tk.ID {
			e.t.Errorf("CreateComment(%s) returned ticket_id %q", tk.ID, cm.TicketID)
		}
		if normText(cm.Content) != normText(content) {
			e.t.Errorf("CreateComment(%s) returned content %q, want %q", tk.ID, cm.Content, content)
		}
		made = append(made, cm)
	}
	if made[0].ID == made[1].ID {
		e.t.Fatalf("two CreateComment calls returned the same id %q", made[0].ID)
	}
	what := "Comments(" + tk.ID + ")"
	listed := collect(e, what, e.c.AllComments(e.ctx, tk.ID), commentID)
	for i, cm := range made {
		l, ok := listed[cm.ID]
		switch {
		case !ok:
			e.t.Errorf("%s does not list comment %s just created", what, cm.ID)
		case normText(l.Content) != normText(contents[i]):
			e.t.Errorf("%s lists comment %s with content %q, want %q", what, cm.ID, l.Content, contents[i])
		case l.TicketID != tk.ID:
			e.t.Errorf("%s lists comment %s with ticket_id %q", what, cm.ID, l.TicketID)
		case l.CreatedAt.IsZero():
			e.t.Errorf("%s lists comment %s without created_at", what, cm.ID)
		}
	}
	paged := pageByPage(e, "ListComments("+tk.ID+") one at a time", 1, func(cursor string) (*ticketing.Page[ticketing.Comment], error) {
		return e.c.ListComments(e.ctx, tk.ID, ticketing.ListRequest{Limit: 1, Cursor: cursor})
	}, commentID)
	e.onceEach("ListComments("+tk.ID+") one at a time", paged, []string{made[0].ID, made[1].ID})

	if !e.caps.Supports(ticketing.OpDeleteComment) {
		e.assertUnsupported(ticketing.OpDeleteComment)
		return
	}
	if err := e.c.DeleteComment(e.ctx, tk.ID, made[0].ID); err != nil {
		e.t.Fatalf("DeleteComment(%s, %s): %v", tk.ID, made[0].ID, err)
	}
	listed = collect(e, what, e.c.AllComments(e.ctx, tk.ID), commentID)
	if _, ok := listed[made[0].ID]; ok {
		e.t.Errorf("%s still lists comment %s after DeleteComment", what, made[0].ID)
	}
	if _, ok := listed[made[1].ID]; !ok {
		e.t.Errorf("%s no longer lists comment %s after DeleteComment of another comment", what, made[1].ID)
	}
	e.expect("DeleteComment of a deleted comment", e.c.DeleteComment(e.ctx, tk.ID, made[0].ID), errs.ErrNotFound)
	e.expect("DeleteComment of "+missingID+" on an existing ticket", e.c.DeleteComment(e.ctx, tk.ID, missingID), errs.ErrNotFound)
}

func testNotes(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpCreateNote, ticketing.OpListNotes)
	tk := e.create(e.newTicket("conformance notes"))
	type noteReq struct{ title, content string }
	reqs := []noteReq{{"Triage", "Triage: **likely** a false positive."}, {"Follow-up", "Second note."}}
	var made []*ticketing.Note
	for _, r := range reqs {
		n, err := e.c.CreateNote(e.ctx, tk.ID, ticketing.CreateNoteRequest{Title: r.title, Content: r.content, Creator: e.h.Creator})
		if err != nil {
			e.t.Fatalf("CreateNote(%s, %q): %v", tk.ID, r.title, err)
		}
		if n.ID == "" {
			e.t.Fatalf("CreateNote(%s) returned a note without an id", tk.ID)
		}
		if n.TicketID != tk.ID {
			e.t.Errorf("CreateNote(%s) returned ticket_id %q", tk.ID, n.TicketID)
		}
		e.checkNote("CreateNote("+tk.ID+")", n, r.title, r.content)
		made = append(made, n)
	}
	if made[0].ID == made[1].ID {
		e.t.Fatalf("two CreateNote calls returned the same id %q", made[0].ID)
	}
	what := "Notes(" + tk.ID + ")"
	listed := collect(e, what, e.c.AllNotes(e.ctx, tk.ID), noteID)
	for i, n := range made {
		l, ok := listed[n.ID]
		if !ok {
			e.t.Errorf("%s does not list note %s just created", what, n.ID)
			continue
		}
		e.checkNote(what, l, reqs[i].title, reqs[i].content)
	}
	paged := pageByPage(e, "ListNotes("+tk.ID+") one at a time", 1, func(cursor string) (*ticketing.Page[ticketing.Note], error) {
		return e.c.ListNotes(e.ctx, tk.ID, ticketing.ListRequest{Limit: 1, Cursor: cursor})
	}, noteID)
	e.onceEach("ListNotes("+tk.ID+") one at a time", paged, []string{made[0].ID, made[1].ID})

	if e.caps.Supports(ticketing.OpPatchNote) {
		e.patchNote(tk.ID, made[0])
	} else {
		e.assertUnsupported(ticketing.OpPatchNote)
	}

	if !e.caps.Supports(ticketing.OpDeleteNote) {
		e.assertUnsupported(ticketing.OpDeleteNote)
		return
	}
	if err := e.c.DeleteNote(e.ctx, tk.ID, made[0].ID); err != nil {
		e.t.Fatalf("DeleteNote(%s, %s): %v", tk.ID, made[0].ID, err)
	}
	listed = collect(e, what, e.c.AllNotes(e.ctx, tk.ID), noteID)
	if _, ok := listed[made[0].ID]; ok {
		e.t.Errorf("%s still lists note %s after DeleteNote", what, made[0].ID)
	}
	if _, ok := listed[made[1].ID]; !ok {
		e.t.Errorf("%s no longer lists note %s after DeleteNote of another note", what, made[1].ID)
	}
	e.expect("DeleteNote of a deleted note", e.c.DeleteNote(e.ctx, tk.ID, made[0].ID), errs.ErrNotFound)
	e.expect("DeleteNote of "+missingID+" on an existing ticket", e.c.DeleteNote(e.ctx, tk.ID, missingID), errs.ErrNotFound)
}

// checkNote checks a note's content (required) and title (when kept).
func (e *env) checkNote(where string, n *ticketing.Note, title, content string) {
	e.t.Helper()
	if normText(n.Content) != normText(content) {
		e.t.Errorf("%s: note %s has content %q, want %q", where, n.ID, n.Content, content)
	}
	switch {
	case n.Title == "":
		e.t.Logf("%s: note %s has no title (tolerated: the provider does not keep titles)", where, n.ID)
	case n.Title != title:
		e.t.Errorf("%s: note %s has title %q, want %q", where, n.ID, n.Title, title)
	}
}

func (e *env) patchNote(ticketID string, n *ticketing.Note) {
	e.t.Helper()
	const title, content = "Triage (done)", "Triage: confirmed and **patched**."
	updates := func() int { return e.spy.snapshot()["UpdateNote"] }
	before := updates()
	res, err := e.c.PatchNote(e.ctx, ticketID, n.ID, []patch.Operation{
		{Op: "replace", Path: "/content", Value: content},
		{Op: "replace", Path: "/title", Value: title},
	})
	if err != nil {
		e.t.Fatalf("PatchNote(%s, %s) of title and content: %v", ticketID, n.ID, err)
	}
	if updates() != before+1 {
		e.t.Errorf("PatchNote called driver.UpdateNote %d times, want once", updates()-before)
	}
	e.checkNote("PatchNote("+ticketID+")", res, title, content)
	what := "Notes(" + ticketID + ") after PatchNote"
	if l, ok := collect(e, what, e.c.AllNotes(e.ctx, ticketID), noteID)[n.ID]; !ok {
		e.t.Errorf("%s does not list note %s", what, n.ID)
	} else {
		e.checkNote(what, l, title, content)
	}
	for _, tc := range []struct {
		what string
		ops  []patch.Operation
		want error
	}{
		{"a failing test operation", []patch.Operation{{Op: "test", Path: "/content", Value: "not the content"}, {Op: "replace", Path: "/content", Value: "x"}}, errs.ErrConflict},
		{"a patch of /id", []patch.Operation{{Op: "replace", Path: "/id", Value: "OTHER-1"}}, errs.ErrInvalidInput},
		{"a patch to empty content", []patch.Operation{{Op: "replace", Path: "/content", Value: ""}}, errs.ErrInvalidInput},
	} {
		n0 := updates()
		_, err := e.c.PatchNote(e.ctx, ticketID, n.ID, tc.ops)
		e.expect("PatchNote with "+tc.what, err, tc.want)
		if updates() != n0 {
			e.t.Errorf("PatchNote with %s reached driver.UpdateNote", tc.what)
		}
	}
	_, err = e.c.PatchNote(e.ctx, ticketID, missingID, []patch.Operation{{Op: "replace", Path: "/content", Value: "x"}})
	e.expect("PatchNote of "+missingID+" on an existing ticket", err, errs.ErrNotFound)
}

func testAttachments(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpCreateAttachment)
	tk := e.create(e.newTicket("conformance attachments"))
	binary := make([]byte, 0, 300)
	for i := range 256 {
		binary = append(binary, byte(i))
	}
	binary = append(binary, "conformance"...)
	files := []ticketing.CreateAttachmentRequest{
		{FileName: "evidence.bin", Content: binary},
		{FileName: "notes.txt", Content: []byte("plain text attachment\n")},
	}
	var made []*ticketing.AttachmentMetadata
	for _, f := range files {
		md, err := e.c.CreateAttachment(e.ctx, tk.ID, f)
		if err != nil {
			e.t.Fatalf("CreateAttachment(%s, %q): %v", tk.ID, f.FileName, err)
		}
		switch {
		case md.ID == "":
			e.t.Fatalf("CreateAttachment(%s, %q) returned metadata without an id", tk.ID, f.FileName)
		case md.FileName != f.FileName:
			e.t.Errorf("CreateAttachment(%s) returned file_name %q, want %q", tk.ID, md.FileName, f.FileName)
		case md.TicketID != tk.ID:
			e.t.Errorf("CreateAttachment(%s, %q) returned ticket_id %q", tk.ID, f.FileName, md.TicketID)
		case md.FileSize != nil && *md.FileSize != int64(len(f.Content)):
			e.t.Errorf("CreateAttachment(%s, %q) returned file_size %d, want %d", tk.ID, f.FileName, *md.FileSize, len(f.Content))
		}
		made = append(made, md)
	}
	if made[0].ID == made[1].ID {
		e.t.Fatalf("two CreateAttachment calls returned the same id %q", made[0].ID)
	}
	list := func() []string {
		mds, err := e.c.ListAttachmentsMetadata(e.ctx, tk.ID)
		if err != nil {
			e.t.Fatalf("ListAttachmentsMetadata(%s): %v", tk.ID, err)
		}
		var out []string
		for _, md := range mds {
			out = append(out, md.ID)
			if i := slices.IndexFunc(made, func(m *ticketing.AttachmentMetadata) bool { return m.ID == md.ID }); i >= 0 && md.FileName != files[i].FileName {
				e.t.Errorf("ListAttachmentsMetadata(%s) lists %s with file_name %q, want %q", tk.ID, md.ID, md.FileName, files[i].FileName)
			}
		}
		return out
	}
	canList := e.caps.Supports(ticketing.OpListAttachmentsMetadata)
	if canList {
		e.onceEach("ListAttachmentsMetadata("+tk.ID+")", list(), []string{made[0].ID, made[1].ID})
	} else {
		e.assertUnsupported(ticketing.OpListAttachmentsMetadata)
	}
	if e.caps.Supports(ticketing.OpGetTicket) {
		if got := e.get(tk.ID); len(got.Attachments) == 0 {
			e.t.Logf("GetTicket(%s) has no attachments (tolerated: the provider does not list them on tickets)", tk.ID)
		} else {
			var listed []string
			for _, a := range got.Attachments {
				listed = append(listed, a.ID)
			}
			e.onceEach("GetTicket("+tk.ID+").Attachments", listed, []string{made[0].ID, made[1].ID})
		}
	}
	canDownload := e.caps.Supports(ticketing.OpDownloadAttachment)
	if canDownload {
		for i, md := range made {
			a, err := e.c.DownloadAttachment(e.ctx, tk.ID, md.ID)
			if err != nil {
				e.t.Fatalf("DownloadAttachment(%s, %s): %v", tk.ID, md.ID, err)
			}
			if !bytes.Equal(a.Content, files[i].Content) {
				e.t.Errorf("DownloadAttachment(%s, %s) returned %d bytes that differ from the %d uploaded", tk.ID, md.ID, len(a.Content), len(files[i].Content))
			}
			if a.FileName != files[i].FileName {
				e.t.Errorf("DownloadAttachment(%s, %s) returned file_name %q, want %q", tk.ID, md.ID, a.FileName, files[i].FileName)
			}
		}
		_, err := e.c.DownloadAttachment(e.ctx, tk.ID, missingID)
		e.expect("DownloadAttachment of "+missingID+" on an existing ticket", err, errs.ErrNotFound)
	} else {
		e.assertUnsupported(ticketing.OpDownloadAttachment)
	}
	if !e.caps.Supports(ticketing.OpDeleteAttachment) {
		e.assertUnsupported(ticketing.OpDeleteAttachment)
		return
	}
	if err := e.c.DeleteAttachment(e.ctx, tk.ID, made[0].ID); err != nil {
		e.t.Fatalf("DeleteAttachment(%s, %s): %v", tk.ID, made[0].ID, err)
	}
	if canList {
		ids := list()
		if slices.Contains(ids, made[0].ID) {
			e.t.Errorf("ListAttachmentsMetadata(%s) still lists %s after DeleteAttachment", tk.ID, made[0].ID)
		}
		e.onceEach("ListAttachmentsMetadata("+tk.ID+") after deleting another attachment", ids, []string{made[1].ID})
	}
	if canDownload {
		_, err := e.c.DownloadAttachment(e.ctx, tk.ID, made[0].ID)
		e.expect("DownloadAttachment of a deleted attachment", err, errs.ErrNotFound)
	}
	e.expect("DeleteAttachment of a deleted attachment", e.c.DeleteAttachment(e.ctx, tk.ID, made[0].ID), errs.ErrNotFound)
}
