package teams

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// vendor names Teams in errors and logs.
const vendor = "teams"

// openNotifications is Notifications.Open: it builds the driver of one
// integration, in the mode its credential chooses, over the shared HTTP
// plumbing tuned by req.HTTPOptions. It makes no network call.
func openNotifications(_ context.Context, req providers.OpenRequest) (notifications.Driver, error) {
	cfg, err := providers.ConfigAs[*NotificationsConfig](req)
	if err != nil {
		return nil, err
	}
	cred := req.Credential("credential")
	if cred == nil {
		return nil, errs.Invalid("credential", "the Teams integration has no credential: give a webhook_url credential (a Workflows webhook URL) or an o_auth_client one (a bot's app id and secret)")
	}
	if err := cred.Validate(); err != nil {
		return nil, err
	}
	hc, closeIdle := httpClient(req.HTTPClient)
	d := &notifier{state: req.State, now: req.Clock, closeIdle: closeIdle}
	if d.state == nil {
		d.state = providers.NewMemoryState()
	}
	if d.now == nil {
		d.now = time.Now
	}
	switch c := cred.(type) {
	case *credential.SecretCredential:
		err = d.openWebhook(req, hc, c.Secret.Reveal())
	case *credential.OAuthClientCredential:
		err = d.openBot(req, cfg, hc, c)
	default:
		err = errs.Invalid("credential", "Microsoft Teams takes a webhook_url (secret) or an o_auth_client credential, not %s", cred.Type())
	}
	if err != nil {
		closeIdle()
		return nil, err
	}
	return d, nil
}

// options returns the plumbing's options of the driver.
func options(req providers.OpenRequest, hc *http.Client) httpx.Options {
	opts := httpx.OptionsFor(req, vendor)
	opts.HTTPClient = hc
	opts.ErrorDetail = errorDetail
	return opts
}

// openWebhook sets d up to post to the webhook URL raw. The URL is a
// secret: the plumbing is told to redact it, its query and its
// signature, and its path too when no query parameter holds the secret
// (an Office 365 connector's URL, whose path is the credential).
func (d *notifier) openWebhook(req providers.OpenRequest, hc *http.Client, raw string) error {
	const field = "credential.secret"
	u, err := parseEndpoint(field, strings.TrimSpace(raw))
	if err != nil {
		return err
	}
	if strings.HasSuffix(u.RawQuery, "/") {
		return errs.Invalid(field, "the webhook URL's query must not end with \"/\"")
	}
	if (&url.URL{Path: u.Path}).EscapedPath() != u.EscapedPath() {
		return errs.Invalid(field, "the webhook URL's path holds percent-escapes the driver cannot send unchanged")
	}
	base := u.Scheme + "://" + u.Host
	if u.RawQuery != "" {
		base += "?" + u.RawQuery
	}
	d.mode, d.hookPath = modeWebhook, cmp.Or(u.Path, "/")
	d.hc, err = httpx.New(base, webhookAuth{secrets: webhookSecrets(raw, u)}, options(req, hc))
	return err
}

// webhookAuth is a webhook's Auth: the URL authorizes the request, so it
// adds nothing, but its secrets are redacted from every error and log.
type webhookAuth struct{ secrets []string }

func (webhookAuth) Authorize(context.Context, *http.Request) error { return nil }
func (a webhookAuth) Secrets() []string                            { return a.secrets }

// secretParams are query parameters that hold a webhook URL's secret:
// Logic Apps' (Workflows') shared access signature, Azure Functions' key,
// and the usual names of tokens.
var secretParams = map[string]bool{"sig": true, "code": true, "key": true, "token": true, "secret": true,
	"signature": true, "apikey": true, "api_key": true, "access_token": true, "auth": true, "password": true}

// webhookSecrets returns what must never show of a webhook URL: the URL,
// its query, the values of its secret parameters; and, when it has none,
// its path and every long segment of it.
func webhookSecrets(raw string, u *url.URL) []string {
	out := []string{raw, strings.TrimSpace(raw), u.String()}
	if u.RawQuery != "" {
		out = append(out, u.RawQuery)
	}
	found := false
	for k, vs := range u.Query() {
		if !secretParams[strings.ToLower(k)] {
			continue
		}
		for _, v := range vs {
			if v != "" {
				out = append(out, v)
				found = true
			}
		}
	}
	if !found && u.Path != "" && u.Path != "/" {
		out = append(out, u.Path, u.EscapedPath())
		for seg := range strings.SplitSeq(u.Path, "/") {
			if len(seg) >= 8 {
				out = append(out, seg)
			}
		}
	}
	return out
}

// openBot sets d up to post as the bot of the credential.
func (d *notifier) openBot(req providers.OpenRequest, cfg *NotificationsConfig, hc *http.Client, c *credential.OAuthClientCredential) error {
	if err := cfg.validateBot(); err != nil {
		return err
	}
	eu, err := parseServiceURL("endpoint", cmp.Or(cfg.Endpoint, DefaultEndpoint))
	if err != nil {
		return err
	}
	tokenURL := c.TokenURL
	if tokenURL == "" {
		tokenURL = DefaultTokenAuthority + "/" + url.PathEscape(cmp.Or(cfg.TenantID, MultiTenantDirectory)) + "/oauth2/v2.0/token"
	}
	if _, err := parseEndpoint("credential.token_url", tokenURL); err != nil {
		return err
	}
	scope := BotFrameworkScope
	if s, ok := c.Extra["scope"].(string); ok && strings.TrimSpace(s) != "" {
		scope = strings.TrimSpace(s)
	}
	auth := httpx.OAuthClientCredentials(clientcredentials.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret.Reveal(),
		TokenURL:     tokenURL,
		Scopes:       []string{scope},
		// The identity platform documents client_id and client_secret
		// as form parameters of the token request.
		AuthStyle: oauth2.AuthStyleInParams,
	}, hc)
	// The service URL's path (/teams/) is part of every request's path,
	// so that errors name the path Microsoft saw.
	d.mode, d.channelID, d.teamID, d.tenantID = modeBot, cfg.ChannelID, cfg.TeamID, cfg.TenantID
	d.botBase = strings.TrimRight(eu.Path, "/")
	d.hc, err = httpx.New(eu.Scheme+"://"+eu.Host, auth, options(req, hc))
	return err
}

// httpClient returns the client the driver calls Microsoft with (and
// fetches tokens with): the application's, or a pooled one of the
// driver's own, whose idle connections closeIdle closes. Microsoft's
// request id (MS-CV) reaches errors through the plumbing.
func httpClient(app *http.Client) (hc *http.Client, closeIdle func()) {
	if app != nil {
		return app, func() {}
	}
	c := cleanhttp.DefaultPooledClient()
	return c, c.CloseIdleConnections
}

// errorDetail reads Microsoft's error bodies for errs.ProviderError: the
// Bot Connector's and Logic Apps' {"error": {"code", "message"}}, the
// identity platform's {"error": "<code>", "error_description":
// "AADSTS...: ...", "error_codes", "trace_id", "correlation_id"}, and the
// Bot Connector's {"message": "Authorization has been denied for this
// request."}. Other bodies (a connector's plain text) are left to the
// body snippet.
func errorDetail(_ int, body []byte) (code, message string) {
	var e struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		ErrorCodes       []int64         `json:"error_codes"`
		TraceID          string          `json:"trace_id"`
		CorrelationID    string          `json:"correlation_id"`
		Message          string          `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	var obj struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	var name string
	switch {
	case len(e.Error) > 0 && json.Unmarshal(e.Error, &obj) == nil && (obj.Code != "" || obj.Message != ""):
		return obj.Code, obj.Message
	case len(e.Error) > 0 && json.Unmarshal(e.Error, &name) == nil && name != "":
		desc, _, _ := strings.Cut(e.ErrorDescription, "\r\n")
		desc, _, _ = strings.Cut(desc, "\n")
		if desc == "" && len(e.ErrorCodes) > 0 {
			desc = fmt.Sprintf("AADSTS%d", e.ErrorCodes[0])
		}
		var ids []string
		if e.TraceID != "" {
			ids = append(ids, "trace ID "+e.TraceID)
		}
		if e.CorrelationID != "" {
			ids = append(ids, "correlation ID "+e.CorrelationID)
		}
		if len(ids) > 0 {
			desc = strings.TrimSpace(desc + " (" + strings.Join(ids, ", ") + ")")
		}
		return name, desc
	case e.Message != "":
		return "", e.Message
	}
	return "", ""
}
