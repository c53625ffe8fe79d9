package httpx

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/seed-e6251c81/synqly/errs"
)

// Auth authorizes requests. Its secrets are redacted, in every encoding a
// vendor could echo them in, from every error the Client returns and every
// line it logs.
type Auth interface {
	// Authorize sets the request's credentials.
	Authorize(ctx context.Context, req *http.Request) error
	// Secrets returns the values to redact from errors and logs.
	Secrets() []string
}

// None is an Auth that adds nothing.
var None Auth = noAuth{}

type noAuth struct{}

func (noAuth) Authorize(context.Context, *http.Request) error { return nil }
func (noAuth) Secrets() []string                              { return nil }

// Basic returns HTTP basic authentication (e.g. Jira's e-mail + API token).
func Basic(user, secret string) Auth {
	return basicAuth{user: user, secret: secret,
		header: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+secret))}
}

type basicAuth struct{ user, secret, header string }

func (a basicAuth) Authorize(_ context.Context, r *http.Request) error {
	r.Header.Set("Authorization", a.header) // what SetBasicAuth sends, encoded once
	return nil
}

// Secrets returns the secret and the credentials of the Authorization
// header, base64 of user:secret, in both alphabets, with and without
// padding (the redaction finds base64 of the secret alone by itself).
func (a basicAuth) Secrets() []string {
	creds := []byte(a.user + ":" + a.secret)
	return []string{a.secret, base64.StdEncoding.EncodeToString(creds), base64.URLEncoding.EncodeToString(creds),
		base64.RawStdEncoding.EncodeToString(creds), base64.RawURLEncoding.EncodeToString(creds)}
}

// Bearer returns "Authorization: Bearer <token>".
func Bearer(token string) Auth { return Header("Authorization", "Bearer "+token, token) }

// Header returns an Auth that sets one header; secret is the part of value
// to redact (e.g. PagerDuty's "Token token=<secret>").
func Header(name, value, secret string) Auth { return headerAuth{name, value, secret} }

type headerAuth struct{ name, value, secret string }

func (a headerAuth) Authorize(_ context.Context, r *http.Request) error {
	r.Header.Set(a.name, a.value)
	return nil
}

func (a headerAuth) Secrets() []string { return []string{a.secret, a.value} }

// Refresher is an Auth whose credentials can go stale before their time (an
// OAuth token the vendor revoked). On a 401 the Client calls Refresh and,
// if it returns true, authorizes and sends the request once more.
type Refresher interface {
	Refresh() bool
}

// OAuthClientCredentials returns OAuth 2.0 client-credentials authentication:
// tokens are fetched from cfg.TokenURL with hc (nil: http.DefaultClient),
// cached, refreshed before they expire, and fetched anew when the vendor
// answers 401 to a cached one.
func OAuthClientCredentials(cfg clientcredentials.Config, hc *http.Client) Auth {
	ctx := context.Background()
	if hc != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	}
	a := &oauthAuth{cfg: cfg, ctx: ctx, secret: cfg.ClientSecret}
	a.ts = cfg.TokenSource(ctx)
	return a
}

type oauthAuth struct {
	cfg    clientcredentials.Config
	ctx    context.Context
	mu     sync.Mutex
	ts     oauth2.TokenSource
	secret string
	seen   []string // the last tokens used, redacted from errors even after a refresh
}

// maxSeenTokens bounds the tokens an oauthAuth remembers for redaction.
const maxSeenTokens = 8

// Refresh drops the cached token, so the next Authorize fetches a new one.
func (a *oauthAuth) Refresh() bool {
	a.mu.Lock()
	a.ts = a.cfg.TokenSource(a.ctx)
	a.mu.Unlock()
	return true
}

func (a *oauthAuth) source() oauth2.TokenSource {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ts
}

func (a *oauthAuth) Authorize(ctx context.Context, r *http.Request) error {
	tok, err := a.source().Token()
	if err != nil {
		var re *oauth2.RetrieveError
		status := 0
		if errors.As(err, &re) && re.Response != nil {
			status = re.Response.StatusCode
		}
		if e := errs.FromContext(ctx.Err(), nil, "fetching an OAuth token: gave up"); e != nil {
			return e
		}
		return &errs.Error{Code: errs.Unauthorized, Status: status,
			Message: "the OAuth token endpoint refused the client credentials (check client_id, client_secret and token_url)"}
	}
	a.mu.Lock()
	if n := len(a.seen); n == 0 || a.seen[n-1] != tok.AccessToken {
		a.seen = append(a.seen, tok.AccessToken)
		if len(a.seen) > maxSeenTokens {
			a.seen = a.seen[1:]
		}
	}
	a.mu.Unlock()
	tok.SetAuthHeader(r)
	return nil
}

func (a *oauthAuth) Secrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string{a.secret}, a.seen...)
}

// WithSecrets returns a, with more secrets to redact: those the driver
// holds besides the auth's own (a signing key, a secret in a URL).
func WithSecrets(a Auth, secrets ...string) Auth {
	if a == nil {
		a = None
	}
	w := extraSecrets{a, secrets}
	if r, ok := a.(Refresher); ok {
		return refreshingExtra{w, r}
	}
	return w
}

type extraSecrets struct {
	Auth
	extra []string
}

func (a extraSecrets) Secrets() []string { return append(a.Auth.Secrets(), a.extra...) }

type refreshingExtra struct {
	extraSecrets
	r Refresher
}

func (a refreshingExtra) Refresh() bool { return a.r.Refresh() }
