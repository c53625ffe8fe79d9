package slack_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/slack"
)

// fieldOf returns the field an InvalidInput error names, or fails.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want an *errs.Error, got %v", err)
	require.Equal(t, errs.InvalidInput, e.Code, "%v", err)
	return e.Field
}

func token(s string) *credential.Ref {
	return credential.Inline(&credential.TokenCredential{Secret: credential.Secret(s)})
}

func TestNotificationsConfigValidate(t *testing.T) {
	tok := token("xoxb-1")
	for _, ch := range []string{"C0123ABCD", "G0123ABCDEF", "D0123ABCD", "#security", "security", "sec-ops_2", "#ünïcode", "#" + strings.Repeat("a", 80)} {
		assert.NoError(t, (&slack.NotificationsConfig{Channel: ch, Credential: tok}).Validate(), ch)
	}
	for _, ch := range []string{"", "#", "Security", "#Security", "has space", "#a.b", "C0123", "#" + strings.Repeat("a", 81), "<!channel>", "@alice"} {
		assert.Equal(t, "channel", fieldOf(t, (&slack.NotificationsConfig{Channel: ch, Credential: tok}).Validate()), ch)
	}
	assert.Equal(t, "credential", fieldOf(t, (&slack.NotificationsConfig{Channel: "C0123ABCD"}).Validate()))
	basic := credential.Inline(&credential.BasicCredential{Username: "u", Secret: "p"})
	assert.Equal(t, "credential.type", fieldOf(t, (&slack.NotificationsConfig{Channel: "C0123ABCD", Credential: basic}).Validate()))
	assert.NoError(t, (&slack.NotificationsConfig{Channel: "C0123ABCD", Credential: credential.RefTo("cred-1", credential.TypeToken)}).Validate())
	for _, u := range []string{"ftp://slack.com/api", "slack.com/api", "https://user:pw@slack.com/api"} {
		assert.Equal(t, "url", fieldOf(t, (&slack.NotificationsConfig{Channel: "C0123ABCD", Credential: tok, URL: u}).Validate()), u)
	}
	assert.NoError(t, (&slack.NotificationsConfig{Channel: "C0123ABCD", Credential: tok, URL: "https://slack-gov.com/api"}).Validate())
	cfg := &slack.NotificationsConfig{Channel: "C0123ABCD", Credential: tok}
	assert.Equal(t, map[string]*credential.Ref{"credential": tok}, cfg.CredentialRefs())
	assert.Nil(t, (&slack.NotificationsConfig{}).CredentialRefs())
}

func TestOpenRefusesBadTokens(t *testing.T) {
	ctx := t.Context()
	for secret, bad := range map[string]credential.Config{
		"not-a-slack-token": &credential.TokenCredential{Secret: "not-a-slack-token"},
		"has space":         &credential.TokenCredential{Secret: "xoxb-has space"},
		"xoxb-1234567890":   &credential.SecretCredential{Secret: "xoxb-1234567890"},
	} {
		cfg := &slack.NotificationsConfig{Channel: "C0123ABCD", Credential: token("xoxb-1")}
		_, err := slack.Notifications.Open(ctx, providers.OpenRequest{Config: cfg, Credentials: map[string]credential.Config{"credential": bad}})
		assert.Equal(t, "credential", fieldOf(t, err))
		assert.NotContains(t, err.Error(), secret)
	}
	_, err := slack.Notifications.Open(ctx, providers.OpenRequest{Config: &slack.WebhookConfig{}})
	assert.True(t, errors.Is(err, errs.ErrInternal), "a configuration of another provider: %v", err)
}

func TestWebhookConfigValidate(t *testing.T) {
	const good = "https://hooks.slack.com/services/TTESTTEAM/BTESTBOT/testSecretForConfig01"
	secret := func(s string) *credential.Ref {
		return credential.Inline(&credential.SecretCredential{Secret: credential.Secret(s)})
	}
	for _, u := range []string{good, "http://127.0.0.1:8080/services/T1/B1/secret0123", "http://localhost/services/T1/B1/secret0123",
		"https://hooks.slack-gov.com/services/T1/B1/secret0123"} {
		assert.NoError(t, (&slack.WebhookConfig{WebhookURL: secret(u)}).Validate(), u)
	}
	for _, u := range []string{"", "hooks.slack.com/services/T/B/secret0123", "http://hooks.slack.com/services/T1/B1/secret0123",
		"https://u:p@hooks.slack.com/services/T1/B1/secret0123", "https://hooks.slack.com/services/T1/B1/secret0123?x=1",
		"https://hooks.slack.com/services/T1/B1/secret0123#frag", "https://hooks.slack.com/services/T1/secret0123",
		"https://hooks.slack.com/services/T1/B1/secret0123/x", "https://hooks.slack.com/workflows/T1/B1/secret0123",
		"https://hooks.slack.com/services/T1/B1/short", "https://hooks.slack.com/services/T1/B1/sec%2Fret0123",
		"https://hooks.slack.com/services/T1/B1/secret-0123", "ftp://hooks.slack.com/services/T1/B1/secret0123"} {
		err := (&slack.WebhookConfig{WebhookURL: secret(u)}).Validate()
		field := fieldOf(t, err)
		assert.True(t, strings.HasPrefix(field, "webhook_url"), "%s: field %s", u, field)
		if u != "" {
			assert.NotContains(t, err.Error(), "secret0123", "the error quotes the URL: %v", err)
		}
	}
	assert.Equal(t, "webhook_url", fieldOf(t, (&slack.WebhookConfig{}).Validate()))
	assert.Equal(t, "webhook_url.type", fieldOf(t, (&slack.WebhookConfig{WebhookURL: token("xoxb-1")}).Validate()))
	assert.NoError(t, (&slack.WebhookConfig{WebhookURL: credential.RefTo("cred-1", credential.TypeSecret)}).Validate())
	ref := secret(good)
	assert.Equal(t, map[string]*credential.Ref{"webhook_url": ref}, (&slack.WebhookConfig{WebhookURL: ref}).CredentialRefs())
	assert.Nil(t, (&slack.WebhookConfig{}).CredentialRefs())
}

// TestOpenWebhookStoredCredential: a configuration referring to a stored
// credential is checked when the driver is built, with the unsealed URL.
func TestOpenWebhookStoredCredential(t *testing.T) {
	cfg := &slack.WebhookConfig{WebhookURL: credential.RefTo("cred-1", credential.TypeSecret)}
	bad := &credential.SecretCredential{Secret: "https://hooks.slack.com/services/T1/B1/x"}
	_, err := slack.Webhook.Open(t.Context(), providers.OpenRequest{Config: cfg, Credentials: map[string]credential.Config{"webhook_url": bad}})
	assert.Equal(t, "webhook_url", fieldOf(t, err))
	_, err = slack.Webhook.Open(t.Context(), providers.OpenRequest{Config: cfg})
	assert.Equal(t, "webhook_url", fieldOf(t, err), "no unsealed credential")
	good := &credential.SecretCredential{Secret: "https://hooks.slack.com/services/T1/B1/secret0123"}
	d, err := slack.Webhook.Open(t.Context(), providers.OpenRequest{Config: cfg, Credentials: map[string]credential.Config{"webhook_url": good}})
	require.NoError(t, err)
	require.NoError(t, d.Close())
}

func TestSchema(t *testing.T) {
	assert.Equal(t, []providers.ConfigField{
		{Name: "channel", Type: "string", Required: true},
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"token"}},
		{Name: "url", Type: "string"},
	}, slack.Notifications.Provider().Schema())
	assert.Equal(t, []providers.ConfigField{
		{Name: "webhook_url", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"secret"}},
	}, slack.Webhook.Provider().Schema())
}

func TestRegistered(t *testing.T) {
	for _, id := range []string{slack.NotificationsID, slack.WebhookID} {
		p, ok := providers.Lookup(id)
		require.True(t, ok, id)
		assert.Equal(t, providers.Notifications, p.Category)
		assert.Equal(t, []string{"create_message", "get_message", "clear_message"}, p.Operations)
	}
	p, _ := providers.Lookup(slack.NotificationsID)
	assert.Equal(t, "Slack", p.Fullname)
	assert.True(t, p.Accepts(credential.TypeToken))
	p, _ = providers.Lookup(slack.WebhookID)
	assert.True(t, p.Accepts(credential.TypeSecret))
}
