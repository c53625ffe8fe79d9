package servicenow

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// attachmentPath is the Attachment API.
const attachmentPath = "/api/now/attachment"

// maxAttachmentPages bounds the pages ListAttachmentsMetadata reads.
const maxAttachmentPages = 100

// CreateAttachment implements ticketing.Driver: POST /attachment/file with
// the raw content and its type (from the file name's extension, else
// sniffed).
func (d *driver) CreateAttachment(ctx context.Context, ticketID string, req ticketing.CreateAttachmentRequest) (*ticketing.AttachmentMetadata, error) {
	if err := checkTicketID(ticketID); err != nil {
		return nil, err
	}
	ctype := mime.TypeByExtension(path.Ext(req.FileName))
	if ctype == "" {
		ctype = http.DetectContentType(req.Content)
	}
	content := req.Content
	if content == nil {
		content = []byte{}
	}
	q := url.Values{"table_name": {"incident"}, "table_sys_id": {ticketID}, "file_name": {req.FileName}}
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodPost, Path: attachmentPath + "/file", Query: q,
		Body: content, ContentType: ctype})
	if err != nil {
		return nil, err
	}
	rec, err := resultOne(resp)
	if err != nil {
		return nil, err
	}
	m := attachmentMeta(rec)
	return &m, nil
}

// ListAttachmentsMetadata implements ticketing.Driver.
func (d *driver) ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]ticketing.AttachmentMetadata, error) {
	if err := checkTicketID(ticketID); err != nil {
		return nil, err
	}
	const limit = 500
	out := []ticketing.AttachmentMetadata{}
	for page := range maxAttachmentPages {
		q := url.Values{"sysparm_query": {"table_name=incident^table_sys_id=" + ticketID + "^ORDERBYsys_created_on^ORDERBYsys_id"},
			"sysparm_limit": {strconv.Itoa(limit)}, "sysparm_offset": {strconv.Itoa(page * limit)}}
		resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: attachmentPath, Query: q})
		if err != nil {
			return nil, err
		}
		rows, err := resultList(resp)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, attachmentMeta(r))
		}
		if len(rows) < limit {
			break
		}
	}
	if len(out) == 0 {
		if err := d.mustExist(ctx, ticketID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DownloadAttachment implements ticketing.Driver: the metadata (to check
// the attachment belongs to the ticket), then the content.
func (d *driver) DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*ticketing.Attachment, error) {
	m, err := d.ownedAttachment(ctx, ticketID, attachmentID)
	if err != nil {
		return nil, err
	}
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: attachmentPath + "/" + attachmentID + "/file",
		Header: http.Header{"Accept": {"*/*"}}})
	if err != nil {
		return nil, err
	}
	ftype := m.FileType
	if ct := resp.Header.Get("Content-Type"); ftype == "" && ct != "" {
		ftype = ct
	}
	return &ticketing.Attachment{FileName: m.FileName, FileType: ftype, Content: resp.Body}, nil
}

// DeleteAttachment implements ticketing.Driver.
func (d *driver) DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error {
	if _, err := d.ownedAttachment(ctx, ticketID, attachmentID); err != nil {
		return err
	}
	_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: attachmentPath + "/" + attachmentID})
	return err
}

// ownedAttachment returns an attachment's metadata, or errs.NotFound if it
// is not an attachment of the ticket.
func (d *driver) ownedAttachment(ctx context.Context, ticketID, attachmentID string) (ticketing.AttachmentMetadata, error) {
	if err := checkTicketID(ticketID); err != nil {
		return ticketing.AttachmentMetadata{}, err
	}
	if !isSysID(attachmentID) {
		return ticketing.AttachmentMetadata{}, errs.New(errs.NotFound, "servicenow: no attachment has the id %q (attachment ids are sys_ids of 32 hex digits)", clip(attachmentID))
	}
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: attachmentPath + "/" + attachmentID})
	if err != nil {
		return ticketing.AttachmentMetadata{}, err
	}
	rec, err := resultOne(resp)
	if err != nil {
		return ticketing.AttachmentMetadata{}, err
	}
	if rec.str("table_sys_id") != ticketID || rec.str("table_name") != "incident" {
		return ticketing.AttachmentMetadata{}, errs.New(errs.NotFound, "servicenow: incident %s has no attachment %s", ticketID, attachmentID)
	}
	return attachmentMeta(rec), nil
}

// attachmentFields are the metadata columns mapped; the rest is unmapped.
var attachmentFields = map[string]bool{"sys_id": true, "table_sys_id": true, "file_name": true, "content_type": true,
	"size_bytes": true, "sys_created_on": true, "sys_created_by": true}

// attachmentMeta maps Attachment API metadata.
func attachmentMeta(r record) ticketing.AttachmentMetadata {
	m := ticketing.AttachmentMetadata{ID: r.str("sys_id"), TicketID: r.str("table_sys_id"), FileName: r.str("file_name"),
		FileType: r.str("content_type"), CreatedDate: timeOrZero(r.str("sys_created_on")), Creator: r.str("sys_created_by")}
	if n, err := strconv.ParseInt(r.str("size_bytes"), 10, 64); err == nil && n >= 0 {
		m.FileSize = &n
	}
	for k, raw := range r {
		if attachmentFields[k] {
			continue
		}
		if v := flatten(raw); v != "" {
			if m.Unmapped == nil {
				m.Unmapped = map[string]any{}
			}
			m.Unmapped[k] = v
		}
	}
	return m
}
