package teams

import (
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// NotificationsID is the provider config id of the Microsoft Teams
// notifications provider.
const NotificationsID = "notifications_teams"

// Defaults of the Bot Framework mode.
const (
	// DefaultEndpoint is the Bot Connector service URL of Microsoft's
	// public cloud for Teams. Government clouds have their own
	// (https://smba.infra.gcc.teams.microsoft.com/teams for GCC, ...).
	DefaultEndpoint = "https://smba.trafficmanager.net/teams/"
	// DefaultTokenAuthority is the identity platform's login host.
	DefaultTokenAuthority = "https://login.microsoftonline.com"
	// MultiTenantDirectory is the tenant of the token authority of a
	// multi-tenant bot, used when tenant_id is not set.
	MultiTenantDirectory = "botframework.com"
	// BotFrameworkScope is the scope of the Bot Connector's tokens.
	BotFrameworkScope = "https://api.botframework.com/.default"
)

// WebhookURLAlias is the name the hosted API gives a secret credential
// holding a webhook URL: {"type": "webhook_url", "secret": "https://..."}.
const WebhookURLAlias = "webhook_url"

// maxIDField bounds channel_id, team_id and tenant_id.
const maxIDField = 512

// NotificationsConfig is the notifications_teams provider configuration,
// with the hosted API's JSON names:
//
//	{
//	  "type": "notifications_teams",
//	  "credential": {"type": "webhook_url", "secret": "https://...logic.azure.com/workflows/.../invoke?...&sig=..."}
//	}
//
//	{
//	  "type": "notifications_teams",
//	  "credential": {"type": "o_auth_client", "client_id": "<bot app id>", "client_secret": "<secret>"},
//	  "team_id": "19:...@thread.tacv2",
//	  "channel_id": "19:...@thread.tacv2",
//	  "tenant_id": "<tenant id>"
//	}
//
// The credential chooses the mode. A webhook_url credential (a secret
// credential holding a Workflows or incoming-webhook URL) posts to the
// channel the webhook was made for: channel_id and team_id are then
// ignored (a webhook URL already names its channel), and endpoint and
// tenant_id too. An o_auth_client credential is the Bot Framework app id
// (client_id) and a client secret of an Azure Bot installed in the team:
// channel_id and team_id are then required.
type NotificationsConfig struct {
	// ChannelID is the channel to post in ("19:...@thread.tacv2"; the
	// General channel's id is the team's), with an o_auth_client
	// credential. Ignored with a webhook.
	ChannelID string `json:"channel_id"`
	// Credential is an o_auth_client credential (the bot's app id and
	// secret; its token_url, if set, replaces the identity platform's
	// token endpoint, and its extra "scope" the Bot Framework scope, for
	// government clouds) or a webhook_url one (a secret credential whose
	// secret is the webhook URL).
	Credential *credential.Ref `json:"credential" schema:"required"`
	// TeamID is the team of the channel ("19:...@thread.tacv2", the id
	// of its General channel), with an o_auth_client credential: the
	// driver asks the Bot Connector for the team's channels when Teams
	// refuses a message, to say whether the channel is the problem.
	// Ignored with a webhook.
	TeamID string `json:"team_id"`
	// Endpoint is the Bot Connector service URL (default
	// DefaultEndpoint). Ignored with a webhook.
	Endpoint string `json:"endpoint,omitempty"`
	// TenantID is the Microsoft Entra tenant (id or domain) of a
	// single-tenant bot: its token authority
	// (https://login.microsoftonline.com/<tenant_id>/oauth2/v2.0/token;
	// without it botframework.com's, for multi-tenant bots), also sent as
	// the conversation's tenant. Ignored with a webhook.
	TenantID string `json:"tenant_id,omitempty"`
}

// Validate implements providers.Config. It requires a credential, and
// channel_id and team_id when the credential is an o_auth_client one (the
// Bot Framework); with a webhook they are ignored. endpoint must be an
// https URL (http only to a loopback address, for tests), tenant_id a
// tenant id or domain. The credential's type is checked when the driver is
// opened (a reference's type is checked by the management plane).
func (c *NotificationsConfig) Validate() error {
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	for field, v := range map[string]string{"channel_id": c.ChannelID, "team_id": c.TeamID} {
		if err := checkID(field, v); err != nil {
			return err
		}
	}
	if c.bot() {
		if err := c.validateBot(); err != nil {
			return err
		}
	}
	if c.Endpoint != "" {
		if _, err := parseServiceURL("endpoint", c.Endpoint); err != nil {
			return err
		}
	}
	if c.TenantID != "" && !validTenant(c.TenantID) {
		return errs.Invalid("tenant_id", "tenant_id must be a Microsoft Entra tenant id (a GUID) or domain (contoso.onmicrosoft.com)")
	}
	return nil
}

// bot reports whether the configuration's credential is the Bot
// Framework's.
func (c *NotificationsConfig) bot() bool {
	return c.Credential != nil && c.Credential.Type == credential.TypeOAuthClient
}

// validateBot checks what the Bot Framework mode needs.
func (c *NotificationsConfig) validateBot() error {
	if strings.TrimSpace(c.ChannelID) == "" {
		return errs.Invalid("channel_id", "channel_id is required with an o_auth_client (Bot Framework) credential: the id of the channel to post in (19:...@thread.tacv2)")
	}
	if strings.TrimSpace(c.TeamID) == "" {
		return errs.Invalid("team_id", "team_id is required with an o_auth_client (Bot Framework) credential: the id of the channel's team (19:...@thread.tacv2)")
	}
	return nil
}

// CredentialRefs implements providers.Config.
func (c *NotificationsConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// checkID checks an optional id field: one line of printable text.
func checkID(field, v string) error {
	if v == "" {
		return nil
	}
	if len(v) > maxIDField || !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return errs.Invalid(field, "%s must be an id of at most %d bytes without spaces or control characters", field, maxIDField)
	}
	return nil
}

// validTenant reports whether s looks like a tenant id or domain.
func validTenant(s string) bool {
	if len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return s != "" && s[0] != '.' && s[0] != '-'
}

// parseEndpoint checks a URL the driver sends credentials to: absolute,
// https (or http to a loopback host), no user information, no fragment.
// Errors never quote the URL, which may be a secret.
func parseEndpoint(field, s string) (*url.URL, error) {
	if len(s) > providers.MaxURLLen {
		return nil, errs.Invalid(field, "%s is %d bytes long; the limit is %d", field, len(s), providers.MaxURLLen)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "" || (u.Scheme != "https" && u.Scheme != "http"):
		return nil, errs.Invalid(field, "%s must be an absolute https URL", field)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return nil, errs.Invalid(field, "%s must be an https URL (http is accepted only for a loopback address)", field)
	case u.User != nil:
		return nil, errs.Invalid(field, "%s must not contain user information", field)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return nil, errs.Invalid(field, "%s must not contain a fragment (#...)", field)
	}
	return u, nil
}

// parseServiceURL checks a URL without a query (a service URL, a token
// endpoint), as parseEndpoint.
func parseServiceURL(field, s string) (*url.URL, error) {
	u, err := parseEndpoint(field, s)
	if err == nil && (u.RawQuery != "" || u.ForceQuery) {
		return nil, errs.Invalid(field, "%s must not contain a query (?...)", field)
	}
	return u, err
}

// loopback reports whether host is localhost or a loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WebhookCredential returns the inline credential of a webhook URL, in the
// hosted API's form ({"type": "webhook_url", "secret": url}):
//
//	cfg := &teams.NotificationsConfig{Credential: teams.WebhookCredential(url)}
func WebhookCredential(webhookURL string) *credential.Ref {
	return credential.Aliased(credential.Inline(&credential.SecretCredential{Secret: credential.Secret(webhookURL)}), WebhookURLAlias)
}

// Notifications is the registration of the Microsoft Teams notifications
// provider, and its one constructor: Notifications.Open builds the driver
// of an integration from a providers.OpenRequest whose Config is a
// *NotificationsConfig and whose Credentials["credential"] is a secret
// credential (the webhook URL) or an o_auth_client one (the Bot
// Framework). Open makes no network call. Every operation is supported:
// see the package documentation for what each does in each mode.
var Notifications = notifications.Registration{
	ID:              NotificationsID,
	Fullname:        "Microsoft Teams",
	NewConfig:       func() providers.Config { return new(NotificationsConfig) },
	CredentialTypes: []credential.Type{credential.TypeOAuthClient, credential.TypeSecret},
	Capabilities:    notifications.Capabilities{Operations: notifications.Operations},
	Open:            openNotifications,
}

func init() { notifications.Register(Notifications) }
