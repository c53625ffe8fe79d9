package synqly_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestCredentialLifecycle(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	b := mustAccount(t, c, "Globex")

	cr, err := c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Fullname: "Splunk HEC",
		Config: &credential.TokenCredential{Secret: "tok-1"}})
	require.NoError(t, err)
	assert.Equal(t, "splunk-hec", cr.Name)
	assert.Equal(t, synqly.OwnerAccount, cr.OwnerType)
	assert.Equal(t, synqly.Unmanaged, cr.Managed)
	assert.Equal(t, a.ID, cr.AccountID)
	raw, _ := json.Marshal(cr)
	assert.JSONEq(t, fmt.Sprintf(`{"id":%q,"account_id":%q,"owner_type":"account","name":"splunk-hec","fullname":"Splunk HEC",
		"config":{"type":"token"},"managed":"Unmanaged","created_at":%q,"updated_at":%q}`, cr.ID, a.ID,
		cr.CreatedAt.Format(time.RFC3339Nano), cr.UpdatedAt.Format(time.RFC3339Nano)), string(raw))

	// Same name: conflict within the owner, fine under another owner.
	_, err = c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: "Splunk-HEC", Config: &credential.TokenCredential{Secret: "x"}})
	requireCode(t, err, errs.InvalidInput) // uppercase is not a valid name
	_, err = c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Fullname: "SPLUNK hec", Config: &credential.TokenCredential{Secret: "x"}})
	requireCode(t, err, errs.Conflict)
	_, err = c.Credentials.Create(ctx, b.ID, synqly.CreateCredentialRequest{Fullname: "Splunk HEC", Config: &credential.TokenCredential{Secret: "x"}})
	require.NoError(t, err)

	// Bad input.
	for name, tc := range map[string]struct {
		owner string
		req   synqly.CreateCredentialRequest
		code  errs.Code
	}{
		"no config":        {a.ID, synqly.CreateCredentialRequest{Name: "n1"}, errs.InvalidInput},
		"empty secret":     {a.ID, synqly.CreateCredentialRequest{Name: "n2", Config: &credential.TokenCredential{}}, errs.InvalidInput},
		"bad owner type":   {a.ID, synqly.CreateCredentialRequest{Name: "n3", OwnerType: "member", Config: &credential.TokenCredential{Secret: "x"}}, errs.InvalidInput},
		"owner missing":    {"gone", synqly.CreateCredentialRequest{Name: "n4", Config: &credential.TokenCredential{Secret: "x"}}, errs.NotFound},
		"webhook owner":    {a.ID, synqly.CreateCredentialRequest{Name: "n5", OwnerType: synqly.OwnerOrganizationWebhook, Config: &credential.TokenCredential{Secret: "x"}}, errs.Unsupported},
		"integration gone": {a.ID, synqly.CreateCredentialRequest{Name: "n6", OwnerType: synqly.OwnerIntegration, Config: &credential.TokenCredential{Secret: "x"}}, errs.NotFound},
	} {
		_, err := c.Credentials.Create(ctx, tc.owner, tc.req)
		requireCode(t, err, tc.code)
		if err != nil {
			assert.NotContains(t, err.Error(), "x\"", name)
		}
	}

	// Get is confined to the owner; Lookup needs only the id.
	_, err = c.Credentials.Get(ctx, b.ID, cr.ID)
	requireCode(t, err, errs.NotFound)
	got, err := c.Credentials.Lookup(ctx, cr.ID)
	require.NoError(t, err)
	assert.Equal(t, cr, got)

	// Update without config keeps the secret; with config replaces it.
	upd, err := c.Credentials.Update(ctx, a.ID, cr.ID, synqly.UpdateCredentialRequest{Name: "hec", Expires: new(time.Now().Add(time.Hour).UTC()), UpdatedAt: cr.UpdatedAt})
	require.NoError(t, err)
	assert.Equal(t, "hec", upd.Name)
	assert.Equal(t, "hec", upd.Fullname)
	assert.Equal(t, credential.TypeToken, upd.Config.Type)
	upd, err = c.Credentials.Update(ctx, a.ID, cr.ID, synqly.UpdateCredentialRequest{Name: "hec", Config: &credential.BasicCredential{Username: "u", Secret: "p"}, UpdatedAt: upd.UpdatedAt})
	require.NoError(t, err)
	assert.Equal(t, credential.TypeBasic, upd.Config.Type)

	// Patch: secrets can be set through the patch, the type cannot change without one.
	p, err := c.Credentials.Patch(ctx, a.ID, cr.ID, []synqly.PatchOperation{{Op: "add", Path: "/config/secret", Value: "patched"}, {Op: "add", Path: "/config/username", Value: "u2"}})
	require.NoError(t, err)
	assert.Equal(t, credential.TypeBasic, p.Config.Type)
	_, err = c.Credentials.Patch(ctx, a.ID, cr.ID, []synqly.PatchOperation{{Op: "replace", Path: "/config/type", Value: "token"}})
	requireCode(t, err, errs.InvalidInput)
	for _, path := range []string{"/id", "/owner_type", "/account_id", "/managed", "/created_at"} {
		_, err = c.Credentials.Patch(ctx, a.ID, cr.ID, []synqly.PatchOperation{{Op: "replace", Path: path, Value: "x"}})
		requireCode(t, err, errs.InvalidInput)
	}
	p, err = c.Credentials.Patch(ctx, a.ID, cr.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "HEC token"}})
	require.NoError(t, err)
	assert.Equal(t, "HEC token", p.Fullname)

	// List and filter.
	page, err := c.Credentials.List(ctx, a.ID, synqly.ListOptions{Filter: []string{"config.type[eq]basic", "managed[eq]Unmanaged"}})
	require.NoError(t, err)
	require.Len(t, page.Result, 1)
	assert.Equal(t, cr.ID, page.Result[0].ID)
	_, err = c.Credentials.List(ctx, a.ID, synqly.ListOptions{Filter: []string{"config.secret[eq]patched"}})
	requireCode(t, err, errs.InvalidQuery)

	require.NoError(t, c.Credentials.Delete(ctx, a.ID, cr.ID))
	_, err = c.Credentials.Lookup(ctx, cr.ID)
	requireCode(t, err, errs.NotFound)
}

// secretSamples returns one config of each type with distinctive secrets.
func secretSamples() (cfgs []credential.Config, secrets []string) {
	s := func(name string) credential.Secret {
		v := "S3CRET-" + name + "-7f3a9c"
		secrets = append(secrets, v)
		return credential.Secret(v)
	}
	cert := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	key := "-----BEGIN PRIVATE KEY-----\nS3CRETPEMKEY7f3a9cAA\n-----END PRIVATE KEY-----\n"
	secrets = append(secrets, "S3CRETPEMKEY7f3a9cAA")
	cfgs = []credential.Config{
		&credential.AWSCredential{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: s("aws"), Session: s("session")},
		&credential.AWSRoleCredential{RoleARN: "arn:aws:iam::123456789012:role/x", ExternalID: s("external")},
		&credential.TokenCredential{Secret: s("token")},
		&credential.BasicCredential{Username: "user", Secret: s("basic")},
		&credential.SecretCredential{Secret: s("secret")},
		&credential.OAuthClientCredential{TokenURL: "https://auth.example/token", ClientID: "cid", ClientSecret: s("oauth")},
		&credential.TLSCertificateCredential{Certificate: cert, PrivateKey: credential.Secret(key)},
	}
	return cfgs, secrets
}

// TestSecretsNeverReachTheStore writes known secrets through every path
// (create, inline with an integration, update, patch), then scans the raw
// database files, every JSON output, the audit trail and the logs.
func TestSecretsNeverReachTheStore(t *testing.T) {
	var logs bytes.Buffer
	c, path := newClient(t, synqly.WithLogger(slogDebug(&logs)))
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	cfgs, secrets := secretSamples()
	var outputs []any
	for i, cfg := range cfgs {
		cr, err := c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: fmt.Sprintf("c%d", i), Config: cfg})
		require.NoError(t, err)
		outputs = append(outputs, cr)
	}
	res, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "j",
		ProviderConfig: jiraConfig(credential.Inline(&credential.BasicCredential{Username: "u", Secret: "S3CRET-inline-7f3a9c"}))})
	require.NoError(t, err)
	secrets = append(secrets, "S3CRET-inline-7f3a9c", "S3CRET-updated-7f3a9c", "S3CRET-patched-7f3a9c")
	outputs = append(outputs, res)
	upd, err := c.Credentials.Update(ctx, a.ID, outputs[2].(*synqly.Credential).ID, synqly.UpdateCredentialRequest{Name: "c2",
		Config: &credential.TokenCredential{Secret: "S3CRET-updated-7f3a9c"}, UpdatedAt: outputs[2].(*synqly.Credential).UpdatedAt})
	require.NoError(t, err)
	pat, err := c.Credentials.Patch(ctx, a.ID, outputs[3].(*synqly.Credential).ID, []synqly.PatchOperation{
		{Op: "replace", Path: "/config", Value: map[string]any{"type": "basic", "username": "u", "secret": "S3CRET-patched-7f3a9c"}}})
	require.NoError(t, err)
	outputs = append(outputs, upd, pat)
	// A refused patch whose value is a secret must not leak it through the error.
	_, err = c.Credentials.Patch(ctx, a.ID, pat.ID, []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: map[string]any{"type": "basic", "secret": "S3CRET-patched-7f3a9c"}}})
	require.Error(t, err)
	outputs = append(outputs, err.Error())

	list, err := c.Credentials.List(ctx, a.ID, synqly.ListOptions{})
	require.NoError(t, err)
	events, err := c.Audit.List(ctx, synqly.ListOptions{Limit: 1000})
	require.NoError(t, err)
	outputs = append(outputs, list, events, fmt.Sprintf("%v %+v %#v", cfgs, cfgs, list))

	require.NoError(t, c.Close())
	blobs := rawStore(t, path)
	for _, o := range outputs {
		if s, ok := o.(string); ok {
			blobs = append(blobs, s)
			continue
		}
		b, err := json.Marshal(o)
		require.NoError(t, err)
		blobs = append(blobs, string(b))
	}
	blobs = append(blobs, logs.String())
	for _, blob := range blobs {
		for _, s := range secrets {
			require.False(t, strings.Contains(blob, s), "secret %q found in %.80s", s, blob)
		}
	}
}
