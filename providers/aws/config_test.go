package aws_test

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
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
)

// fieldOf returns the field an InvalidInput error names, or fails.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want an *errs.Error, got %v", err)
	require.Equal(t, errs.InvalidInput, e.Code, "%v", err)
	return e.Field
}

func keyRef() *credential.Ref {
	return credential.Inline(accessKey("AKIAEXAMPLE0000001", "config/secret/0123456789abcdef"))
}

func TestS3StorageConfigValidate(t *testing.T) {
	ok := func() *awsp.S3StorageConfig {
		return &awsp.S3StorageConfig{Bucket: "acme-exports", Region: "eu-west-1", Credential: keyRef()}
	}
	assert.NoError(t, ok().Validate())
	for _, c := range []struct {
		change func(*awsp.S3StorageConfig)
		field  string
	}{
		{func(c *awsp.S3StorageConfig) { c.Bucket = "" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = "ab" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = "Acme" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = "acme_exports" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = "-acme" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = "acme..x" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = "192.168.1.1" }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Bucket = strings.Repeat("a", 64) }, "bucket"},
		{func(c *awsp.S3StorageConfig) { c.Region = "" }, "region"},
		{func(c *awsp.S3StorageConfig) { c.Region = "europe" }, "region"},
		{func(c *awsp.S3StorageConfig) { c.Region = "auto" }, "region"}, // only with an endpoint
		{func(c *awsp.S3StorageConfig) { c.Endpoint = "minio:9000" }, "endpoint"},
		{func(c *awsp.S3StorageConfig) { c.Endpoint = "ftp://minio:9000" }, "endpoint"},
		{func(c *awsp.S3StorageConfig) { c.Endpoint = "https://user:pw@minio:9000" }, "endpoint"},
		{func(c *awsp.S3StorageConfig) { c.Endpoint = "https://minio:9000/bucket" }, "endpoint"},
		{func(c *awsp.S3StorageConfig) { c.Endpoint = "https://minio:9000?x=1" }, "endpoint"},
		{func(c *awsp.S3StorageConfig) { c.Endpoint = "http://s3.us-east-1.amazonaws.com" }, "endpoint"},
		{func(c *awsp.S3StorageConfig) { c.Credential = nil }, "credential"},
		{func(c *awsp.S3StorageConfig) {
			c.Credential = credential.Inline(&credential.TokenCredential{Secret: "x"})
		}, "credential.type"},
		{func(c *awsp.S3StorageConfig) {
			c.Credential = credential.Inline(&credential.AWSCredential{AccessKeyID: "AKIA1"})
		}, "credential.secret_access_key"},
		{func(c *awsp.S3StorageConfig) {
			c.Credential = credential.Inline(&credential.AWSRoleCredential{RoleARN: "not-an-arn", ExternalID: "x"})
		}, "credential.role_arn"},
	} {
		cfg := ok()
		c.change(cfg)
		assert.Equal(t, c.field, fieldOf(t, cfg.Validate()), "%+v", cfg)
	}
	for _, change := range []func(*awsp.S3StorageConfig){
		func(c *awsp.S3StorageConfig) { c.Endpoint = "http://127.0.0.1:9000"; c.Region = "auto" },
		func(c *awsp.S3StorageConfig) { c.Endpoint = "https://minio.example.com/" },
		func(c *awsp.S3StorageConfig) { c.Region = "us-gov-west-1" },
		func(c *awsp.S3StorageConfig) { c.Bucket = "a.b-c.123" },
		func(c *awsp.S3StorageConfig) { c.Credential = credential.RefTo("cred-1", credential.TypeAWSRole) },
		func(c *awsp.S3StorageConfig) {
			c.Credential = credential.Inline(role("ext"))
		},
	} {
		cfg := ok()
		change(cfg)
		assert.NoError(t, cfg.Validate(), "%+v", cfg)
	}
	cfg := ok()
	assert.Equal(t, map[string]*credential.Ref{"credential": cfg.Credential}, cfg.CredentialRefs())
	assert.Nil(t, (&awsp.S3StorageConfig{}).CredentialRefs())
}

func TestS3SinkConfigValidate(t *testing.T) {
	ok := func() *awsp.S3SinkConfig {
		return &awsp.S3SinkConfig{Bucket: "acme-lake", Region: "us-east-1", Path: "synqly/ocsf", Credential: keyRef()}
	}
	assert.NoError(t, ok().Validate())
	for _, p := range []string{"synqly", "synqly/ocsf/", "a/b/c"} {
		cfg := ok()
		cfg.Path = p
		assert.NoError(t, cfg.Validate(), p)
	}
	for _, p := range []string{"", "/synqly", "a//b", "a/../b", "./a", "a\nb", strings.Repeat("a", 2000)} {
		cfg := ok()
		cfg.Path = p
		assert.Equal(t, "path", fieldOf(t, cfg.Validate()), "%q", p)
	}
	cfg := ok()
	cfg.Bucket = "B"
	assert.Equal(t, "bucket", fieldOf(t, cfg.Validate()))
	assert.Equal(t, map[string]*credential.Ref{"credential": cfg.Credential}, cfg.CredentialRefs())
}

func TestSQSConfigValidate(t *testing.T) {
	for _, c := range []struct{ url, region string }{
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/security-events", ""},
		{"https://sqs-fips.us-gov-west-1.amazonaws.com/123456789012/q", ""},
		{"https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", ""},
		{"https://eu-west-1.queue.amazonaws.com/123456789012/q", ""},
		{"https://vpce-0a1b2c3d-4e5f6g7h.sqs.us-east-1.vpce.amazonaws.com/123456789012/q", ""},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo", ""},
		{"http://127.0.0.1:9324/000000000000/local", "us-east-1"},
		{"http://elasticmq:9324/000000000000/local", "elasticmq"},
	} {
		assert.NoError(t, (&awsp.SQSConfig{URL: c.url, Region: c.region, Credential: keyRef()}).Validate(), c.url)
	}
	for _, c := range []struct{ url, region, field string }{
		{"", "", "url"},
		{"sqs.eu-west-1.amazonaws.com/123456789012/q", "", "url"},
		{"http://sqs.eu-west-1.amazonaws.com/123456789012/q", "", "url"},
		{"https://u:p@sqs.eu-west-1.amazonaws.com/123456789012/q", "", "url"},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/q?x=1", "", "url"},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012", "", "url"},
		{"https://sqs.eu-west-1.amazonaws.com/12345/q", "", "url"},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/q/x", "", "url"},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/" + strings.Repeat("q", 81), "", "url"},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/bad.name", "", "url"},
		{"https://queue.example.com/123456789012/q", "", "region"},
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/q", "Europe", "region"},
	} {
		assert.Equal(t, c.field, fieldOf(t, (&awsp.SQSConfig{URL: c.url, Region: c.region, Credential: keyRef()}).Validate()), c.url)
	}
	assert.Equal(t, "credential", fieldOf(t, (&awsp.SQSConfig{URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/q"}).Validate()))
}

func TestSchema(t *testing.T) {
	cred := providers.ConfigField{Name: "credential", Type: "credential", Required: true, Secret: true, CredentialTypes: []string{"aws", "aws_role"}}
	assert.Equal(t, []providers.ConfigField{
		{Name: "bucket", Type: "string", Required: true}, cred,
		{Name: "endpoint", Type: "string"}, {Name: "region", Type: "string", Required: true},
	}, awsp.StorageS3.Provider().Schema())
	assert.Equal(t, []providers.ConfigField{
		{Name: "bucket", Type: "string", Required: true}, cred,
		{Name: "endpoint", Type: "string"}, {Name: "path", Type: "string", Required: true},
		{Name: "region", Type: "string", Required: true},
	}, awsp.SinkS3.Provider().Schema())
	assert.Equal(t, []providers.ConfigField{
		{Name: "url", Type: "string", Required: true}, cred, {Name: "region", Type: "string"},
	}, awsp.SinkSQS.Provider().Schema())
}

func TestRegistered(t *testing.T) {
	for id, cat := range map[string]providers.Category{awsp.StorageS3ID: providers.Storage, awsp.SinkS3ID: providers.Sink, awsp.SinkSQSID: providers.Sink} {
		p, ok := providers.Lookup(id)
		require.True(t, ok, id)
		assert.Equal(t, cat, p.Category)
		assert.True(t, p.Accepts(credential.TypeAWS) && p.Accepts(credential.TypeAWSRole), id)
		assert.False(t, p.Accepts(credential.TypeToken), id)
	}
}

// TestSecretsNotShown: a configuration holding its credential inline
// never prints or encodes the secrets.
func TestSecretsNotShown(t *testing.T) {
	const secret, external = "config/Secret+Key/ShouldNeverShow", "external-id-never-shown"
	cfgs := []providers.Config{
		&awsp.S3StorageConfig{Bucket: "b-1", Region: "us-east-1", Credential: credential.Inline(accessKey("AKIA1", secret))},
		&awsp.S3SinkConfig{Bucket: "b-1", Region: "us-east-1", Path: "p", Credential: credential.Inline(role(external))},
		&awsp.SQSConfig{URL: "https://sqs.us-east-1.amazonaws.com/123456789012/q", Credential: credential.Inline(accessKey("AKIA1", secret))},
	}
	for _, cfg := range cfgs {
		js, err := json.Marshal(cfg)
		require.NoError(t, err)
		for _, text := range []string{string(js), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg)} {
			assert.NotContains(t, text, secret)
			assert.NotContains(t, text, external)
		}
	}
}

// TestOpenOtherConfig: a configuration of another provider is the
// caller's bug, errs.ErrInternal.
func TestOpenOtherConfig(t *testing.T) {
	_, err := awsp.StorageS3.Open(t.Context(), providers.OpenRequest{Config: &awsp.SQSConfig{}})
	assert.True(t, errors.Is(err, errs.ErrInternal), "%v", err)
	_, err = awsp.SinkSQS.Open(t.Context(), providers.OpenRequest{Config: &awsp.S3SinkConfig{}})
	assert.True(t, errors.Is(err, errs.ErrInternal), "%v", err)
}
