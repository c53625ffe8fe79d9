package servicenow

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// Journal fields of the incident table.
const (
	elementComments  = "comments"   // additional comments, visible to the caller
	elementWorkNotes = "work_notes" // internal work notes
)

// journalPath is the Table API path of the journal entries table.
const journalPath = "/api/now/table/sys_journal_field"

// journalEntry is one sys_journal_field record.
type journalEntry struct {
	id, value, createdBy string
	createdAt            time.Time
}

// journalQuery selects the entries of one journal field of an incident.
// ticketID is a checked sys_id and element a constant, so nothing in it
// comes from a user unchecked.
func journalQuery(ticketID, element, order string) string {
	return "element_id=" + ticketID + "^element=" + element + "^name=incident^" + order + "sys_created_on^" + order + "sys_id"
}

// listJournal returns one page of a journal field's entries, oldest first.
func (d *driver) listJournal(ctx context.Context, ticketID, element string, req ticketing.ListRequest) ([]journalEntry, string, error) {
	if err := checkTicketID(ticketID); err != nil {
		return nil, "", err
	}
	offset, err := parseCursor(req.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := req.Limit
	if limit <= 0 || limit > ticketing.MaxTicketLimit {
		limit = ticketing.DefaultTicketLimit
	}
	entries, total, err := d.journal(ctx, journalQuery(ticketID, element, "ORDERBY"), limit, offset)
	if err != nil {
		return nil, "", err
	}
	if offset == 0 && len(entries) == 0 {
		if err := d.mustExist(ctx, ticketID); err != nil {
			return nil, "", err
		}
	}
	return entries, nextCursor(offset, len(entries), limit, total), nil
}

// journal reads journal entries.
func (d *driver) journal(ctx context.Context, query string, limit, offset int) ([]journalEntry, int, error) {
	q := url.Values{"sysparm_query": {query}, "sysparm_fields": {"sys_id,element,element_id,value,sys_created_on,sys_created_by"},
		"sysparm_limit": {strconv.Itoa(limit)}, "sysparm_offset": {strconv.Itoa(offset)}}
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: journalPath, Query: q})
	if err != nil {
		return nil, 0, err
	}
	rows, err := resultList(resp)
	if err != nil {
		return nil, 0, err
	}
	out := make([]journalEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, journalEntry{id: r.str("sys_id"), value: r.str("value"), createdBy: r.str("sys_created_by"),
			createdAt: timeOrZero(r.str("sys_created_on"))})
	}
	return out, totalCount(resp), nil
}

// mustExist returns errs.NotFound if the incident does not exist.
func (d *driver) mustExist(ctx context.Context, ticketID string) error {
	_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: incidentPath + "/" + ticketID,
		Query: url.Values{"sysparm_fields": {"sys_id"}}})
	return err
}

// addJournal writes a journal entry by PATCHing the journal field, then
// reads it back: the newest entry of the field with the same text. The
// PATCH is not retried, since a retry would add the entry twice.
func (d *driver) addJournal(ctx context.Context, ticketID, element, text string) (journalEntry, error) {
	if err := checkTicketID(ticketID); err != nil {
		return journalEntry{}, err
	}
	_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: incidentPath + "/" + ticketID,
		Query: url.Values{"sysparm_fields": {"sys_id"}}, JSON: body{element: text}})
	if err != nil {
		return journalEntry{}, err
	}
	recent, _, err := d.journal(ctx, journalQuery(ticketID, element, "ORDERBYDESC"), 20, 0)
	if err != nil {
		return journalEntry{}, err
	}
	want := strings.TrimSpace(text)
	for _, e := range recent {
		if strings.TrimSpace(e.value) == want {
			return e, nil
		}
	}
	return journalEntry{}, errs.New(errs.Provider, "servicenow: the %s entry was added to incident %s but could not be read back from sys_journal_field", element, ticketID)
}

// ListComments implements ticketing.Driver: the incident's additional
// comments.
func (d *driver) ListComments(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Comment], error) {
	entries, cursor, err := d.listJournal(ctx, ticketID, elementComments, req)
	if err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Comment]{Result: make([]*ticketing.Comment, 0, len(entries)), Next: cursor}
	for _, e := range entries {
		c := comment(ticketID, e)
		page.Result = append(page.Result, &c)
	}
	return page, nil
}

// CreateComment implements ticketing.Driver. The comment is attributed to
// the integration's user; req.Creator is ignored, as ServiceNow has no way
// to set it.
func (d *driver) CreateComment(ctx context.Context, ticketID string, req ticketing.CreateCommentRequest) (*ticketing.Comment, error) {
	e, err := d.addJournal(ctx, ticketID, elementComments, req.Content)
	if err != nil {
		return nil, err
	}
	c := comment(ticketID, e)
	return &c, nil
}

func comment(ticketID string, e journalEntry) ticketing.Comment {
	return ticketing.Comment{ID: e.id, TicketID: ticketID, Creator: e.createdBy, Content: e.value, CreatedAt: e.createdAt}
}

// ListNotes implements ticketing.Driver: the incident's work notes.
func (d *driver) ListNotes(ctx context.Context, ticketID string, req ticketing.ListRequest) (*ticketing.Page[ticketing.Note], error) {
	entries, cursor, err := d.listJournal(ctx, ticketID, elementWorkNotes, req)
	if err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Note]{Result: make([]*ticketing.Note, 0, len(entries)), Next: cursor}
	for _, e := range entries {
		n := note(ticketID, e)
		page.Result = append(page.Result, &n)
	}
	return page, nil
}

// CreateNote implements ticketing.Driver: a work note whose first line is
// the title, followed by a blank line and the content.
func (d *driver) CreateNote(ctx context.Context, ticketID string, req ticketing.CreateNoteRequest) (*ticketing.Note, error) {
	if strings.ContainsAny(req.Title, "\r\n") {
		return nil, errs.Invalid("title", "a ServiceNow note title is the first line of the work note; it must be one line")
	}
	text := req.Content
	if t := strings.TrimSpace(req.Title); t != "" {
		text = t + "\n\n" + req.Content
	}
	e, err := d.addJournal(ctx, ticketID, elementWorkNotes, text)
	if err != nil {
		return nil, err
	}
	n := note(ticketID, e)
	return &n, nil
}

// note maps a work note: a first line followed by a blank line is the
// title.
func note(ticketID string, e journalEntry) ticketing.Note {
	n := ticketing.Note{ID: e.id, TicketID: ticketID, Creator: e.createdBy, Content: e.value, CreatedAt: e.createdAt}
	if i := strings.Index(e.value, "\n\n"); i > 0 && i <= ticketing.MaxSummaryLen && !strings.ContainsAny(e.value[:i], "\r\n") {
		n.Title, n.Content = e.value[:i], e.value[i+2:]
	}
	return n
}
