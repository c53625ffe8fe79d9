package ticketingtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/patch"
)

// Markdown the suite writes: bold, code and two paragraphs, which every
// markdown converter keeps.
const (
	description1 = "Found **CVE-2026-0001** on `web-01`.\n\nPatch the host, then rotate its keys."
	description2 = "Patched **web-01**.\n\nKeys rotated; closing."
)

// checkTicket checks a ticket read back against the request that made it;
// see the package documentation for what is required and what tolerated.
func (e *env) checkTicket(where string, got *ticketing.Ticket, want ticketing.CreateTicketRequest, status string) {
	e.t.Helper()
	t := e.t
	if got.Summary != want.Summary {
		t.Errorf("%s: summary is %q, want %q (the summary must round-trip exactly)", where, got.Summary, want.Summary)
	}
	if got.Name == "" {
		t.Errorf("%s: name is empty; a provider without names uses the id or the ticket's number", where)
	}
	switch {
	case got.CreatedAt.IsZero():
		t.Errorf("%s: created_at is not set", where)
	case got.UpdatedAt.IsZero():
		t.Errorf("%s: updated_at is not set", where)
	case got.UpdatedAt.Before(got.CreatedAt):
		t.Errorf("%s: updated_at %s is before created_at %s", where, timeString(got.UpdatedAt), timeString(got.CreatedAt))
	}
	if status != "" && got.Status != status {
		t.Errorf("%s: status is %q, want %q", where, got.Status, status)
	}
	tolerated := func(field string) {
		t.Logf("%s: %s came back empty (tolerated: the provider does not keep it)", where, field)
	}
	same := func(field, got, want string) {
		switch {
		case want == "":
		case got == "":
			tolerated(field)
		case got != want:
			t.Errorf("%s: %s is %q, want %q", where, field, got, want)
		}
	}
	switch {
	case want.Description == "":
	case got.Description == "":
		tolerated("description")
	case normText(got.Description) != normText(want.Description):
		t.Errorf("%s: description is %q, want the markdown %q (spaces and line ends aside)", where, got.Description, want.Description)
	}
	same("priority", string(got.Priority), string(want.Priority))
	same("project", got.Project, want.Project)
	same("issue_type", got.IssueType, want.IssueType)
	switch {
	case len(want.Tags) == 0:
	case len(got.Tags) == 0:
		tolerated("tags")
	default:
		g, w := slices.Sorted(slices.Values(got.Tags)), slices.Sorted(slices.Values(want.Tags))
		if !slices.Equal(g, w) {
			t.Errorf("%s: tags are %q, want %q (in any order)", where, got.Tags, want.Tags)
		}
	}
	switch {
	case want.DueDate == nil:
	case got.DueDate == nil:
		tolerated("due_date")
	case got.DueDate.UTC().Format(time.DateOnly) != want.DueDate.UTC().Format(time.DateOnly):
		t.Errorf("%s: due_date is %s, want the date %s", where, timeString(*got.DueDate), want.DueDate.UTC().Format(time.DateOnly))
	}
}

// comparableJSON returns the JSON of t without its unmapped provider fields.
func comparableJSON(t *ticketing.Ticket) string {
	c := *t
	c.Unmapped = nil
	b, _ := json.Marshal(c)
	return string(b)
}

func testCreateGet(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpGetTicket)
	due := time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC)
	req := e.newTicket("conformance create alpha")
	req.Description = description1
	req.Priority = ticketing.PriorityHigh
	req.Tags = []string{"conformance", "alpha"}
	req.DueDate = &due
	created := e.create(req)
	if created.Summary != req.Summary {
		e.t.Errorf("CreateTicket returned summary %q, want %q", created.Summary, req.Summary)
	}
	got := e.get(created.ID)
	e.checkTicket("GetTicket after CreateTicket", got, req, e.h.OpenStatus)
	if again := e.get(created.ID); comparableJSON(again) != comparableJSON(got) {
		e.t.Errorf("two GetTicket(%q) calls without a change between them differ:\n%s\n%s", created.ID, comparableJSON(got), comparableJSON(again))
	}

	minimal := e.newTicket("conformance create bravo")
	other := e.create(minimal)
	if other.ID == created.ID {
		e.t.Fatalf("two CreateTicket calls returned the same id %q", other.ID)
	}
	e.checkTicket("GetTicket of a ticket with only a summary", e.get(other.ID), minimal, e.h.OpenStatus)
}

func testCustomFields(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpGetTicket)
	const key = "synqly_conformance"
	req := e.newTicket("conformance custom fields")
	req.CustomFields = map[string]any{key: "value-1"}
	created, err := e.c.CreateTicket(e.ctx, req)
	if errors.Is(err, errs.ErrInvalidInput) {
		e.t.Skipf("the driver refuses the unmapped custom field %q (tolerated): %v", key, err)
	}
	if err != nil {
		e.t.Fatalf("CreateTicket with custom_fields {%q: \"value-1\"}: %v", key, err)
	}
	got := e.get(created.ID)
	v, kept := got.CustomFields[key]
	if !kept {
		e.t.Skipf("GetTicket has no custom field %q (tolerated: the driver keeps only mapped fields); custom_fields = %v", key, got.CustomFields)
	}
	if v != "value-1" {
		e.t.Errorf("custom_fields[%q] is %#v, want \"value-1\"", key, v)
	}
	if !e.caps.Supports(ticketing.OpPatchTicket) {
		return
	}
	_, err = e.c.PatchTicket(e.ctx, created.ID, []patch.Operation{{Op: "replace", Path: "/custom_fields/" + key, Value: "value-2"}})
	if err != nil {
		e.t.Fatalf("PatchTicket replacing custom_fields/%s: %v", key, err)
	}
	if v := e.get(created.ID).CustomFields[key]; v != "value-2" {
		e.t.Errorf("after patching custom_fields/%s to \"value-2\", GetTicket reports %#v", key, v)
	}
}

func testQueryFilters(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpGetTicket, ticketing.OpQueryTickets)
	const scope = "conformance-filter"
	words := []string{"alpha", "bravo", "charlie", "delta"}
	prios := []ticketing.Priority{ticketing.PriorityHigh, ticketing.PriorityLow, ticketing.PriorityHigh, ticketing.PriorityLow}
	summary := func(i int) string { return scope + " " + words[i] }
	var all []string
	for i := range words {
		req := e.newTicket(summary(i))
		req.Priority = prios[i]
		all = append(all, e.create(req).ID)
	}
	done := ""
	if e.caps.Supports(ticketing.OpPatchTicket) && e.h.DoneStatus != "" {
		if _, err := e.c.PatchTicket(e.ctx, all[2], []patch.Operation{{Op: "add", Path: "/status", Value: e.h.DoneStatus}}); err != nil {
			e.t.Fatalf("PatchTicket(%s) setting status %q: %v", all[2], e.h.DoneStatus, err)
		}
		done = e.h.DoneStatus
	}
	fetched := make([]*ticketing.Ticket, len(all))
	for i, id := range all {
		fetched[i] = e.get(id)
	}
	scopeF := "summary[like]*" + scope + "*"

	// Query results must carry what GetTicket reports: the Connector filters
	// them in memory.
	res := e.tickets(ticketing.QueryTicketsRequest{Filter: []string{scopeF}})
	e.exactlyOnce("Tickets filtered by "+scopeF, res, all)
	for _, r := range res {
		i := slices.Index(all, r.ID)
		if i < 0 {
			continue
		}
		g := fetched[i]
		if r.Summary != g.Summary || r.Status != g.Status || r.Priority != g.Priority || !r.CreatedAt.Equal(g.CreatedAt) {
			e.t.Errorf("QueryTickets returns ticket %s with summary %q, status %q, priority %q, created_at %s; GetTicket with %q, %q, %q, %s: "+
				"query results must carry the same fields, since the Connector filters them in memory",
				r.ID, r.Summary, r.Status, r.Priority, timeString(r.CreatedAt), g.Summary, g.Status, g.Priority, timeString(g.CreatedAt))
		}
	}

	pick := func(is ...int) []string {
		out := []string{}
		for _, i := range is {
			out = append(out, all[i])
		}
		return out
	}
	first, last := fetched[0].CreatedAt, fetched[0].CreatedAt
	for _, t := range fetched {
		if t.CreatedAt.Before(first) {
			first = t.CreatedAt
		}
		if t.CreatedAt.After(last) {
			last = t.CreatedAt
		}
	}
	type filterCase struct {
		f      string
		intent []string // the tickets meant to match; nil when it depends on what the provider keeps
	}
	cases := []filterCase{
		{"summary[eq]" + summary(0), pick(0)},
		{"summary[ne]" + summary(0), pick(1, 2, 3)},
		{"summary[like]" + scope + " b*", pick(1)},
		{"summary[like]*HARLIE", pick(2)},
		{"summary[like]" + scope + " %elta", pick(3)},
		{"summary[not like]*alpha*", pick(1, 2, 3)},
		{"summary[in]" + summary(0) + "," + summary(3), pick(0, 3)},
		{"summary[not in]" + summary(0) + "," + summary(3), pick(1, 2)},
		{"priority[eq]HIGH", nil},
		{"priority[in]HIGH,LOW", nil},
		{"priority[ne]HIGH", nil},
		{"priority[not in]LOW", nil},
		{"created_at[gte]" + timeString(first), pick(0, 1, 2, 3)},
		{"created_at[lte]" + timeString(last), pick(0, 1, 2, 3)},
		{"created_at[gt]" + timeString(last), pick()},
		{"created_at[lt]" + timeString(first), pick()},
		{"created_at[gte]" + timeString(fetched[2].CreatedAt), nil},
		{"created_at[lt]2000-01-01T00:00:00Z", pick()},
		{"created_at[gt]2100-01-01T00:00:00Z", pick()},
		// The ends of RFC 3339's years, which no vendor's query language
		// writes: a driver must leave them to the in-memory match.
		{"created_at[gt]0000-01-01T00:00:00+01:00", pick(0, 1, 2, 3)},
		{"created_at[lt]9999-12-31T23:59:59.999999999Z", pick(0, 1, 2, 3)},
		{"created_at[gt]9999-12-31T23:59:59Z", pick()},
		{"created_at[lte]0001-01-01T00:00:00Z", pick()},
		{"due_date[lt]9999-12-31T00:00:00Z", nil},
	}
	if e.h.OpenStatus != "" {
		cases = append(cases, filterCase{"status[eq]" + e.h.OpenStatus, nil})
	}
	if done != "" {
		cases = append(cases,
			filterCase{"status[eq]" + done, pick(2)},
			filterCase{"status[ne]" + done, pick(0, 1, 3)},
			filterCase{"status[not in]" + done, pick(0, 1, 3)})
		if e.h.OpenStatus != "" {
			cases = append(cases, filterCase{"status[in]" + e.h.OpenStatus + "," + done, pick(0, 1, 2, 3)})
		}
	}
	for _, tc := range cases {
		q, err := filter.Parse(filter.Params{Filter: []string{scopeF, tc.f}})
		if err != nil {
			e.t.Fatalf("ticketingtest: filter %q: %v", tc.f, err)
		}
		b, err := q.Bind(ticketing.TicketFields)
		if err != nil {
			e.t.Fatalf("ticketingtest: filter %q: %v", tc.f, err)
		}
		want := []string{}
		for i, t := range fetched {
			if b.Match(t) {
				want = append(want, all[i])
			}
		}
		if tc.intent != nil && !slices.Equal(want, tc.intent) {
			e.t.Errorf("filter %q: as GetTicket reports them, tickets %v match, but %v were written to match", tc.f, want, tc.intent)
		}
		got := e.tickets(ticketing.QueryTicketsRequest{Filter: []string{scopeF, tc.f}, Limit: 3})
		e.exactlyOnce(fmt.Sprintf("Tickets filtered by %q", tc.f), got, want)
	}
}

// strictOrders are the fields whose order the suite checks: providers
// agree on how to sort them (the suite's summaries are lower-case ASCII).
var strictOrders = []string{"summary", "created_at", "updated_at", "due_date", "completion_date"}

// checkSorted checks that ts are sorted by field in direction dir, as
// package filter sorts, ties in any order.
func (e *env) checkSorted(what string, ts []*ticketing.Ticket, field string, dir filter.Direction) {
	e.t.Helper()
	fs := *ticketing.TicketFields
	fs.Tiebreak = ""
	q, err := filter.Parse(filter.Params{Order: []string{field + "[" + string(dir) + "]"}})
	if err != nil {
		e.t.Fatalf("ticketingtest: order %s: %v", field, err)
	}
	b, err := q.Bind(&fs)
	if err != nil {
		e.t.Fatalf("ticketingtest: order %s: %v", field, err)
	}
	for i := 1; i < len(ts); i++ {
		if b.Compare(ts[i-1], ts[i]) > 0 {
			v1, _ := ts[i-1].Field(field)
			v2, _ := ts[i].Field(field)
			e.t.Errorf("%s: ticket %s (%s %v) comes before ticket %s (%s %v), out of %s order; sequence %v",
				what, ts[i-1].ID, field, v1, ts[i].ID, field, v2, dir, ids(ts))
			return
		}
	}
}

func testQueryOrders(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpQueryTickets)
	const scope = "conformance-order"
	words := []string{"delta", "alpha", "echo", "charlie", "bravo"}
	base := time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)
	var all []string
	for i, w := range words {
		req := e.newTicket(scope + " " + w)
		req.Priority = []ticketing.Priority{ticketing.PriorityHigh, ticketing.PriorityLow}[i%2]
		due := base.AddDate(0, 0, (i*3)%len(words))
		req.DueDate = &due
		req.Description = "order " + w
		all = append(all, e.create(req).ID)
	}
	scopeF := "summary[like]*" + scope + "*"
	fields := slices.Clone(e.caps.Orders)
	if !slices.Contains(fields, "id") {
		fields = append(fields, "id") // the Connector always lets callers order by id
	}
	for _, field := range fields {
		if !orderable(field) {
			continue // reported by the Capabilities subtest
		}
		for _, dir := range []filter.Direction{filter.Asc, filter.Desc} {
			order := field + "[" + string(dir) + "]"
			what := "Tickets ordered by " + order + " in pages of 2"
			got := e.tickets(ticketing.QueryTicketsRequest{Filter: []string{scopeF}, Order: []string{order}, Limit: 2})
			e.exactlyOnce(what, got, all)
			if slices.Contains(strictOrders, field) {
				e.checkSorted(what, got, field, dir)
			}
		}
	}
}

func testPaging(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpQueryTickets)
	const scope = "conformance-paging"
	var all []string
	for i := 1; i <= 7; i++ {
		all = append(all, e.create(e.newTicket(fmt.Sprintf("%s %02d", scope, i))).ID)
	}
	scopeF := "summary[like]*" + scope + "*"
	for _, limit := range []int{1, 2, 3, 100} {
		what := fmt.Sprintf("Tickets in the default order, pages of %d", limit)
		got := e.tickets(ticketing.QueryTicketsRequest{Filter: []string{scopeF}, Limit: limit})
		e.exactlyOnce(what, got, all)
		e.checkSorted(what+" (the default order is created_at ascending)", got, "created_at", filter.Asc)
	}
	// One page at a time, as a UI would.
	var seen []*ticketing.Ticket
	cursor := ""
	for pages := 1; ; pages++ {
		p, err := e.c.QueryTickets(e.ctx, ticketing.QueryTicketsRequest{Filter: []string{scopeF}, Limit: 3, Cursor: cursor})
		if err != nil {
			e.t.Fatalf("QueryTickets page %d (cursor %q): %v", pages, cursor, err)
		}
		if len(p.Result) > 3 {
			e.t.Errorf("QueryTickets page %d holds %d tickets for limit 3", pages, len(p.Result))
		}
		seen = append(seen, p.Result...)
		if p.Next == "" {
			break
		}
		if pages > 100 {
			e.t.Fatalf("QueryTickets returned more than 100 pages of 3 for 7 tickets: its cursors never end")
		}
		cursor = p.Next
	}
	e.exactlyOnce("QueryTickets followed page by page (limit 3)", seen, all)
}

func testPatch(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpGetTicket, ticketing.OpPatchTicket)
	req := e.newTicket("conformance patch before")
	req.Description = description1
	req.Priority = ticketing.PriorityHigh
	created := e.create(req)
	before := e.get(created.ID)

	updates := func() int { return e.spy.snapshot()["UpdateTicket"] }
	ops := []patch.Operation{
		{Op: "replace", Path: "/summary", Value: "conformance patch after"},
		{Op: "add", Path: "/description", Value: description2},
		{Op: "add", Path: "/priority", Value: "LOW"},
	}
	if e.h.DoneStatus != "" {
		ops = append(ops, patch.Operation{Op: "add", Path: "/status", Value: e.h.DoneStatus})
	} else {
		e.t.Log("Harness.DoneStatus is empty: status changes are not checked")
	}
	n := updates()
	res, err := e.c.PatchTicket(e.ctx, created.ID, ops)
	if err != nil {
		e.t.Fatalf("PatchTicket(%s) of summary, description, priority and status: %v", created.ID, err)
	}
	if updates() != n+1 {
		e.t.Errorf("PatchTicket called driver.UpdateTicket %d times, want once", updates()-n)
	}
	if res.Summary != "conformance patch after" {
		e.t.Errorf("PatchTicket returned summary %q, want %q", res.Summary, "conformance patch after")
	}
	after := e.get(created.ID)
	want := e.newTicket("conformance patch after")
	want.Description, want.Priority = description2, ticketing.PriorityLow
	e.checkTicket("GetTicket after PatchTicket", after, want, e.h.DoneStatus)
	if !after.CreatedAt.Equal(before.CreatedAt) {
		e.t.Errorf("PatchTicket changed created_at from %s to %s", timeString(before.CreatedAt), timeString(after.CreatedAt))
	}
	if after.UpdatedAt.Before(before.UpdatedAt) {
		e.t.Errorf("PatchTicket moved updated_at back from %s to %s", timeString(before.UpdatedAt), timeString(after.UpdatedAt))
	}

	refused := []struct {
		what string
		ops  []patch.Operation
		want error
	}{
		{"a patch whose test operation fails", []patch.Operation{
			{Op: "test", Path: "/summary", Value: "not the summary"},
			{Op: "replace", Path: "/summary", Value: "conformance must not be written"},
		}, errs.ErrConflict},
		{"a patch of /id", []patch.Operation{{Op: "replace", Path: "/id", Value: "OTHER-1"}}, errs.ErrInvalidInput},
		{"a patch of /created_at", []patch.Operation{{Op: "replace", Path: "/created_at", Value: "2020-01-01T00:00:00Z"}}, errs.ErrInvalidInput},
		{"a patch to priority SEVERE", []patch.Operation{{Op: "add", Path: "/priority", Value: "SEVERE"}}, errs.ErrInvalidInput},
		{"a patch to an empty summary", []patch.Operation{{Op: "replace", Path: "/summary", Value: ""}}, errs.ErrInvalidInput},
		{"a patch of a field tickets do not have", []patch.Operation{{Op: "add", Path: "/no_such_field", Value: "x"}}, errs.ErrInvalidInput},
		{"an empty patch", nil, errs.ErrInvalidInput},
	}
	for _, tc := range refused {
		n := updates()
		_, err := e.c.PatchTicket(e.ctx, created.ID, tc.ops)
		e.expect("PatchTicket with "+tc.what, err, tc.want)
		if updates() != n {
			e.t.Errorf("PatchTicket with %s reached driver.UpdateTicket", tc.what)
		}
	}
	if now := e.get(created.ID); comparableJSON(now) != comparableJSON(after) {
		e.t.Errorf("refused patches changed the ticket:\nbefore %s\nafter  %s", comparableJSON(after), comparableJSON(now))
	}

	// A patch that changes nothing does not reach the driver.
	n = updates()
	if _, err := e.c.PatchTicket(e.ctx, created.ID, []patch.Operation{{Op: "replace", Path: "/summary", Value: "conformance patch after"}}); err != nil {
		e.t.Errorf("PatchTicket that changes nothing: %v", err)
	}
	if updates() != n {
		e.t.Errorf("PatchTicket that changes nothing reached driver.UpdateTicket")
	}
}

func testConcurrency(e *env) {
	e.need(ticketing.OpCreateTicket, ticketing.OpGetTicket)
	const (
		scope     = "conformance-concurrency"
		workers   = 8
		perWorker = 3
	)
	query := e.caps.Supports(ticketing.OpQueryTickets)
	scopeF := "summary[like]*" + scope + "*"
	var (
		mu      sync.Mutex
		created = map[string]string{} // id → summary
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				summary := fmt.Sprintf("%s worker %d item %d", scope, w, i)
				t, err := e.c.CreateTicket(e.ctx, e.newTicket(summary))
				if err != nil {
					e.t.Errorf("concurrent CreateTicket(%q): %v", summary, err)
					return
				}
				got, err := e.c.GetTicket(e.ctx, t.ID)
				if err != nil {
					e.t.Errorf("concurrent GetTicket(%q) of a ticket just created: %v", t.ID, err)
					return
				}
				if got.Summary != summary {
					e.t.Errorf("concurrent GetTicket(%q) returned summary %q, want %q", t.ID, got.Summary, summary)
				}
				mu.Lock()
				if prev, dup := created[t.ID]; dup {
					e.t.Errorf("concurrent CreateTicket calls returned the same id %q (for %q and %q)", t.ID, prev, summary)
				}
				created[t.ID] = summary
				mu.Unlock()
				if query {
					if _, err := e.c.QueryTickets(e.ctx, ticketing.QueryTicketsRequest{Filter: []string{scopeF}, Limit: 5}); err != nil {
						e.t.Errorf("concurrent QueryTickets: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	if e.t.Failed() {
		return
	}
	if len(created) != workers*perWorker {
		e.t.Fatalf("%d concurrent creates made %d distinct tickets", workers*perWorker, len(created))
	}
	if query {
		var all []string
		for id := range created {
			all = append(all, id)
		}
		slices.Sort(all)
		e.exactlyOnce("Tickets after concurrent creates", e.tickets(ticketing.QueryTicketsRequest{Filter: []string{scopeF}, Limit: 7}), all)
	}
}
