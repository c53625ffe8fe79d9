package jira

import (
	"bytes"
	"context"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

const (
	pathAttachment        = "/rest/api/3/attachment/"
	pathAttachmentContent = "/rest/api/3/attachment/content/"
)

// CreateAttachment implements ticketing.Driver with POST
// /rest/api/3/issue/{key}/attachments: a multipart/form-data upload in the
// "file" part, with the "X-Atlassian-Token: no-check" header Jira requires
// against XSRF. The upload is not retried on a 5xx answer.
func (d *driver) CreateAttachment(ctx context.Context, ticketID string, req ticketing.CreateAttachmentRequest) (*ticketing.AttachmentMetadata, error) {
	body, ctype, err := multipartFile(req.FileName, req.Content)
	if err != nil {
		return nil, err
	}
	path := issuePath(ticketID) + "/attachments"
	var out []attachment
	resp, err := d.hc.JSON(ctx, httpx.Request{
		Method: http.MethodPost, Path: path, Body: body, ContentType: ctype,
		Header: http.Header{"X-Atlassian-Token": {"no-check"}},
	}, &out)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 || out[0].ID == "" {
		return nil, resp.Malformed("has no attachment")
	}
	m := toAttachmentMetadata(ticketID, &out[0])
	return &m, nil
}

// multipartFile encodes one file as a multipart/form-data body.
func multipartFile(name string, content []byte) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": name}))
	h.Set("Content-Type", contentType(name, content))
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", errs.Wrap(errs.Internal, err, "jira: encoding the attachment")
	}
	if _, err := part.Write(content); err != nil {
		return nil, "", errs.Wrap(errs.Internal, err, "jira: encoding the attachment")
	}
	if err := w.Close(); err != nil {
		return nil, "", errs.Wrap(errs.Internal, err, "jira: encoding the attachment")
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// contentType guesses a file's media type from its name, then its bytes.
func contentType(name string, content []byte) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	return http.DetectContentType(content)
}

// ListAttachmentsMetadata implements ticketing.Driver: the issue's
// "attachment" field (GET /rest/api/3/issue/{key}?fields=attachment).
func (d *driver) ListAttachmentsMetadata(ctx context.Context, ticketID string) ([]ticketing.AttachmentMetadata, error) {
	atts, key, err := d.attachments(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	out := make([]ticketing.AttachmentMetadata, 0, len(atts))
	for i := range atts {
		out = append(out, toAttachmentMetadata(key, &atts[i]))
	}
	return out, nil
}

// attachments returns an issue's attachments and its key.
func (d *driver) attachments(ctx context.Context, ticketID string) ([]attachment, string, error) {
	is, err := d.getIssue(ctx, ticketID, fAttachment)
	if err != nil {
		return nil, "", err
	}
	var atts []attachment
	list, _ := is.Fields[fAttachment].([]any)
	for _, v := range list {
		if a, ok := asAttachment(v); ok {
			atts = append(atts, a)
		}
	}
	return atts, is.Key, nil
}

// attachmentOf returns the attachment attachmentID of the issue, or an
// errs.ErrNotFound error if the issue has no such attachment: an attachment
// id alone would reach attachments of any issue.
func (d *driver) attachmentOf(ctx context.Context, ticketID, attachmentID string) (*attachment, error) {
	atts, key, err := d.attachments(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	for i := range atts {
		if string(atts[i].ID) == attachmentID {
			return &atts[i], nil
		}
	}
	return nil, errs.New(errs.NotFound, "jira: issue %s has no attachment %q", key, clip(attachmentID))
}

// DownloadAttachment implements ticketing.Driver: the attachment's
// metadata from its issue, then its bytes from GET
// /rest/api/3/attachment/content/{id}?redirect=false.
func (d *driver) DownloadAttachment(ctx context.Context, ticketID, attachmentID string) (*ticketing.Attachment, error) {
	a, err := d.attachmentOf(ctx, ticketID, attachmentID)
	if err != nil {
		return nil, err
	}
	resp, err := d.hc.Do(ctx, httpx.Request{
		Method: http.MethodGet, Path: pathAttachmentContent + url.PathEscape(attachmentID),
		Query: url.Values{"redirect": {"false"}}, Header: http.Header{"Accept": {"*/*"}},
	})
	if err != nil {
		return nil, err
	}
	ftype := a.MimeType
	if ftype == "" {
		ftype = resp.Header.Get("Content-Type")
	}
	out := &ticketing.Attachment{FileName: a.Filename, FileType: ftype, Content: resp.Body}
	if a.Self != "" {
		out.Unmapped = map[string]any{"self": a.Self}
	}
	return out, nil
}

// DeleteAttachment implements ticketing.Driver with DELETE
// /rest/api/3/attachment/{id}, after checking the attachment belongs to the
// ticket.
func (d *driver) DeleteAttachment(ctx context.Context, ticketID, attachmentID string) error {
	if _, err := d.attachmentOf(ctx, ticketID, attachmentID); err != nil {
		return err
	}
	_, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: pathAttachment + url.PathEscape(attachmentID)})
	return err
}
