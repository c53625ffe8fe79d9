package servicenow

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// openTicketing is Ticketing.Open: it builds the ServiceNow ticketing
// driver for one integration, over the shared HTTP plumbing tuned by
// req.HTTPOptions. It makes no network call.
func openTicketing(_ context.Context, req providers.OpenRequest) (ticketing.Driver, error) {
	cfg, err := providers.ConfigAs[*TicketingConfig](req)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(cfg.URL, "/")
	auth, err := authFor(cfg, base, req.Credential("credential"), req.HTTPClient)
	if err != nil {
		return nil, err
	}
	opts := httpx.OptionsFor(req, "servicenow")
	opts.ErrorDetail = errorDetail
	c, err := httpx.New(base, auth, opts)
	if err != nil {
		return nil, err
	}
	return newDriver(c, cfg), nil
}

// authFor returns the authentication of the credential.
func authFor(cfg *TicketingConfig, base string, cred credential.Config, hc *http.Client) (httpx.Auth, error) {
	if cred == nil {
		return nil, errs.Invalid("credential", "the ServiceNow integration has no credential: give a basic, token or o_auth_client credential")
	}
	if err := cred.Validate(); err != nil {
		return nil, err
	}
	switch c := cred.(type) {
	case *credential.BasicCredential:
		return httpx.Basic(c.Username, c.Secret.Reveal()), nil
	case *credential.TokenCredential:
		return httpx.Bearer(c.Secret.Reveal()), nil
	case *credential.OAuthClientCredential:
		tokenURL := c.TokenURL
		if tokenURL == "" {
			tokenURL = base + "/oauth_token.do"
		}
		return httpx.OAuthClientCredentials(clientcredentials.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret.Reveal(),
			TokenURL:     tokenURL,
			Scopes:       cfg.OAuthScopes,
			// ServiceNow documents client_id and client_secret as form
			// parameters of the token request.
			AuthStyle: oauth2.AuthStyleInParams,
		}, hc), nil
	}
	return nil, errs.Invalid("credential", "ServiceNow accepts basic, token or o_auth_client credentials, not %s", cred.Type())
}

// errorDetail reads ServiceNow's error object for errs.ProviderError:
// {"error": {"message": "...", "detail": "..."}, "status": "failure"}.
func errorDetail(_ int, body []byte) (code, message string) {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Detail  string `json:"detail"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	message = e.Error.Message
	if e.Error.Detail != "" && e.Error.Detail != message {
		message = strings.TrimPrefix(message+": "+e.Error.Detail, ": ")
	}
	return "", message
}
