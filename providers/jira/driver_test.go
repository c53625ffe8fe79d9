package jira

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

func TestCreateGetTicket(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t, providers.CustomFieldMapping{Name: "severity", ProjectID: "*", ProviderFieldPath: "customfield_10010"},
		providers.CustomFieldMapping{Name: "team", ProjectID: "SEC", ProviderFieldPath: "customfield_10020.value"})
	due := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	created, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: "CVE-2026-1234 on web-01", Description: "Patch **now**.\n\n- step one\n- step two",
		Priority: ticketing.PriorityHigh, Tags: []string{"cve", "web"}, DueDate: &due, Assignee: "557058:alice",
		CustomFields: map[string]any{"severity": "critical", "team": "blue"},
	})
	require.NoError(t, err)
	assert.Equal(t, "SEC-1", created.ID)
	assert.Equal(t, "SEC-1", created.Name)
	assert.Equal(t, "CVE-2026-1234 on web-01", created.Summary)
	assert.Equal(t, "Patch **now**.\n\n- step one\n- step two", created.Description)
	assert.Equal(t, ticketing.PriorityHigh, created.Priority)
	assert.Equal(t, "To Do", created.Status)
	assert.Equal(t, "SEC", created.Project)
	assert.Equal(t, "Task", created.IssueType)
	assert.Equal(t, []string{"cve", "web"}, created.Tags)
	assert.Equal(t, &due, created.DueDate)
	assert.Equal(t, "557058:alice", created.Assignee)
	assert.Equal(t, f.AccountID, created.Creator)
	assert.Equal(t, map[string]any{"severity": "critical", "team": "blue"}, created.CustomFields)
	assert.False(t, created.CreatedAt.IsZero())
	assert.NotEmpty(t, created.Unmapped["self"])

	fields, ok := f.IssueFields("SEC-1")
	require.True(t, ok)
	assert.Equal(t, "doc", fields["description"].(map[string]any)["type"])
	assert.Equal(t, "High", fields["priority"].(map[string]any)["name"])

	got, err := c.GetTicket(ctx, "SEC-1")
	require.NoError(t, err)
	assert.Equal(t, created, got)

	_, err = c.GetTicket(ctx, "SEC-999")
	assert.ErrorIs(t, err, errs.ErrNotFound)
}

func TestPatchTicket(t *testing.T) {
	ctx := context.Background()
	_, _, c := newConnector(t)
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "first"})
	require.NoError(t, err)
	got, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "replace", Path: "/summary", Value: "second"},
		{Op: "replace", Path: "/status", Value: "done"},
		{Op: "add", Path: "/tags", Value: []string{"x"}},
		{Op: "replace", Path: "/priority", Value: "LOW"},
	})
	require.NoError(t, err)
	assert.Equal(t, "second", got.Summary)
	assert.Equal(t, "Done", got.Status)
	assert.Equal(t, []string{"x"}, got.Tags)
	assert.Equal(t, ticketing.PriorityLow, got.Priority)
	assert.NotNil(t, got.CompletionDate)

	_, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "Nowhere"}})
	require.ErrorIs(t, err, errs.ErrInvalidInput)
	assert.Contains(t, err.Error(), "In Progress")
	assert.Contains(t, err.Error(), "To Do")
}

func TestQueryTicketsPaging(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, f.AddIssues(25, func(i int) jirafake.Issue {
		return jirafake.Issue{Summary: "issue", Created: base.Add(time.Duration(i) * time.Hour)}
	}))
	var ids []string
	for tk, err := range c.AllTickets(ctx, ticketing.QueryTicketsRequest{Limit: 10}) {
		require.NoError(t, err)
		ids = append(ids, tk.ID)
	}
	assert.Len(t, ids, 25)
	assert.Equal(t, "SEC-1", ids[0])
	assert.Equal(t, "SEC-25", ids[24])
}
