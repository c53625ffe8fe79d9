package synqly_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/store"
)

// TestInvalidUTF8IsRefused gives invalid UTF-8 to every kind of write: a
// credential's secret, a provider config's URL, a ticket's custom fields
// (keys and values) through the connector. Each is refused with
// ErrInvalidInput naming the field, and nothing is stored altered: before,
// json.Marshal replaced the bytes with U+FFFD and the vendor received a
// different secret.
func TestInvalidUTF8IsRefused(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t)
	acct := mustAccount(t, c, "UTF Acme")
	bad := "sec\xffret"

	_, err := c.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "bad", Config: &credential.TokenCredential{Secret: credential.Secret(bad)}})
	assert.True(t, strings.HasPrefix(requireCode(t, err, errs.InvalidInput).Field, "config"), "%v", err)

	cfg := &jira.TicketingConfig{URL: "https://acme.atlassian.net/\xff", Credential: credential.Inline(&credential.BasicCredential{Username: "u", Secret: "p"})}
	_, err = c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "jira",
		ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: cfg}})
	assert.Equal(t, "provider_config.url", requireCode(t, err, errs.InvalidInput).Field)

	inl := credential.Inline(&credential.BasicCredential{Username: "u", Secret: credential.Secret(bad)})
	_, err = c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "jira",
		ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: "https://acme.atlassian.net", Credential: inl}}})
	e := requireCode(t, err, errs.InvalidInput)
	assert.True(t, strings.HasPrefix(e.Field, "provider_config.credential"), "field %q", e.Field)

	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	tk, err := ticketing.Open(ctx, c, res.Integration.ID)
	require.NoError(t, err)
	for name, cf := range map[string]map[string]any{
		"value": {"owner": bad},
		"key":   {bad: "x"},
		"deep":  {"list": []any{map[string]any{"k": bad}}},
	} {
		_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "s", CustomFields: cf})
		e := requireCode(t, err, errs.InvalidInput)
		assert.True(t, strings.HasPrefix(e.Field, "custom_fields"), "%s: field %q", name, e.Field)
	}
	p, err := tk.QueryTickets(ctx, ticketing.QueryTicketsRequest{})
	require.NoError(t, err)
	assert.Empty(t, p.Result, "no ticket was stored")
	for _, blob := range rawStore(t, where) {
		assert.NotContains(t, blob, "sec\uFFFDret", "a secret was stored altered")
	}
}

// TestDeepNestingIsNamed sends custom fields nested ten thousand levels
// deep (valid JSON, under the size limit): the error says they are nested
// too deeply and gives the limit, naming custom_fields.
func TestDeepNestingIsNamed(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct := mustAccount(t, c, "Deep Acme")
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	tk, err := ticketing.Open(ctx, c, res.Integration.ID)
	require.NoError(t, err)
	deep := any("bottom")
	for range 10000 {
		deep = map[string]any{"k": deep}
	}
	_, err = tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "deep", CustomFields: map[string]any{"nest": deep}})
	e := requireCode(t, err, errs.InvalidInput)
	assert.True(t, strings.HasPrefix(e.Field, "custom_fields.nest"), "field %q", e.Field)
	assert.Contains(t, e.Message, "nested too deeply")
	assert.Contains(t, e.Message, "64")

	// The mock says the same when it is given the ticket directly.
	d, err := mock.Ticketing.Open(ctx, providers.OpenRequest{})
	require.NoError(t, err)
	_, err = d.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "deep", CustomFields: map[string]any{"nest": deep}})
	assert.Contains(t, requireCode(t, err, errs.InvalidInput).Message, "nested too deeply")
}

// TestProviderConfigOfAnotherProvider names one provider in Type and gives
// another provider's settings struct in Config: refused, nothing stored.
func TestProviderConfigOfAnotherProvider(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct := mustAccount(t, c, "Mixed Acme")
	_, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mixed",
		ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &mock.TicketingConfig{}}})
	e := requireCode(t, err, errs.InvalidInput)
	assert.Equal(t, "provider_config", e.Field)
	assert.Contains(t, e.Message, "*mock.TicketingConfig")
	res, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "mixed", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	_, err = c.Integrations.Patch(ctx, acct.ID, res.Integration.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "ok"}})
	require.NoError(t, err)
	in := *res.Integration
	in.ProviderConfig = &synqly.ProviderConfig{Type: jira.TicketingID, Config: &mock.TicketingConfig{}}
	got, err := c.Integrations.Get(ctx, acct.ID, in.ID)
	require.NoError(t, err)
	in.UpdatedAt = got.UpdatedAt
	_, err = c.Integrations.Update(ctx, acct.ID, in.ID, in)
	requireCode(t, err, errs.InvalidInput)
	p, err := c.Integrations.ListAccount(ctx, acct.ID, synqly.ListOptions{})
	require.NoError(t, err)
	require.Len(t, p.Result, 1)
	assert.Equal(t, mock.TicketingID, p.Result[0].ProviderType)
}

// TestMissingCredentialIsRequired creates a Jira integration without a
// credential: the error says a credential is required, rather than that
// credential "" was not found.
func TestMissingCredentialIsRequired(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct := mustAccount(t, c, "Bare Acme")
	for name, ref := range map[string]*credential.Ref{"nil": nil, "zero": {}, "type only": {Type: credential.TypeBasic}} {
		_, err := c.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "jira",
			ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: "https://acme.atlassian.net", Credential: ref}}})
		e := requireCode(t, err, errs.InvalidInput)
		assert.Equal(t, "provider_config.credential", e.Field, name)
		assert.Contains(t, e.Message, "required", name)
		assert.NotContains(t, e.Message, `""`, name)
	}
}

// TestExpiresRange gives expiries the store cannot keep: the error states
// the range the store accepts, and one inside it works.
func TestExpiresRange(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	acct := mustAccount(t, c, "Expiring Acme")
	for _, at := range []time.Time{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)} {
		_, err := c.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "far", Expires: &at,
			Config: &credential.TokenCredential{Secret: "t"}})
		e := requireCode(t, err, errs.InvalidInput)
		assert.Equal(t, "expires", e.Field)
		assert.Contains(t, e.Message, store.MinTime.Format(time.RFC3339Nano))
		assert.Contains(t, e.Message, store.MaxTime.Format(time.RFC3339Nano))
	}
	far := time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := c.Credentials.Create(ctx, acct.ID, synqly.CreateCredentialRequest{Name: "far", Expires: &far, Config: &credential.TokenCredential{Secret: "t"}})
	require.NoError(t, err)
}

// TestStoreErrorsHoldNoDriverText breaks the database behind the client's
// back (drops a table) and checks the error that comes out: it says what
// failed and the database's code, never the driver's own message.
func TestStoreErrorsHoldNoDriverText(t *testing.T) {
	ctx := context.Background()
	c, where := newClient(t)
	mustAccount(t, c, "Broken Acme")
	var db *sql.DB
	var err error
	if dsn, ok := strings.CutPrefix(where, "postgres:"); ok {
		db, err = sql.Open("pgx", dsn)
	} else {
		db, err = sql.Open("sqlite3", where)
	}
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec("DROP TABLE audit_events")
	require.NoError(t, err)

	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "after-the-drop"})
	e := requireCode(t, err, errs.Internal)
	msg := e.Error()
	assert.Contains(t, msg, "insert audit event")
	for _, driverText := range []string{"no such table", "does not exist", "audit_events\""} {
		assert.NotContains(t, msg, driverText)
	}
	assert.Regexp(t, `SQLSTATE 42P01|sqlite result code 1 `, msg)
}
