package servicenow

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// incidentPath is the Table API path of the incident table.
const incidentPath = "/api/now/table/incident"

// readParams are the query parameters of every incident read: the columns,
// and references as plain sys_ids.
func (d *driver) readParams() url.Values {
	return url.Values{"sysparm_fields": {d.fields}, "sysparm_exclude_reference_link": {"true"}}
}

// QueryTickets implements ticketing.Driver: one page of incidents, the
// query pushed down as an encoded query (see encodeQuery).
func (d *driver) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	offset, err := parseCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	enc, err := encodeQuery(q.Query)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > ticketing.MaxTicketLimit {
		limit = ticketing.DefaultTicketLimit
	}
	params := d.readParams()
	params.Set("sysparm_query", enc)
	params.Set("sysparm_limit", strconv.Itoa(limit))
	params.Set("sysparm_offset", strconv.Itoa(offset))
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: incidentPath, Query: params})
	if err != nil {
		return nil, err
	}
	rows, err := resultList(resp)
	if err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Ticket]{Result: make([]*ticketing.Ticket, 0, len(rows))}
	for _, r := range rows {
		t := d.ticket(r)
		if !isSysID(t.ID) {
			return nil, resp.Malformed("has an incident without a sys_id")
		}
		page.Result = append(page.Result, &t)
	}
	page.Next = nextCursor(offset, len(rows), limit, totalCount(resp))
	return page, nil
}

// totalCount reads the X-Total-Count header; -1 if absent.
func totalCount(resp *httpx.Response) int {
	n, err := strconv.Atoi(resp.Header.Get("X-Total-Count"))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// GetTicket implements ticketing.Driver.
func (d *driver) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	if err := checkTicketID(id); err != nil {
		return nil, err
	}
	return d.incident(ctx, httpx.Request{Method: http.MethodGet, Path: incidentPath + "/" + id, Query: d.readParams()})
}

// CreateTicket implements ticketing.Driver: POST of a new incident.
func (d *driver) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	b, err := d.createBody(ctx, req)
	if err != nil {
		return nil, err
	}
	return d.incident(ctx, httpx.Request{Method: http.MethodPost, Path: incidentPath, Query: d.readParams(), JSON: b})
}

// UpdateTicket implements ticketing.Driver: PATCH of the changed columns.
// Setting columns to values is idempotent, so the PATCH is retried like a
// GET. A change that writes no column (only tags, which ServiceNow does not
// write through the incident, or custom fields whose values did not change)
// sends nothing: the ticket is the one the Connector has just read
// (u.Before), or, without one, read again.
func (d *driver) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	if err := checkTicketID(id); err != nil {
		return nil, err
	}
	b, err := d.updateBody(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		if u.Before == nil || u.Before.ID != id {
			return d.GetTicket(ctx, id)
		}
		t := cloneTicket(*u.Before)
		return &t, nil
	}
	return d.incident(ctx, httpx.Request{Method: http.MethodPatch, Path: incidentPath + "/" + id, Query: d.readParams(),
		JSON: b, Idempotent: true})
}

// cloneTicket returns a copy of t that shares no slice or map with it.
func cloneTicket(t ticketing.Ticket) ticketing.Ticket {
	t.Tags = slices.Clone(t.Tags)
	t.CustomFields = maps.Clone(t.CustomFields)
	t.Unmapped = maps.Clone(t.Unmapped)
	t.Attachments = slices.Clone(t.Attachments)
	for _, p := range []**time.Time{&t.DueDate, &t.CompletionDate} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	return t
}

// incident sends r and maps the incident it returns.
func (d *driver) incident(ctx context.Context, r httpx.Request) (*ticketing.Ticket, error) {
	resp, err := d.c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	rec, err := resultOne(resp)
	if err != nil {
		return nil, err
	}
	t := d.ticket(rec)
	if !isSysID(t.ID) {
		return nil, resp.Malformed("has an incident without a sys_id")
	}
	return &t, nil
}
