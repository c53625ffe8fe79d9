package mock_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func harness(open func(t *testing.T) ticketing.Driver) ticketingtest.Harness {
	return ticketingtest.Harness{
		Registration: mock.Ticketing,
		Open:         open,
		Project:      "SEC",
		IssueType:    "Task",
		Creator:      "analyst@example.com",
		OpenStatus:   mock.DefaultStatus,
		DoneStatus:   "Done",
	}
}

func TestConformance(t *testing.T) {
	ticketingtest.Run(t, harness(func(*testing.T) ticketing.Driver {
		return newTicketing(providers.NewMemoryState(), nil, nil)
	}))
}

// TestConformanceFixedClock runs the suite with a clock that never moves:
// every ticket has the same created_at, so ordering and paging rest on the
// id tiebreak.
func TestConformanceFixedClock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ticketingtest.Run(t, harness(func(*testing.T) ticketing.Driver {
		return newTicketing(providers.NewMemoryState(), nil, func() time.Time { return at })
	}))
}

// TestConformanceMapped runs the suite with custom_field_mappings, which
// make the mock refuse unmapped custom fields.
func TestConformanceMapped(t *testing.T) {
	cfg := &mock.TicketingConfig{CustomFieldMappings: []providers.CustomFieldMapping{
		{Name: "severity", ProjectID: "*", ProviderFieldPath: "fields.severity"},
	}}
	ticketingtest.Run(t, harness(func(*testing.T) ticketing.Driver {
		return newTicketing(providers.NewMemoryState(), cfg, nil)
	}))
}

// TestConformanceRegistry opens the driver through the provider registry,
// as the management plane does.
func TestConformanceRegistry(t *testing.T) {
	p, ok := providers.Lookup(mock.TicketingID)
	require.True(t, ok)
	require.NotNil(t, p.Open)
	ticketingtest.Run(t, harness(func(t *testing.T) ticketing.Driver {
		d, err := p.Open(t.Context(), providers.OpenRequest{IntegrationID: "int-1", Config: &mock.TicketingConfig{}, State: providers.NewMemoryState()})
		require.NoError(t, err)
		td, ok := d.(ticketing.Driver)
		require.True(t, ok, "Open returned %T", d)
		return td
	}))
}

func TestRegistration(t *testing.T) {
	p, ok := providers.Lookup(mock.TicketingID)
	require.True(t, ok)
	assert.Equal(t, providers.Ticketing, p.Category)
	var want []string
	for _, op := range ticketing.Operations {
		want = append(want, string(op))
	}
	assert.Equal(t, want, p.Operations)

	ctx := t.Context()
	// No State: a fresh memory State. No config: the defaults.
	d, err := p.Open(ctx, providers.OpenRequest{})
	require.NoError(t, err)
	assert.Implements(t, (*ticketing.Driver)(nil), d)
	d, err = p.Open(ctx, providers.OpenRequest{Config: (*mock.TicketingConfig)(nil)})
	require.NoError(t, err)
	assert.NotNil(t, d)

	_, err = p.Open(ctx, providers.OpenRequest{Config: &mock.TicketingConfig{CustomFieldMappings: []providers.CustomFieldMapping{{Name: "x"}}}})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = p.Open(ctx, providers.OpenRequest{Config: otherConfig{}})
	assert.ErrorIs(t, err, errs.ErrInternal)
}

type otherConfig struct{ providers.Config }

func TestRestart(t *testing.T) {
	ctx := t.Context()
	state := providers.NewMemoryState()
	first := connect(newTicketing(state, nil, nil))
	var ids []string
	for i := range 5 {
		tk, err := first.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("before restart %d", i), Project: "OPS"})
		require.NoError(t, err)
		ids = append(ids, tk.ID)
	}
	_, err := first.CreateComment(ctx, ids[0], ticketing.CreateCommentRequest{Content: "kept"})
	require.NoError(t, err)
	_, err = first.CreateAttachment(ctx, ids[1], ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("bytes")})
	require.NoError(t, err)

	second := connect(newTicketing(state, nil, nil))
	var seen []string
	for tk, err := range second.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2}) {
		require.NoError(t, err)
		seen = append(seen, tk.ID)
	}
	assert.Equal(t, ids, seen)
	tk, err := second.GetTicket(ctx, ids[3])
	require.NoError(t, err)
	assert.Equal(t, "before restart 3", tk.Summary)
	comments, err := second.ListComments(ctx, ids[0], ticketing.ListRequest{})
	require.NoError(t, err)
	require.Len(t, comments.Result, 1)
	assert.Equal(t, "kept", comments.Result[0].Content)
	a, err := second.DownloadAttachment(ctx, ids[1], "A-00000001")
	require.NoError(t, err)
	assert.Equal(t, []byte("bytes"), a.Content)

	// The counters survive too: the next ticket continues the sequence.
	next, err := second.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "after restart"})
	require.NoError(t, err)
	assert.Equal(t, "MOCK-00000006", next.ID)
}

func TestIterateMany(t *testing.T) {
	const n = 5000
	ctx := t.Context()
	state := providers.NewMemoryState()
	d := newTicketing(state, nil, nil)
	for i := range n {
		_, err := d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("ticket %d", i)})
		require.NoError(t, err)
	}
	c := connect(d)
	for _, limit := range []int{0, 7, ticketing.MaxTicketLimit} {
		seen := make(map[string]bool, n)
		prev := ""
		for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: limit}) {
			require.NoError(t, err)
			require.False(t, seen[tk.ID], "ticket %s visited twice", tk.ID)
			require.Greater(t, tk.ID, prev, "tickets out of creation order")
			seen[tk.ID], prev = true, tk.ID
		}
		assert.Len(t, seen, n, "limit %d", limit)
	}
}

func TestIDsAndNames(t *testing.T) {
	ctx := t.Context()
	d := newTicketing(nil, nil, nil)
	tk, err := d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "no name"})
	require.NoError(t, err)
	assert.Equal(t, "MOCK-00000001", tk.ID)
	assert.Equal(t, "MOCK-1", tk.Name)
	assert.Equal(t, mock.DefaultStatus, tk.Status)

	c := connect(d)
	tk, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "through the Connector"})
	require.NoError(t, err)
	assert.Equal(t, "MOCK-00000002", tk.ID)
	assert.Equal(t, "MOCK-2", tk.Name, "the Connector leaves naming to the provider")
	tk, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Name: "given"})
	require.NoError(t, err)
	assert.Equal(t, "given", tk.Name)

	for _, id := range []string{"MOCK-1", "MOCK-0000000x", "MOCK-00000000", "mock-00000001", "C-00000001", "MOCK-000000001", "ünïcode"} {
		_, err := d.GetTicket(ctx, id)
		assert.ErrorIs(t, err, errs.ErrNotFound, id)
	}
}

func TestClockAndCompletion(t *testing.T) {
	ctx := t.Context()
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	set(t0)
	c := connect(newTicketing(nil, nil, func() time.Time { return *now.Load() }))

	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "clock"})
	require.NoError(t, err)
	assert.Equal(t, t0, tk.CreatedAt)
	assert.Nil(t, tk.CompletionDate)

	// The clock going back does not make created_at go back.
	set(t0.Add(-time.Hour))
	tk2, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "clock went back"})
	require.NoError(t, err)
	assert.Equal(t, t0, tk2.CreatedAt)

	t1 := t0.Add(time.Hour)
	set(t1)
	done, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "resolved"}})
	require.NoError(t, err)
	require.NotNil(t, done.CompletionDate)
	assert.Equal(t, t1, *done.CompletionDate)
	assert.Equal(t, t1, done.UpdatedAt)
	assert.Equal(t, t0, done.CreatedAt)

	// Done to Closed keeps the completion date; back to Open clears it.
	set(t1.Add(time.Hour))
	closed, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "Closed"}})
	require.NoError(t, err)
	assert.Equal(t, t1, *closed.CompletionDate)
	reopened, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "Open"}})
	require.NoError(t, err)
	assert.Nil(t, reopened.CompletionDate)

	// A completion date set with the status wins.
	when := time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)
	explicit, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "replace", Path: "/status", Value: "Done"},
		{Op: "add", Path: "/completion_date", Value: when.Format(time.RFC3339)},
	})
	require.NoError(t, err)
	assert.Equal(t, when, *explicit.CompletionDate)

	created, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "born done", Status: "Done"})
	require.NoError(t, err)
	require.NotNil(t, created.CompletionDate)
	assert.Equal(t, created.CreatedAt, *created.CompletionDate)
}

func TestCustomFieldMappings(t *testing.T) {
	ctx := t.Context()
	cfg := &mock.TicketingConfig{CustomFieldMappings: []providers.CustomFieldMapping{
		{Name: "severity", ProjectID: "*", ProviderFieldPath: "fields.severity"},
		{Name: "asset", ProjectID: "SEC", ProviderFieldPath: "fields.asset_id"},
	}}
	c := connect(newTicketing(nil, cfg, nil))

	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "mapped", Project: "SEC",
		CustomFields: map[string]any{"severity": 7, "asset": map[string]any{"host": "web-01"}}})
	require.NoError(t, err)
	got, err := c.GetTicket(ctx, tk.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"severity": float64(7), "asset": map[string]any{"host": "web-01"}}, got.CustomFields)

	// asset is mapped for SEC only.
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "unmapped", Project: "OPS",
		CustomFields: map[string]any{"asset": "x"}})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/project", Value: "OPS"}})
	assert.ErrorIs(t, err, errs.ErrInvalidInput, "moving a ticket to a project where its custom fields are not mapped")
	_, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "add", Path: "/custom_fields/unknown", Value: 1}})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)

	fields, err := c.ListRemoteFields(ctx)
	require.NoError(t, err)
	var custom []ticketing.RemoteField
	for _, f := range fields {
		if f.FieldScope != ticketing.ScopeStandard {
			custom = append(custom, f)
		}
	}
	require.Len(t, custom, 2)
	assert.Equal(t, ticketing.ScopeIntegrationCustom, custom[0].FieldScope)
	assert.Equal(t, "fields.severity", custom[0].FieldID)
	assert.Equal(t, "severity", custom[0].ProviderFieldName)
	assert.Equal(t, ticketing.ScopeProjectCustom, custom[1].FieldScope)
	assert.Equal(t, "SEC", custom[1].ProjectID)

	// Without mappings anything goes, within limits.
	free := connect(newTicketing(nil, nil, nil))
	_, err = free.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "free", CustomFields: map[string]any{"anything": true}})
	require.NoError(t, err)
	_, err = free.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "not JSON", CustomFields: map[string]any{"f": func() {}}})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = free.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "empty key", CustomFields: map[string]any{"": 1}})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
}

func TestCatalogAndValidation(t *testing.T) {
	ctx := t.Context()
	c := connect(newTicketing(nil, nil, nil))
	var projects []string
	for p, err := range c.AllProjects(ctx) {
		require.NoError(t, err)
		projects = append(projects, p.ID+" "+p.Name)
	}
	assert.Equal(t, []string{"IT IT Service Desk", "OPS Operations", "SEC Security"}, projects)

	its, err := c.ListIssueTypes(ctx, "OPS")
	require.NoError(t, err)
	assert.Len(t, its, 3)
	assert.Equal(t, "OPS", its[0].Project)
	_, err = c.ListIssueTypes(ctx, "NOPE")
	assert.ErrorIs(t, err, errs.ErrNotFound)

	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x", Project: "NOPE"})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x", IssueType: "Epic"})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)

	policies, err := c.QueryEscalationPolicies(ctx, ticketing.ListRequest{})
	require.NoError(t, err)
	require.Len(t, policies.Result, 2)
	assert.Empty(t, policies.Next)
	agents, err := c.ListOnCall(ctx, "EP-SEC")
	require.NoError(t, err)
	assert.Equal(t, []string{"Ada Lovelace", "Alan Turing"}, []string{agents[0].FullName, agents[1].FullName})
	// Agent actors carry the full agent; the catalog is not shared with callers.
	actor := policies.Result[1].Rules[0].Actors[0]
	require.NotNil(t, actor.Agent)
	actor.Agent.FullName = "changed"
	again, err := c.QueryEscalationPolicies(ctx, ticketing.ListRequest{})
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", again.Result[1].Rules[0].Actors[0].Agent.FullName)
}

func TestCursors(t *testing.T) {
	ctx := t.Context()
	d := newTicketing(nil, nil, nil)
	c := connect(d)
	for i := range 5 {
		_, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: fmt.Sprintf("t%d", i)})
		require.NoError(t, err)
	}
	p, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, "MOCK-00000002", p.Next, "the default order's cursor is the last id")
	// A cursor of one order is refused by another, and garbage is refused.
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2, Order: []string{"summary"}, Cursor: p.Next})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	sorted, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2, Order: []string{"summary[desc]"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"t4", "t3"}, []string{sorted.Result[0].Summary, sorted.Result[1].Summary})
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 2, Cursor: sorted.Next})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Order: []string{"priority"}, Cursor: "c1.garbage"})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	_, err = c.ListComments(ctx, "MOCK-00000001", ticketing.ListRequest{Cursor: "nope"})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
	_, err = c.ListProjects(ctx, ticketing.ListRequest{Cursor: "nope"})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)

	// The last page of an exactly full listing is empty, with no cursor.
	p, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Limit: 5})
	require.NoError(t, err)
	assert.Len(t, p.Result, 5)
	assert.Empty(t, p.Next)

	// A driver used without the Connector copes with a missing query.
	raw, err := d.QueryTickets(ctx, ticketing.TicketQuery{})
	require.NoError(t, err)
	assert.Len(t, raw.Result, 5)
}

// TestSelectiveFilterShortPages checks that a filter matching little makes
// bounded pages rather than one unbounded scan.
func TestSelectiveFilterShortPages(t *testing.T) {
	ctx := t.Context()
	t.Cleanup(mock.SetMaxScan(100))
	d := newTicketing(nil, nil, nil)
	const n = 1000
	for i := range n {
		req := ticketing.CreateTicketRequest{Summary: "noise"}
		if i == n-1 {
			req.Summary = "needle"
		}
		_, err := d.CreateTicket(ctx, req)
		require.NoError(t, err)
	}
	c := connect(d)
	first, err := c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"summary[eq]needle"}})
	require.NoError(t, err)
	assert.Empty(t, first.Result)
	assert.NotEmpty(t, first.Next, "a scan that reads its bound returns a cursor")
	var found []string
	for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"summary[eq]needle"}}) {
		require.NoError(t, err)
		found = append(found, tk.ID)
	}
	assert.Equal(t, []string{fmt.Sprintf("MOCK-%08d", n)}, found)
}

func TestNilContextAndCorruptState(t *testing.T) {
	state := providers.NewMemoryState()
	d := newTicketing(state, nil, nil)
	var nilCtx context.Context // a nil context is an error, not a panic
	_, err := d.GetTicket(nilCtx, "MOCK-00000001")
	assert.ErrorIs(t, err, errs.ErrInvalidInput)

	ctx := t.Context()
	require.NoError(t, state.Put(ctx, "ticket/MOCK-00000001", []byte(`"not a ticket"`)))
	_, err = d.GetTicket(ctx, "MOCK-00000001")
	assert.ErrorIs(t, err, errs.ErrInternal)
	_, err = d.QueryTickets(ctx, ticketing.TicketQuery{})
	assert.ErrorIs(t, err, errs.ErrInternal)
	require.NoError(t, state.Put(ctx, "meta", []byte(`[]`)))
	_, err = d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"})
	assert.ErrorIs(t, err, errs.ErrInternal)

	// Driver-level validation when the Connector is bypassed.
	d = newTicketing(nil, nil, nil)
	_, err = d.CreateTicket(ctx, ticketing.CreateTicketRequest{})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x", Priority: "nope"})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = d.UpdateTicket(ctx, "MOCK-00000001", ticketing.TicketUpdate{})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = d.UpdateNote(ctx, "MOCK-00000001", "N-00000001", ticketing.NoteUpdate{})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
}

func TestUpdateConflict(t *testing.T) {
	ctx := t.Context()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := newTicketing(nil, nil, func() time.Time { clock = clock.Add(time.Second); return clock })
	tk, err := d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "race"})
	require.NoError(t, err)
	stale := *tk
	after := *tk
	after.Summary = "first writer"
	_, err = d.UpdateTicket(ctx, tk.ID, ticketing.TicketUpdate{Before: tk, After: &after, Changed: []string{"summary"}})
	require.NoError(t, err)
	after.Summary = "second writer"
	_, err = d.UpdateTicket(ctx, tk.ID, ticketing.TicketUpdate{Before: &stale, After: &after, Changed: []string{"summary"}})
	assert.ErrorIs(t, err, errs.ErrConflict)
}

func TestMemoryState(t *testing.T) {
	ctx := t.Context()
	var s providers.MemoryState // the zero value is ready
	_, err := s.Get(ctx, "a")
	assert.ErrorIs(t, err, errs.ErrNotFound)
	assert.ErrorIs(t, s.Delete(ctx, "a"), errs.ErrNotFound)
	for _, k := range []string{"b/2", "a", "b/1", "b/3", "c"} {
		require.NoError(t, s.Put(ctx, k, []byte(`{"k":"`+k+`"}`)))
	}
	require.NoError(t, s.Put(ctx, "b/2", []byte(`2`)))
	assert.Equal(t, 5, s.Len())

	keys := func(prefix, after string, limit int) []string {
		es, err := s.List(ctx, prefix, after, limit)
		require.NoError(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.Key)
		}
		return out
	}
	assert.Equal(t, []string{"b/1", "b/2", "b/3"}, keys("b/", "", 0))
	assert.Equal(t, []string{"b/2", "b/3"}, keys("b/", "b/1", 10))
	assert.Equal(t, []string{"b/2"}, keys("b/", "b/1", 1))
	assert.Equal(t, []string{"b/2", "b/3"}, keys("b/", "b/15", 0), "after need not exist")
	assert.Equal(t, []string{"b/1", "b/2", "b/3"}, keys("b/", "a", 0), "after before the prefix")
	assert.Empty(t, keys("b/", "c", 0))
	assert.Equal(t, []string{"a", "b/1", "b/2", "b/3", "c"}, keys("", "", 0))

	v, err := s.Get(ctx, "b/2")
	require.NoError(t, err)
	assert.Equal(t, "2", string(v))
	v[0] = '9' // the caller's copy
	v, _ = s.Get(ctx, "b/2")
	assert.Equal(t, "2", string(v))

	require.NoError(t, s.Delete(ctx, "b/2"))
	assert.Equal(t, []string{"b/1", "b/3"}, keys("b/", "", 0))

	assert.ErrorIs(t, s.Put(ctx, "", []byte(`1`)), errs.ErrInvalidInput)
	assert.ErrorIs(t, s.Put(ctx, "ключ", []byte(`1`)), errs.ErrInvalidInput)
	assert.ErrorIs(t, s.Put(ctx, string(make([]byte, 201)), []byte(`1`)), errs.ErrInvalidInput)
	assert.ErrorIs(t, s.Put(ctx, "k", []byte(`{not json`)), errs.ErrInvalidInput)
	_, err = s.List(ctx, "\n", "", 0)
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	_, err = s.List(ctx, "", "\x00", 0)
	assert.ErrorIs(t, err, errs.ErrInvalidInput)

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Get(canceled, "a")
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}

// TestStateLayout pins the documented keys.
func TestStateLayout(t *testing.T) {
	ctx := t.Context()
	s := providers.NewMemoryState()
	c := connect(newTicketing(s, nil, nil))
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "layout"})
	require.NoError(t, err)
	_, err = c.CreateComment(ctx, tk.ID, ticketing.CreateCommentRequest{Content: "c"})
	require.NoError(t, err)
	_, err = c.CreateNote(ctx, tk.ID, ticketing.CreateNoteRequest{Content: "n"})
	require.NoError(t, err)
	_, err = c.CreateAttachment(ctx, tk.ID, ticketing.CreateAttachmentRequest{FileName: "a.json", Content: []byte("{}")})
	require.NoError(t, err)
	es, err := s.List(ctx, "", "", 0)
	require.NoError(t, err)
	var keys []string
	for _, e := range es {
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{
		"attachment/MOCK-00000001/A-00000001",
		"comment/MOCK-00000001/C-00000001",
		"meta",
		"note/MOCK-00000001/N-00000001",
		"ticket/MOCK-00000001",
	}, keys)
	raw, err := s.Get(ctx, "meta")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	assert.Equal(t, float64(1), m["tickets"])

	mds, err := c.ListAttachmentsMetadata(ctx, tk.ID)
	require.NoError(t, err)
	require.Len(t, mds, 1)
	assert.Equal(t, "application/json", mds[0].FileType)
	assert.True(t, slices.ContainsFunc(mds, func(m ticketing.AttachmentMetadata) bool { return *m.FileSize == 2 }))
}

// TestDriversShareOneState runs two drivers over one State, as two clients
// of one store do: concurrent creates get distinct ids. (The store-backed
// State is tested the same way, with two clients, in the root package.)
func TestDriversShareOneState(t *testing.T) {
	ctx := context.Background()
	state := providers.NewMemoryState()
	drivers := []ticketing.Driver{newTicketing(state, nil, nil), newTicketing(state, nil, nil)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]bool{}
	for _, d := range drivers {
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, err := d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "shared"})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if ids[tk.ID] {
					t.Errorf("id %s handed out twice", tk.ID)
				}
				ids[tk.ID] = true
			}()
		}
	}
	wg.Wait()
	if len(ids) != 40 {
		t.Fatalf("%d distinct tickets, want 40", len(ids))
	}
}

// TestMemoryStateUpdateIsAtomic: a failing Update leaves the State as it
// was, writes and deletes alike.
func TestMemoryStateUpdateIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := providers.NewMemoryState()
	require.NoError(t, s.Put(ctx, "a", []byte(`1`)))
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx providers.StateTx) error {
		if err := tx.Put(ctx, "a", []byte(`2`)); err != nil {
			return err
		}
		if err := tx.Put(ctx, "b", []byte(`3`)); err != nil {
			return err
		}
		v, err := tx.Get(ctx, "a")
		if err != nil || string(v) != "2" {
			t.Errorf("the transaction does not see its own write: %s, %v", v, err)
		}
		if err := tx.Delete(ctx, "a"); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	v, err := s.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "1", string(v))
	_, err = s.Get(ctx, "b")
	assert.True(t, errors.Is(err, errs.ErrNotFound))
	assert.Equal(t, 1, s.Len())
}
