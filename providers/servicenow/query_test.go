package servicenow

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// bind parses and binds filters and orders as the Connector does.
func bind(t *testing.T, filters, order []string) *filter.Bound {
	t.Helper()
	q, err := filter.Parse(filter.Params{Filter: filters, Order: order})
	if err != nil {
		t.Fatalf("parse %q %q: %v", filters, order, err)
	}
	b, err := q.Bind(ticketing.TicketFields)
	if err != nil {
		t.Fatalf("bind %q %q: %v", filters, order, err)
	}
	return b
}

const defaultOrder = "ORDERBYsys_created_on^ORDERBYsys_id"

func TestEncodeQuery(t *testing.T) {
	sys := "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		filter string
		want   string // the condition pushed down; "" for none
	}{
		{"summary[eq]Disk full", "short_description=Disk full"},
		{"summary[ne]Disk full", ""}, // ServiceNow's != ignores case: a subset
		{"summary[in]a,b c", "short_descriptionINa,b c"},
		{"summary[not in]a,b", ""},
		{"summary[like]*disk*", "short_descriptionLIKEdisk"},
		{"summary[like]disk*", "short_descriptionSTARTSWITHdisk"},
		{"summary[like]*disk", "short_descriptionENDSWITHdisk"},
		{"summary[like]disk", "short_description=disk"},
		{"summary[like]di%k*", "short_descriptionSTARTSWITHdi"},
		{"summary[like]*di%k*full*", "short_descriptionLIKEfull"},
		{"summary[like]* disk *", "short_descriptionLIKEdisk"},
		{"summary[like]disk full *", "short_descriptionSTARTSWITHdisk full"},
		{"summary[like]***", ""},
		{"summary[like]%", ""},
		{"summary[not like]*disk*", ""},
		{"summary[gt]m", ""},
		{"description[eq]x", "description=x"},
		{"assignee[eq]beth.anglin", "assigned_to.user_name=beth.anglin"},
		{"creator[in]a,b", "opened_by.user_nameINa,b"},
		{"contact[eq]c", "caller_id.user_name=c"},
		{"issue_type[eq]software", "category=software"},
		{"issue_type[ne]software", ""},
		{"id[eq]" + sys, "sys_id=" + sys},
		{"id[ne]" + sys, "sys_id!=" + sys},
		{"id[ne]" + strings.ToUpper(sys), ""},
		{"id[not in]" + sys + "," + sys, "sys_idNOT IN" + sys + "," + sys},
		{"project[ne]" + sys, "assignment_group!=" + sys + "^ORassignment_groupISEMPTY"},
		{"project[not in]" + sys, "assignment_groupNOT IN" + sys + "^ORassignment_groupISEMPTY"},
		{"name[ne]INC0010001", "number!=INC0010001"},
		{"name[ne]inc0010001", ""},
		{"priority[eq]HIGH", "priority=2"},
		{"priority[eq]URGENT", "priority=1"},
		{"priority[in]URGENT,CRITICAL,LOW", "priorityIN1,4"},
		{"priority[ne]CRITICAL", "priority!=1^ORpriorityISEMPTY"},
		{"priority[ne]URGENT", ""}, // never read back: excludes nothing
		{"priority[not in]URGENT,MEDIUM", ""},
		{"priority[not in]URGENT,HIGH,MODERATE", "priorityNOT IN2,3^ORpriorityISEMPTY"},
		{"priority[like]HI*", ""},
		{"status[eq]Resolved", "state=6"},
		{"status[eq]resolved", "state=6"},
		{"status[in]New,Closed,Bogus", "stateIN1,7"},
		{"status[eq]Bogus", ""},
		{"status[ne]Resolved", "state!=6^ORstateISEMPTY"},
		{"status[ne]resolved", ""},
		{"status[ne]10", "state!=10^ORstateISEMPTY"},
		{"status[not in]New,Bogus", "state!=1^ORstateISEMPTY"},
		{"created_at[gt]2024-05-01T10:00:00Z", "sys_created_on>2024-05-01 10:00:00"},
		{"created_at[gt]2024-05-01T10:00:00.5Z", "sys_created_on>2024-05-01 10:00:00"},
		{"created_at[gte]2024-05-01T10:00:00.5Z", "sys_created_on>=2024-05-01 10:00:00"},
		{"created_at[lt]2024-05-01T10:00:00.5Z", "sys_created_on<2024-05-01 10:00:01"},
		{"created_at[lte]2024-05-01T12:00:00+02:00", "sys_created_on<=2024-05-01 10:00:00"},
		{"created_at[eq]2024-05-01T10:00:00Z", "sys_created_on=2024-05-01 10:00:00"},
		{"created_at[eq]2024-05-01T10:00:00.1Z", ""},
		{"created_at[ne]2024-05-01T10:00:00Z", ""},
		{"updated_at[gte]2024-05-01T10:00:00Z", "sys_updated_on>=2024-05-01 10:00:00"},
		{"due_date[lt]2024-05-01T10:00:00Z", "due_date<2024-05-01 10:00:00"},
		{"completion_date[gt]2024-05-01T10:00:00Z", "resolved_at>2024-05-01 10:00:00"},
		{"tags[eq]x", ""},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			got, err := encodeQuery(bind(t, []string{tc.filter}, nil))
			if err != nil {
				t.Fatal(err)
			}
			want := defaultOrder
			if tc.want != "" {
				want = tc.want + "^" + defaultOrder
			}
			if got != want {
				t.Errorf("encodeQuery(%q) = %q, want %q", tc.filter, got, want)
			}
		})
	}
}

func TestEncodeQueryOrder(t *testing.T) {
	for _, tc := range []struct {
		order []string
		want  string
	}{
		{nil, defaultOrder},
		{[]string{"created_at[desc]"}, "ORDERBYDESCsys_created_on^ORDERBYDESCsys_id"},
		{[]string{"due_date", "name[desc]"}, "ORDERBYdue_date^ORDERBYDESCnumber^ORDERBYDESCsys_id"},
		{[]string{"completion_date[asc]", "id[desc]"}, "ORDERBYresolved_at^ORDERBYDESCsys_id"},
		{[]string{"updated_at"}, "ORDERBYsys_updated_on^ORDERBYsys_id"},
	} {
		got, err := encodeQuery(bind(t, nil, tc.order))
		if err != nil || got != tc.want {
			t.Errorf("encodeQuery(order %q) = %q, %v; want %q", tc.order, got, err, tc.want)
		}
	}
	if _, err := encodeQuery(bind(t, nil, []string{"summary"})); !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("order by summary: want ErrUnsupported, got %v", err)
	}
	if got, err := encodeQuery(nil); err != nil || got != defaultOrder {
		t.Errorf("encodeQuery(nil) = %q, %v", got, err)
	}
}

// hostile are values that would change an encoded query if sent as they
// are.
var hostile = []string{
	"x^ORDERBYDESCsys_id",
	"x^NQactive=true",
	"x^ORshort_descriptionISNOTEMPTY",
	"^",
	"line\nbreak",
	"carriage\rreturn",
	"tab\there",
	"javascript:gs.getUserID()",
	"JavaScript:gs.sleep(10000)",
	"a\u2028b",
	" leading",
	"trailing ",
}

func TestEncodeQueryNeverSendsHostileValues(t *testing.T) {
	for _, v := range hostile {
		for _, f := range []string{
			"summary[eq]" + v, "summary[in]ok," + v, "summary[like]*" + v + "*", "summary[like]" + v + "*",
			"summary[like]*" + v, "summary[like]" + v, "assignee[eq]" + v, "description[in]" + v,
			"name[ne]" + v, "id[not in]" + v, "issue_type[eq]" + v,
		} {
			q, err := filter.Parse(filter.Params{Filter: []string{f}})
			if err != nil {
				continue // refused by the query language already
			}
			b, err := q.Bind(ticketing.TicketFields)
			if err != nil {
				continue
			}
			got, err := encodeQuery(b)
			if err != nil {
				t.Fatalf("encodeQuery(%q): %v", f, err)
			}
			checkShape(t, f, got)
		}
	}
}

// checkShape checks that an encoded query is at most one condition of
// ours (with the ^OR<col>ISEMPTY of a negation) and the default order:
// whatever a filter value held, it added no condition, no OR, no order and
// nothing a condition cannot hold.
func checkShape(t *testing.T, flt, q string) {
	t.Helper()
	parts := strings.Split(q, "^")
	n := len(parts)
	if n < 2 || parts[n-2] != "ORDERBYsys_created_on" || parts[n-1] != "ORDERBYsys_id" {
		t.Errorf("filter %q gave sysparm_query %q: the order is not ours", flt, q)
		return
	}
	conds := parts[:n-2]
	switch {
	case len(conds) > 2:
		t.Errorf("filter %q gave sysparm_query %q: more conditions than one filter makes", flt, q)
	case len(conds) == 2 && !(strings.HasPrefix(conds[1], "OR") && strings.HasSuffix(conds[1], "ISEMPTY")):
		t.Errorf("filter %q gave sysparm_query %q: an injected condition", flt, q)
	}
	for _, c := range conds {
		if strings.ContainsAny(c, "\r\n\t\u2028") || strings.Contains(strings.ToLower(c), "javascript:") ||
			strings.HasPrefix(c, "NQ") || strings.HasPrefix(c, "ORDERBY") || c != strings.TrimSpace(c) || c == "" {
			t.Errorf("filter %q gave sysparm_query %q: condition %q carries a hostile value", flt, q, c)
		}
	}
}

// TestHostileValuesThroughTheFake sends hostile filters through the
// Connector to the fake: the query the fake receives is only the safe
// conditions, and the in-memory filter still finds the ticket whose
// summary holds the hostile value.
func TestHostileValuesThroughTheFake(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	ctx := t.Context()
	var ids []string
	for _, v := range hostile {
		tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "hostile " + v})
		if err != nil {
			t.Fatalf("CreateTicket(%q): %v", v, err)
		}
		ids = append(ids, tk.ID)
	}
	if _, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "decoy"}); err != nil {
		t.Fatal(err)
	}
	for i, v := range hostile {
		for _, flt := range []string{"summary[eq]hostile " + v, "summary[like]*" + v, "summary[in]hostile " + v + ",nothing"} {
			f.ResetRequests()
			var got []string
			for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{flt}}) {
				if err != nil {
					t.Fatalf("AllTickets(%q): %v", flt, err)
				}
				got = append(got, tk.ID)
			}
			if !slices.Equal(got, ids[i:i+1]) {
				t.Errorf("AllTickets(%q) = %v, want just %s", flt, got, ids[i])
			}
			for _, q := range f.Queries() {
				checkShape(t, flt, q)
			}
		}
	}
}

// TestPushdownIsExact checks, over random tickets and filters, that the
// Connector's results (the fake evaluating the pushed-down query, then the
// in-memory filter) are exactly the tickets the filter matches in memory.
// A pushed-down condition that selected less than its filter would lose
// tickets here.
func TestPushdownIsExact(t *testing.T) {
	f := newFake(t)
	d := openDriver(t, f, modeBasic)
	c := connector(d)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Disk", "disk", "DISK", "full", "Über", "über", "net work", "a_b", "50%", "x,y"}
	users := []string{snowfake.UserBeth, snowfake.UserDavid, ""}
	groups := []string{snowfake.GroupServiceDesk, snowfake.GroupNetwork, ""}
	cats := []string{snowfake.CategorySoftware, snowfake.CategoryNetwork, "Software", ""}
	statuses := []string{"New", "In Progress", "On Hold", "Resolved", "Canceled"}
	var all []*ticketing.Ticket
	for i := range 40 {
		summary := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		if i%7 == 0 {
			summary = strings.ToUpper(summary)
		}
		due := time.Date(2030, 1, 1+rng.IntN(5), rng.IntN(24), 0, 0, 0, time.UTC)
		req := ticketing.CreateTicketRequest{Summary: summary, Priority: ticketing.Priorities[rng.IntN(len(ticketing.Priorities))],
			Assignee: users[rng.IntN(len(users))], Project: groups[rng.IntN(len(groups))], IssueType: cats[rng.IntN(len(cats))],
			Status: statuses[rng.IntN(len(statuses))]}
		if rng.IntN(2) == 0 {
			req.DueDate = &due
		}
		if rng.IntN(3) == 0 {
			req.Description = "about " + words[rng.IntN(len(words))]
		}
		if _, err := c.CreateTicket(ctx, req); err != nil {
			t.Fatalf("CreateTicket: %v", err)
		}
	}
	for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, tk)
	}
	if len(all) != 40 {
		t.Fatalf("listed %d tickets, want 40", len(all))
	}
	ops := []string{"eq", "ne", "in", "not in", "like", "not like"}
	values := func() string {
		switch rng.IntN(6) {
		case 0:
			return words[rng.IntN(len(words))]
		case 1:
			return "*" + words[rng.IntN(len(words))] + "*"
		case 2:
			return strings.ToLower(words[rng.IntN(len(words))]) + "*"
		case 3:
			return "*" + words[rng.IntN(len(words))]
		case 4:
			return all[rng.IntN(len(all))].Summary
		}
		return "%" + words[rng.IntN(len(words))][1:] + "*"
	}
	var filters []string
	for range 150 {
		op := ops[rng.IntN(len(ops))]
		switch rng.IntN(9) {
		case 0, 1:
			filters = append(filters, "summary["+op+"]"+values())
		case 2:
			filters = append(filters, "description["+op+"]"+values())
		case 3:
			filters = append(filters, "assignee["+op+"]"+users[rng.IntN(len(users))]+"x"[:rng.IntN(2)])
		case 4:
			filters = append(filters, "project["+op+"]"+groups[rng.IntN(2)])
		case 5:
			filters = append(filters, "issue_type["+op+"]"+cats[rng.IntN(3)])
		case 6:
			filters = append(filters, "priority["+[]string{"eq", "ne", "in", "not in"}[rng.IntN(4)]+"]"+
				string(ticketing.Priorities[rng.IntN(len(ticketing.Priorities))]))
		case 7:
			filters = append(filters, "status["+[]string{"eq", "ne", "in", "not in"}[rng.IntN(4)]+"]"+statuses[rng.IntN(len(statuses))])
		case 8:
			tm := all[rng.IntN(len(all))].CreatedAt.Add(time.Duration(rng.IntN(3)-1) * 500 * time.Millisecond)
			field := []string{"created_at", "due_date", "updated_at"}[rng.IntN(3)]
			if field == "due_date" {
				tm = time.Date(2030, 1, 1+rng.IntN(5), rng.IntN(24), 0, 0, 0, time.UTC)
			}
			filters = append(filters, field+"["+[]string{"gt", "gte", "lt", "lte", "eq"}[rng.IntN(5)]+"]"+tm.Format(time.RFC3339Nano))
		}
	}
	for _, flt := range filters {
		q, err := filter.Parse(filter.Params{Filter: []string{flt}})
		if err != nil {
			continue
		}
		b, err := q.Bind(ticketing.TicketFields)
		if err != nil {
			continue
		}
		var want, got []string
		for _, tk := range all {
			if b.Match(tk) {
				want = append(want, tk.ID)
			}
		}
		for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{flt}, Limit: 7}) {
			if err != nil {
				t.Fatalf("AllTickets(%q): %v", flt, err)
			}
			got = append(got, tk.ID)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			enc, _ := encodeQuery(b)
			t.Errorf("AllTickets(%q) (sysparm_query %q) = %d tickets, want %d:\n got  %v\n want %v", flt, enc, len(got), len(want), got, want)
		}
	}
}

func TestCursor(t *testing.T) {
	for _, s := range []string{"x", "-1", "01", "1e3", " 5", fmt.Sprint(maxOffset + 1)} {
		if _, err := parseCursor(s); !errors.Is(err, errs.ErrInvalidQuery) {
			t.Errorf("parseCursor(%q): want ErrInvalidQuery, got %v", s, err)
		}
	}
	if n, err := parseCursor("40"); n != 40 || err != nil {
		t.Errorf("parseCursor(40) = %d, %v", n, err)
	}
	for _, tc := range []struct {
		offset, n, limit, total int
		want                    string
	}{
		{0, 10, 10, 25, "10"}, {20, 5, 10, 25, ""}, {10, 10, 10, 20, ""}, {0, 10, 10, -1, "10"}, {0, 3, 10, -1, ""}, {0, 0, 10, 5, ""},
	} {
		if got := nextCursor(tc.offset, tc.n, tc.limit, tc.total); got != tc.want {
			t.Errorf("nextCursor(%d, %d, %d, %d) = %q, want %q", tc.offset, tc.n, tc.limit, tc.total, got, tc.want)
		}
	}
}

func TestEncodeQuerySizeBudget(t *testing.T) {
	vals := make([]string, 300)
	for i := range vals {
		vals[i] = fmt.Sprintf("summary-%04d", i)
	}
	list := strings.Join(vals, ",")
	got, err := encodeQuery(bind(t, []string{"summary[in]" + list, "description[in]" + list, "status[eq]New"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	// The second list would take the query past the budget: it is left
	// to the in-memory filter, the rest is pushed down.
	if want := "short_descriptionIN" + list + "^state=1^" + defaultOrder; got != want {
		t.Errorf("encodeQuery with two 3.9 KB in-lists = %.80q..., want the first list and the status only", got)
	}
}

// FuzzEncodeQuery checks that no filter value, however hostile, breaks the
// shape of the encoded query: one condition per filter at most, the
// default order last, nothing a value could inject.
func FuzzEncodeQuery(f *testing.F) {
	for _, s := range []string{"summary[eq]x", "summary[like]*a^b*", "assignee[in]a,b^NQx", "name[ne]INC1\n", "id[not in]x",
		"status[in]New,Resolved", "priority[ne]HIGH", "created_at[gt]2024-01-01T00:00:00.5Z", "description[like]%a*b%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, flt string) {
		q, err := filter.Parse(filter.Params{Filter: []string{flt}})
		if err != nil {
			return
		}
		b, err := q.Bind(ticketing.TicketFields)
		if err != nil {
			return
		}
		got, err := encodeQuery(b)
		if err != nil {
			t.Fatalf("encodeQuery(%q): %v", flt, err)
		}
		checkShape(t, flt, got)
	})
}
