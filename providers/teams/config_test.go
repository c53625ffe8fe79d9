package teams

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

const exampleHook = "https://prod-12.westus.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE"

func botRef() *credential.Ref {
	return credential.Inline(&credential.OAuthClientCredential{ClientID: "app", ClientSecret: "s3cret-value"})
}

// wantInvalid checks err is an InvalidInput error on field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.InvalidInput || e.Field != field {
		t.Errorf("want InvalidInput on %q, got %#v", field, err)
	}
}

// TestValidate: a credential is required; the Bot Framework needs
// channel_id and team_id, a webhook ignores them.
func TestValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg   NotificationsConfig
		field string // "" for valid
	}{
		"webhook":                      {cfg: NotificationsConfig{Credential: WebhookCredential(exampleHook)}},
		"webhook ignores channel/team": {cfg: NotificationsConfig{Credential: WebhookCredential(exampleHook), ChannelID: "19:x@thread.tacv2"}},
		"webhook reference":            {cfg: NotificationsConfig{Credential: credential.Aliased(credential.RefTo("cred-1", credential.TypeSecret), WebhookURLAlias)}},
		"bot": {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "19:c@thread.tacv2", TeamID: "19:t@thread.tacv2",
			TenantID: "5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", Endpoint: DefaultEndpoint}},
		"bot reference":       {cfg: NotificationsConfig{Credential: credential.RefTo("cred-2", credential.TypeOAuthClient), ChannelID: "c", TeamID: "t"}},
		"bot tenant domain":   {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", TenantID: "contoso.onmicrosoft.com"}},
		"no credential":       {cfg: NotificationsConfig{ChannelID: "c", TeamID: "t"}, field: "credential"},
		"zero credential":     {cfg: NotificationsConfig{Credential: &credential.Ref{}}, field: "credential"},
		"bot without channel": {cfg: NotificationsConfig{Credential: botRef(), TeamID: "t"}, field: "channel_id"},
		"bot without team":    {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c"}, field: "team_id"},
		"bot blank channel":   {cfg: NotificationsConfig{Credential: botRef(), ChannelID: " ", TeamID: "t"}, field: "channel_id"},
		"channel with spaces": {cfg: NotificationsConfig{Credential: WebhookCredential(exampleHook), ChannelID: "a b"}, field: "channel_id"},
		"team too long":       {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: strings.Repeat("t", 600)}, field: "team_id"},
		"http endpoint":       {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", Endpoint: "http://smba.example.com/teams/"}, field: "endpoint"},
		"loopback endpoint":   {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", Endpoint: "http://127.0.0.1:8080/teams/"}},
		"endpoint with query": {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", Endpoint: "https://x.example/?a=1"}, field: "endpoint"},
		"endpoint with user":  {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", Endpoint: "https://u:p@x.example/"}, field: "endpoint"},
		"relative endpoint":   {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", Endpoint: "/teams/"}, field: "endpoint"},
		"bad tenant":          {cfg: NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t", TenantID: "a/b"}, field: "tenant_id"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.field == "" {
				assert.NoError(t, err)
				return
			}
			wantInvalid(t, err, tc.field)
		})
	}
}

// TestOpenRefuses: Open checks what Validate cannot: the credential's
// type and the webhook URL; errors never quote the URL.
func TestOpenRefuses(t *testing.T) {
	open := func(cfg *NotificationsConfig, cred credential.Config) error {
		req := providers.OpenRequest{Config: cfg}
		if cred != nil {
			req.Credentials = map[string]credential.Config{"credential": cred}
		}
		d, err := Notifications.Open(t.Context(), req)
		if err == nil {
			_ = d.Close()
		}
		return err
	}
	ref := credential.RefTo("cred-1", credential.TypeSecret)
	secret := func(s string) credential.Config { return &credential.SecretCredential{Secret: credential.Secret(s)} }
	for name, tc := range map[string]struct {
		cred  credential.Config
		field string
	}{
		"token":             {&credential.TokenCredential{Secret: "t0ken-value"}, "credential"},
		"basic":             {&credential.BasicCredential{Username: "u", Secret: "p4ssword"}, "credential"},
		"not a URL":         {secret("not a url at all"), "credential.secret"},
		"http webhook":      {secret("http://prod-1.westus.logic.azure.com/workflows/x?sig=s3cretSig"), "credential.secret"},
		"webhook with user": {secret("https://user:pw@example.com/hook?sig=s3cretSig"), "credential.secret"},
		"fragment":          {secret("https://example.com/hook?sig=s3cretSig#frag"), "credential.secret"},
		"escaped path":      {secret("https://example.com/a%2Fb?sig=s3cretSig"), "credential.secret"},
	} {
		t.Run(name, func(t *testing.T) {
			err := open(&NotificationsConfig{Credential: ref}, tc.cred)
			wantInvalid(t, err, tc.field)
			if err != nil {
				assert.NotContains(t, err.Error(), "s3cretSig")
				assert.NotContains(t, err.Error(), "pw@")
			}
		})
	}
	// An o_auth_client credential under a secret reference still needs
	// the bot's fields.
	wantInvalid(t, open(&NotificationsConfig{Credential: ref}, &credential.OAuthClientCredential{ClientID: "a", ClientSecret: "b0t-secret"}), "channel_id")
	wantInvalid(t, open(&NotificationsConfig{Credential: ref}, nil), "credential")
	var e *errs.Error
	require.ErrorAs(t, open(nil, nil), &e)
	assert.Equal(t, errs.Internal, e.Code)
	// A token URL the secret would go to in clear is refused.
	wantInvalid(t, open(&NotificationsConfig{Credential: botRef(), ChannelID: "c", TeamID: "t"},
		&credential.OAuthClientCredential{ClientID: "a", ClientSecret: "b0t-secret", TokenURL: "http://login.example.com/t/oauth2/v2.0/token"}),
		"credential.token_url")
}

// TestSchema: the configuration's schema, as forms and capability
// listings show it.
func TestSchema(t *testing.T) {
	got := Notifications.Provider().Schema()
	want := []providers.ConfigField{
		{Name: "channel_id", Type: "string"},
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"o_auth_client", "secret"}},
		{Name: "team_id", Type: "string"},
		{Name: "endpoint", Type: "string"},
		{Name: "tenant_id", Type: "string"},
	}
	assert.Equal(t, want, got)
	p := Notifications.Provider()
	assert.Equal(t, NotificationsID, p.ID)
	assert.True(t, p.Accepts(credential.TypeOAuthClient))
	assert.True(t, p.Accepts(credential.TypeSecret))
	assert.False(t, p.Accepts(credential.TypeToken))
	reg, ok := providers.Lookup(NotificationsID)
	require.True(t, ok, "init registers the provider")
	assert.Equal(t, "Microsoft Teams", reg.Fullname)
}

// TestDecodeConfig: the hosted API's JSON decodes into the configuration,
// the Teams credential union included, and encodes back without secrets.
func TestDecodeConfig(t *testing.T) {
	var cfg NotificationsConfig
	require.NoError(t, json.Unmarshal([]byte(`{"channel_id":"19:c@thread.tacv2","team_id":"19:t@thread.tacv2",
		"credential":{"type":"webhook_url","secret":"`+exampleHook+`"}}`), &cfg))
	require.NotNil(t, cfg.Credential)
	assert.Equal(t, credential.TypeSecret, cfg.Credential.Type)
	assert.Equal(t, WebhookURLAlias, cfg.Credential.Alias)
	sc, ok := cfg.Credential.Inline.(*credential.SecretCredential)
	require.True(t, ok)
	assert.Equal(t, exampleHook, sc.Secret.Reveal())
	require.NoError(t, cfg.Validate())
	out, err := json.Marshal(&cfg)
	require.NoError(t, err)
	assert.JSONEq(t, `{"channel_id":"19:c@thread.tacv2","team_id":"19:t@thread.tacv2",
		"credential":{"type":"webhook_url","secret":"[REDACTED]"}}`, string(out))
	assert.NotContains(t, string(out), "sig=")

	cfg = NotificationsConfig{}
	require.NoError(t, json.Unmarshal([]byte(`{"channel_id":"19:c@thread.tacv2","team_id":"19:t@thread.tacv2",
		"tenant_id":"5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f","endpoint":"https://smba.trafficmanager.net/emea/",
		"credential":{"type":"o_auth_client","client_id":"app-id","client_secret":"app-secret",
		"token_url":"https://login.microsoftonline.com/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f/oauth2/v2.0/token"}}`), &cfg))
	oc, ok := cfg.Credential.Inline.(*credential.OAuthClientCredential)
	require.True(t, ok)
	assert.Equal(t, "app-id", oc.ClientID)
	assert.Equal(t, "app-secret", oc.ClientSecret.Reveal())
	assert.Equal(t, "https://smba.trafficmanager.net/emea/", cfg.Endpoint)
	require.NoError(t, cfg.Validate())

	for js, typ := range map[string]credential.Type{
		`{"type":"webhook_url_id","value":"cred-9"}`:    credential.TypeSecret,
		`{"type":"o_auth_client_id","value":"cred-10"}`: credential.TypeOAuthClient,
	} {
		cfg = NotificationsConfig{}
		require.NoError(t, json.Unmarshal([]byte(`{"channel_id":"c","team_id":"t","credential":`+js+`}`), &cfg))
		assert.Equal(t, typ, cfg.Credential.Type)
		assert.NotEmpty(t, cfg.Credential.ID)
		require.NoError(t, cfg.Validate())
		assert.Equal(t, map[string]*credential.Ref{"credential": cfg.Credential}, cfg.CredentialRefs())
		out, err := json.Marshal(cfg.Credential)
		require.NoError(t, err)
		assert.JSONEq(t, js, string(out))
	}

	// The Bot Framework without channel_id fails validation after
	// decoding, on the field.
	cfg = NotificationsConfig{}
	require.NoError(t, json.Unmarshal([]byte(`{"team_id":"t","credential":{"type":"o_auth_client","client_id":"a","client_secret":"b"}}`), &cfg))
	wantInvalid(t, cfg.Validate(), "channel_id")
}
