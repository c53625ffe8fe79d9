package jira

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

func TestUnmapped(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t, providers.CustomFieldMapping{Name: "severity", ProjectID: "*", ProviderFieldPath: "customfield_10010"})
	key, err := f.AddIssue(jirafake.Issue{Summary: "u", Assignee: "557058:bob", Priority: "High",
		Custom: map[string]any{"customfield_10010": "high", "customfield_10030": 5.0}})
	require.NoError(t, err)
	tk, err := c.GetTicket(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"severity": "high"}, tk.CustomFields)
	fields, ok := tk.Unmapped["fields"].(map[string]any)
	require.True(t, ok)
	assert.Equal(t, 5.0, fields["customfield_10030"], "an unmapped custom field is kept")
	assert.NotContains(t, fields, "customfield_10010", "a mapped custom field is not repeated")
	assert.NotContains(t, fields, "summary")
	assert.NotContains(t, fields, "customfield_10020", "null fields are left out")
	assert.Equal(t, "Bob Example", fields["assignee"].(map[string]any)["displayName"])
	assert.Equal(t, "Synqly Bot", fields["reporter"].(map[string]any)["displayName"])
	assert.Equal(t, "High", fields["priority"].(map[string]any)["name"])
	assert.NotEmpty(t, tk.Unmapped["self"])
	assert.NotEmpty(t, tk.Unmapped["id"])
}

func TestCustomFieldsWrite(t *testing.T) {
	ctx := context.Background()
	f, _, c := newConnector(t,
		providers.CustomFieldMapping{Name: "severity", ProjectID: "*", ProviderFieldPath: "customfield_10010"},
		providers.CustomFieldMapping{Name: "team", ProjectID: "SEC", ProviderFieldPath: "customfield_10020.value"},
		providers.CustomFieldMapping{Name: "points", ProjectID: "10001", ProviderFieldPath: "customfield_10030"})
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "cf", CustomFields: map[string]any{"severity": "low", "team": "red"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"severity": "low", "team": "red"}, tk.CustomFields)

	// points is mapped for OPS (by project id) only.
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "cf", CustomFields: map[string]any{"points": 3}})
	require.ErrorIs(t, err, errs.ErrInvalidInput)
	ops, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "cf", Project: "OPS", CustomFields: map[string]any{"points": 3}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"points": 3.0}, ops.CustomFields)

	got, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "replace", Path: "/custom_fields/severity", Value: "critical"},
		{Op: "remove", Path: "/custom_fields/team"},
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"severity": "critical"}, got.CustomFields)
	fields, _ := f.IssueFields(tk.ID)
	assert.Nil(t, fields["customfield_10020"])
}

func TestCreateWithStatusAndDefaults(t *testing.T) {
	ctx := context.Background()
	f := jirafake.New(t)
	c := connect(open(t, request(f, &TicketingConfig{URL: f.URL, DefaultProject: "OPS", DefaultIssueType: "Bug"}, basicCred(f))))
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Status: "in progress", Creator: "557058:bob",
		Contact: "not stored", Priority: ticketing.PriorityCritical})
	require.NoError(t, err)
	assert.Equal(t, "OPS", tk.Project)
	assert.Equal(t, "Bug", tk.IssueType)
	assert.Equal(t, "In Progress", tk.Status)
	assert.Equal(t, "557058:bob", tk.Creator)
	assert.Equal(t, ticketing.PriorityUrgent, tk.Priority, "CRITICAL is written as Highest, which reads back as URGENT")
	assert.Empty(t, tk.Contact)

	// A creator e-mail is not an account id: Jira's API user reports it.
	tk, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Creator: "someone@example.com"})
	require.NoError(t, err)
	assert.Equal(t, f.AccountID, tk.Creator)
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Assignee: "someone@example.com"})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)

	// A status no transition reaches: the issue exists, the error names it.
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Status: "Nowhere"})
	require.ErrorIs(t, err, errs.ErrInvalidInput)
	assert.Contains(t, err.Error(), "created issue OPS-3")

	// No project anywhere.
	d2 := open(t, request(f, &TicketingConfig{URL: f.URL}, basicCred(f)))
	_, err = connect(d2).CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s"})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
}

func TestJiraValidationErrors(t *testing.T) {
	ctx := context.Background()
	_, _, c := newConnector(t)
	_, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: strings.Repeat("s", 300)})
	require.ErrorIs(t, err, errs.ErrInvalidInput)
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "summary", e.Field)
	assert.Contains(t, e.Message, "summary: Summary must be less than 255 characters.")

	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", IssueType: "Nope", Project: "NOPE"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "issue_type", e.Field)
	assert.Contains(t, e.Message, "project: Specify a valid project ID or key")

	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", Assignee: "557058:nobody"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "assignee", e.Field)
}

func TestPatchRefusals(t *testing.T) {
	ctx := context.Background()
	_, _, c := newConnector(t)
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "p"})
	require.NoError(t, err)
	for path, value := range map[string]any{
		"/project": "OPS", "/name": "X-1", "/contact": "bob", "/completion_date": "2026-01-01T00:00:00Z",
		"/assignee": "bob@example.com", "/creator": "", "/issue_type": "",
	} {
		_, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "add", Path: path, Value: value}})
		var e *errs.Error
		require.ErrorAs(t, err, &e, path)
		assert.Equal(t, errs.InvalidInput, e.Code, path)
		assert.Equal(t, strings.TrimPrefix(path, "/"), e.Field, path)
	}
	// Nothing was written.
	got, err := c.GetTicket(ctx, tk.ID)
	require.NoError(t, err)
	assert.Equal(t, tk.UpdatedAt, got.UpdatedAt)

	// Clearing what Jira lets clear.
	due := "2026-05-01T00:00:00Z"
	got, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "add", Path: "/due_date", Value: due}, {Op: "add", Path: "/assignee", Value: "557058:alice"},
		{Op: "add", Path: "/description", Value: "text"}, {Op: "add", Path: "/issue_type", Value: "Bug"},
		{Op: "add", Path: "/creator", Value: "557058:bob"},
	})
	require.NoError(t, err)
	assert.Equal(t, "2026-05-01", got.DueDate.Format("2006-01-02"))
	assert.Equal(t, "Bug", got.IssueType)
	assert.Equal(t, "557058:bob", got.Creator)
	got, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "remove", Path: "/due_date"}, {Op: "remove", Path: "/assignee"}, {Op: "remove", Path: "/description"},
		{Op: "remove", Path: "/priority"},
	})
	require.NoError(t, err)
	assert.Nil(t, got.DueDate)
	assert.Empty(t, got.Assignee)
	assert.Empty(t, got.Description)
	assert.Empty(t, got.Priority)
}

func TestRegistryOpen(t *testing.T) {
	f := jirafake.New(t)
	p, ok := providers.Lookup(TicketingID)
	require.True(t, ok)
	require.NotNil(t, p.Open)
	assert.Equal(t, providers.Ticketing, p.Category)
	assert.Contains(t, p.Operations, "query_tickets")
	assert.NotContains(t, p.Operations, "create_note")
	assert.Equal(t, Ticketing.Capabilities, p.Capabilities, "the registry keeps the registration's one declaration")
	assert.Equal(t, []providers.ConfigField{
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"basic", "token"}},
		{Name: "url", Type: "string", Required: true},
		{Name: "custom_field_mappings", Type: "array", Items: "object"},
		{Name: "default_issue_type", Type: "string"},
		{Name: "default_project", Type: "string"},
	}, p.Schema())
	cfg := p.NewConfig().(*TicketingConfig)
	cfg.URL = f.URL
	cfg.Credential = credential.Inline(basicCred(f))
	drv, err := p.Open(context.Background(), providers.OpenRequest{Config: cfg, Credentials: map[string]credential.Config{"credential": basicCred(f)}})
	require.NoError(t, err)
	d, ok := drv.(ticketing.Driver)
	require.True(t, ok)
	_, err = connect(d).ListProjects(context.Background(), ticketing.ListRequest{})
	require.NoError(t, err)

	// A request without a *TicketingConfig is the caller's mistake, not the
	// integration's.
	for _, c := range []providers.Config{nil, (*TicketingConfig)(nil), &otherConfig{}} {
		_, err = Ticketing.Open(context.Background(), providers.OpenRequest{Config: c})
		assert.Equal(t, errs.Internal, errs.CodeOf(err), "%T", c)
	}

	// A configuration that carries its credential inline needs nothing
	// else; one that references a stored credential needs it unsealed.
	drv, err = p.Open(context.Background(), providers.OpenRequest{Config: cfg, HTTPClient: f.Client()})
	require.NoError(t, err)
	require.NoError(t, drv.(ticketing.Driver).Close())
	byRef := *cfg
	byRef.Credential = credential.RefTo("cred-1", credential.TypeBasic)
	_, err = p.Open(context.Background(), providers.OpenRequest{Config: &byRef})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	cfg.URL = "ftp://x"
	_, err = p.Open(context.Background(), providers.OpenRequest{Config: cfg})
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
}

// otherConfig is another provider's configuration.
type otherConfig struct{}

func (*otherConfig) Validate() error                            { return nil }
func (*otherConfig) CredentialRefs() map[string]*credential.Ref { return nil }

func TestUnsupportedOperations(t *testing.T) {
	ctx := context.Background()
	_, _, c := newConnector(t)
	_, err := c.CreateNote(ctx, "SEC-1", ticketing.CreateNoteRequest{Content: "n", Title: "t"})
	assert.ErrorIs(t, err, errs.ErrUnsupported)
	_, err = c.ListNotes(ctx, "SEC-1", ticketing.ListRequest{})
	assert.ErrorIs(t, err, errs.ErrUnsupported)
	_, err = c.QueryEscalationPolicies(ctx, ticketing.ListRequest{})
	assert.ErrorIs(t, err, errs.ErrUnsupported)
	_, err = c.ListOnCall(ctx, "P1")
	assert.ErrorIs(t, err, errs.ErrUnsupported)
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Order: []string{"contact"}})
	assert.ErrorIs(t, err, errs.ErrUnsupported)
}
