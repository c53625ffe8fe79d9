package gcp_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/gcp"
	"github.com/seed-e6251c81/synqly/providers/gcp/gcsfake"
)

// fieldOf returns the field an InvalidInput error names, or fails.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want an *errs.Error, got %v", err)
	require.Equal(t, errs.InvalidInput, e.Code, "%v", err)
	return e.Field
}

func inlineKey() *credential.Ref { return credential.Inline(keyCredential()) }

func TestSinkConfigValidate(t *testing.T) {
	good := func() *gcp.SinkConfig {
		return &gcp.SinkConfig{Bucket: bucket, Path: sinkPath, Credential: inlineKey()}
	}
	require.NoError(t, good().Validate())
	for _, b := range []string{"abc", "a-b_c.d", "bucket.with.dots." + strings.Repeat("a", 63), "0day"} {
		c := good()
		c.Bucket = b
		assert.NoError(t, c.Validate(), b)
	}
	for _, b := range []string{"", "ab", strings.Repeat("a", 64), "UpperCase", "-start", "end-", "has space", "192.168.1.1",
		"goog-bucket", "my-google-bucket", "a..b", "a/b", "bücket"} {
		c := good()
		c.Bucket = b
		assert.Equal(t, "bucket", fieldOf(t, c.Validate()), b)
	}
	for _, p := range []string{"events", "synqly/ocsf/", "a/b/c"} {
		c := good()
		c.Path = p
		assert.NoError(t, c.Validate(), p)
	}
	for _, p := range []string{"", " ", "/abs", "a/../b", "a//b", "a/./b", "line\nbreak"} {
		c := good()
		c.Path = p
		assert.Equal(t, "path", fieldOf(t, c.Validate()), "%q", p)
	}
	c := good()
	c.Credential = nil
	assert.Equal(t, "credential", fieldOf(t, c.Validate()))
	c.Credential = credential.Inline(hmacCredential("", ""))
	assert.Equal(t, "credential.type", fieldOf(t, c.Validate()))
	c.Credential = credential.RefTo("cred-1", credential.TypeToken)
	assert.NoError(t, c.Validate(), "a stored credential is checked when it is unsealed")
	assert.Equal(t, map[string]*credential.Ref{"credential": c.Credential}, c.CredentialRefs())
	assert.Nil(t, (&gcp.SinkConfig{}).CredentialRefs())
}

// badSecrets are token secrets that are neither a service account key nor
// an access token; each error must say so without quoting the secret.
func badSecrets(t *testing.T) map[string]string {
	t.Helper()
	k := gcsfake.ServiceAccountKey()
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(k.JSON), &m))
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	return map[string]string{
		"not json":         `{"type": "service_account", ` + k.PrivateKey,
		"external account": edit(func(m map[string]any) { m["type"] = "external_account" }),
		"authorized user":  edit(func(m map[string]any) { m["type"] = "authorized_user" }),
		"no email":         edit(func(m map[string]any) { delete(m, "client_email") }),
		"no key":           edit(func(m map[string]any) { delete(m, "private_key") }),
		"not pem":          edit(func(m map[string]any) { m["private_key"] = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" }),
		"foreign token_uri": edit(func(m map[string]any) {
			m["token_uri"] = "https://attacker.example/token"
		}),
		"token with space": "ya29.has space-in-it",
		"empty":            "   ",
	}
}

func TestBadTokenSecrets(t *testing.T) {
	priv := gcsfake.ServiceAccountKey().PrivateKey
	for name, secret := range badSecrets(t) {
		c := &gcp.SinkConfig{Bucket: bucket, Path: sinkPath, Credential: credential.Inline(tokenCredential(secret))}
		err := c.Validate()
		if name == "empty" {
			// The credential package refuses a blank secret first.
			assert.Equal(t, "credential.secret", fieldOf(t, err), name)
			continue
		}
		assert.Equal(t, "credential.secret", fieldOf(t, err), name)
		assert.NotContains(t, err.Error(), priv[40:80], name)
		assert.NotContains(t, err.Error(), "attacker", name)

		// The same secret, unsealed from a stored credential: Open refuses it.
		stored := &gcp.SinkConfig{Bucket: bucket, Path: sinkPath, Credential: credential.RefTo("cred-1", credential.TypeToken)}
		_, err = gcp.Sink.Open(t.Context(), providers.OpenRequest{Config: stored,
			Credentials: map[string]credential.Config{"credential": tokenCredential(secret)}})
		require.Error(t, err, name)
		assert.True(t, strings.HasPrefix(fieldOf(t, err), "credential"), name)
		assert.NotContains(t, err.Error(), priv[40:80], name)
	}
}

func TestStorageConfigValidate(t *testing.T) {
	good := func() *gcp.StorageConfig {
		return &gcp.StorageConfig{Bucket: bucket, Region: region, Credential: credential.Inline(hmacCredential("", ""))}
	}
	require.NoError(t, good().Validate())
	c := good()
	c.Credential = inlineKey()
	assert.NoError(t, c.Validate(), "a service account key (the JSON API)")
	for _, r := range []string{"us-east1", "EU", "nam4", "auto", "europe-west4"} {
		c := good()
		c.Region = r
		assert.NoError(t, c.Validate(), r)
	}
	for _, r := range []string{"", "us east1", "us_east1", "us-east1/", strings.Repeat("a", 65)} {
		c := good()
		c.Region = r
		assert.Equal(t, "region", fieldOf(t, c.Validate()), "%q", r)
	}
	c = good()
	c.Bucket = "Bad_Bucket"
	assert.Equal(t, "bucket", fieldOf(t, c.Validate()))
	c = good()
	c.Credential = credential.Inline(&credential.AWSCredential{AccessKeyID: gcsfake.HMACAccessID})
	assert.Equal(t, "credential.secret_access_key", fieldOf(t, c.Validate()))
	c.Credential = credential.Inline(&credential.BasicCredential{Username: "u", Secret: "p"})
	assert.Equal(t, "credential.type", fieldOf(t, c.Validate()))
	c.Credential = credential.Inline(tokenCredential(`{"type": "external_account"}`))
	assert.Equal(t, "credential.secret", fieldOf(t, c.Validate()))
	c.Credential = nil
	assert.Equal(t, "credential", fieldOf(t, c.Validate()))
}

func TestOpenRefusesWrongCredentials(t *testing.T) {
	ctx := t.Context()
	sinkCfg := &gcp.SinkConfig{Bucket: bucket, Path: sinkPath, Credential: credential.RefTo("cred-1", credential.TypeToken)}
	for _, bad := range []credential.Config{hmacCredential("", ""), &credential.SecretCredential{Secret: "x-secret-value"}, nil} {
		_, err := gcp.Sink.Open(ctx, providers.OpenRequest{Config: sinkCfg, Credentials: map[string]credential.Config{"credential": bad}})
		assert.Equal(t, "credential", fieldOf(t, err), "%T", bad)
		assert.NotContains(t, err.Error(), gcsfake.HMACSecret)
	}
	storeCfg := &gcp.StorageConfig{Bucket: bucket, Region: region, Credential: credential.RefTo("cred-1", credential.TypeAWS)}
	for _, bad := range []credential.Config{&credential.BasicCredential{Username: "u", Secret: "pw-secret"}, nil,
		&credential.AWSCredential{AccessKeyID: "GOOG1E"}} {
		_, err := gcp.Storage.Open(ctx, providers.OpenRequest{Config: storeCfg, Credentials: map[string]credential.Config{"credential": bad}})
		assert.Equal(t, "credential", fieldOf(t, err), "%T", bad)
		assert.NotContains(t, err.Error(), "pw-secret")
	}
	_, err := gcp.Sink.Open(ctx, providers.OpenRequest{Config: storeCfg})
	assert.True(t, errors.Is(err, errs.ErrInternal), "a configuration of another provider: %v", err)
	_, err = gcp.Storage.Open(ctx, providers.OpenRequest{Config: &gcp.StorageConfig{Bucket: "x"}})
	assert.Equal(t, "bucket", fieldOf(t, err))
}

// TestSecretsNotShown: a configuration carrying its credential inline
// shows no secret when printed or encoded.
func TestSecretsNotShown(t *testing.T) {
	k := gcsfake.ServiceAccountKey()
	cfgs := []providers.Config{
		&gcp.SinkConfig{Bucket: bucket, Path: sinkPath, Credential: inlineKey()},
		&gcp.StorageConfig{Bucket: bucket, Region: region, Credential: credential.Inline(hmacCredential("", ""))},
		&gcp.StorageConfig{Bucket: bucket, Region: region, Credential: inlineKey()},
	}
	for _, c := range cfgs {
		js, err := json.Marshal(c)
		require.NoError(t, err)
		for _, text := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), string(js)} {
			for _, sec := range []string{k.PrivateKey[30:90], gcsfake.HMACSecret, "BEGIN PRIVATE KEY"} {
				assert.NotContains(t, text, sec)
			}
		}
	}
	// The JSON a management plane sends decodes into the configuration.
	var c gcp.SinkConfig
	wire := fmt.Sprintf(`{"bucket": %q, "path": %q, "credential": {"type": "token", "secret": %q}}`, bucket, sinkPath, k.JSON)
	require.NoError(t, json.Unmarshal([]byte(wire), &c))
	require.NoError(t, c.Validate())
	var s gcp.StorageConfig
	wire = fmt.Sprintf(`{"bucket": %q, "region": "us", "credential": {"type": "aws", "access_key_id": %q, "secret_access_key": %q}}`,
		bucket, gcsfake.HMACAccessID, gcsfake.HMACSecret)
	require.NoError(t, json.Unmarshal([]byte(wire), &s))
	require.NoError(t, s.Validate())
}

func TestSchema(t *testing.T) {
	assert.Equal(t, []providers.ConfigField{
		{Name: "bucket", Type: "string", Required: true},
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"token"}},
		{Name: "path", Type: "string", Required: true},
	}, gcp.Sink.Provider().Schema())
	assert.Equal(t, []providers.ConfigField{
		{Name: "bucket", Type: "string", Required: true},
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"aws", "token"}},
		{Name: "region", Type: "string", Required: true},
	}, gcp.Storage.Provider().Schema())
}

func TestRegistered(t *testing.T) {
	p, ok := providers.Lookup(gcp.SinkID)
	require.True(t, ok)
	assert.Equal(t, providers.Sink, p.Category)
	assert.Equal(t, []string{"post_events"}, p.Operations)
	assert.True(t, p.Accepts(credential.TypeToken))
	p, ok = providers.Lookup(gcp.StorageID)
	require.True(t, ok)
	assert.Equal(t, providers.Storage, p.Category)
	assert.Equal(t, []string{"list_files", "upload_file", "download_file", "delete_file"}, p.Operations)
	assert.True(t, p.Accepts(credential.TypeAWS))
	assert.True(t, p.Accepts(credential.TypeToken))
	assert.Equal(t, "Google Cloud Storage", p.Fullname)
}
