package pagerduty_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

func TestTicketMapping(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	ctx := t.Context()
	due := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: "Disk full on db-01", Description: "Free space **now**.", Project: pdfake.ServiceDatabase,
		Priority: ticketing.PriorityHigh, Assignee: pdfake.EmailBob, IssueType: pdfake.IncidentTypeMajor,
		CustomFields: map[string]any{"urgency": "low"},
		Tags:         []string{"not-kept"}, DueDate: &due, Contact: "not kept",
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTicket(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	num, _ := got.Unmapped["incident_number"].(int64)
	want := ticketing.Ticket{ID: tk.ID, Name: strconv.FormatInt(num, 10), Summary: "Disk full on db-01",
		Description: "Free space **now**.", Status: "triggered", Priority: ticketing.PriorityHigh,
		Project: pdfake.ServiceDatabase, IssueType: pdfake.IncidentTypeMajor, Assignee: pdfake.EmailBob,
		Creator: pdfake.EmailAlice, CustomFields: map[string]any{"urgency": "low"}}
	got.Unmapped, got.CreatedAt, got.UpdatedAt = nil, time.Time{}, time.Time{}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("GetTicket:\n got %s\nwant %s", gj, wj)
	}
	if num <= 0 {
		t.Errorf("unmapped incident_number = %v", num)
	}

	byNumber, err := c.GetTicket(ctx, want.Name)
	if err != nil || byNumber.ID != tk.ID {
		t.Errorf("GetTicket by the incident number %s: %v, %v", want.Name, byNumber, err)
	}
	full, _ := c.GetTicket(ctx, tk.ID)
	for _, k := range []string{"html_url", "escalation_policy", "pagerduty_priority", "service_name", "last_status_change_at"} {
		if full.Unmapped[k] == nil {
			t.Errorf("unmapped %s is missing: %v", k, full.Unmapped)
		}
	}
	if full.CreatedAt.IsZero() || full.UpdatedAt.Before(full.CreatedAt) {
		t.Errorf("created_at %s, updated_at %s", full.CreatedAt, full.UpdatedAt)
	}
}

func TestCreateRefusals(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	ctx := t.Context()
	for name, req := range map[string]ticketing.CreateTicketRequest{
		"a resolved new incident": {Summary: "x", Status: "resolved"},
		"an unknown custom field": {Summary: "x", CustomFields: map[string]any{"severity": "1"}},
		"a bad urgency":           {Summary: "x", CustomFields: map[string]any{"urgency": "medium"}},
		"an unknown assignee":     {Summary: "x", Assignee: "nobody@example.com"},
		"a malformed assignee id": {Summary: "x", Assignee: "not an id"},
		"a malformed project":     {Summary: "x", Project: "web platform"},
	} {
		if _, err := c.CreateTicket(ctx, req); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("%s: want ErrInvalidInput, got %v", name, err)
		}
	}
	if n := srv.Count(http.MethodPost, "/incidents"); n != 0 {
		t.Errorf("refused creates posted %d incidents", n)
	}
	noProject := ticketing.NewConnector(pagerduty.Ticketing, driverFor(t, srv, pagerduty.TicketingConfig{DefaultCreator: pdfake.EmailAlice}, fastRetries))
	if _, err := noProject.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"}); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("no project and no default_project: want ErrInvalidInput, got %v", err)
	}
	_, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x", Project: "PNOSUCH"})
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("a service PagerDuty does not know: want ErrInvalidInput from its 400, got %v", err)
	}
}

func TestPatchTicket(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	ctx := t.Context()
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "patch me", Description: "first"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "replace", Path: "/status", Value: "acknowledged"},
		{Op: "replace", Path: "/project", Value: pdfake.ServicePayments},
		{Op: "replace", Path: "/assignee", Value: pdfake.UserCarol},
		{Op: "replace", Path: "/issue_type", Value: pdfake.IncidentTypeMajor},
		{Op: "replace", Path: "/custom_fields/urgency", Value: "low"},
		{Op: "add", Path: "/priority", Value: "URGENT"},
		{Op: "replace", Path: "/description", Value: "second"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTicket(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []*ticketing.Ticket{res, got} {
		if tt.Status != "acknowledged" || tt.Project != pdfake.ServicePayments || tt.Assignee != pdfake.EmailCarol ||
			tt.IssueType != pdfake.IncidentTypeMajor || tt.CustomFields["urgency"] != "low" ||
			tt.Priority != ticketing.PriorityUrgent || tt.Description != "second" {
			t.Errorf("after the patch: %+v", *tt)
		}
	}
	notes, err := c.ListNotes(ctx, tk.ID, ticketing.ListRequest{})
	if err != nil || len(notes.Result) != 1 || notes.Result[0].Title != "Description" || notes.Result[0].Content != "second" {
		t.Errorf("the description is kept as a note titled Description: %+v, %v", notes, err)
	}
	if n := srv.Count(http.MethodPut, "/incidents/"+tk.ID); n != 1 {
		t.Errorf("%d PUTs, want one for every incident field", n)
	}

	res, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "resolved"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.CompletionDate == nil || res.Assignee != "" {
		t.Errorf("a resolved incident has completion_date %v and assignee %q", res.CompletionDate, res.Assignee)
	}

	srv.ResetRequests()
	for _, op := range []patch.Operation{
		{Op: "replace", Path: "/name", Value: "42"},
		{Op: "replace", Path: "/creator", Value: pdfake.EmailBob},
		{Op: "add", Path: "/tags", Value: []string{"x"}},
		{Op: "add", Path: "/due_date", Value: "2030-01-01T00:00:00Z"},
		{Op: "replace", Path: "/status", Value: "closed"},
		{Op: "remove", Path: "/priority"},
		{Op: "remove", Path: "/custom_fields"},
		{Op: "add", Path: "/custom_fields/impact", Value: "high"},
		{Op: "replace", Path: "/assignee", Value: "nobody@example.com"},
	} {
		if _, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{op}); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("patch %s %s: want ErrInvalidInput, got %v", op.Op, op.Path, err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("a refused patch sent %s %s", r.Method, r.Path)
		}
	}
}

func TestBodyDetailsObject(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "plain", Description: `{"not":"json to us"}`})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTicket(t.Context(), tk.ID)
	if err != nil || got.Description != `{"not":"json to us"}` {
		t.Errorf("a description that looks like JSON must come back as sent: %q, %v", got.Description, err)
	}
}

func TestProjectsAndIssueTypes(t *testing.T) {
	srv := fake(t)
	for i := range 120 {
		srv.AddService("PXTRA"+strconv.Itoa(100+i), "Extra "+strconv.Itoa(100+i))
	}
	c := connector(t, srv)
	var ids []string
	for p, err := range c.AllProjects(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if len(ids) != 123 || ids[0] != pdfake.ServiceDatabase {
		t.Errorf("Projects: %d services, first %v; want 123, by name", len(ids), ids[:1])
	}
	p, err := c.ListProjects(t.Context(), ticketing.ListRequest{Limit: 1000})
	if err != nil || len(p.Result) != 123 || p.Next != "" {
		t.Errorf("ListProjects with limit 1000: %d projects, cursor %q, %v", len(p.Result), p.Next, err)
	}
	its, err := c.ListIssueTypes(t.Context(), "")
	if err != nil || len(its) != 2 || its[0].ID != pdfake.IncidentTypeDefault || its[1].Name != "Major Incident" {
		t.Errorf("ListIssueTypes lists the enabled incident types: %+v, %v", its, err)
	}
}
