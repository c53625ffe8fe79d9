package splunk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/splunk"
)

// fieldOf returns the field an InvalidInput error names, or fails.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want an *errs.Error, got %v", err)
	require.Equal(t, errs.InvalidInput, e.Code, "%v", err)
	return e.Field
}

const testToken = "01234567-89ab-4cde-8f01-configtoken0"

func goodConfig() *splunk.SinkConfig {
	ref, _ := tokenRef(testToken)
	return &splunk.SinkConfig{HECURL: "https://splunk.example.com:8088", HECCredential: ref}
}

func TestSinkConfigValidate(t *testing.T) {
	require.NoError(t, goodConfig().Validate())
	ok := []func(*splunk.SinkConfig){
		func(c *splunk.SinkConfig) { c.HECURL = "http://127.0.0.1:8088" },
		func(c *splunk.SinkConfig) { c.HECURL = "https://http-inputs-acme.splunkcloud.com/services/collector" },
		func(c *splunk.SinkConfig) { c.HECURL = "https://splunk.example.com:8088/services/collector/event" },
		func(c *splunk.SinkConfig) { c.HECURL = "https://proxy.example.com/splunk/" },
		func(c *splunk.SinkConfig) { c.Index = "security" },
		func(c *splunk.SinkConfig) { c.Index = "ocsf_events-2" },
		func(c *splunk.SinkConfig) { c.Index = "9lives" },
		func(c *splunk.SinkConfig) { c.Index = strings.Repeat("a", splunk.MaxIndexLen) },
		func(c *splunk.SinkConfig) { c.Source = "synqly"; c.SourceType = "ocsf:detection_finding" },
		func(c *splunk.SinkConfig) { c.Source = "é <&> \"quoted\"" },
		func(c *splunk.SinkConfig) { c.SkipTLSVerify = true },
		func(c *splunk.SinkConfig) { c.UseACK = true },
		func(c *splunk.SinkConfig) { c.UseACK = true; c.AckTimeoutSeconds = splunk.MaxAckTimeout },
		func(c *splunk.SinkConfig) { c.HECCredential = credential.RefTo("cred-1", credential.TypeToken) },
	}
	for i, f := range ok {
		c := goodConfig()
		f(c)
		assert.NoError(t, c.Validate(), "case %d: %+v", i, c)
	}
	bad := []struct {
		field string
		set   func(*splunk.SinkConfig)
	}{
		{"hec_url", func(c *splunk.SinkConfig) { c.HECURL = "" }},
		{"hec_url", func(c *splunk.SinkConfig) { c.HECURL = "splunk.example.com:8088" }},
		{"hec_url", func(c *splunk.SinkConfig) { c.HECURL = "ftp://splunk.example.com" }},
		{"hec_url", func(c *splunk.SinkConfig) { c.HECURL = "https://admin:pw@splunk.example.com:8088" }},
		{"hec_url", func(c *splunk.SinkConfig) { c.HECURL = "https://splunk.example.com:8088/services/collector?token=x" }},
		{"hec_url", func(c *splunk.SinkConfig) { c.HECURL = "https://splunk.example.com:8088#x" }},
		{"hec_credential", func(c *splunk.SinkConfig) { c.HECCredential = nil }},
		{"hec_credential", func(c *splunk.SinkConfig) { c.HECCredential = &credential.Ref{} }},
		{"hec_credential.type", func(c *splunk.SinkConfig) {
			c.HECCredential = credential.Inline(&credential.BasicCredential{Username: "u", Secret: "p"})
		}},
		{"hec_credential.secret", func(c *splunk.SinkConfig) { c.HECCredential, _ = tokenRef("") }},
		{"index", func(c *splunk.SinkConfig) { c.Index = "Security" }},
		{"index", func(c *splunk.SinkConfig) { c.Index = "_internal" }},
		{"index", func(c *splunk.SinkConfig) { c.Index = "-x" }},
		{"index", func(c *splunk.SinkConfig) { c.Index = "has space" }},
		{"index", func(c *splunk.SinkConfig) { c.Index = "my_kvstore" }},
		{"index", func(c *splunk.SinkConfig) { c.Index = "a.b" }},
		{"index", func(c *splunk.SinkConfig) { c.Index = strings.Repeat("a", splunk.MaxIndexLen+1) }},
		{"source", func(c *splunk.SinkConfig) { c.Source = "two\nlines" }},
		{"source", func(c *splunk.SinkConfig) { c.Source = "   " }},
		{"source", func(c *splunk.SinkConfig) { c.Source = strings.Repeat("s", splunk.MaxFieldLen+1) }},
		{"source_type", func(c *splunk.SinkConfig) { c.SourceType = "tab\there" }},
		{"source_type", func(c *splunk.SinkConfig) { c.SourceType = "\xff" }},
		{"ack_timeout_seconds", func(c *splunk.SinkConfig) { c.UseACK = true; c.AckTimeoutSeconds = -1 }},
		{"ack_timeout_seconds", func(c *splunk.SinkConfig) { c.UseACK = true; c.AckTimeoutSeconds = splunk.MaxAckTimeout + 1 }},
		{"ack_timeout_seconds", func(c *splunk.SinkConfig) { c.AckTimeoutSeconds = 30 }},
	}
	for _, b := range bad {
		c := goodConfig()
		b.set(c)
		err := c.Validate()
		assert.Equal(t, b.field, fieldOf(t, err), "%+v", c)
		assert.NotContains(t, err.Error(), testToken)
	}
}

func TestSinkConfigJSON(t *testing.T) {
	var c splunk.SinkConfig
	require.NoError(t, json.Unmarshal([]byte(`{
		"hec_url": "https://splunk.example.com:8088",
		"hec_credential": {"type": "token", "secret": "`+testToken+`"},
		"index": "security", "source": "synqly", "source_type": "ocsf",
		"skip_tls_verify": true, "use_ack": true, "ack_timeout_seconds": 30}`), &c))
	require.NoError(t, c.Validate())
	assert.Equal(t, "security", c.Index)
	assert.True(t, c.SkipTLSVerify && c.UseACK)
	assert.Equal(t, 30, c.AckTimeoutSeconds)
	assert.Equal(t, map[string]*credential.Ref{"hec_credential": c.HECCredential}, c.CredentialRefs())
	assert.Nil(t, (&splunk.SinkConfig{}).CredentialRefs())

	// The token never shows: not in JSON, not in any fmt verb.
	b, err := json.Marshal(&c)
	require.NoError(t, err)
	assert.NotContains(t, string(b), testToken)
	assert.Contains(t, string(b), `"hec_url":"https://splunk.example.com:8088"`)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, c), testToken, verb)
		assert.NotContains(t, fmt.Sprintf(verb, &c), testToken, verb)
	}
}

func TestRegistration(t *testing.T) {
	assert.Equal(t, "sink_splunk", splunk.Sink.ID)
	assert.Equal(t, "Splunk", splunk.Sink.Fullname)
	assert.Equal(t, []credential.Type{credential.TypeToken}, splunk.Sink.CredentialTypes)
	p, ok := providers.Default.Lookup(splunk.SinkID)
	require.True(t, ok, "sink_splunk is registered")
	assert.Equal(t, providers.Sink, p.Category)
	fields := providers.ConfigSchema(splunk.Sink.NewConfig(), splunk.Sink.CredentialTypes)
	names := map[string]providers.ConfigField{}
	for _, f := range fields {
		names[f.Name] = f
	}
	for _, n := range []string{"hec_url", "hec_credential", "index", "source", "source_type", "skip_tls_verify", "use_ack"} {
		assert.Contains(t, names, n)
	}
	assert.True(t, names["hec_url"].Required)
	assert.True(t, names["hec_credential"].Required && names["hec_credential"].Secret)
	assert.False(t, names["index"].Required)
}

func TestOpenRefuses(t *testing.T) {
	ctx := t.Context()
	for secret, bad := range map[string]credential.Config{
		"has space-0123": &credential.TokenCredential{Secret: "has space-0123"},
		"ctl\x01token":   &credential.TokenCredential{Secret: "ctl\x01token"},
		testToken:        &credential.SecretCredential{Secret: testToken},
	} {
		_, err := splunk.Sink.Open(ctx, providers.OpenRequest{Config: goodConfig(), Credentials: map[string]credential.Config{"hec_credential": bad}})
		assert.Equal(t, "hec_credential", fieldOf(t, err))
		assert.NotContains(t, err.Error(), secret)
	}
	_, err := splunk.Sink.Open(ctx, providers.OpenRequest{Config: &otherConfig{}})
	assert.True(t, errors.Is(err, errs.ErrInternal), "a configuration of another provider: %v", err)
	_, err = splunk.Sink.Open(ctx, providers.OpenRequest{Config: &splunk.SinkConfig{}})
	assert.Equal(t, "hec_url", fieldOf(t, err))

	// skip_tls_verify cannot be applied to a transport it does not know.
	cfg := goodConfig()
	cfg.SkipTLSVerify = true
	_, err = splunk.Sink.Open(ctx, providers.OpenRequest{Config: cfg, HTTPClient: &http.Client{Transport: roundTripper{}}})
	assert.Equal(t, "skip_tls_verify", fieldOf(t, err))
	d, err := splunk.Sink.Open(ctx, providers.OpenRequest{Config: cfg})
	require.NoError(t, err, "an inline credential is the configuration's own")
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(verb, d), testToken, "the driver never shows the token")
	}
	require.NoError(t, d.Close())
}

type otherConfig struct{}

func (*otherConfig) Validate() error                            { return nil }
func (*otherConfig) CredentialRefs() map[string]*credential.Ref { return nil }

type roundTripper struct{}

func (roundTripper) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("unused")
}
