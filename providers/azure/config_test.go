package azure_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/azure"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The secrets of these tests.
const (
	cfgSig = "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1zaWduYXR1cmU="
	cfgSAS = "sv=2022-11-02&sr=c&sp=racwdl&se=2030-01-01T00:00:00Z&sig=Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1zaWduYXR1cmU%3D"
	cfgKey = "a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXJlYWwta2V5LTAxMjM0NQ=="
)

var (
	sasConn = "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=" + cfgSAS
	keyConn = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + cfgKey + ";EndpointSuffix=core.windows.net"
)

// fieldOf returns the field an InvalidInput error names, or fails.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want an *errs.Error, got %v", err)
	require.Equal(t, errs.InvalidInput, e.Code, "%v", err)
	return e.Field
}

func noSecret(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{cfgSig, cfgSAS, cfgKey, "Zm9yLXRlc3RzLW9ubHkt", "a2V5LWZvci10ZXN0cy1vbmx5"} {
		assert.NotContains(t, text, s)
	}
}

func TestStorageConfigValidate(t *testing.T) {
	for _, tok := range []string{sasConn, keyConn, "https://acme.blob.core.windows.net/reports?" + cfgSAS, "UseDevelopmentStorage=true"} {
		assert.NoError(t, (&azure.StorageConfig{Bucket: "reports", Credential: tokenRef(tok)}).Validate())
	}
	assert.NoError(t, (&azure.StorageConfig{Bucket: "reports", Credential: tokenRef(cfgSAS), URL: "https://acme.blob.core.windows.net"}).Validate(),
		"a bare SAS token with the url")
	assert.NoError(t, (&azure.StorageConfig{Bucket: "reports", Credential: tokenRef(keyConn), URL: "http://127.0.0.1:10000/devstoreaccount1"}).Validate(),
		"the url replaces the connection string's endpoint")
	assert.NoError(t, (&azure.StorageConfig{Bucket: "reports", Credential: credential.RefTo("cred-1", credential.TypeToken)}).Validate(),
		"a stored credential is checked when the driver is built")
	for _, b := range []string{"abc", "reports-2026", strings.Repeat("a", 63), "$root", "$web", "0-a"} {
		assert.NoError(t, (&azure.StorageConfig{Bucket: b, Credential: tokenRef(sasConn)}).Validate(), b)
	}

	for _, b := range []string{"", "ab", strings.Repeat("a", 64), "Reports", "re--ports", "-reports", "reports-", "re_ports", "re ports", "$logs2", "résumé"} {
		assert.Equal(t, "bucket", fieldOf(t, (&azure.StorageConfig{Bucket: b, Credential: tokenRef(sasConn)}).Validate()), b)
	}
	assert.Equal(t, "credential", fieldOf(t, (&azure.StorageConfig{Bucket: "reports"}).Validate()))
	assert.Equal(t, "credential", fieldOf(t, (&azure.StorageConfig{Bucket: "reports", Credential: &credential.Ref{}}).Validate()))
	basic := credential.Inline(&credential.BasicCredential{Username: "acme", Secret: credential.Secret(cfgKey)})
	assert.Equal(t, "credential.type", fieldOf(t, (&azure.StorageConfig{Bucket: "reports", Credential: basic}).Validate()))

	for name, tok := range map[string]string{
		"not a credential":        "hunter2-" + cfgSig,
		"no signature":            "sv=2022-11-02&sp=r",
		"connection string typo":  "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccesSignature=" + cfgSAS,
		"key connection, no name": "AccountKey=" + cfgKey + ";EndpointSuffix=core.windows.net",
		"http to a remote host":   "BlobEndpoint=http://acme.blob.core.windows.net;SharedAccessSignature=" + cfgSAS,
	} {
		err := (&azure.StorageConfig{Bucket: "reports", Credential: tokenRef(tok)}).Validate()
		assert.Equal(t, "credential", fieldOf(t, err), name)
		noSecret(t, err.Error())
	}

	err := (&azure.StorageConfig{Bucket: "reports", Credential: tokenRef(cfgSAS)}).Validate()
	assert.Equal(t, "url", fieldOf(t, err), "a bare SAS token needs the url")
	noSecret(t, err.Error())
	for _, u := range []string{"acme.blob.core.windows.net", "ftp://acme.blob.core.windows.net", "http://acme.blob.core.windows.net",
		"https://u:p@acme.blob.core.windows.net", "https://acme.blob.core.windows.net/?" + cfgSAS, "https://acme.blob.core.windows.net/#x",
		"https://acme.blob.core.windows.net/" + strings.Repeat("a", providers.MaxURLLen)} {
		err := (&azure.StorageConfig{Bucket: "reports", Credential: tokenRef(sasConn), URL: u}).Validate()
		assert.Equal(t, "url", fieldOf(t, err), u)
		noSecret(t, err.Error())
	}
}

func TestSinkConfigValidate(t *testing.T) {
	for _, p := range []string{"events", "synqly/events", "synqly/events/", "a b/ü"} {
		assert.NoError(t, (&azure.SinkConfig{Bucket: "lake", Credential: tokenRef(sasConn), Path: p}).Validate(), p)
	}
	for _, p := range []string{"", " ", "/events", "../events", "a/../b", "a//b", "a/./b", "a\nb", strings.Repeat("a", 257)} {
		assert.Equal(t, "path", fieldOf(t, (&azure.SinkConfig{Bucket: "lake", Credential: tokenRef(sasConn), Path: p}).Validate()), "%q", p)
	}
	assert.Equal(t, "bucket", fieldOf(t, (&azure.SinkConfig{Credential: tokenRef(sasConn), Path: "events"}).Validate()))
	assert.Equal(t, "credential", fieldOf(t, (&azure.SinkConfig{Bucket: "lake", Path: "events"}).Validate()))
	assert.Equal(t, "url", fieldOf(t, (&azure.SinkConfig{Bucket: "lake", Credential: tokenRef(cfgSAS), Path: "events"}).Validate()))
	cfg := &azure.SinkConfig{Bucket: "lake", Credential: tokenRef(sasConn), Path: "events"}
	assert.Equal(t, map[string]*credential.Ref{"credential": cfg.Credential}, cfg.CredentialRefs())
	assert.Nil(t, (&azure.SinkConfig{}).CredentialRefs())
	assert.Nil(t, (&azure.StorageConfig{}).CredentialRefs())
}

// TestSecretsNotShown: a configuration holding a SAS or an account key,
// printed every way and encoded as JSON, shows neither.
func TestSecretsNotShown(t *testing.T) {
	for _, tok := range []string{sasConn, keyConn, cfgSAS} {
		st := &azure.StorageConfig{Bucket: "reports", Credential: tokenRef(tok), URL: "https://acme.blob.core.windows.net"}
		sk := &azure.SinkConfig{Bucket: "lake", Credential: tokenRef(tok), Path: "events"}
		for _, cfg := range []any{st, sk} {
			noSecret(t, fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg))
			js, err := json.Marshal(cfg)
			require.NoError(t, err)
			noSecret(t, string(js))
			var logs fakekit.Logs
			logs.Logger().Info("config", slog.Any("config", cfg))
			noSecret(t, logs.String())
		}
	}
}

// TestOpen: the driver is built without a request to the vendor, from an
// inline credential or from the stored one the request carries; a
// credential of another type, or a stored one that is not a valid token,
// is an InvalidInput error naming the credential.
func TestOpen(t *testing.T) {
	ctx := t.Context()
	d, err := azure.Storage.Open(ctx, providers.OpenRequest{Config: &azure.StorageConfig{Bucket: "reports", Credential: tokenRef(sasConn)}})
	require.NoError(t, err)
	require.NoError(t, d.Close())

	stored := &azure.SinkConfig{Bucket: "lake", Credential: credential.RefTo("cred-1", credential.TypeToken), Path: "events"}
	s, err := azure.Sink.Open(ctx, providers.OpenRequest{Config: stored,
		Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: credential.Secret(keyConn)}}})
	require.NoError(t, err)
	assert.Equal(t, int64(32<<20), int64(s.Limits().MaxBytes))
	require.NoError(t, s.Close())

	for _, bad := range []credential.Config{
		&credential.SecretCredential{Secret: credential.Secret(sasConn)},
		&credential.TokenCredential{Secret: credential.Secret("sv=1&sp=r")},
	} {
		_, err := azure.Sink.Open(ctx, providers.OpenRequest{Config: stored, Credentials: map[string]credential.Config{"credential": bad}})
		assert.Equal(t, "credential", fieldOf(t, err))
		noSecret(t, err.Error())
	}
	_, err = azure.Sink.Open(ctx, providers.OpenRequest{Config: stored})
	assert.Equal(t, "credential", fieldOf(t, err), "no unsealed credential")
	_, err = azure.Storage.Open(ctx, providers.OpenRequest{Config: stored})
	assert.True(t, errors.Is(err, errs.ErrInternal), "a configuration of another provider: %v", err)
}

func TestSchema(t *testing.T) {
	assert.Equal(t, []providers.ConfigField{
		{Name: "bucket", Type: "string", Required: true},
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"token"}},
		{Name: "url", Type: "string"},
	}, azure.Storage.Provider().Schema())
	assert.Equal(t, []providers.ConfigField{
		{Name: "bucket", Type: "string", Required: true},
		{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"token"}},
		{Name: "path", Type: "string", Required: true},
		{Name: "url", Type: "string"},
	}, azure.Sink.Provider().Schema())
}

func TestRegistered(t *testing.T) {
	p, ok := providers.Lookup(azure.StorageID)
	require.True(t, ok)
	assert.Equal(t, providers.Storage, p.Category)
	assert.Equal(t, "Microsoft Azure Blob Storage", p.Fullname)
	assert.Equal(t, []string{"list_files", "upload_file", "download_file", "delete_file"}, p.Operations)
	assert.True(t, p.Accepts(credential.TypeToken))
	p, ok = providers.Lookup(azure.SinkID)
	require.True(t, ok)
	assert.Equal(t, providers.Sink, p.Category)
	assert.Equal(t, []string{"post_events"}, p.Operations)
}
