package jira

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

const (
	pathSearch = "/rest/api/3/search/jql"
	pathIssue  = "/rest/api/3/issue"
)

// searchRequest is the body of POST /rest/api/3/search/jql.
type searchRequest struct {
	JQL           string   `json:"jql"`
	MaxResults    int      `json:"maxResults"`
	Fields        []string `json:"fields"`
	NextPageToken string   `json:"nextPageToken,omitempty"`
}

// searchResponse is its answer.
type searchResponse struct {
	Issues        []issue `json:"issues"`
	NextPageToken string  `json:"nextPageToken"`
	IsLast        bool    `json:"isLast"`
}

// cursor is the state QueryTickets keeps between pages: Jira's
// nextPageToken, the fields whose conditions Jira refused (left to the
// in-memory filter), and a hash of the JQL of the first page, so a cursor
// is only used with the query it came from. The JQL itself is never read
// from a cursor: cursors come from callers.
type cursor struct {
	Token   string   `json:"t"`
	Exclude []string `json:"x,omitempty"`
	Hash    string   `json:"h"`
}

const cursorPrefix = "j1."

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	bad := errs.New(errs.InvalidQuery, "the cursor is not one QueryTickets returned for this integration")
	raw, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Token == "" {
		return c, bad
	}
	for _, f := range c.Exclude {
		if _, ok := pushable[f]; !ok {
			return c, bad
		}
	}
	return c, nil
}

func jqlHash(jql string) string {
	sum := sha256.Sum256([]byte(jql))
	return hex.EncodeToString(sum[:8])
}

// maxFallbacks bounds how often one page retries without the conditions
// Jira refused.
const maxFallbacks = 4

// QueryTickets implements ticketing.Driver with Jira's JQL search (POST
// /rest/api/3/search/jql), paged by nextPageToken. See jql.go for what is
// pushed down. When Jira refuses a value ("The value 'X' does not exist for
// the field 'status'"), the page is fetched again without that field's
// conditions, which the in-memory filter then decides.
func (d *driver) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	if q.Query == nil {
		return nil, errs.New(errs.Internal, "jira: QueryTickets needs a bound query")
	}
	cur, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	exclude := slices.Clone(cur.Exclude)
	for attempt := 0; ; attempt++ {
		built := d.buildJQL(ctx, q.Query, exclude)
		if built.empty {
			return &ticketing.Page[ticketing.Ticket]{Result: []*ticketing.Ticket{}}, nil
		}
		hash := jqlHash(built.jql)
		if cur.Token != "" && cur.Hash != hash {
			return nil, errs.New(errs.InvalidQuery, "the cursor belongs to another query (or the site's statuses or priorities changed since its first page): start again without a cursor")
		}
		resp, err := d.search(ctx, built.jql, q.Limit, cur.Token)
		if err != nil {
			if more := refusedFields(err, exclude); len(more) > 0 && attempt < maxFallbacks && cur.Token == "" {
				exclude = append(exclude, more...)
				continue
			}
			return nil, err
		}
		page := &ticketing.Page[ticketing.Ticket]{Result: make([]*ticketing.Ticket, 0, len(resp.Issues))}
		for i := range resp.Issues {
			t, err := d.toTicket(&resp.Issues[i])
			if err != nil {
				return nil, err
			}
			page.Result = append(page.Result, t)
		}
		if resp.NextPageToken != "" && !resp.IsLast {
			page.Next = cursor{Token: resp.NextPageToken, Exclude: exclude, Hash: hash}.encode()
		}
		return page, nil
	}
}

// refusedFields returns the ticket fields whose pushed-down conditions a
// search error refused, not yet in exclude.
func refusedFields(err error, exclude []string) []string {
	var out []string
	for _, jf := range rejectedFields(err) {
		for field, f := range pushable {
			if (f.jql == jf || (jf == "issuekey" && f.jql == "key") || (jf == "type" && f.jql == fIssueType)) &&
				!slices.Contains(exclude, field) && !slices.Contains(out, field) {
				out = append(out, field)
			}
		}
	}
	slices.Sort(out)
	return out
}

// search runs one page of a JQL search. It is read-only, so it is retried
// like a GET although it is a POST.
func (d *driver) search(ctx context.Context, jql string, limit int, token string) (*searchResponse, error) {
	body := searchRequest{JQL: jql, MaxResults: limit, Fields: strings.Split(issueFields, ","), NextPageToken: token}
	var out searchResponse
	resp, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: pathSearch, JSON: body, Idempotent: true}, &out)
	if err != nil {
		return nil, err
	}
	for _, is := range out.Issues {
		if is.Key == "" {
			return nil, resp.Malformed("has an issue without a key")
		}
	}
	return &out, nil
}

// GetTicket implements ticketing.Driver: GET /rest/api/3/issue/{key}. A
// missing issue is errs.ErrNotFound.
func (d *driver) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	is, err := d.getIssue(ctx, id, issueFields)
	if err != nil {
		return nil, err
	}
	return d.toTicket(is)
}

// getIssue reads an issue with the given fields.
func (d *driver) getIssue(ctx context.Context, id, fields string) (*issue, error) {
	var is issue
	resp, err := d.hc.JSON(ctx, httpx.Request{
		Method: http.MethodGet, Path: issuePath(id), Query: url.Values{"fields": {fields}},
	}, &is)
	if err != nil {
		return nil, err
	}
	if is.Key == "" {
		return nil, resp.Malformed("has no issue key")
	}
	return &is, nil
}

// issuePath is the path of an issue, its key escaped.
func issuePath(id string) string { return pathIssue + "/" + url.PathEscape(id) }
