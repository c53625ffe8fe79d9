package slack

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// The provider config ids.
const (
	// NotificationsID is the Slack Web API notifications provider.
	NotificationsID = "notifications_slack"
	// WebhookID is the Slack incoming-webhook notifications provider.
	WebhookID = "notifications_slack_webhook"
)

// DefaultURL is the Slack Web API's base.
const DefaultURL = "https://slack.com/api"

// NotificationsConfig is the notifications_slack provider configuration:
// messages are posted by a bot, through the Slack Web API, to one channel.
//
//	{
//	  "type": "notifications_slack",
//	  "channel": "C0123ABCD",
//	  "credential": {"type": "token", "secret": "xoxb-..."}
//	}
type NotificationsConfig struct {
	// Channel is where messages go: a conversation id (C0123ABCD, or G...
	// for a private channel) or a channel name (#security, or security).
	// An id is better: it survives the channel being renamed. The bot must
	// be a member of the channel.
	Channel string `json:"channel" schema:"required"`
	// Credential is a token credential holding the bot's token (xoxb-...),
	// with the chat:write and channels:history (groups:history for a
	// private channel) scopes.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// URL is the Web API's base, https://slack.com/api unless set (GovSlack:
	// https://slack-gov.com/api).
	URL string `json:"url,omitempty"`
}

// Validate implements providers.Config.
func (c *NotificationsConfig) Validate() error {
	if err := validateChannel(c.Channel); err != nil {
		return err
	}
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	if err := c.Credential.Validate(credential.TypeToken); err != nil {
		return err
	}
	if c.URL != "" {
		return providers.ValidateURL("url", c.URL)
	}
	return nil
}

// CredentialRefs implements providers.Config.
func (c *NotificationsConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// channelID is a Slack conversation id: defs_channel of the Web API
// description, with a bound.
var channelID = regexp.MustCompile(`^[CGD][A-Z0-9]{8,31}$`)

// maxChannelName is the longest channel name Slack allows.
const maxChannelName = 80

// validateChannel accepts a conversation id or a channel name (with or
// without its "#"): 1 to 80 lowercase letters, digits, hyphens and
// underscores, as Slack names channels.
func validateChannel(ch string) error {
	if ch == "" {
		return errs.Invalid("channel", "channel is required: a channel id such as C0123ABCD or a name such as #security")
	}
	if channelID.MatchString(ch) {
		return nil
	}
	name := strings.TrimPrefix(ch, "#")
	if name == "" || utf8.RuneCountInString(name) > maxChannelName || !utf8.ValidString(name) ||
		strings.ContainsFunc(name, func(r rune) bool {
			return !(unicode.IsLetter(r) && !unicode.IsUpper(r) || unicode.IsDigit(r) || r == '-' || r == '_')
		}) {
		return errs.Invalid("channel", "channel must be a channel id such as C0123ABCD or a channel name such as #security "+
			"(up to 80 lowercase letters, digits, hyphens and underscores)")
	}
	return nil
}

// channelArg is the configured channel as chat.postMessage takes it: an
// id as it is, a name with its "#".
func channelArg(ch string) string {
	if channelID.MatchString(ch) || strings.HasPrefix(ch, "#") {
		return ch
	}
	return "#" + ch
}

// WebhookConfig is the notifications_slack_webhook provider configuration:
// messages are posted through a Slack incoming webhook, whose URL is the
// credential.
//
//	{
//	  "type": "notifications_slack_webhook",
//	  "webhook_url": {"type": "secret", "secret": "https://hooks.slack.com/services/T.../B.../..."}
//	}
type WebhookConfig struct {
	// WebhookURL is a secret credential holding the incoming webhook's URL
	// (https://hooks.slack.com/services/<team>/<bot>/<secret>). The whole
	// URL is a secret.
	WebhookURL *credential.Ref `json:"webhook_url" schema:"required"`
}

// Validate implements providers.Config; an inline webhook URL is checked
// too (without ever quoting it).
func (c *WebhookConfig) Validate() error {
	if err := providers.RequireRef("webhook_url", c.WebhookURL); err != nil {
		return err
	}
	if err := c.WebhookURL.Validate(credential.TypeSecret); err != nil {
		return renameField(err, "credential", "webhook_url")
	}
	if c.WebhookURL.IsInline() {
		if sc, ok := c.WebhookURL.Inline.(*credential.SecretCredential); ok {
			if _, err := parseWebhookURL(sc.Secret.Reveal()); err != nil {
				return err
			}
		}
	}
	return nil
}

// CredentialRefs implements providers.Config.
func (c *WebhookConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("webhook_url", c.WebhookURL)
}

// renameField moves an error's Field from under old to under name: the
// credential package names its fields "credential...".
func renameField(err error, old, name string) error {
	var e *errs.Error
	if errors.As(err, &e) {
		if rest, ok := strings.CutPrefix(e.Field, old); ok {
			c := *e
			c.Field = name + rest
			return &c
		}
	}
	return err
}

// webhookURL is a parsed incoming-webhook URL.
type webhookURL struct {
	origin string // scheme://host[:port]
	path   string // /services/<team>/<bot>/<secret>
	secret string // the last segment
}

// parseWebhookURL checks an incoming webhook's URL: https (http only to a
// loopback host, for local fakes), no user information, query or
// fragment, and a path /services/<team>/<bot>/<secret> of ASCII letters
// and digits. Errors never quote the URL.
func parseWebhookURL(s string) (*webhookURL, error) {
	bad := func(why string) error {
		return errs.Invalid("webhook_url", "the webhook URL %s; it looks like https://hooks.slack.com/services/T.../B.../...", why)
	}
	if s == "" {
		return nil, bad("is empty")
	}
	if len(s) > providers.MaxURLLen {
		return nil, bad("is too long")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return nil, bad("is not an absolute URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		return nil, bad("must be https")
	case u.User != nil:
		return nil, bad("must not contain user information")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#"):
		return nil, bad("must not have a query or a fragment")
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/services/"), "/")
	if !strings.HasPrefix(u.Path, "/services/") || len(parts) != 3 || u.RawPath != "" {
		return nil, bad("must have the path /services/<team>/<bot>/<secret>")
	}
	for _, p := range parts {
		if p == "" || strings.ContainsFunc(p, func(r rune) bool { return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) }) {
			return nil, bad("must have the path /services/<team>/<bot>/<secret> of letters and digits")
		}
	}
	if len(parts[2]) < minWebhookSecret {
		return nil, bad("has too short a secret")
	}
	return &webhookURL{origin: u.Scheme + "://" + u.Host, path: u.Path, secret: parts[2]}, nil
}

// minWebhookSecret is the shortest webhook secret accepted (Slack's are 24
// characters): shorter ones could not be told from ordinary text when
// they are redacted from errors.
const minWebhookSecret = 8

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Notifications is the registration of the Slack Web API notifications
// provider, and its one constructor: Notifications.Open builds the driver
// of an integration from a providers.OpenRequest whose Config is a
// *NotificationsConfig and whose Credentials["credential"] is a token
// credential holding a bot token. See the package documentation.
var Notifications = notifications.Registration{
	ID:              NotificationsID,
	Fullname:        "Slack",
	NewConfig:       func() providers.Config { return new(NotificationsConfig) },
	CredentialTypes: []credential.Type{credential.TypeToken},
	Capabilities:    notifications.Capabilities{Operations: notifications.Operations},
	Open:            openWebAPI,
}

// Webhook is the registration of the Slack incoming-webhook notifications
// provider, and its one constructor: Webhook.Open builds the driver of an
// integration from a providers.OpenRequest whose Config is a
// *WebhookConfig and whose Credentials["webhook_url"] is a secret
// credential holding the webhook's URL; the messages' records are kept in
// the request's State. See the package documentation.
var Webhook = notifications.Registration{
	ID:              WebhookID,
	Fullname:        "Slack (incoming webhook)",
	NewConfig:       func() providers.Config { return new(WebhookConfig) },
	CredentialTypes: []credential.Type{credential.TypeSecret},
	Capabilities:    notifications.Capabilities{Operations: notifications.Operations},
	Open:            openWebhook,
}

func init() {
	notifications.Register(Notifications)
	notifications.Register(Webhook)
}
