package jira

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestListProjects(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t)
	for i := range 120 {
		_, err := f.AddProject(fmt.Sprintf("P%03d", i), fmt.Sprintf("Project %d", i))
		require.NoError(t, err)
	}
	p, err := c.ListProjects(ctx, ticketing.ListRequest{Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, p.Result, 100, "Jira pages projects by 100 at most")
	assert.Equal(t, "100", p.Next)
	assert.Equal(t, "OPS", p.Result[0].ID)
	assert.Equal(t, "Operations", p.Result[0].Name)
	assert.Equal(t, "10001", p.Result[0].Unmapped["id"])

	var n int
	seen := map[string]bool{}
	for pr, err := range c.AllProjects(ctx) {
		require.NoError(t, err)
		assert.False(t, seen[pr.ID])
		seen[pr.ID] = true
		n++
	}
	assert.Equal(t, 122, n)
	assert.True(t, seen["SEC"])

	_, err = c.ListProjects(ctx, ticketing.ListRequest{Cursor: "-1"})
	assert.ErrorIs(t, err, errs.ErrInvalidQuery)
}

func TestListIssueTypes(t *testing.T) {
	ctx := context.Background()
	_, _, c := newConnector(t)
	its, err := c.ListIssueTypes(ctx, "SEC")
	require.NoError(t, err)
	require.Len(t, its, 4)
	assert.Equal(t, "Task", its[0].ID)
	assert.Equal(t, "Task", its[0].Name)
	assert.Equal(t, "SEC", its[0].Project)
	assert.Equal(t, "10001", its[0].Unmapped["id"])
	byID, err := c.ListIssueTypes(ctx, "10000")
	require.NoError(t, err)
	assert.Equal(t, its, byID)
	all, err := c.ListIssueTypes(ctx, "")
	require.NoError(t, err)
	assert.Len(t, all, 4)
	assert.Empty(t, all[0].Project)
	_, err = c.ListIssueTypes(ctx, "NOPE")
	assert.ErrorIs(t, err, errs.ErrNotFound)
}

func TestListRemoteFields(t *testing.T) {
	_, _, c := newConnector(t)
	fields, err := c.ListRemoteFields(context.Background())
	require.NoError(t, err)
	byID := map[string]ticketing.RemoteField{}
	for _, f := range fields {
		byID[f.FieldID] = f
	}
	assert.Equal(t, ticketing.ScopeStandard, byID["summary"].FieldScope)
	assert.Equal(t, ticketing.FieldString, byID["summary"].Schema.FieldTypeID)
	assert.Equal(t, ticketing.FieldEnum, byID["priority"].Schema.FieldTypeID)
	assert.Equal(t, "array<string>", byID["labels"].Schema.FieldType)
	assert.Equal(t, ticketing.FieldOther, byID["labels"].Schema.FieldTypeID)
	assert.Nil(t, byID["issuekey"].Schema)
	sev := byID["customfield_10010"]
	assert.Equal(t, ticketing.ScopeIntegrationCustom, sev.FieldScope)
	assert.Equal(t, "Severity", sev.ProviderFieldName)
	assert.Equal(t, "customfield_10010", sev.ProviderFieldPath)
	assert.Equal(t, ticketing.FieldString, sev.Schema.FieldTypeID)
	assert.Equal(t, ticketing.FieldEnum, byID["customfield_10020"].Schema.FieldTypeID)
	assert.Equal(t, ticketing.FieldNumber, byID["customfield_10030"].Schema.FieldTypeID)
}

func TestFieldType(t *testing.T) {
	assert.Equal(t, ticketing.FieldEnum, fieldType("array", "option"))
	assert.Equal(t, ticketing.FieldOther, fieldType("array", "string"))
	assert.Equal(t, ticketing.FieldOther, fieldType("datetime", ""))
	assert.Equal(t, ticketing.FieldEnum, fieldType("option-with-child", ""))
}
