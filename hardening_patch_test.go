package synqly_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/jira"
)

// TestPatchPathsAreExact patches with paths that match a JSON name only
// when case is ignored, and with array indexes JSON Pointer does not
// allow: each is ErrInvalidInput naming the operation, and nothing changes
// (before, /FULLNAME changed fullname and /ID "succeeded").
func TestPatchPathsAreExact(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Exact Acme", Labels: []string{"a", "b"}})
	require.NoError(t, err)
	for _, op := range []synqly.PatchOperation{
		{Op: "replace", Path: "/FULLNAME", Value: "Shouted"},
		{Op: "replace", Path: "/ID", Value: "other"},
		{Op: "replace", Path: "/Created_At", Value: "2020-01-01T00:00:00Z"},
		{Op: "add", Path: "/nickname", Value: "x"},
		{Op: "replace", Path: "/labels/-1", Value: "x"},
		{Op: "replace", Path: "/labels/01", Value: "x"},
		{Op: "replace", Path: "/labels/+1", Value: "x"},
		{Op: "remove", Path: "/labels/2"},
	} {
		_, err := c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{op})
		e := requireCode(t, err, errs.InvalidInput)
		assert.True(t, strings.HasPrefix(e.Field, "patch[0]"), "%s %s: field %q", op.Op, op.Path, e.Field)
	}
	got, err := c.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	assert.Equal(t, acct, got, "nothing changed")

	// Below a provider config, too: its fields are the provider's.
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "jira",
		ProviderConfig: jiraConfig(credential.Inline(&credential.BasicCredential{Username: "u", Secret: "p"}))})
	require.NoError(t, err)
	for _, op := range []string{"replace", "add"} {
		_, err = c.Integrations.Patch(ctx, acct.ID, res.Integration.ID, []synqly.PatchOperation{{Op: op, Path: "/provider_config/URL", Value: "https://evil.example"}})
		e := requireCode(t, err, errs.InvalidInput)
		assert.True(t, strings.HasPrefix(e.Field, "patch"), "%s: field %q", op, e.Field)
		assert.Contains(t, e.Message, "URL", op)
	}
	in, err := c.Integrations.Get(ctx, acct.ID, res.Integration.ID)
	require.NoError(t, err)
	assert.Equal(t, "https://acme.atlassian.net", in.ProviderConfig.Config.(*jira.TicketingConfig).URL)
}

// TestPatchRefusesInvalidUTF8 patches a credential's secret and an
// account's fullname with invalid UTF-8: refused naming the value, as
// Update refuses it, instead of storing U+FFFD in its place.
func TestPatchRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t)
	acct := mustAccount(t, c, "Bytes Acme")
	cr, err := c.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "tok", Config: &credential.TokenCredential{Secret: "good"}})
	require.NoError(t, err)
	_, err = c.Credentials.Patch(ctx, acct.ID, cr.ID, []synqly.PatchOperation{{Op: "replace", Path: "/config",
		Value: map[string]any{"type": "token", "secret": "bad\xffsecret"}}})
	assert.True(t, strings.HasPrefix(requireCode(t, err, errs.InvalidInput).Field, "patch[0].value"))
	_, err = c.Credentials.Update(ctx, acct.ID, cr.ID, synqly.UpdateCredentialRequest{Name: "tok",
		Config: &credential.TokenCredential{Secret: "bad\xffsecret"}, UpdatedAt: cr.UpdatedAt})
	requireCode(t, err, errs.InvalidInput)
	_, err = c.Accounts.Patch(ctx, acct.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "Bad\xffName"}})
	assert.True(t, strings.HasPrefix(requireCode(t, err, errs.InvalidInput).Field, "patch[0].value"))
	got, err := c.Accounts.Get(ctx, acct.ID)
	require.NoError(t, err)
	assert.Equal(t, "Bytes Acme", got.Fullname)
	for _, blob := range rawStore(t, where) {
		assert.NotContains(t, blob, "bad\uFFFDsecret")
		assert.NotContains(t, blob, "Bad\uFFFDName")
	}
}

// TestTimesAreStrict sends times in the forms Go's own parser accepts but
// RFC 3339 does not (a comma, ten fraction digits, +24:00) through every
// way a time comes in: a filter, a patch, a JSON request. Each is refused;
// the strict form works, for every year RFC 3339 can write, in SQL lists
// and in a connector's in-memory filtering alike.
func TestTimesAreStrict(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct := mustAccount(t, c, "Clock Acme")
	loose := []string{"2024-01-01T00:00:00,5Z", "2024-01-01T00:00:00.1234567891Z", "2024-01-01T00:00:00+24:00", "2024-01-01t00:00:00z"}
	for _, s := range loose {
		_, err := c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"created_at[gt]" + s}})
		requireCode(t, err, errs.InvalidQuery)
		var req synqly.CreateCredentialRequest
		err = json.Unmarshal([]byte(`{"name":"t","expires":"`+s+`","config":{"type":"token","secret":"x"}}`), &req)
		assert.Equal(t, "expires", requireCode(t, err, errs.InvalidInput).Field, s)
		var treq ticketing.CreateTicketRequest
		err = json.Unmarshal([]byte(`{"summary":"t","due_date":"`+s+`"}`), &treq)
		assert.Equal(t, "due_date", requireCode(t, err, errs.InvalidInput).Field, s)
	}
	var treq ticketing.CreateTicketRequest
	require.NoError(t, json.Unmarshal([]byte(`{"summary":"t","due_date":"2030-01-01T00:00:00.5+02:00"}`), &treq))
	err := json.Unmarshal([]byte(`{"Summary":"t"}`), &treq)
	assert.Equal(t, "Summary", requireCode(t, err, errs.InvalidInput).Field)
	// Every year is a valid filter, in SQL and in memory.
	var p *synqly.Page[synqly.Account]
	for _, s := range []string{"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2024-01-01T00:00:00.5+01:00"} {
		_, err := c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"created_at[lt]" + s}})
		require.NoError(t, err, s)
	}
	p, err = c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"created_at[lt]9999-12-31T00:00:00Z"}})
	require.NoError(t, err)
	assert.Len(t, p.Result, 1, "every account was created before 9999")
	p, err = c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"created_at[gt]9999-12-31T00:00:00Z"}})
	require.NoError(t, err)
	assert.Empty(t, p.Result)

	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	tk, err := ticketing.Open(ctx, c, res.Integration.ID)
	require.NoError(t, err)
	due := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tkt, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "far", DueDate: &due})
	require.NoError(t, err)
	for _, s := range loose {
		_, err := tk.PatchTicket(ctx, tkt.ID, []synqly.PatchOperation{{Op: "replace", Path: "/due_date", Value: s}})
		requireCode(t, err, errs.InvalidInput)
	}
	page, err := tk.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"due_date[lt]9999-01-01T00:00:00Z"}})
	require.NoError(t, err)
	assert.Len(t, page.Result, 1)
}
