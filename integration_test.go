package synqly_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/jira"
)

func TestIntegrationInlineCredentialIsManaged(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")

	res, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{
		Fullname:       "Acme Jira",
		ProviderConfig: jiraConfig(credential.Inline(&credential.BasicCredential{Username: "bot@acme", Secret: "inline-secret-123"})),
	})
	require.NoError(t, err)
	in := res.Integration
	assert.Equal(t, "acme-jira", in.Name)
	assert.Equal(t, jira.TicketingID, in.ProviderType)
	assert.Equal(t, "ticketing", string(in.Category))
	assert.Equal(t, "Atlassian Jira", in.ProviderFullname)
	require.Len(t, res.CredentialsCreated, 1)
	cred := res.CredentialsCreated[0]
	assert.Equal(t, synqly.Managed, cred.Managed)
	assert.Equal(t, synqly.OwnerIntegration, cred.OwnerType)
	assert.Equal(t, in.ID, cred.IntegrationID)
	assert.Equal(t, a.ID, cred.AccountID)
	assert.Equal(t, credential.TypeBasic, cred.Config.Type)

	// The stored config references the credential; the secret is nowhere in the JSON.
	got, err := c.Integrations.Get(ctx, a.ID, in.ID)
	require.NoError(t, err)
	ref := got.ProviderConfig.Config.(*jira.TicketingConfig).Credential
	assert.Equal(t, cred.ID, ref.ID)
	raw, err := json.Marshal(got)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "inline-secret-123")
	assert.Contains(t, string(raw), `"credential":{"type":"basic_id","value":"`+cred.ID+`"}`)
	raw, _ = json.Marshal(res)
	assert.NotContains(t, string(raw), "inline-secret-123")

	// Deleting the integration deletes its managed credential.
	require.NoError(t, c.Integrations.Delete(ctx, a.ID, in.ID))
	_, err = c.Credentials.Lookup(ctx, cred.ID)
	requireCode(t, err, errs.NotFound)
}

func TestIntegrationRefusals(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	b := mustAccount(t, c, "Globex")
	basic, err := c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: "basic", Config: &credential.BasicCredential{Username: "u", Secret: "s"}})
	require.NoError(t, err)
	foreign, err := c.Credentials.Create(ctx, b.ID, synqly.CreateCredentialRequest{Name: "basic", Config: &credential.BasicCredential{Username: "u", Secret: "s"}})
	require.NoError(t, err)
	expired, err := c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: "old", Expires: new(time.Now().Add(-time.Hour)),
		Config: &credential.BasicCredential{Username: "u", Secret: "s"}})
	require.NoError(t, err)
	point, err := c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "tickets", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"ticketing_mock_ticketing"}}})
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		req   synqly.CreateIntegrationRequest
		code  errs.Code
		field string
	}{
		"no provider config":   {synqly.CreateIntegrationRequest{Name: "x"}, errs.InvalidInput, "provider_config"},
		"unregistered":         {synqly.CreateIntegrationRequest{ProviderConfig: &synqly.ProviderConfig{Type: "ticketing_zendesk"}}, errs.InvalidInput, "provider_config.type"},
		"missing credential":   {synqly.CreateIntegrationRequest{ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: "https://x.atlassian.net"}}}, errs.InvalidInput, "provider_config.credential"},
		"bad url":              {synqly.CreateIntegrationRequest{ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: "ftp://x", Credential: credential.RefTo(basic.ID, credential.TypeBasic)}}}, errs.InvalidInput, "provider_config.url"},
		"type not accepted":    {synqly.CreateIntegrationRequest{ProviderConfig: pagerdutyConfig(credential.Inline(&credential.BasicCredential{Username: "u", Secret: "s"}))}, errs.InvalidInput, "provider_config.credential.type"},
		"ref type mismatch":    {synqly.CreateIntegrationRequest{ProviderConfig: jiraConfig(credential.RefTo(basic.ID, credential.TypeToken))}, errs.InvalidInput, "provider_config.credential.type"},
		"ref of other account": {synqly.CreateIntegrationRequest{ProviderConfig: jiraConfig(credential.RefTo(foreign.ID, credential.TypeBasic))}, errs.NotFound, "provider_config.credential"},
		"ref missing":          {synqly.CreateIntegrationRequest{ProviderConfig: jiraConfig(credential.RefTo("nope", credential.TypeBasic))}, errs.NotFound, "provider_config.credential"},
		"expired credential":   {synqly.CreateIntegrationRequest{ProviderConfig: jiraConfig(credential.RefTo(expired.ID, credential.TypeBasic))}, errs.CredentialExpired, "provider_config.credential"},
		"point disallows":      {synqly.CreateIntegrationRequest{IntegrationPointID: point.ID, ProviderConfig: jiraConfig(credential.RefTo(basic.ID, credential.TypeBasic))}, errs.InvalidInput, "integration_point_id"},
		"point missing":        {synqly.CreateIntegrationRequest{IntegrationPointID: "nope", ProviderConfig: mockConfig()}, errs.NotFound, "integration_point_id"},
		"bad name":             {synqly.CreateIntegrationRequest{Name: "No Spaces", ProviderConfig: mockConfig()}, errs.InvalidInput, "name"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Integrations.Create(ctx, a.ID, tc.req)
			e := requireCode(t, err, tc.code)
			assert.Equal(t, tc.field, e.Field)
		})
	}
	_, err = c.Integrations.Create(ctx, "no-such-account", synqly.CreateIntegrationRequest{ProviderConfig: mockConfig()})
	requireCode(t, err, errs.NotFound)

	page, err := c.Integrations.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, page.Result, "refused creates stored nothing")
	creds, err := c.Credentials.List(ctx, a.ID, synqly.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, creds.Result, 2, "a refused create with an inline credential stored no credential")

	// Allowed by the point, then patched.
	res, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "mock", IntegrationPointID: point.ID, ProviderConfig: mockConfig()})
	require.NoError(t, err)
	_, err = c.Integrations.Patch(ctx, a.ID, res.Integration.ID, []synqly.PatchOperation{{Op: "replace", Path: "/provider_type", Value: "ticketing_jira"}})
	requireCode(t, err, errs.InvalidInput)
	_, err = c.Integrations.Patch(ctx, a.ID, res.Integration.ID, []synqly.PatchOperation{{Op: "replace", Path: "/provider_config",
		Value: map[string]any{"type": "ticketing_jira", "url": "https://a.atlassian.net", "credential": map[string]any{"type": "basic_id", "value": basic.ID}}}})
	assert.Equal(t, "integration_point_id", requireCode(t, err, errs.InvalidInput).Field, "patching to a provider the point lacks is refused")
	// The point cannot drop a provider its integrations use, nor be deleted while used.
	_, err = c.IntegrationPoints.Patch(ctx, point.ID, []synqly.PatchOperation{{Op: "replace", Path: "/environments/prod", Value: []string{"ticketing_jira"}}})
	requireCode(t, err, errs.Conflict)
	requireCode(t, c.IntegrationPoints.Delete(ctx, point.ID), errs.Conflict)

	// Patch the provider config to Jira without the point, with an inline credential.
	res2, err := c.Integrations.Patch(ctx, a.ID, res.Integration.ID, []synqly.PatchOperation{
		{Op: "remove", Path: "/integration_point_id"},
		{Op: "replace", Path: "/provider_config", Value: map[string]any{"type": "ticketing_jira", "url": "https://a.atlassian.net",
			"credential": map[string]any{"type": "token", "secret": "patched-inline-secret"}}},
	})
	require.NoError(t, err)
	assert.Equal(t, jira.TicketingID, res2.Integration.ProviderType)
	require.Len(t, res2.CredentialsCreated, 1)
	managed := res2.CredentialsCreated[0]
	// Replacing the credential with a reference deletes the managed one.
	_, err = c.Integrations.Patch(ctx, a.ID, res.Integration.ID, []synqly.PatchOperation{
		{Op: "replace", Path: "/provider_config/credential", Value: map[string]any{"type": "basic_id", "value": basic.ID}}})
	require.NoError(t, err)
	_, err = c.Credentials.Lookup(ctx, managed.ID)
	requireCode(t, err, errs.NotFound)
	// The referenced account credential cannot be deleted while used.
	requireCode(t, c.Credentials.Delete(ctx, a.ID, basic.ID), errs.Conflict)
	require.NoError(t, c.IntegrationPoints.Delete(ctx, point.ID))
}

func TestIntegrationPointValidation(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	for _, req := range []synqly.CreateIntegrationPointRequest{
		{Name: "a", Connector: "tickets"},
		{Name: "b", Connector: "ticketing", Environments: &synqly.IntegrationEnvironments{Prod: []string{"siem_splunk"}}},
		{Name: "c", Connector: "ticketing", Environments: &synqly.IntegrationEnvironments{Test: []string{"Ticketing_Jira"}}},
	} {
		_, err := c.IntegrationPoints.Create(ctx, req)
		requireCode(t, err, errs.InvalidInput)
	}
	p, err := c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Fullname: "All Ticketing", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"*"}, Test: []string{"ticketing_mock_ticketing"}}})
	require.NoError(t, err)
	assert.Equal(t, "all-ticketing", p.Name)
	_, err = c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "ALL-ticketing", Connector: "ticketing"})
	requireCode(t, err, errs.InvalidInput)
	_, err = c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Fullname: "all ticketing", Connector: "ticketing"})
	requireCode(t, err, errs.Conflict)

	// Test accounts use the test list.
	test, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "qa", Environment: synqly.EnvironmentTest})
	require.NoError(t, err)
	_, err = c.Integrations.Create(ctx, test.ID, synqly.CreateIntegrationRequest{IntegrationPointID: p.ID,
		ProviderConfig: jiraConfig(credential.Inline(&credential.TokenCredential{Secret: "t"}))})
	requireCode(t, err, errs.InvalidInput)
	_, err = c.Integrations.Create(ctx, test.ID, synqly.CreateIntegrationRequest{IntegrationPointID: p.ID, ProviderConfig: mockConfig()})
	require.NoError(t, err)
}
