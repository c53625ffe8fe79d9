package gcp

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"

	"github.com/seed-e6251c81/synqly/errs"
)

// Scope is the OAuth scope the drivers ask a service account's tokens
// for: reading and writing objects, nothing else.
const Scope = "https://www.googleapis.com/auth/devstorage.read_write"

// tokenURLs are the OAuth token endpoints a service account key may name
// in its token_uri: Google's. A key naming another is refused, so that a
// key cannot make the driver send signed assertions to any other host.
var tokenURLs = []string{
	"https://oauth2.googleapis.com/token",
	"https://accounts.google.com/o/oauth2/token",
	"https://www.googleapis.com/oauth2/v4/token",
}

// defaultTokenURL is where a key without a token_uri gets its tokens.
const defaultTokenURL = "https://oauth2.googleapis.com/token"

// maxTokenSecret bounds a token credential's secret: a service account
// key is about 2.3 KB.
const maxTokenSecret = 64 << 10

// serviceAccountKey is the part of a service account JSON key the
// drivers use.
type serviceAccountKey struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
}

// googleCredential is what a token credential holds for the JSON API:
// a service account key, or an OAuth access token.
type googleCredential struct {
	key    *serviceAccountKey // nil for an access token
	access string
}

// badSecret is the error of a token credential's secret that is neither
// form; it never quotes the secret.
func badSecret(format string, args ...any) error {
	return errs.Invalid("credential.secret", "the token credential's secret must be a service account JSON key "+
		`({"type": "service_account", ...}) or an OAuth access token: `+format, args...)
}

// parseGoogleCredential reads a token credential's secret: a JSON object
// is a service account key (type service_account, with client_email and
// an RSA private_key, and a token_uri of Google's, if any); anything else
// is an OAuth 2.0 access token, sent as it is.
func parseGoogleCredential(secret string) (*googleCredential, error) {
	s := strings.TrimSpace(secret)
	switch {
	case s == "":
		return nil, badSecret("it is empty")
	case len(s) > maxTokenSecret:
		return nil, badSecret("it is %d bytes long; the limit is %d", len(s), maxTokenSecret)
	case strings.HasPrefix(s, "{"):
		key, err := parseServiceAccountKey(s)
		if err != nil {
			return nil, err
		}
		return &googleCredential{key: key}, nil
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return nil, badSecret("an access token is one word of printable ASCII")
	}
	return &googleCredential{access: s}, nil
}

func parseServiceAccountKey(s string) (*serviceAccountKey, error) {
	var k serviceAccountKey
	if err := json.Unmarshal([]byte(s), &k); err != nil {
		return nil, badSecret("it starts with { but is not valid JSON")
	}
	switch {
	case k.Type != "service_account":
		// Other credential files (external_account, authorized_user,
		// impersonated_service_account) make the auth library read
		// files, run programs or call URLs the file names: never from
		// an integration's credential.
		return nil, badSecret(`the JSON key's "type" must be "service_account"`)
	case strings.TrimSpace(k.ClientEmail) == "":
		return nil, badSecret(`the JSON key has no "client_email"`)
	case strings.TrimSpace(k.PrivateKey) == "":
		return nil, badSecret(`the JSON key has no "private_key"`)
	}
	if _, err := parsePrivateKey(k.PrivateKey); err != nil {
		return nil, err
	}
	if k.TokenURI == "" {
		k.TokenURI = defaultTokenURL
	}
	if !allowedTokenURL(k.TokenURI) {
		return nil, badSecret(`the JSON key's "token_uri" must be Google's token endpoint, %s`, tokenURLs[0])
	}
	return &k, nil
}

func allowedTokenURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	for _, ok := range tokenURLs {
		if s == ok {
			return true
		}
	}
	return false
}

// parsePrivateKey reads the PEM RSA key of a service account key (PKCS #8,
// as Google issues them, or PKCS #1).
func parsePrivateKey(p string) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(p))
	if b == nil {
		return nil, badSecret(`the JSON key's "private_key" is not a PEM block`)
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, badSecret(`the JSON key's "private_key" is not an RSA key`)
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	return nil, badSecret(`the JSON key's "private_key" is not a PKCS #8 or PKCS #1 RSA key`)
}

// secrets lists the credential's secrets, for redaction.
func (c *googleCredential) secrets(raw string) []string {
	if c.key == nil {
		return []string{c.access, raw}
	}
	out := []string{raw, c.key.PrivateKey}
	// The key's base64 body, line by line: a vendor quoting part of it.
	if b, _ := pem.Decode([]byte(c.key.PrivateKey)); b != nil {
		for _, line := range strings.Split(strings.TrimSpace(c.key.PrivateKey), "\n") {
			if line = strings.TrimSpace(line); len(line) >= 32 && !strings.HasPrefix(line, "-----") {
				out = append(out, line)
			}
		}
	}
	return out
}

// tokenAuth authorizes JSON API requests with a Bearer token: the access
// token of the credential, or one fetched for its service account key
// (the JWT bearer grant, RFC 7523, as Google's auth libraries do), cached
// until it is about to expire, and fetched anew after a 401.
type tokenAuth struct {
	static string
	cfg    *jwt.Config
	// rt sends the token requests: httpx's retries, without the probe
	// (the probe's context, with its timeout, comes with each request).
	rt     http.RoundTripper
	redact func(string) string

	mu  sync.Mutex // held while a token is fetched
	tok *oauth2.Token

	// seen lists the tokens used, newest last, for redaction; under its
	// own lock, since redaction runs while a fetch holds mu.
	seenMu sync.Mutex
	seen   []string
}

// maxSeenTokens bounds the fetched tokens kept for redaction.
const maxSeenTokens = 8

func newTokenAuth(c *googleCredential, rt http.RoundTripper, redact func(string) string) *tokenAuth {
	a := &tokenAuth{rt: rt, redact: redact}
	if c.key == nil {
		a.static = c.access
		return a
	}
	a.cfg = &jwt.Config{
		Email: c.key.ClientEmail, PrivateKey: []byte(c.key.PrivateKey), PrivateKeyID: c.key.PrivateKeyID,
		Scopes: []string{Scope}, TokenURL: c.key.TokenURI,
	}
	return a
}

// tokens returns the tokens fetched so far.
func (a *tokenAuth) tokens() []string {
	a.seenMu.Lock()
	defer a.seenMu.Unlock()
	return append([]string(nil), a.seen...)
}

// wrap returns the auth transport over next.
func (a *tokenAuth) wrap(next http.RoundTripper) http.RoundTripper {
	return &authTransport{a: a, next: next}
}

type authTransport struct {
	a    *tokenAuth
	next http.RoundTripper
}

func (t *authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := t.a.token(r.Context())
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", "Bearer "+tok)
	resp, err := t.next.RoundTrip(r2)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		t.a.forget(tok)
	}
	return resp, err
}

// forget drops a cached token the vendor refused, so that the next call
// fetches a new one.
func (a *tokenAuth) forget(tok string) {
	a.mu.Lock()
	if a.tok != nil && a.tok.AccessToken == tok {
		a.tok = nil
	}
	a.mu.Unlock()
}

// token returns the token to send, fetching one with ctx if need be.
func (a *tokenAuth) token(ctx context.Context) (string, error) {
	if a.cfg == nil {
		return a.static, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok.Valid() {
		return a.tok.AccessToken, nil
	}
	// The JWT source posts without a context of its own: the client
	// binds the call's.
	hc := &http.Client{Transport: boundTransport{ctx: ctx, next: a.rt}}
	tctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	tok, err := a.cfg.TokenSource(tctx).Token()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		te := a.tokenError(err)
		recordOf(ctx).fail(te)
		return "", te
	}
	if tok.AccessToken == "" {
		te := &tokenError{code: errs.Provider, msg: "the OAuth token endpoint answered without an access_token"}
		recordOf(ctx).fail(te)
		return "", te
	}
	a.tok = tok
	a.seenMu.Lock()
	a.seen = append(a.seen, tok.AccessToken)
	if len(a.seen) > maxSeenTokens {
		a.seen = a.seen[1:]
	}
	a.seenMu.Unlock()
	return tok.AccessToken, nil
}

// tokenError describes a failed token fetch: a refusal of the key is
// Unauthorized, with Google's OAuth error code and description.
func (a *tokenAuth) tokenError(err error) *tokenError {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return &tokenError{code: errs.Provider, msg: "fetching an OAuth token for the service account: " + a.redact(errText(err))}
	}
	status := re.Response.StatusCode
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(re.Body, &body)
	detail := ""
	if body.Error != "" {
		detail = " (" + a.redact(body.Error)
		if body.Description != "" {
			detail += ": " + a.redact(body.Description)
		}
		detail += ")"
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &tokenError{code: errs.RateLimited, status: status, msg: fmt.Sprintf("the OAuth token endpoint answered HTTP %d%s", status, detail)}
	case status >= 400 && status < 500:
		return &tokenError{code: errs.Unauthorized, status: status,
			msg: fmt.Sprintf("the OAuth token endpoint refused the service account key: HTTP %d%s (check that the key is not deleted or disabled)", status, detail)}
	}
	return &tokenError{code: errs.Provider, status: status, msg: fmt.Sprintf("the OAuth token endpoint answered HTTP %d%s", status, detail)}
}

// errText is an error's text without the URL error's quoting of the
// whole URL.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// boundTransport sends requests with ctx.
type boundTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (t boundTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.next.RoundTrip(r.WithContext(t.ctx))
}
