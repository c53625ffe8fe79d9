package all_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/azure"
	"github.com/seed-e6251c81/synqly/providers/elastic"
	"github.com/seed-e6251c81/synqly/providers/gcp"
	"github.com/seed-e6251c81/synqly/providers/httpsink"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/servicenow"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/teams"
)

// configWith builds, per provider that needs a credential, a valid
// configuration but for its credential. A provider registered with
// credential types must be listed here.
var configWith = map[string]func(*credential.Ref) providers.Config{
	jira.TicketingID: func(r *credential.Ref) providers.Config {
		return &jira.TicketingConfig{URL: "https://example.atlassian.net", Credential: r}
	},
	servicenow.TicketingID: func(r *credential.Ref) providers.Config {
		return &servicenow.TicketingConfig{URL: "https://example.service-now.com", Credential: r}
	},
	jira.NotificationsID: func(r *credential.Ref) providers.Config {
		return &jira.NotificationsConfig{URL: "https://example.atlassian.net", Credential: r}
	},
	pagerduty.TicketingID: func(r *credential.Ref) providers.Config {
		return &pagerduty.TicketingConfig{URL: "https://api.pagerduty.com", Credential: r}
	},
	slack.NotificationsID: func(r *credential.Ref) providers.Config {
		return &slack.NotificationsConfig{Channel: "C0123ABCDE", Credential: r}
	},
	slack.WebhookID: func(r *credential.Ref) providers.Config { return &slack.WebhookConfig{WebhookURL: r} },
	aws.StorageS3ID: func(r *credential.Ref) providers.Config {
		return &aws.S3StorageConfig{Bucket: "acme-reports", Region: "eu-west-1", Credential: r}
	},
	aws.SinkS3ID: func(r *credential.Ref) providers.Config {
		return &aws.S3SinkConfig{Bucket: "acme-lake", Region: "eu-west-1", Path: "ocsf", Credential: r}
	},
	aws.SinkSQSID: func(r *credential.Ref) providers.Config {
		return &aws.SQSConfig{URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/events", Credential: r}
	},
	azure.StorageID: func(r *credential.Ref) providers.Config {
		return &azure.StorageConfig{Bucket: "reports", Credential: r}
	},
	azure.SinkID: func(r *credential.Ref) providers.Config {
		return &azure.SinkConfig{Bucket: "lake", Path: "ocsf", Credential: r}
	},
	elastic.ElasticsearchID: func(r *credential.Ref) providers.Config {
		return &elastic.ElasticsearchConfig{URL: "https://es.example.com:9200", CreateIndex: "ocsf-events", Credential: r}
	},
	elastic.OpenSearchID: func(r *credential.Ref) providers.Config {
		return &elastic.OpenSearchConfig{URL: "https://search.example.com:9200", CreateIndex: "ocsf-events", Credential: r}
	},
	gcp.SinkID: func(r *credential.Ref) providers.Config {
		return &gcp.SinkConfig{Bucket: "acme-lake", Path: "ocsf", Credential: r}
	},
	gcp.StorageID: func(r *credential.Ref) providers.Config {
		return &gcp.StorageConfig{Bucket: "acme-reports", Region: "auto", Credential: r}
	},
	splunk.SinkID: func(r *credential.Ref) providers.Config {
		return &splunk.SinkConfig{HECURL: "https://splunk.example.com:8088", HECCredential: r}
	},
	// sink_http needs a credential only with an authorization.
	httpsink.ID: func(r *credential.Ref) providers.Config {
		return &httpsink.SinkConfig{URL: "https://receiver.example.com/in", Authorization: &httpsink.Authorization{Type: httpsink.AuthBasic, Credential: r}}
	},
	teams.NotificationsID: func(r *credential.Ref) providers.Config {
		return &teams.NotificationsConfig{ChannelID: "19:c@thread.tacv2", TeamID: "19:t@thread.tacv2", Credential: r}
	},
}

// field returns the JSON name of the configuration's one credential
// reference ("credential", "webhook_url").
func field(cfg providers.Config) string {
	for name := range cfg.CredentialRefs() {
		return name
	}
	return "credential"
}

// samples are valid credentials of providers whose secret has a shape of
// its own (an Azure Storage connection string).
var samples = map[string]credential.Config{
	azure.StorageID: &credential.TokenCredential{Secret: "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=2024-11-04&sp=rwdl&sig=c2lnbmF0dXJl"},
	azure.SinkID:    &credential.TokenCredential{Secret: "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=2024-11-04&sp=cw&sig=c2lnbmF0dXJl"},
}

func sampleFor(provider string, t credential.Type) credential.Config {
	if c, ok := samples[provider]; ok {
		return c
	}
	return sample(t)
}

// sample returns a valid inline credential of type t.
func sample(t credential.Type) credential.Config {
	switch t {
	case credential.TypeBasic:
		return &credential.BasicCredential{Username: "u@example.com", Secret: "t0ken"}
	case credential.TypeSecret:
		return &credential.SecretCredential{Secret: "https://hooks.example.com/services/T0/B0/s3cretS3cret"}
	case credential.TypeOAuthClient:
		return &credential.OAuthClientCredential{ClientID: "id", ClientSecret: "s3cret"}
	case credential.TypeAWS:
		return &credential.AWSCredential{AccessKeyID: "AKIAEXAMPLEEXAMPLE00", SecretAccessKey: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY00"}
	case credential.TypeAWSRole:
		return &credential.AWSRoleCredential{RoleARN: "arn:aws:iam::123456789012:role/synqly", ExternalID: "ext-1234"}
	}
	return &credential.TokenCredential{Secret: "t0ken"}
}

// TestConfigRequiresCredential: a configuration without a credential — none,
// the zero Ref, a reference without an id, an inline one holding nothing —
// is refused by Validate and by the registry's Open with an
// errs.InvalidInput error on "credential" saying one is required, never a
// lookup of credential "".
func TestConfigRequiresCredential(t *testing.T) {
	missing := map[string]*credential.Ref{
		"nil":             nil,
		"zero ref":        {},
		"empty id":        {Type: credential.TypeToken},
		"blank id":        {ID: "  ", Type: credential.TypeToken},
		"typed-nil value": {Type: credential.TypeToken, Inline: (*credential.TokenCredential)(nil)},
	}
	for _, p := range providers.All() {
		if len(p.CredentialTypes) == 0 {
			continue
		}
		with, ok := configWith[p.ID]
		if !ok {
			t.Errorf("%s takes credentials: add it to configWith", p.ID)
			continue
		}
		ct := p.CredentialTypes[0]
		f := field(with(credential.Inline(sampleFor(p.ID, ct))))
		for name, ref := range missing {
			cfg := with(ref)
			for what, err := range map[string]error{"Validate": cfg.Validate(), "Open": openErr(p, cfg, f, sampleFor(p.ID, ct))} {
				var e *errs.Error
				if !errors.Is(err, errs.ErrInvalidInput) || !errors.As(err, &e) || e.Field != f ||
					!strings.Contains(e.Message, f+" is required") {
					t.Errorf("%s: %s with %s: want ErrInvalidInput on %s saying it is required, got %#v", p.ID, what, name, f, err)
				}
			}
		}
		for name, ref := range map[string]*credential.Ref{
			"a reference": credential.RefTo("cred-1", ct),
			"inline":      credential.Inline(sampleFor(p.ID, ct)),
		} {
			if err := with(ref).Validate(); err != nil {
				t.Errorf("%s: %s: %v", p.ID, name, err)
			}
		}
	}
}

func openErr(p providers.Provider, cfg providers.Config, field string, cred credential.Config) error {
	d, err := p.Open(context.Background(), providers.OpenRequest{Config: cfg,
		Credentials: map[string]credential.Config{field: cred}})
	if c, ok := d.(interface{ Close() error }); ok && err == nil {
		_ = c.Close()
	}
	return err
}
