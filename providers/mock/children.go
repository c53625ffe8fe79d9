package mock

import (
	"context"
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// Default and maximum page sizes of comment and note lists.
const (
	DefaultChildLimit = 100
	MaxChildLimit     = ticketing.MaxTicketLimit
)

func childNotFound(kind, id, ticketID string) func() error {
	return func() error {
		return errs.New(errs.NotFound, "%s %q not found on ticket %q", kind, clip(id), clip(ticketID))
	}
}

// listChildren returns one page of the objects stored under prefix (the
// objects of one ticket), in creation order. The cursor is the last id of
// the previous page.
func listChildren[T any](ctx context.Context, d *driver, prefix, idPrefix string, req ticketing.ListRequest, id func(*T) string) (*ticketing.Page[T], error) {
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultChildLimit
	}
	limit = min(limit, MaxChildLimit)
	after := ""
	if req.Cursor != "" {
		if _, ok := parseID(idPrefix, req.Cursor); !ok {
			return nil, badCursor()
		}
		after = prefix + req.Cursor
	}
	entries, err := d.state.List(ctx, prefix, after, limit+1)
	if err != nil {
		return nil, err
	}
	page := &ticketing.Page[T]{Result: make([]*T, 0, min(len(entries), limit))}
	for _, e := range entries[:min(len(entries), limit)] {
		v := new(T)
		if err := json.Unmarshal(e.Value, v); err != nil {
			return nil, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", e.Key)
		}
		page.Result = append(page.Result, v)
	}
	if len(entries) > limit {
		page.Next = id(page.Result[limit-1])
	}
	return page, nil
}

// deleteChild deletes the object with the given id under prefix.
func (d *driver) deleteChild(ctx context.Context, ticketID, kind, idPrefix, prefix, id string) error {
	return d.state.Update(ctx, func(tx providers.StateTx) error {
		if _, err := d.loadTicket(ctx, tx, ticketID); err != nil {
			return err
		}
		if _, ok := parseID(idPrefix, id); !ok {
			return childNotFound(kind, id, ticketID)()
		}
		if _, err := tx.Get(ctx, prefix+id); errs.CodeOf(err) == errs.NotFound {
			return childNotFound(kind, id, ticketID)()
		} else if err != nil {
			return err
		}
		return tx.Delete(ctx, prefix+id)
	})
}

func commentPrefix(ticketID string) string { return prefixComment + ticketID + "/" }

func notePrefix(ticketID string) string { return prefixNote + ticketID + "/" }

func attachmentPrefix(ticketID string) string { return prefixAttachment + ticketID + "/" }

// ListComments implements ticketing.Driver: comments in creation order,
// DefaultChildLimit a page unless req says.
func (d *driver) ListComments(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Comment], error) {
	if _, err := d.loadTicket(ctx, d.state, ticketID); err != nil {
		return nil, err
	}
	return listChildren(ctx, d, commentPrefix(ticketID), CommentIDPrefix, req, func(c *ticketing.Comment) string { return c.ID })
}

// CreateComment implements ticketing.Driver. The creator defaults to
// DefaultCreator.
func (d *driver) CreateComment(ctx context.Context, ticketID string, req ticketing.CreateCommentRequest) (*ticketing.Comment, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Content) == "" {
		return nil, errs.Invalid("content", "content is required")
	}
	var c *ticketing.Comment
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		if _, err := d.loadTicket(ctx, tx, ticketID); err != nil {
			return err
		}
		n, err := d.next(ctx, tx, func(m *meta) *int64 { return &m.Comments })
		if err != nil {
			return err
		}
		c = &ticketing.Comment{ID: formatID(CommentIDPrefix, n), TicketID: ticketID, Creator: req.Creator,
			Content: req.Content, CreatedAt: d.clock()}
		if c.Creator == "" {
			c.Creator = DefaultCreator
		}
		return d.putJSON(ctx, tx, commentPrefix(ticketID)+c.ID, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteComment implements ticketing.Driver.
func (d *driver) DeleteComment(ctx context.Context, ticketID, commentID string) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	return d.deleteChild(ctx, ticketID, "comment", CommentIDPrefix, commentPrefix(ticketID), commentID)
}

// CreateNote implements ticketing.Driver. The creator defaults to
// DefaultCreator.
func (d *driver) CreateNote(ctx context.Context, ticketID string, req ticketing.CreateNoteRequest) (*ticketing.Note, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Content) == "" {
		return nil, errs.Invalid("content", "content is required")
	}
	var note *ticketing.Note
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		if _, err := d.loadTicket(ctx, tx, ticketID); err != nil {
			return err
		}
		n, err := d.next(ctx, tx, func(m *meta) *int64 { return &m.Notes })
		if err != nil {
			return err
		}
		note = &ticketing.Note{ID: formatID(NoteIDPrefix, n), TicketID: ticketID, Content: req.Content,
			Creator: req.Creator, Title: req.Title, CreatedAt: d.clock()}
		if note.Creator == "" {
			note.Creator = DefaultCreator
		}
		return d.putJSON(ctx, tx, notePrefix(ticketID)+note.ID, note)
	})
	if err != nil {
		return nil, err
	}
	return note, nil
}

// ListNotes implements ticketing.Driver: notes in creation order,
// DefaultChildLimit a page unless req says.
func (d *driver) ListNotes(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Note], error) {
	if _, err := d.loadTicket(ctx, d.state, ticketID); err != nil {
		return nil, err
	}
	return listChildren(ctx, d, notePrefix(ticketID), NoteIDPrefix, req, func(n *ticketing.Note) string { return n.ID })
}

// UpdateNote implements ticketing.Driver: it writes the title and content
// of u.After (when u.Changed names them) and sets updated_at.
func (d *driver) UpdateNote(ctx context.Context, ticketID, noteID string, u ticketing.NoteUpdate) (*ticketing.Note, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if u.After == nil {
		return nil, errs.Invalid("patch", "the update has no note to write")
	}
	if _, ok := parseID(NoteIDPrefix, noteID); !ok {
		if _, err := d.loadTicket(ctx, d.state, ticketID); err != nil {
			return nil, err
		}
		return nil, childNotFound("note", noteID, ticketID)()
	}
	if u.Has("content") && strings.TrimSpace(u.After.Content) == "" {
		return nil, errs.Invalid("content", "content is required")
	}
	var n ticketing.Note
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		if _, err := d.loadTicket(ctx, tx, ticketID); err != nil {
			return err
		}
		key := notePrefix(ticketID) + noteID
		n = ticketing.Note{}
		if err := d.getJSON(ctx, tx, key, &n, childNotFound("note", noteID, ticketID)); err != nil {
			return err
		}
		if u.Has("content") {
			n.Content = u.After.Content
		}
		if u.Has("title") {
			n.Title = u.After.Title
		}
		now := d.clock()
		n.UpdatedAt = &now
		return d.putJSON(ctx, tx, key, &n)
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// DeleteNote implements ticketing.Driver.
func (d *driver) DeleteNote(ctx context.Context, ticketID, noteID string) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	return d.deleteChild(ctx, ticketID, "note", NoteIDPrefix, notePrefix(ticketID), noteID)
}

// fileTypes maps file extensions to media types. The mock does not use the
// system's MIME tables, which differ between machines.
var fileTypes = map[string]string{
	".txt": "text/plain", ".log": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
	".json": "application/json", ".xml": "application/xml", ".html": "text/html", ".pdf": "application/pdf",
	".zip": "application/zip", ".gz": "application/gzip", ".png": "image/png", ".jpg": "image/jpeg",
	".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml",
}

// fileType returns the media type of a file: by its extension, else sniffed
// from its content (http.DetectContentType, which is deterministic).
func fileType(name string, content []byte) string {
	if t, ok := fileTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return http.DetectContentType(content)
}

// CreateAttachment implements ticketing.Driver. The content is stored under
// the ticket's attachment prefix and its metadata in the ticket's
// attachments; file_type comes from the extension (or the content), the
// creator is DefaultCreator. The ticket's updated_at does not change.
func (d *driver) CreateAttachment(ctx context.Context, ticketID string, req ticketing.CreateAttachmentRequest) (*ticketing.AttachmentMetadata, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.FileName) == "" {
		return nil, errs.Invalid("file_name", "file_name is required")
	}
	var md ticketing.AttachmentMetadata
	// The content, the metadata in the ticket and the counter land
	// together, and the ticket is compare-and-swapped: a concurrent
	// attachment is never lost from its list.
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		t, err := d.loadTicket(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		n, err := d.next(ctx, tx, func(m *meta) *int64 { return &m.Attachments })
		if err != nil {
			return err
		}
		size := int64(len(req.Content))
		md = ticketing.AttachmentMetadata{ID: formatID(AttachmentIDPrefix, n), TicketID: ticketID, FileName: req.FileName,
			FileType: fileType(req.FileName, req.Content), FileSize: &size, CreatedDate: d.clock(), Creator: DefaultCreator}
		if err := d.putJSON(ctx, tx, attachmentPrefix(ticketID)+md.ID,
			ticketing.Attachment{FileName: md.FileName, FileType: md.FileType, Content: req.Content}); err != nil {
			return err
		}
		t.Attachments = append(t.Attachments, md)
		_, err = d.storeTicket(ctx, tx, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &md, nil
}

// ListAttachmentsMetadata implements ticketing.Driver: the ticket's
// attachments in creation order.
func (d *driver) ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]ticketing.AttachmentMetadata, error) {
	t, err := d.loadTicket(ctx, d.state, ticketID)
	if err != nil {
		return nil, err
	}
	if t.Attachments == nil {
		return []ticketing.AttachmentMetadata{}, nil
	}
	return t.Attachments, nil
}

// DownloadAttachment implements ticketing.Driver.
func (d *driver) DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*ticketing.Attachment, error) {
	if _, err := d.loadTicket(ctx, d.state, ticketID); err != nil {
		return nil, err
	}
	notFound := childNotFound("attachment", attachmentID, ticketID)
	if _, ok := parseID(AttachmentIDPrefix, attachmentID); !ok {
		return nil, notFound()
	}
	var a ticketing.Attachment
	if err := d.getJSON(ctx, d.state, attachmentPrefix(ticketID)+attachmentID, &a, notFound); err != nil {
		return nil, err
	}
	if a.Content == nil {
		a.Content = []byte{}
	}
	return &a, nil
}

// DeleteAttachment implements ticketing.Driver: it removes the metadata
// from the ticket, then the content.
func (d *driver) DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	return d.state.Update(ctx, func(tx providers.StateTx) error {
		t, err := d.loadTicket(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(t.Attachments, func(a ticketing.AttachmentMetadata) bool { return a.ID == attachmentID })
		if i < 0 {
			return childNotFound("attachment", attachmentID, ticketID)()
		}
		t.Attachments = slices.Delete(t.Attachments, i, i+1)
		if _, err := d.storeTicket(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.Delete(ctx, attachmentPrefix(ticketID)+attachmentID); err != nil && errs.CodeOf(err) != errs.NotFound {
			return err
		}
		return nil
	})
}
