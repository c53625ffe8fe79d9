package elastic

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// Elasticsearch is the registration of the Elasticsearch sink provider,
// and its one constructor: Elasticsearch.Open builds the driver of an
// integration from a providers.OpenRequest whose Config is an
// *ElasticsearchConfig and whose Credentials["credential"] is a basic
// credential or a token credential holding an API key. See the package
// documentation.
var Elasticsearch = sink.Registration{
	ID:              ElasticsearchID,
	Fullname:        "Elasticsearch",
	NewConfig:       func() providers.Config { return new(ElasticsearchConfig) },
	CredentialTypes: []credential.Type{credential.TypeBasic, credential.TypeToken},
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openElasticsearch,
}

// OpenSearch is the registration of the OpenSearch sink provider, and its
// one constructor: OpenSearch.Open builds the driver of an integration
// from a providers.OpenRequest whose Config is an *OpenSearchConfig and
// whose Credentials["credential"] is a basic credential.
var OpenSearch = sink.Registration{
	ID:              OpenSearchID,
	Fullname:        "OpenSearch",
	NewConfig:       func() providers.Config { return new(OpenSearchConfig) },
	CredentialTypes: []credential.Type{credential.TypeBasic},
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openOpenSearch,
}

func init() {
	sink.Register(Elasticsearch)
	sink.Register(OpenSearch)
}

// plumbing is what both drivers build before their SDK's client: the
// transport the SDK is given, the client that redacts and describes the
// vendor's answers, and the call deadline.
type plumbing struct {
	transport *roundTripper
	hx        *httpx.Client
	closeIdle func()
	timeout   time.Duration
	logger    *slog.Logger
}

// newPlumbing builds the plumbing of an integration of the vendor at
// baseURL whose secrets auth holds.
func newPlumbing(req providers.OpenRequest, vendor, baseURL string, skipTLS bool, auth httpx.Auth) (*plumbing, error) {
	base, closeIdle, err := baseClient(req.HTTPClient, skipTLS)
	if err != nil {
		return nil, err
	}
	opts := httpx.OptionsFor(req, vendor)
	opts.HTTPClient = base
	opts.ErrorDetail = errorDetail
	hx, err := httpx.New(baseURL, auth, opts)
	if err != nil {
		return nil, err
	}
	p := &plumbing{
		transport: &roundTripper{next: httpx.Transport(opts), maxResponse: cmp.Or(req.MaxResponseBytes, defaultMaxResponse)},
		hx:        hx, timeout: cmp.Or(req.Timeout, defaultTimeout),
		logger: cmp.Or(req.Logger, slog.New(slog.DiscardHandler)),
	}
	p.closeIdle = closeIdle
	return p, nil
}

func (p *plumbing) driver(vendor, index string, b bulker) *driver {
	return &driver{vendorName: vendor, index: index, b: b, hx: p.hx, timeout: p.timeout, logger: p.logger, closeIdle: p.closeIdle}
}

// apiKeyAuth is the Authorization of an Elasticsearch API key, for the
// redaction of both its forms.
type apiKeyAuth struct{ raw, encoded string }

// Authorize implements httpx.Auth (the client is used for redaction only).
func (a apiKeyAuth) Authorize(_ context.Context, r *http.Request) error {
	r.Header.Set("Authorization", "ApiKey "+a.encoded)
	return nil
}

// Secrets implements httpx.Auth: both forms of the key and its parts.
func (a apiKeyAuth) Secrets() []string {
	s := []string{a.encoded, "ApiKey " + a.encoded, "APIKey " + a.encoded, a.raw}
	// The key's parts: "<id>:<api_key>", as given or decoded.
	raw := a.raw
	if dec, err := base64.StdEncoding.DecodeString(a.encoded); err == nil {
		raw = string(dec)
	}
	if _, key, ok := strings.Cut(raw, ":"); ok && key != "" {
		s = append(s, raw, key)
	}
	return s
}

// encodeAPIKey returns the encoded form of an API key given either encoded
// (base64 of "<id>:<api_key>") or as "<id>:<api_key>".
func encodeAPIKey(key string) string {
	if strings.Contains(key, ":") {
		return base64.StdEncoding.EncodeToString([]byte(key))
	}
	return key
}

// validSecretText reports whether a credential's secret can go in a header:
// printable ASCII, no spaces.
func validSecretText(s string) bool {
	if s == "" || len(s) > 8192 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// openElasticsearch is Elasticsearch.Open.
func openElasticsearch(_ context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*ElasticsearchConfig](req)
	if err != nil {
		return nil, err
	}
	esCfg := elasticsearch.Config{Addresses: []string{strings.TrimRight(cfg.URL, "/")}, DisableRetry: true}
	var auth httpx.Auth
	switch c := req.Credential("credential").(type) {
	case *credential.BasicCredential:
		if c == nil || c.Username == "" || c.Secret.Reveal() == "" {
			return nil, errs.Invalid("credential", "sink_elasticsearch: the basic credential needs a username and a password")
		}
		esCfg.Username, esCfg.Password = c.Username, c.Secret.Reveal()
		auth = httpx.Basic(c.Username, c.Secret.Reveal())
	case *credential.TokenCredential:
		if c == nil || !validSecretText(c.Secret.Reveal()) {
			return nil, errs.Invalid("credential", "sink_elasticsearch: the token credential must hold an API key: its encoded form, or <id>:<api_key>")
		}
		a := apiKeyAuth{raw: c.Secret.Reveal(), encoded: encodeAPIKey(c.Secret.Reveal())}
		esCfg.APIKey, auth = a.encoded, a
	case *credential.OAuthClientCredential:
		return nil, oauthUnsupported()
	default:
		return nil, errs.Invalid("credential", "sink_elasticsearch: the credential must be a basic credential or a token credential holding an API key")
	}
	if cfg.AuthOptions != nil && cfg.AuthOptions.RunAs != "" {
		esCfg.Header = http.Header{"Es-Security-Runas-User": {cfg.AuthOptions.RunAs}}
	}
	p, err := newPlumbing(req, "elasticsearch", cfg.URL, cfg.SkipTLSVerify, auth)
	if err != nil {
		return nil, err
	}
	esCfg.Transport = p.transport
	c, err := elasticsearch.NewClient(esCfg)
	if err != nil {
		return nil, errs.Invalid("url", "sink_elasticsearch: the url is not usable: %s", p.hx.Snippet([]byte(err.Error())))
	}
	return p.driver("elasticsearch", cfg.CreateIndex, &esBulker{c: c}), nil
}

// esBulker is the Elasticsearch bulk call, through go-elasticsearch's esapi.
type esBulker struct{ c *elasticsearch.Client }

func (e *esBulker) bulk(ctx context.Context, index string, body *bulkBody) (*answer, error) {
	bulk := e.c.Bulk
	res, err := bulk(body, bulk.WithContext(ctx), bulk.WithIndex(index),
		// A mapping error's reason then holds no part of the document.
		bulk.WithIncludeSourceOnError(false))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, rerr := io.ReadAll(res.Body)
	a := &answer{status: res.StatusCode, header: res.Header}
	switch {
	case res.StatusCode < 200 || res.StatusCode > 299:
		a.body = data
	case rerr != nil:
		a.read, a.n = rerr, len(data)
	default:
		parseBulk(a, data)
	}
	return a, nil
}

func (e *esBulker) close() error {
	err := e.c.Close(context.Background())
	if err == elasticsearch.ErrAlreadyClosed {
		return nil
	}
	return err
}

// openOpenSearch is OpenSearch.Open.
func openOpenSearch(_ context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*OpenSearchConfig](req)
	if err != nil {
		return nil, err
	}
	c, ok := req.Credential("credential").(*credential.BasicCredential)
	if !ok || c == nil || c.Username == "" || c.Secret.Reveal() == "" {
		return nil, errs.Invalid("credential", "sink_opensearch: the credential must be a basic credential with a username and a password")
	}
	p, err := newPlumbing(req, "opensearch", cfg.URL, cfg.SkipTLSVerify, httpx.Basic(c.Username, c.Secret.Reveal()))
	if err != nil {
		return nil, err
	}
	noDiscovery := false
	client, err := opensearchapi.NewClient(opensearchapi.Config{Client: opensearch.Config{
		Addresses: []string{strings.TrimRight(cfg.URL, "/")},
		Username:  c.Username, Password: c.Secret.Reveal(),
		DisableRetry: true, DiscoverNodesOnStart: &noDiscovery,
		Transport: p.transport,
	}})
	if err != nil {
		return nil, errs.Invalid("url", "sink_opensearch: the url is not usable: %s", p.hx.Snippet([]byte(err.Error())))
	}
	return p.driver("opensearch", cfg.CreateIndex, &osBulker{c: client}), nil
}

// osBulker is the OpenSearch bulk call, through opensearch-go's
// opensearchapi.
type osBulker struct{ c *opensearchapi.Client }

func (b *osBulker) bulk(ctx context.Context, index string, body *bulkBody) (*answer, error) {
	resp, err := b.c.Bulk(ctx, opensearchapi.BulkReq{Index: index, Body: body})
	var raw *opensearch.Response
	if resp != nil {
		raw = resp.Inspect().Response
	}
	if raw == nil {
		// No answer, or one whose body could not be read or decoded:
		// the driver's transport saw which.
		o, _ := ctx.Value(observedKey{}).(*observed)
		if o == nil || o.status == 0 {
			return nil, err
		}
		a := &answer{status: o.status, header: o.header}
		var tl *tooLargeError
		switch {
		case errors.As(err, &tl), errors.Is(err, opensearch.ErrReadBody):
			a.read = err
		default:
			a.bad = "is not a valid bulk answer (not the JSON the bulk API documents)"
		}
		return a, nil
	}
	a := &answer{status: raw.StatusCode, header: raw.Header}
	if raw.IsError() {
		if raw.Body != nil {
			a.body, _ = io.ReadAll(raw.Body)
		}
		return a, nil
	}
	// A 2xx: the SDK decoded it. (An error here is one of its partial
	// failures, when OPENSEARCH_GO_ERROR_MASK asks for them: the items
	// say the same.)
	if resp.Items == nil {
		a.bad = `has no "errors" and "items": it is not a bulk answer`
		return a, nil
	}
	a.items = make([]bulkItem, len(resp.Items))
	for i, m := range resp.Items {
		if len(m) != 1 {
			a.bad = "has an item that answers no action"
			return a, nil
		}
		for action, it := range m {
			bi := bulkItem{Action: action, Index: it.Index, ID: it.ID, Status: it.Status, Result: it.Result}
			if it.Error != nil {
				bi.Error = &struct {
					Type   string `json:"type"`
					Reason string `json:"reason"`
				}{it.Error.Type, it.Error.Reason}
			}
			a.items[i] = bi
		}
	}
	a.parsed = true
	return a, nil
}

func (b *osBulker) close() error { return b.c.Close() }
