package jira

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// defaultCommentLimit is the page size of ListComments when the request
// names none (Jira's own default).
const defaultCommentLimit = 100

// comment is a Jira comment.
type comment struct {
	ID           string         `json:"id"`
	Self         string         `json:"self"`
	Author       *user          `json:"author"`
	UpdateAuthor *user          `json:"updateAuthor"`
	Body         any            `json:"body"`
	Created      jiraTime       `json:"created"`
	Updated      jiraTime       `json:"updated"`
	Visibility   map[string]any `json:"visibility"`
}

// toComment converts a Jira comment; its body (ADF) becomes markdown.
func toComment(ticketID string, c *comment) ticketing.Comment {
	out := ticketing.Comment{ID: c.ID, TicketID: ticketID, Content: markdownOf(c.Body), CreatedAt: c.Created.Time}
	if !c.Updated.IsZero() && !c.Updated.Equal(c.Created.Time) {
		out.UpdatedAt = c.Updated.ptr()
	}
	un := map[string]any{}
	if c.Self != "" {
		un["self"] = c.Self
	}
	if c.Author != nil {
		out.Creator = c.Author.AccountID
		un["author"] = map[string]any{"accountId": c.Author.AccountID, "displayName": c.Author.DisplayName}
	}
	if c.UpdateAuthor != nil {
		un["updateAuthor"] = map[string]any{"accountId": c.UpdateAuthor.AccountID, "displayName": c.UpdateAuthor.DisplayName}
	}
	if c.Visibility != nil {
		un["visibility"] = c.Visibility
	}
	if len(un) > 0 {
		out.Unmapped = un
	}
	return out
}

// ListComments implements ticketing.Driver with GET
// /rest/api/3/issue/{key}/comment, oldest first; the cursor is Jira's
// startAt of the next page.
func (d *driver) ListComments(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Comment], error) {
	start := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 {
			return nil, errs.New(errs.InvalidQuery, "the cursor is not one ListComments returned")
		}
		start = n
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultCommentLimit
	}
	var out struct {
		StartAt  int       `json:"startAt"`
		Total    int       `json:"total"`
		Comments []comment `json:"comments"`
	}
	q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {strconv.Itoa(limit)}, "orderBy": {"created"}}
	if _, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: issuePath(ticketID) + "/comment", Query: q}, &out); err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Comment]{Result: make([]*ticketing.Comment, 0, len(out.Comments))}
	for i := range out.Comments {
		c := toComment(ticketID, &out.Comments[i])
		page.Result = append(page.Result, &c)
	}
	if next := start + len(out.Comments); len(out.Comments) > 0 && next < out.Total {
		page.Next = strconv.Itoa(next)
	}
	return page, nil
}

// CreateComment implements ticketing.Driver with POST
// /rest/api/3/issue/{key}/comment; the markdown content is sent as ADF.
// Jira records the API user as the author: req.Creator is ignored.
func (d *driver) CreateComment(ctx context.Context, ticketID string, req ticketing.CreateCommentRequest) (*ticketing.Comment, error) {
	doc := markdownToADF(req.Content)
	if doc == nil {
		return nil, errs.Invalid("content", "content is required")
	}
	var c comment
	path := issuePath(ticketID) + "/comment"
	resp, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: path, JSON: map[string]any{"body": doc}}, &c)
	if err != nil {
		return nil, d.withField(err)
	}
	if c.ID == "" {
		return nil, resp.Malformed("has no comment id")
	}
	out := toComment(ticketID, &c)
	return &out, nil
}

// DeleteComment implements ticketing.Driver with DELETE
// /rest/api/3/issue/{key}/comment/{id}.
func (d *driver) DeleteComment(ctx context.Context, ticketID, commentID string) error {
	_, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: issuePath(ticketID) + "/comment/" + url.PathEscape(commentID)})
	return err
}
