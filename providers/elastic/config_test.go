package elastic_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
)

func validES() *elastic.ElasticsearchConfig {
	return &elastic.ElasticsearchConfig{URL: "https://es.example.com:9200", CreateIndex: "ocsf-events",
		Credential: credential.Inline(&credential.BasicCredential{Username: "elastic", Secret: "es-password-value-1234"})}
}

func validOS() *elastic.OpenSearchConfig {
	return &elastic.OpenSearchConfig{URL: "https://os.example.com", CreateIndex: "ocsf-events",
		Credential: credential.Inline(&credential.BasicCredential{Username: "admin", Secret: "os-password-value-1234"})}
}

func wantField(t *testing.T, err error, code errs.Code, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != code || !strings.HasPrefix(e.Field, field) {
		t.Errorf("got %v, want %s naming %q", err, code, field)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := validES().Validate(); err != nil {
		t.Fatalf("a valid config: %v", err)
	}
	if err := validOS().Validate(); err != nil {
		t.Fatalf("a valid config: %v", err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*elastic.ElasticsearchConfig)
		code  errs.Code
		field string
	}{
		{"no url", func(c *elastic.ElasticsearchConfig) { c.URL = "" }, errs.InvalidInput, "url"},
		{"ftp url", func(c *elastic.ElasticsearchConfig) { c.URL = "ftp://es.example.com" }, errs.InvalidInput, "url"},
		{"relative url", func(c *elastic.ElasticsearchConfig) { c.URL = "es.example.com:9200" }, errs.InvalidInput, "url"},
		{"user in url", func(c *elastic.ElasticsearchConfig) { c.URL = "https://elastic:pw@es.example.com" }, errs.InvalidInput, "url"},
		{"query in url", func(c *elastic.ElasticsearchConfig) { c.URL = "https://es.example.com/?pretty" }, errs.InvalidInput, "url"},
		{"no index", func(c *elastic.ElasticsearchConfig) { c.CreateIndex = "" }, errs.InvalidInput, "create_index"},
		{"uppercase index", func(c *elastic.ElasticsearchConfig) { c.CreateIndex = "OCSF" }, errs.InvalidInput, "create_index"},
		{"no credential", func(c *elastic.ElasticsearchConfig) { c.Credential = nil }, errs.InvalidInput, "credential"},
		{"secret credential", func(c *elastic.ElasticsearchConfig) {
			c.Credential = credential.Inline(&credential.SecretCredential{Secret: "x"})
		}, errs.InvalidInput, "credential.type"},
		{"o_auth_client", func(c *elastic.ElasticsearchConfig) {
			c.Credential = credential.Inline(&credential.OAuthClientCredential{ClientID: "id", ClientSecret: "s", TokenURL: "https://idp.example.com/t"})
		}, errs.Unsupported, "credential.type"},
		{"o_auth_client by id", func(c *elastic.ElasticsearchConfig) {
			c.Credential = credential.RefTo("cred-1", credential.TypeOAuthClient)
		}, errs.Unsupported, "credential.type"},
		{"shared secret", func(c *elastic.ElasticsearchConfig) {
			c.AuthOptions = &elastic.AuthOptions{SharedSecret: credential.Inline(&credential.SecretCredential{Secret: "s"})}
		}, errs.Unsupported, "auth_options.shared_secret"},
		{"run_as of two lines", func(c *elastic.ElasticsearchConfig) {
			c.AuthOptions = &elastic.AuthOptions{RunAs: "a\nb"}
		}, errs.InvalidInput, "auth_options.run_as"},
	} {
		cfg := validES()
		c.edit(cfg)
		t.Run(c.name, func(t *testing.T) { wantField(t, cfg.Validate(), c.code, c.field) })
	}
	os := validOS()
	os.Credential = credential.Inline(&credential.TokenCredential{Secret: "key"})
	wantField(t, os.Validate(), errs.InvalidInput, "credential.type")
	os = validOS()
	os.CreateIndex = "_hidden"
	wantField(t, os.Validate(), errs.InvalidInput, "create_index")
	// A token credential (an API key) and a stored basic one are fine.
	es := validES()
	es.Credential = credential.Inline(&credential.TokenCredential{Secret: "a2V5LWlkOmtleQ=="})
	if err := es.Validate(); err != nil {
		t.Errorf("an API key: %v", err)
	}
	es.Credential = credential.RefTo("cred-1", credential.TypeBasic)
	if err := es.Validate(); err != nil {
		t.Errorf("a stored basic credential: %v", err)
	}
}

func TestValidIndexName(t *testing.T) {
	for _, ok := range []string{"ocsf", "ocsf-events-2026.12", "logs-ocsf-default", "a", ".hidden", "ünïcode", strings.Repeat("a", 255), "x_1+2"} {
		if err := elastic.ValidIndexName("create_index", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Ocsf", "_ocsf", "-ocsf", "+ocsf", ".", "..", "a b", "a,b", "a*", "a?", "a/b", `a\b`, `a"b`, "a<b", "a>b", "a|b",
		"a#b", "a:b", "a%2Fb", "a\tb", "a\x00b", strings.Repeat("a", 256), "\xff"} {
		err := elastic.ValidIndexName("create_index", bad)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidInput || e.Field != "create_index" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestSecretsNotShown: neither a config's JSON nor its printed forms show
// the credential's secret.
func TestSecretsNotShown(t *testing.T) {
	for _, cfg := range []providers.Config{validES(), validOS()} {
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b) + fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg)
		if strings.Contains(text, "password-value") {
			t.Errorf("%T shows its secret: %s", cfg, text)
		}
	}
}

// TestConfigJSON: the configs decode from the hosted API's JSON names.
func TestConfigJSON(t *testing.T) {
	var es elastic.ElasticsearchConfig
	in := `{"url":"https://es.example.com","create_index":"ocsf","skip_tls_verify":true,` +
		`"credential":{"type":"token","secret":"a2V5"},"auth_options":{"run_as":"bot"}}`
	if err := json.Unmarshal([]byte(in), &es); err != nil {
		t.Fatal(err)
	}
	if es.URL != "https://es.example.com" || es.CreateIndex != "ocsf" || !es.SkipTLSVerify || es.AuthOptions.RunAs != "bot" || es.Credential.Type != credential.TypeToken {
		t.Errorf("decoded %+v", es)
	}
	var os elastic.OpenSearchConfig
	if err := json.Unmarshal([]byte(`{"url":"https://os.example.com","create_index":"ocsf","credential":{"type":"basic_id","value":"cred-1"}}`), &os); err != nil {
		t.Fatal(err)
	}
	if os.Credential.ID != "cred-1" || os.Validate() != nil {
		t.Errorf("decoded %+v", os)
	}
	for _, r := range []sink.Registration{elastic.Elasticsearch, elastic.OpenSearch} {
		if _, ok := r.NewConfig().(providers.Config); !ok || !r.Capabilities.Supports(sink.OpPostEvents) {
			t.Errorf("%s: registration", r.ID)
		}
	}
}

// TestSkipTLSVerify: a cluster with a self-signed certificate is refused
// unless skip_tls_verify; the application's client must then have an
// *http.Transport.
func TestSkipTLSVerify(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"took":1,"errors":false,"items":[{"create":{"status":201}}]}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	t.Cleanup(srv.Close)
	post := func(skip bool, hc *http.Client) error {
		cred := basic("")
		req := providers.OpenRequest{HTTPClient: hc, Config: &elastic.ElasticsearchConfig{URL: srv.URL, CreateIndex: defaultIndex,
			Credential: credential.Inline(cred), SkipTLSVerify: skip}, HTTPOptions: fastRetries}
		d, err := elastic.Elasticsearch.Open(t.Context(), req)
		if err != nil {
			return err
		}
		defer d.Close()
		_, err = sink.NewConnector(elastic.Elasticsearch, d).PostEvents(t.Context(), events("tls-", 1), sink.PostOptions{})
		return err
	}
	if err := post(false, nil); !errors.Is(err, errs.ErrProvider) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("verified: %v, want a certificate error", err)
	}
	if err := post(true, nil); err != nil {
		t.Errorf("skip_tls_verify: %v", err)
	}
	app := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer app.CloseIdleConnections()
	if err := post(true, app); err != nil {
		t.Errorf("skip_tls_verify over the application's client: %v", err)
	}
	if app.Transport.(*http.Transport).TLSClientConfig != nil && app.Transport.(*http.Transport).TLSClientConfig.InsecureSkipVerify {
		t.Error("the application's transport was changed")
	}
	odd := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, errors.New("unused") })}
	wantField(t, post(true, odd), errs.InvalidInput, "skip_tls_verify")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
