package mock

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// Limits on custom_fields.
const (
	MaxCustomFields    = 100
	MaxCustomFieldSize = 64 << 10 // JSON bytes of all custom fields together
)

// loadTicket reads a ticket; an id the mock cannot have made is not found.
func (d *driver) loadTicket(ctx context.Context, r providers.StateReader, id string) (*ticketing.Ticket, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if _, ok := parseID(TicketIDPrefix, id); !ok {
		return nil, ticketNotFound(id)()
	}
	var t ticketing.Ticket
	if err := d.getJSON(ctx, r, prefixTicket+id, &t, ticketNotFound(id)); err != nil {
		return nil, err
	}
	return &t, nil
}

// storeTicket writes t and returns it as a later GetTicket would (decoded
// from what was stored, so custom field values read back the same).
func (d *driver) storeTicket(ctx context.Context, tx providers.StateTx, t *ticketing.Ticket) (*ticketing.Ticket, error) {
	raw, err := json.Marshal(t)
	if err != nil { // checkTicket lets nothing unencodable through
		return nil, errs.Wrap(errs.Internal, err, "encoding ticket %s", t.ID)
	}
	if err := tx.Put(ctx, prefixTicket+t.ID, raw); err != nil {
		return nil, err
	}
	var out ticketing.Ticket
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "decoding ticket %s", t.ID)
	}
	return &out, nil
}

// checkTicket validates what the mock itself requires of a ticket: a
// summary, a valid priority, a known project and issue type, and custom
// fields that the configured mappings accept.
func (d *driver) checkTicket(t *ticketing.Ticket) error {
	if strings.TrimSpace(t.Summary) == "" {
		return errs.Invalid("summary", "summary is required")
	}
	if t.Priority != "" && !t.Priority.Valid() {
		return errs.Invalid("priority", "priority %q is not valid", clip(string(t.Priority)))
	}
	for field, tm := range map[string]*time.Time{"due_date": t.DueDate, "completion_date": t.CompletionDate} {
		if tm != nil && (tm.Year() < 1 || tm.Year() > 9999) {
			return errs.Invalid(field, "%s must be a date between the years 1 and 9999", field)
		}
	}
	if t.Project != "" && findProject(t.Project) == nil {
		return errs.Invalid("project", "project %q does not exist; the mock's projects are %s", clip(t.Project), strings.Join(projectIDs(), ", "))
	}
	if t.IssueType != "" && !slices.ContainsFunc(issueTypes, func(it ticketing.IssueType) bool { return it.ID == t.IssueType }) {
		return errs.Invalid("issue_type", "issue type %q does not exist; the mock's issue types are Task, Bug and Incident", clip(t.IssueType))
	}
	return d.checkCustomFields(t.Project, t.CustomFields)
}

// checkCustomFields checks custom_fields: at most MaxCustomFields keys of at
// most 255 bytes, JSON values of at most MaxCustomFieldSize bytes together,
// and, when custom_field_mappings are configured, only keys mapped for the
// project (or for "*").
func (d *driver) checkCustomFields(project string, cf map[string]any) error {
	if len(cf) == 0 {
		return nil
	}
	if len(cf) > MaxCustomFields {
		return errs.Invalid("custom_fields", "a ticket has at most %d custom fields", MaxCustomFields)
	}
	// Before encoding: invalid UTF-8 would be stored altered, and deep
	// nesting would fail far from here as an unreadable document.
	if err := textcheck.Check("custom_fields", cf); err != nil {
		return err
	}
	raw, err := json.Marshal(cf)
	if err != nil {
		return errs.Invalid("custom_fields", "custom field values must be JSON values")
	}
	if len(raw) > MaxCustomFieldSize {
		return errs.Invalid("custom_fields", "custom fields take %d bytes as JSON; the limit is %d", len(raw), MaxCustomFieldSize)
	}
	for _, k := range slices.Sorted(maps.Keys(cf)) {
		if k == "" || len(k) > 255 {
			return errs.Invalid("custom_fields", "a custom field name is 1 to 255 bytes")
		}
		if len(d.mappings) > 0 && !slices.Contains(d.acceptedFields(project), k) {
			return errs.Invalid("custom_fields", "custom field %q is not mapped for project %q; the mapped fields are %s",
				clip(k), clip(project), strings.Join(d.acceptedFields(project), ", "))
		}
	}
	return nil
}

// acceptedFields returns the custom field names mapped for project, sorted.
func (d *driver) acceptedFields(project string) []string {
	var out []string
	for _, m := range d.mappings {
		if (m.ProjectID == "*" || m.ProjectID == project) && !slices.Contains(out, m.Name) {
			out = append(out, m.Name)
		}
	}
	slices.Sort(out)
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateTicket implements ticketing.Driver. The ticket gets the next id
// ("MOCK-00000001", ...), Name req.Name or else "MOCK-<n>", status
// req.Status or else DefaultStatus, and created_at the clock's time (but
// never before the previous ticket's). A done-like status sets
// completion_date unless the request gives one.
func (d *driver) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	t := &ticketing.Ticket{
		Name: req.Name, Summary: req.Summary, Creator: req.Creator, Assignee: req.Assignee, Contact: req.Contact,
		Description: req.Description, Priority: req.Priority, DueDate: utc(req.DueDate),
		CompletionDate: utc(req.CompletionDate), Status: req.Status, Project: req.Project, IssueType: req.IssueType,
		Tags: slices.Clone(req.Tags), CustomFields: maps.Clone(req.CustomFields),
	}
	if t.Status == "" {
		t.Status = DefaultStatus
	}
	if err := d.checkTicket(t); err != nil {
		return nil, err
	}
	var out *ticketing.Ticket
	// The counter and the ticket are written in one transaction: two
	// creators never get one id, and a failure leaves neither.
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		var now time.Time
		n, err := d.next(ctx, tx, func(m *meta) *int64 {
			if now = d.clock(); now.Before(m.LastCreated) {
				now = m.LastCreated
			}
			m.LastCreated = now
			return &m.Tickets
		})
		if err != nil {
			return err
		}
		nt := *t // a fresh copy on every run of the transaction
		nt.ID = formatID(TicketIDPrefix, n)
		if nt.Name == "" {
			nt.Name = "MOCK-" + strconv.FormatInt(n, 10)
		}
		nt.CreatedAt, nt.UpdatedAt = now, now
		if nt.CompletionDate == nil && isDone(nt.Status) {
			nt.CompletionDate = &now
		}
		out, err = d.storeTicket(ctx, tx, &nt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetTicket implements ticketing.Driver.
func (d *driver) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	return d.loadTicket(ctx, d.state, id)
}

// UpdateTicket implements ticketing.Driver: it writes the fields named in
// u.Changed from u.After onto the stored ticket and sets updated_at. When
// the stored ticket's updated_at is no longer u.Before's, another change won
// the race and the update is an errs.Conflict error. A status change into
// or out of a done-like status (Done, Closed, Resolved) sets or clears
// completion_date, unless the same update changes completion_date. id,
// created_at, updated_at, attachments and unmapped are never written.
func (d *driver) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if u.After == nil {
		return nil, errs.Invalid("patch", "the update has no ticket to write")
	}
	var out *ticketing.Ticket
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		var err error
		out, err = d.updateTicket(ctx, tx, id, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updateTicket is UpdateTicket's transaction: the stored ticket is read and
// written back in it, so a concurrent update makes it run again (and then
// fail the Before check) rather than be lost.
func (d *driver) updateTicket(ctx context.Context, tx providers.StateTx, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	cur, err := d.loadTicket(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if u.Before != nil && !u.Before.UpdatedAt.Equal(cur.UpdatedAt) {
		return nil, errs.New(errs.Conflict, "ticket %s changed since it was read; read it again and retry", id)
	}
	next := *cur
	a := u.After
	for _, f := range u.Changed {
		switch f {
		case "name":
			next.Name = a.Name
		case "summary":
			next.Summary = a.Summary
		case "creator":
			next.Creator = a.Creator
		case "assignee":
			next.Assignee = a.Assignee
		case "contact":
			next.Contact = a.Contact
		case "description":
			next.Description = a.Description
		case "priority":
			next.Priority = a.Priority
		case "due_date":
			next.DueDate = utc(a.DueDate)
		case "completion_date":
			next.CompletionDate = utc(a.CompletionDate)
		case "status":
			next.Status = a.Status
		case "project":
			next.Project = a.Project
		case "issue_type":
			next.IssueType = a.IssueType
		case "tags":
			next.Tags = slices.Clone(a.Tags)
		case "custom_fields":
			next.CustomFields = maps.Clone(a.CustomFields)
		}
	}
	if err := d.checkTicket(&next); err != nil {
		return nil, err
	}
	// updated_at grows with every update, even with a coarse or fixed
	// clock, so it identifies the version a TicketUpdate was made from.
	now := d.clock()
	if !now.After(cur.UpdatedAt) {
		now = cur.UpdatedAt.Add(time.Nanosecond)
	}
	if u.Has("status") && !u.Has("completion_date") {
		switch was, is := isDone(cur.Status), isDone(next.Status); {
		case is && !was:
			next.CompletionDate = &now
		case was && !is:
			next.CompletionDate = nil
		}
	}
	next.UpdatedAt = now
	return d.storeTicket(ctx, tx, &next)
}

// streams reports whether the effective order is the mock's key order:
// created_at ascending then id ascending (the default), or id ascending.
func streams(b *filter.Bound) bool {
	o := b.Order()
	asc := func(t filter.OrderTerm, field string) bool { return t.Field == field && t.Dir != filter.Desc }
	switch len(o) {
	case 1:
		return asc(o[0], "id")
	case 2:
		return asc(o[0], "created_at") && asc(o[1], "id")
	}
	return false
}

// maxScan bounds the tickets one QueryTickets call of the streaming path
// reads: a selective filter gets a short page with a cursor rather than one
// unbounded call. A variable for tests.
var maxScan = 20_000

// QueryTickets implements ticketing.Driver. The mock evaluates every filter
// itself. In the default order (created_at ascending, then id), or in id
// order, it streams: it walks the State from the cursor (the last ticket
// id of the previous page) in key order, which is creation order, and stops
// after Limit matches, so a page costs memory for one page whatever the
// number of tickets. Any other order loads every matching ticket, sorts them
// and pages with the query's cursors (Bound.Encode): memory grows with the
// number of matches. Cursors of one kind are refused by the other.
func (d *driver) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	b := q.Query
	if b == nil {
		var err error
		if b, err = (&filter.Query{}).Bind(ticketing.TicketFields); err != nil {
			return nil, err
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = b.Limit()
	}
	limit = min(limit, ticketing.MaxTicketLimit)
	if streams(b) {
		return d.streamTickets(ctx, b, limit, q.Cursor)
	}
	return d.sortedTickets(ctx, b, limit, q.Cursor)
}

func badCursor() error {
	return errs.New(errs.InvalidQuery, "the cursor is not one of this query's: start again without a cursor")
}

func (d *driver) streamTickets(ctx context.Context, b *filter.Bound, limit int, cursor string) (*ticketing.Page[ticketing.Ticket], error) {
	after := ""
	if cursor != "" {
		if _, ok := parseID(TicketIDPrefix, cursor); !ok {
			return nil, badCursor()
		}
		after = prefixTicket + cursor
	}
	batch := min(max(limit+1, 64), providers.MaxStateList)
	page := &ticketing.Page[ticketing.Ticket]{Result: make([]*ticketing.Ticket, 0, limit)}
	scanned := 0
	for {
		entries, err := d.state.List(ctx, prefixTicket, after, batch)
		if err != nil {
			return nil, err
		}
		for i, e := range entries {
			t := new(ticketing.Ticket)
			if err := json.Unmarshal(e.Value, t); err != nil {
				return nil, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", e.Key)
			}
			scanned++
			if b.Match(t) {
				page.Result = append(page.Result, t)
			}
			more := i+1 < len(entries) || len(entries) == batch
			if (len(page.Result) == limit || scanned >= maxScan) && more {
				page.Next = t.ID
				return page, nil
			}
		}
		if len(entries) < batch {
			return page, nil
		}
		after = entries[len(entries)-1].Key
	}
}

func (d *driver) sortedTickets(ctx context.Context, b *filter.Bound, limit int, cursor string) (*ticketing.Page[ticketing.Ticket], error) {
	var start filter.Cursor
	if cursor != "" {
		c, ok, err := b.DecodeCursor(cursor)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, badCursor()
		}
		start = c
	}
	var all []*ticketing.Ticket
	after := ""
	for {
		entries, err := d.state.List(ctx, prefixTicket, after, providers.MaxStateList)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			t := new(ticketing.Ticket)
			if err := json.Unmarshal(e.Value, t); err != nil {
				return nil, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", e.Key)
			}
			if b.Match(t) {
				all = append(all, t)
			}
		}
		if len(entries) < providers.MaxStateList {
			break
		}
		after = entries[len(entries)-1].Key
	}
	filter.Sort(b, all)
	from := 0
	if start != nil {
		// all is sorted, so "after the cursor" holds from some index on.
		lo, hi := 0, len(all)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			ok, err := b.After(all[mid], start)
			if err != nil {
				return nil, err
			}
			if ok {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		from = lo
	}
	end := min(from+limit, len(all))
	page := &ticketing.Page[ticketing.Ticket]{Result: all[from:end:end]}
	if end < len(all) && end > from {
		page.Next = b.Encode(b.CursorOf(all[end-1]))
	}
	return page, nil
}
