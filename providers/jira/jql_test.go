package jira

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

func TestJQLQuote(t *testing.T) {
	tests := map[string]string{
		`Open`:              `"Open"`,
		`In "Progress"`:     `"In \"Progress\""`,
		`back\slash`:        `"back\\slash"`,
		`\" OR 1=1 OR \"`:   `"\\\" OR 1=1 OR \\\""`,
		"line\nbreak\ttab":  `"line\nbreak\ttab"`,
		"bell\x07":          `"bell\u0007"`,
		"ünïcödé ✓":         `"ünïcödé ✓"`,
		"bad utf8 \xff end": "\"bad utf8 \uFFFD end\"",
		`it's`:              `"it's"`,
		``:                  `""`,
	}
	for in, want := range tests {
		assert.Equal(t, want, jqlQuote(in), "jqlQuote(%q)", in)
	}
}

// bound binds filters and orders as the Connector does.
func bound(t *testing.T, filters []string, order ...string) *filter.Bound {
	t.Helper()
	q, err := filter.Parse(filter.Params{Filter: filters, Order: order})
	require.NoError(t, err)
	b, err := q.Bind(ticketing.TicketFields)
	require.NoError(t, err)
	return b
}

func TestBuildJQL(t *testing.T) {
	f := jirafake.New(t)
	d := newDriver(t, f)
	ctx := context.Background()
	tests := []struct {
		filters []string
		order   []string
		want    string
	}{
		{nil, nil, `created >= "1970-01-01" ORDER BY created ASC, key ASC`},
		{[]string{"status[eq]Open"}, nil, `status = "Open" ORDER BY created ASC, key ASC`},
		{[]string{"status[in]To Do,Done"}, []string{"updated_at[desc]"}, `status in ("To Do", "Done") ORDER BY updated DESC, key DESC`},
		{[]string{"status[ne]Done"}, nil, `status not in ("Done") ORDER BY created ASC, key ASC`},
		// A name Jira does not spell that way excludes nothing in the model.
		{[]string{"status[ne]done"}, nil, `created >= "1970-01-01" ORDER BY created ASC, key ASC`},
		{[]string{"issue_type[eq]Bug", "project[eq]SEC"}, nil, `issuetype = "Bug" AND project = "SEC" ORDER BY created ASC, key ASC`},
		{[]string{"project[not in]SEC,sec"}, nil, `project not in ("SEC") ORDER BY created ASC, key ASC`},
		{[]string{"assignee[ne]557058:alice"}, nil, `(assignee not in ("557058:alice") OR assignee is EMPTY) ORDER BY created ASC, key ASC`},
		{[]string{"creator[eq]557058:bob"}, nil, `reporter = "557058:bob" ORDER BY created ASC, key ASC`},
		{[]string{"tags[in]cve,web"}, nil, `labels in ("cve", "web") ORDER BY created ASC, key ASC`},
		{[]string{"tags[ne]cve"}, nil, `created >= "1970-01-01" ORDER BY created ASC, key ASC`},
		{[]string{"priority[eq]URGENT"}, nil, `priority = "Highest" ORDER BY created ASC, key ASC`},
		{[]string{"priority[in]HIGH,PLANNING"}, nil, `priority in ("High", "Lowest") ORDER BY created ASC, key ASC`},
		{[]string{"priority[ne]MEDIUM"}, nil, `(priority not in ("Medium") OR priority is EMPTY) ORDER BY created ASC, key ASC`},
		{[]string{"id[in]SEC-1,SEC-2"}, nil, `key in ("SEC-1", "SEC-2") ORDER BY created ASC, key ASC`},
		{[]string{"created_at[gte]2026-01-10T12:30:45Z"}, nil, `created >= "2026-01-09 22:29" ORDER BY created ASC, key ASC`},
		{[]string{"updated_at[lt]2026-01-10T12:30:45Z"}, nil, `updated <= "2026-01-11 02:32" ORDER BY created ASC, key ASC`},
		{[]string{"due_date[eq]2026-01-10T00:00:00Z"}, nil, `duedate >= "2026-01-09" AND duedate <= "2026-01-11" ORDER BY created ASC, key ASC`},
		{[]string{"completion_date[gt]2026-01-10T00:00:00Z"}, nil, `resolutiondate >= "2026-01-09 09:59" ORDER BY created ASC, key ASC`},
		{[]string{"summary[like]*Disk full on web*"}, nil, `summary ~ "full" ORDER BY created ASC, key ASC`},
		{[]string{"description[like]CVE-2026-1234 (critical) patch*"}, nil, `description ~ "critical" ORDER BY created ASC, key ASC`},
		{[]string{"summary[not like]*x*", "contact[eq]bob"}, nil, `created >= "1970-01-01" ORDER BY created ASC, key ASC`},
		{nil, []string{"priority[desc]", "status", "id[desc]"}, `created >= "1970-01-01" ORDER BY priority DESC, status ASC, key DESC`},
		{nil, []string{"name", "due_date"}, `created >= "1970-01-01" ORDER BY key ASC`},
		{nil, []string{"summary[desc]", "project", "issue_type", "completion_date", "due_date", "created_at", "updated_at"},
			`created >= "1970-01-01" ORDER BY summary DESC, project ASC, issuetype ASC, resolutiondate ASC, duedate ASC, created ASC, key ASC`},
	}
	for _, tc := range tests {
		got := d.buildJQL(ctx, bound(t, tc.filters, tc.order...), nil)
		assert.False(t, got.empty, "%v", tc.filters)
		assert.Equal(t, tc.want, got.jql, "filters %v order %v", tc.filters, tc.order)
	}
	// Every built query parses in the fake.
	for _, q := range f.JQLs() {
		t.Log(q)
	}
}

func TestBuildJQLEmpty(t *testing.T) {
	f := jirafake.New(t)
	d := newDriver(t, f)
	for _, filters := range [][]string{
		{"id[eq]not-a-key"},
		{"name[in]sec-1,x"},
		{"priority[eq]MODERATE"}, // the default scheme has no priority reading back as MODERATE
	} {
		assert.True(t, d.buildJQL(context.Background(), bound(t, filters), nil).empty, "%v", filters)
	}
	// An empty result costs no search.
	c := connect(d)
	f.ResetRequests()
	p, err := c.QueryTickets(context.Background(), ticketing.QueryTicketsRequest{Filter: []string{"id[eq]nope"}})
	require.NoError(t, err)
	assert.Empty(t, p.Result)
	assert.Equal(t, 0, f.Count("", "/rest/api/3/search/jql"))
}

func TestLikeWords(t *testing.T) {
	tests := map[string][]string{
		"*Disk full on web*":         {"full"},
		"Disk full":                  {"disk", "full"},
		"*CVE-2026-1234*":            nil,
		"* CVE 2026 *":               {"cve", "2026"},
		"%lpha beta%":                nil,
		"the and (to) of":            nil,
		"foo.bar baz":                {"baz"},
		"a b":                        nil,
		"ünï code":                   {"code"},
		"w1 w2 w3 w4 w5 w6 w7 w8 w9": {"w1", "w2", "w3", "w4", "w5"},
	}
	for in, want := range tests {
		assert.Equal(t, want, likeWords(in), "likeWords(%q)", in)
	}
}

// TestJQLInjection checks that hostile filter values reach Jira as single
// string literals: the fake receives the intended JQL, reads the whole
// hostile value as one value of one clause, and nothing from outside the
// condition is returned.
func TestJQLInjection(t *testing.T) {
	ctx := context.Background()
	f, d, c := newConnector(t)
	_, err := f.AddIssue(jirafake.Issue{Project: "OPS", Summary: "secret ops ticket", Labels: []string{"x"}})
	require.NoError(t, err)
	hostile := []struct {
		field, jql, value string
	}{
		{"status", "status", `Open" OR project = "OPS`},
		{"status", "status", `x\" OR status is not EMPTY OR status = \"`},
		{"project", "project", `SEC") OR (project = "OPS`},
		{"assignee", "assignee", `') OR (project = OPS`},
		{"creator", "reporter", "x\" ORDER BY key\n AND \u0022"},
		{"issue_type", "issuetype", `Task" OR issuetype != "Task`},
	}
	for _, h := range hostile {
		f.ResetRequests()
		p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{h.field + "[eq]" + h.value}})
		require.NoError(t, err, h.value)
		assert.Empty(t, p.Result, "the hostile value %q selected tickets", h.value)
		jqls := f.JQLs()
		require.NotEmpty(t, jqls)
		want := h.jql + " = " + jqlQuote(h.value) + " ORDER BY created ASC, key ASC"
		assert.Equal(t, want, jqls[0])
		// The fake reads the whole value as the value of one clause.
		_, err = d.search(ctx, jqls[0], 10, "")
		ec, _ := jiraErrors(err)
		require.NotNil(t, ec, "the fake accepted %s", jqls[0])
		assert.Equal(t, []string{"The value '" + h.value + "' does not exist for the field '" + h.jql + "'."}, ec.ErrorMessages)
	}
	// Labels exist whatever their value: the query runs and finds nothing.
	f.ResetRequests()
	p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{`tags[eq]x"OR"project="OPS`}})
	require.NoError(t, err)
	assert.Empty(t, p.Result)
	assert.Equal(t, []string{`labels = "x\"OR\"project=\"OPS" ORDER BY created ASC, key ASC`}, f.JQLs())
}

// TestTimePushdownTimeZones checks that widened time conditions keep every
// matching ticket whatever the API user's time zone.
func TestTimePushdownTimeZones(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 10, 12, 30, 45, 0, time.UTC)
	for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skipf("time zone data unavailable: %v", err)
		}
		f, _, c := newConnector(t)
		f.SetTimeZone(loc)
		key, err := f.AddIssue(jirafake.Issue{Summary: "timed", Created: at, Updated: at, DueDate: "2026-01-10"})
		require.NoError(t, err)
		for _, flt := range []string{
			"created_at[eq]" + at.Format(time.RFC3339Nano),
			"created_at[gte]" + at.Format(time.RFC3339Nano),
			"created_at[lte]" + at.Format(time.RFC3339Nano),
			"updated_at[gt]" + at.Add(-time.Second).Format(time.RFC3339Nano),
			"updated_at[lt]" + at.Add(time.Second).Format(time.RFC3339Nano),
			"due_date[eq]2026-01-10T00:00:00Z",
			"due_date[gte]2026-01-10T00:00:00Z",
			"due_date[lt]2026-01-10T00:00:01Z",
		} {
			p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{flt}})
			require.NoError(t, err, flt)
			require.Len(t, p.Result, 1, "%s in %s", flt, zone)
			assert.Equal(t, key, p.Result[0].ID)
		}
	}
}

// TestQueryFallback checks that a value Jira says does not exist leaves
// its field to the in-memory filter.
func TestQueryFallback(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	_, err := f.AddIssue(jirafake.Issue{Summary: "a"})
	require.NoError(t, err)
	f.ResetRequests()
	p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[in]Nope,To Do", "issue_type[eq]Task"}})
	require.NoError(t, err)
	require.Len(t, p.Result, 1)
	assert.Equal(t, []string{
		`status in ("Nope", "To Do") AND issuetype = "Task" ORDER BY created ASC, key ASC`,
		`issuetype = "Task" ORDER BY created ASC, key ASC`,
	}, f.JQLs())

	// The fallback is kept in the cursor for the next pages.
	require.NoError(t, f.AddIssues(5, func(int) jirafake.Issue { return jirafake.Issue{Summary: "b"} }))
	var n int
	for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]Nope"}, Limit: 2}) {
		require.NoError(t, err)
		_ = tk
		n++
	}
	assert.Zero(t, n)
}

func TestQueryCursor(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	require.NoError(t, f.AddIssues(5, func(int) jirafake.Issue { return jirafake.Issue{Summary: "x"} }))
	p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2})
	require.NoError(t, err)
	require.NotEmpty(t, p.Next)

	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2, Cursor: "garbage"})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	// A cursor used with another query is refused.
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2, Cursor: p.Next, Filter: []string{"status[eq]Done"}})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	// A cursor cannot smuggle JQL or fields.
	forged := cursor{Token: "x", Exclude: []string{"status", "nope"}, Hash: "00"}.encode()
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2, Cursor: forged})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	assert.Equal(t, 0, f.Count(http.MethodGet, "/nothing"))
}

func TestQueryPriorityLegacyNames(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	require.NoError(t, f.AddPriority("Critical"))
	require.NoError(t, f.AddPriority("Major"))
	_, err := f.AddIssue(jirafake.Issue{Summary: "crit", Priority: "Critical"})
	require.NoError(t, err)
	_, err = f.AddIssue(jirafake.Issue{Summary: "major", Priority: "Major"})
	require.NoError(t, err)
	_, err = f.AddIssue(jirafake.Issue{Summary: "high", Priority: "High"})
	require.NoError(t, err)
	f.ResetRequests()
	p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"priority[eq]HIGH"}})
	require.NoError(t, err)
	assert.Len(t, p.Result, 2)
	p, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"priority[eq]CRITICAL"}})
	require.NoError(t, err)
	require.Len(t, p.Result, 1)
	assert.Equal(t, "crit", p.Result[0].Summary)
	assert.Contains(t, f.JQLs(), `priority in ("High", "Major") ORDER BY created ASC, key ASC`)
	// The site's priorities are fetched once and cached.
	assert.Equal(t, 1, f.Count(http.MethodGet, "/rest/api/3/priority"))
}
