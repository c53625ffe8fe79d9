package httpsink

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// Limits are the provider's batch limits: a generic receiver's, kept
// moderate (many web frameworks cap a body at a few MiB).
var Limits = sink.Limits{MaxEvents: 1000, MaxBytes: 4 << 20, MaxEventBytes: 1 << 20}

// Sink is the registration of the sink_http provider, and its constructor.
var Sink = sink.Registration{
	ID:              ID,
	Fullname:        "Generic HTTP Receiver",
	NewConfig:       func() providers.Config { return new(SinkConfig) },
	CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeOAuthClient, credential.TypeToken, credential.TypeSecret},
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            open,
}

func init() { sink.Register(Sink) }

// driver is the sink_http driver.
type driver struct {
	sink.Unimplemented // never reached: the one operation is implemented
	http               *httpx.Client
	method, path       string
	query              url.Values
	jsonl              bool
	accepted           []int
	headers            http.Header
	secret             []byte
	now                func() time.Time
}

var _ sink.Driver = (*driver)(nil)

func open(_ context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*SinkConfig](req)
	if err != nil {
		return nil, err
	}
	opts := httpx.OptionsFor(req, "sink_http")
	if cfg.TimeoutSeconds > 0 {
		opts.Timeout = time.Duration(cfg.TimeoutSeconds) * time.Second
	}
	if cfg.SkipTLSVerify {
		if opts.HTTPClient, err = httpx.InsecureClient(opts.HTTPClient); err != nil {
			return nil, err
		}
	}
	auth, err := authFor(cfg, req, opts.HTTPClient)
	if err != nil {
		return nil, err
	}
	// The URL is split into the client's base (scheme and host) and the
	// request's path and query, so that a path is sent as configured.
	base, path, query, err := splitURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	var secret []byte
	if cfg.SigningCredential != nil {
		s, ok := req.Credential("signing_credential").(*credential.SecretCredential)
		if !ok || s == nil || s.Secret.Reveal() == "" {
			return nil, errs.Invalid("signing_credential", "sink_http: the signing credential must be a secret credential")
		}
		secret = []byte(s.Secret.Reveal())
		auth = httpx.WithSecrets(auth, string(secret))
	}
	c, err := httpx.New(base, auth, opts)
	if err != nil {
		return nil, err
	}
	d := &driver{http: c, method: cmp.Or(cfg.HTTPMethod, http.MethodPost), path: path, query: query,
		jsonl: cfg.RequestBodyFormat == FormatJSONL, accepted: slices.Clone(cfg.AcceptedResponseCodes),
		headers: http.Header{}, now: time.Now}
	if req.Clock != nil {
		d.now = req.Clock
	}
	for k, v := range cfg.StaticHeaders {
		d.headers.Set(k, v)
	}
	d.secret = secret
	return d, nil
}

// splitURL splits the configured URL into the client's base (scheme and
// host), the request's escaped path and its query.
func splitURL(raw string) (base, path string, query url.Values, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", "", nil, errs.Invalid("url", "url must be an absolute http(s) URL")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", "", nil, errs.Invalid("url", "the url's query is not valid")
	}
	return u.Scheme + "://" + u.Host, u.EscapedPath(), q, nil
}

func authFor(cfg *SinkConfig, req providers.OpenRequest, hc *http.Client) (httpx.Auth, error) {
	a := cfg.Authorization
	if a == nil {
		return httpx.None, nil
	}
	cred := req.Credential("authorization.credential")
	if cred == nil {
		return nil, errs.Invalid("authorization.credential", "sink_http: the authorization's credential is missing")
	}
	if err := cred.Validate(); err != nil {
		return nil, err
	}
	switch c := cred.(type) {
	case *credential.BasicCredential:
		if a.Type == AuthBasic {
			return httpx.Basic(c.Username, c.Secret.Reveal()), nil
		}
	case *credential.TokenCredential:
		if a.Type == AuthToken {
			tok := c.Secret.Reveal()
			value := strings.ReplaceAll(cmp.Or(a.Template, "Bearer "+TokenPlaceholder), TokenPlaceholder, tok)
			return httpx.Header(cmp.Or(a.HeaderName, "Authorization"), value, tok), nil
		}
	case *credential.OAuthClientCredential:
		if a.Type == AuthOAuthClient {
			if c.TokenURL == "" {
				return nil, errs.Invalid("authorization.credential", "sink_http: the o_auth_client credential needs its token_url")
			}
			style := oauth2.AuthStyleInHeader
			if a.AuthStyle == "in_params" {
				style = oauth2.AuthStyleInParams
			}
			params := map[string][]string{}
			for k, v := range a.EndpointParams {
				params[k] = []string{v}
			}
			return httpx.OAuthClientCredentials(clientcredentials.Config{
				ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(), TokenURL: c.TokenURL,
				Scopes: a.Scopes, EndpointParams: params, AuthStyle: style,
			}, hc), nil
		}
	}
	return nil, errs.Invalid("authorization.credential", "sink_http: a %s authorization needs a %s credential, not %s",
		a.Type, map[string]string{AuthBasic: "basic", AuthToken: "token", AuthOAuthClient: "o_auth_client"}[a.Type], cred.Type())
}

// Limits implements sink.Driver.
func (d *driver) Limits() sink.Limits { return Limits }

// WriteBatch implements sink.Driver: the batch is one request. A generic
// receiver answers for the whole batch, so a failure is the whole batch's;
// it is not sent again after a 5xx or a lost answer (the receiver may have
// taken it), only after a 429, which says it was not.
func (d *driver) WriteBatch(ctx context.Context, b *sink.Batch) error {
	body := d.body(b)
	h := d.headers.Clone()
	if b.Location != "" {
		if strings.ContainsAny(b.Location, "\r\n\x00") {
			return errs.Invalid("location", "location must be one line")
		}
		h.Set(HeaderLocation, b.Location)
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	h.Set(HeaderBatch, hex.EncodeToString(id[:]))
	if d.secret != nil {
		t := d.now()
		h.Set(HeaderTimestamp, strconv.FormatInt(t.Unix(), 10))
		h.Set(HeaderSignature, Sign(d.secret, t, body))
	}
	ctype := "application/json"
	if d.jsonl {
		ctype = "application/x-ndjson"
	}
	resp, err := d.http.Do(ctx, httpx.Request{Method: d.method, Path: d.path, Query: d.query, Body: body, ContentType: ctype, Header: h})
	if err != nil {
		var e *errs.Error
		if len(d.accepted) > 0 && errors.As(err, &e) && slices.Contains(d.accepted, e.Status) {
			return nil
		}
		return err
	}
	if len(d.accepted) > 0 && !slices.Contains(d.accepted, resp.Status) {
		return &errs.Error{Code: errs.Provider, Status: resp.Status,
			Message: "sink_http: the receiver answered HTTP " + strconv.Itoa(resp.Status) + ", not one of the accepted_response_codes"}
	}
	return nil
}

func (d *driver) body(b *sink.Batch) []byte {
	out := make([]byte, 0, b.Bytes+len(b.Items)+2)
	if d.jsonl {
		for _, it := range b.Items {
			out = append(out, it.JSON...)
			out = append(out, '\n')
		}
		return out
	}
	out = append(out, '[')
	for i, it := range b.Items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, it.JSON...)
	}
	return append(out, ']')
}

// Close implements sink.Driver.
func (d *driver) Close() error {
	d.http.Close()
	return nil
}
