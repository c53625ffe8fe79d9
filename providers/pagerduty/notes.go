package pagerduty

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// Notes and comments are both PagerDuty incident notes, which have content
// only. A note's title is kept as a first line in bold, followed by a
// blank line:
//
//	**Disk full on db-01**
//
//	Freed 20 GB; watching.
//
// ListNotes splits such a first line off as the title; ListComments shows
// the content as PagerDuty holds it.

// encodeNote puts a note's title (on one line) in front of its content.
func encodeNote(title, content string) string {
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		return content
	}
	return "**" + title + "**\n\n" + content
}

// decodeNote splits a title line written by encodeNote off a note's
// content.
func decodeNote(s string) (title, content string) {
	line, rest, ok := strings.Cut(s, "\n")
	if !ok || !strings.HasPrefix(rest, "\n") || len(line) < 5 ||
		!strings.HasPrefix(line, "**") || !strings.HasSuffix(line, "**") {
		return "", s
	}
	title = line[2 : len(line)-2]
	if title == "" || strings.Join(strings.Fields(title), " ") != title {
		return "", s
	}
	return title, rest[1:]
}

// incidentNotes returns every note of an incident, oldest first (the API
// does not page them).
func (d *driver) incidentNotes(ctx context.Context, ticketID string) ([]pdNote, error) {
	var out struct {
		Notes *[]pdNote `json:"notes"`
	}
	path := "/incidents/" + escape(ticketID) + "/notes"
	resp, err := d.call(ctx, http.MethodGet, path, nil, "", nil, &out)
	if err != nil {
		return nil, err
	}
	if out.Notes == nil {
		return nil, resp.Malformed("has no notes")
	}
	return *out.Notes, nil
}

// postNote adds a note; from goes in the From header.
func (d *driver) postNote(ctx context.Context, ticketID, from, content string) (*pdNote, error) {
	var out struct {
		Note *pdNote `json:"note"`
	}
	path := "/incidents/" + escape(ticketID) + "/notes"
	resp, err := d.call(ctx, http.MethodPost, path, nil, from, map[string]any{"note": noteOut{Content: content}}, &out)
	if err != nil {
		return nil, err
	}
	if out.Note == nil || out.Note.ID == "" {
		return nil, resp.Malformed("has no note")
	}
	return out.Note, nil
}

// deleteNote deletes a note.
func (d *driver) deleteNote(ctx context.Context, ticketID, noteID string) error {
	path := "/incidents/" + escape(ticketID) + "/notes/" + escape(noteID)
	_, err := d.call(ctx, http.MethodDelete, path, nil, "", nil, nil)
	return err
}

// noteAuthor returns the e-mail of the user who wrote a note, or the name
// of the service that did.
func (d *driver) noteAuthor(ctx context.Context, n *pdNote) string {
	if n.User == nil {
		return ""
	}
	if n.User.Type == "bot_user_reference" {
		return n.User.Summary
	}
	return d.emailOf(ctx, &pdUser{ID: n.User.ID, Type: n.User.Type, Summary: n.User.Summary})
}

// noteMeta returns a note's times and unmapped fields.
func noteMeta(n *pdNote) (created time.Time, updated *time.Time, unmapped map[string]any) {
	created = timeOr(n.CreatedAt, time.Time{})
	if n.UpdatedAt != nil && !n.UpdatedAt.IsZero() {
		u := n.UpdatedAt.UTC()
		updated = &u
	}
	unmapped = map[string]any{}
	if n.User != nil && n.User.ID != "" {
		unmapped["user_id"] = n.User.ID
	}
	if n.Channel != nil && n.Channel.Summary != "" {
		unmapped["channel"] = n.Channel.Summary
	}
	return created, updated, unmapped
}

func (d *driver) toNote(ctx context.Context, ticketID string, n *pdNote) ticketing.Note {
	title, content := decodeNote(n.Content)
	created, updated, unmapped := noteMeta(n)
	return ticketing.Note{ID: n.ID, TicketID: ticketID, Title: title, Content: content,
		Creator: d.noteAuthor(ctx, n), CreatedAt: created, UpdatedAt: updated, Unmapped: unmapped}
}

func (d *driver) toComment(ctx context.Context, ticketID string, n *pdNote) ticketing.Comment {
	created, updated, unmapped := noteMeta(n)
	return ticketing.Comment{ID: n.ID, TicketID: ticketID, Content: n.Content, Creator: d.noteAuthor(ctx, n),
		CreatedAt: created, UpdatedAt: updated, Unmapped: unmapped}
}

// pageOf returns the page of items at cursor of size limit (0: all).
func pageOf[T any](items []T, cur string, limit int) (*ticketing.Page[T], error) {
	offset, err := parseCursor(cur)
	if err != nil {
		return nil, err
	}
	start := min(offset, len(items))
	end := len(items)
	if limit > 0 {
		end = min(start+limit, len(items))
	}
	out := make([]*T, 0, end-start)
	for i := start; i < end; i++ {
		out = append(out, &items[i])
	}
	return &ticketing.Page[T]{Result: out, Next: cursor(end, end < len(items))}, nil
}

// ListNotes implements ticketing.Driver: GET /incidents/{id}/notes, paged
// in memory.
func (d *driver) ListNotes(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Note], error) {
	ns, err := d.incidentNotes(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	out := make([]ticketing.Note, 0, len(ns))
	for i := range ns {
		out = append(out, d.toNote(ctx, ticketID, &ns[i]))
	}
	return pageOf(out, req.Cursor, req.Limit)
}

// CreateNote implements ticketing.Driver: POST /incidents/{id}/notes with
// the title as the content's first line and the creator (or
// default_creator) in the From header.
func (d *driver) CreateNote(ctx context.Context, ticketID string, req ticketing.CreateNoteRequest) (*ticketing.Note, error) {
	from, err := d.from("creator", req.Creator)
	if err != nil {
		return nil, err
	}
	n, err := d.postNote(ctx, ticketID, from, encodeNote(req.Title, req.Content))
	if err != nil {
		return nil, err
	}
	note := d.toNote(ctx, ticketID, n)
	note.Creator = from
	return &note, nil
}

// UpdateNote implements ticketing.Driver: PUT
// /incidents/{id}/notes/{note_id} with the new title and content. The From
// header is default_creator, else the note's author.
func (d *driver) UpdateNote(ctx context.Context, ticketID, noteID string, u ticketing.NoteUpdate) (*ticketing.Note, error) {
	if u.Before == nil || u.After == nil {
		return nil, errs.New(errs.InvalidInput, "pagerduty: a note update needs the note before and after")
	}
	from, err := d.fromOr(u.Before.Creator)
	if err != nil {
		return nil, err
	}
	var out struct {
		Note *pdNote `json:"note"`
	}
	path := "/incidents/" + escape(ticketID) + "/notes/" + escape(noteID)
	body := map[string]any{"note": noteOut{Content: encodeNote(u.After.Title, u.After.Content)}}
	resp, err := d.call(ctx, http.MethodPut, path, nil, from, body, &out)
	if err != nil {
		return nil, err
	}
	if out.Note == nil || out.Note.ID == "" {
		return nil, resp.Malformed("has no note")
	}
	note := d.toNote(ctx, ticketID, out.Note)
	return &note, nil
}

// DeleteNote implements ticketing.Driver: DELETE
// /incidents/{id}/notes/{note_id}.
func (d *driver) DeleteNote(ctx context.Context, ticketID, noteID string) error {
	return d.deleteNote(ctx, ticketID, noteID)
}

// ListComments implements ticketing.Driver: the incident's notes as
// comments, paged in memory.
func (d *driver) ListComments(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Comment], error) {
	ns, err := d.incidentNotes(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	out := make([]ticketing.Comment, 0, len(ns))
	for i := range ns {
		out = append(out, d.toComment(ctx, ticketID, &ns[i]))
	}
	return pageOf(out, req.Cursor, req.Limit)
}

// CreateComment implements ticketing.Driver: a note holding the comment,
// with the creator (or default_creator) in the From header.
func (d *driver) CreateComment(ctx context.Context, ticketID string, req ticketing.CreateCommentRequest) (*ticketing.Comment, error) {
	from, err := d.from("creator", req.Creator)
	if err != nil {
		return nil, err
	}
	n, err := d.postNote(ctx, ticketID, from, req.Content)
	if err != nil {
		return nil, err
	}
	c := d.toComment(ctx, ticketID, n)
	c.Creator = from
	return &c, nil
}

// DeleteComment implements ticketing.Driver: it deletes the comment's
// note.
func (d *driver) DeleteComment(ctx context.Context, ticketID, commentID string) error {
	return d.deleteNote(ctx, ticketID, commentID)
}
