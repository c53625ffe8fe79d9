package jira

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestComments(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "commented"})
	require.NoError(t, err)
	var ids []string
	for _, content := range []string{"First **bold** comment", "Second with `code`\n\n- a\n- b", "Third"} {
		cm, err := c.CreateComment(ctx, tk.ID, ticketing.CreateCommentRequest{Content: content, Creator: "ignored@example.com"})
		require.NoError(t, err)
		assert.Equal(t, content, cm.Content)
		assert.Equal(t, tk.ID, cm.TicketID)
		assert.Equal(t, f.AccountID, cm.Creator)
		assert.False(t, cm.CreatedAt.IsZero())
		assert.NotEmpty(t, cm.Unmapped["self"])
		ids = append(ids, cm.ID)
	}
	// The body Jira stored is ADF.
	reqs := f.Requests()
	body := string(reqs[len(reqs)-1].Body)
	assert.Contains(t, body, `"type":"doc"`)

	var listed []string
	for cm, err := range c.AllComments(ctx, tk.ID) {
		require.NoError(t, err)
		listed = append(listed, cm.ID)
	}
	assert.Equal(t, ids, listed)

	p, err := c.ListComments(ctx, tk.ID, ticketing.ListRequest{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, p.Result, 2)
	assert.Equal(t, "2", p.Next)
	p, err = c.ListComments(ctx, tk.ID, ticketing.ListRequest{Limit: 2, Cursor: p.Next})
	require.NoError(t, err)
	assert.Len(t, p.Result, 1)
	assert.Empty(t, p.Next)
	_, err = c.ListComments(ctx, tk.ID, ticketing.ListRequest{Cursor: "x"})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)

	require.NoError(t, c.DeleteComment(ctx, tk.ID, ids[1]))
	assert.ErrorIs(t, c.DeleteComment(ctx, tk.ID, ids[1]), errs.ErrNotFound)
	p, err = c.ListComments(ctx, tk.ID, ticketing.ListRequest{})
	require.NoError(t, err)
	assert.Len(t, p.Result, 2)

	_, err = c.CreateComment(ctx, "SEC-404", ticketing.CreateCommentRequest{Content: "x"})
	assert.ErrorIs(t, err, errs.ErrNotFound)
}

func TestAttachments(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "attached"})
	require.NoError(t, err)
	other, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "other"})
	require.NoError(t, err)

	content := bytes.Repeat([]byte("log line\n"), 1000)
	meta, err := c.CreateAttachment(ctx, tk.ID, ticketing.CreateAttachmentRequest{FileName: "debug log.txt", Content: content})
	require.NoError(t, err)
	assert.NotEmpty(t, meta.ID)
	assert.Equal(t, tk.ID, meta.TicketID)
	assert.Equal(t, "debug log.txt", meta.FileName)
	assert.Equal(t, "text/plain; charset=utf-8", meta.FileType)
	require.NotNil(t, meta.FileSize)
	assert.Equal(t, int64(len(content)), *meta.FileSize)
	assert.Equal(t, f.AccountID, meta.Creator)

	// The upload carried Jira's XSRF header and a multipart "file" part.
	var upload *http.Header
	for _, r := range f.Requests() {
		if r.Method == http.MethodPost && r.Path == "/rest/api/3/issue/"+tk.ID+"/attachments" {
			upload = &r.Header
		}
	}
	require.NotNil(t, upload)
	assert.Equal(t, "no-check", upload.Get("X-Atlassian-Token"))
	assert.Contains(t, upload.Get("Content-Type"), "multipart/form-data; boundary=")

	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	meta2, err := c.CreateAttachment(ctx, tk.ID, ticketing.CreateAttachmentRequest{FileName: "shot.png", Content: png})
	require.NoError(t, err)
	assert.Equal(t, "image/png", meta2.FileType)

	list, err := c.ListAttachmentsMetadata(ctx, tk.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, meta.ID, list[0].ID)
	assert.Equal(t, meta.CreatedDate, list[0].CreatedDate)
	got, err := c.GetTicket(ctx, tk.ID)
	require.NoError(t, err)
	assert.Len(t, got.Attachments, 2)

	a, err := c.DownloadAttachment(ctx, tk.ID, meta.ID)
	require.NoError(t, err)
	assert.Equal(t, content, a.Content)
	assert.Equal(t, "debug log.txt", a.FileName)
	assert.Equal(t, "text/plain; charset=utf-8", a.FileType)

	// An attachment is reached through its own ticket only.
	_, err = c.DownloadAttachment(ctx, other.ID, meta.ID)
	assert.ErrorIs(t, err, errs.ErrNotFound)
	assert.ErrorIs(t, c.DeleteAttachment(ctx, other.ID, meta.ID), errs.ErrNotFound)

	require.NoError(t, c.DeleteAttachment(ctx, tk.ID, meta.ID))
	assert.ErrorIs(t, c.DeleteAttachment(ctx, tk.ID, meta.ID), errs.ErrNotFound)
	_, err = c.DownloadAttachment(ctx, tk.ID, meta.ID)
	assert.ErrorIs(t, err, errs.ErrNotFound)
	list, err = c.ListAttachmentsMetadata(ctx, tk.ID)
	require.NoError(t, err)
	assert.Len(t, list, 1)

	_, err = c.ListAttachmentsMetadata(ctx, "SEC-404")
	assert.ErrorIs(t, err, errs.ErrNotFound)
}
