package elastic

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// The provider config ids.
const (
	// ElasticsearchID is the Elasticsearch sink provider.
	ElasticsearchID = "sink_elasticsearch"
	// OpenSearchID is the OpenSearch sink provider.
	OpenSearchID = "sink_opensearch"
)

// ElasticsearchConfig is the sink_elasticsearch provider configuration:
// events are written with the bulk API to one index (or data stream, or
// alias with a write index) of an Elasticsearch cluster.
//
//	{
//	  "type": "sink_elasticsearch",
//	  "url": "https://my-deployment.es.us-east-1.aws.elastic.cloud",
//	  "create_index": "ocsf-events",
//	  "credential": {"type": "token", "secret": "<encoded API key>"}
//	}
type ElasticsearchConfig struct {
	// URL is the cluster's base URL, e.g. https://localhost:9200 or an
	// Elastic Cloud deployment's Elasticsearch endpoint. A path is kept
	// (a cluster behind a proxy's prefix); user information, a query or a
	// fragment are refused.
	URL string `json:"url" schema:"required"`
	// CreateIndex is the index, data stream or alias the events are
	// written to (Synqly: "the index or data stream to use when writing
	// events"); a post's PostOptions.Location overrides it. It must be a
	// valid index name (see ValidIndexName). The cluster creates a missing
	// index on first write unless action.auto_create_index forbids it.
	CreateIndex string `json:"create_index" schema:"required"`
	// Credential is either a basic credential (a user and password) or a
	// token credential holding an Elasticsearch API key, sent as
	// "Authorization: ApiKey <key>": the key's encoded form (base64 of
	// "<id>:<api_key>", what Kibana shows as "Encoded"), or "<id>:<api_key>",
	// which the driver encodes. The key needs the create_doc (or create,
	// index, write) privilege on the target index, and auto_configure (or
	// create_index) for a missing one to be created. An o_auth_client
	// credential (a JWT realm) is not supported.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// SkipTLSVerify turns off the verification of the cluster's TLS
	// certificate: anyone on the network path can then impersonate the
	// cluster and read the credential and every event. Only for a test
	// cluster with a self-signed certificate.
	SkipTLSVerify bool `json:"skip_tls_verify,omitempty"`
	// AuthOptions change how requests are authenticated.
	AuthOptions *AuthOptions `json:"auth_options,omitempty"`
}

// AuthOptions are Synqly's Elasticsearch authentication options.
type AuthOptions struct {
	// RunAs, when set, submits every request as this user (with its roles),
	// in the es-security-runas-user header; the credential's user needs the
	// run_as privilege.
	RunAs string `json:"run_as,omitempty"`
	// SharedSecret is the ES-Client-Authentication shared secret of a JWT
	// realm. Not supported (nor is the o_auth_client credential it goes
	// with): a configuration that sets it is refused.
	SharedSecret *credential.Ref `json:"shared_secret,omitempty"`
}

// OpenSearchConfig is the sink_opensearch provider configuration: events
// are written with the bulk API to one index (or data stream, or alias with
// a write index) of an OpenSearch cluster, authenticated with a basic
// credential (the security plugin's internal users, or an Amazon
// OpenSearch Service domain's master user).
//
//	{
//	  "type": "sink_opensearch",
//	  "url": "https://search-my-domain.us-east-1.es.amazonaws.com",
//	  "create_index": "ocsf-events",
//	  "credential": {"type": "basic", "username": "admin", "secret": "..."}
//	}
type OpenSearchConfig struct {
	// URL is the cluster's base URL, e.g. https://localhost:9200.
	URL string `json:"url" schema:"required"`
	// CreateIndex is the index, data stream or alias the events are
	// written to; a post's PostOptions.Location overrides it. It must be a
	// valid index name (see ValidIndexName).
	CreateIndex string `json:"create_index" schema:"required"`
	// Credential is a basic credential: the user needs the
	// indices:data/write/bulk* permission on the target index (and
	// indices:admin/create for a missing one to be created).
	Credential *credential.Ref `json:"credential" schema:"required"`
	// SkipTLSVerify turns off the verification of the cluster's TLS
	// certificate; see ElasticsearchConfig.SkipTLSVerify for the risk.
	SkipTLSVerify bool `json:"skip_tls_verify,omitempty"`
}

// Validate implements providers.Config. An o_auth_client credential and
// auth_options.shared_secret are errs.Unsupported.
func (c *ElasticsearchConfig) Validate() error {
	if err := validateURL(c.URL); err != nil {
		return err
	}
	if err := ValidIndexName("create_index", c.CreateIndex); err != nil {
		return err
	}
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	if err := c.Credential.Validate(credential.TypeBasic, credential.TypeToken, credential.TypeOAuthClient); err != nil {
		return err
	}
	if credType(c.Credential) == credential.TypeOAuthClient {
		return oauthUnsupported()
	}
	if a := c.AuthOptions; a != nil {
		if a.SharedSecret != nil && !a.SharedSecret.IsZero() {
			return &errs.Error{Code: errs.Unsupported, Field: "auth_options.shared_secret",
				Message: "auth_options.shared_secret (a JWT realm's ES-Client-Authentication secret) is not supported; use an API key or a basic credential"}
		}
		if a.RunAs != "" && (len(a.RunAs) > 1024 || !utf8.ValidString(a.RunAs) || strings.ContainsFunc(a.RunAs, unicode.IsControl)) {
			return errs.Invalid("auth_options.run_as", "auth_options.run_as must be a user name: one line of at most 1024 bytes")
		}
	}
	return nil
}

// CredentialRefs implements providers.Config.
func (c *ElasticsearchConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// Validate implements providers.Config.
func (c *OpenSearchConfig) Validate() error {
	if err := validateURL(c.URL); err != nil {
		return err
	}
	if err := ValidIndexName("create_index", c.CreateIndex); err != nil {
		return err
	}
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	return c.Credential.Validate(credential.TypeBasic)
}

// CredentialRefs implements providers.Config.
func (c *OpenSearchConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

func credType(r *credential.Ref) credential.Type {
	if r.IsInline() {
		return r.Inline.Type()
	}
	return r.Type
}

func oauthUnsupported() error {
	return &errs.Error{Code: errs.Unsupported, Field: "credential.type",
		Message: "an o_auth_client credential (a JWT realm) is not supported by sink_elasticsearch; use a token credential holding an API key, or a basic credential"}
}

// validateURL checks the cluster's URL: absolute http(s), a host, no user
// information, query or fragment.
func validateURL(s string) error {
	if err := providers.ValidateURL("url", s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#") {
		return errs.Invalid("url", "url must not have a query or a fragment; it is the cluster's base URL, such as https://localhost:9200")
	}
	return nil
}

// maxIndexName is the longest index name the vendors accept, in bytes.
const maxIndexName = 255

// ValidIndexName checks an index (or data stream, or alias) name as
// Elasticsearch and OpenSearch do when an index is created: lowercase only;
// none of \ / * ? " < > | , # : or a space; not starting with -, _ or +;
// not "." or ".."; at most 255 bytes. It also refuses control characters
// and %, which a URL path would have to escape, and so date math
// (<logs-{now/d}>) and wildcards. field names the field in the error.
func ValidIndexName(field, name string) error {
	bad := func(why string) error {
		return errs.Invalid(field, "%s %s: an index name is lowercase, at most 255 bytes, without \\ / * ? \" < > | , # : %% or spaces, "+
			"and does not start with -, _ or +", field, why)
	}
	switch {
	case name == "":
		return errs.Invalid(field, "%s is required: the index, data stream or alias to write to", field)
	case len(name) > maxIndexName:
		return bad(fmt.Sprintf("is %d bytes long", len(name)))
	case !utf8.ValidString(name):
		return bad("is not UTF-8")
	case strings.ToLower(name) != name:
		return bad(fmt.Sprintf("%q has uppercase letters", name))
	case name == "." || name == "..":
		return bad(fmt.Sprintf("cannot be %q", name))
	case strings.ContainsAny(name[:1], "-_+"):
		return bad(fmt.Sprintf("%q starts with %q", name, name[:1]))
	case strings.ContainsAny(name, "\\/*?\"<>| ,#:%") || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }):
		return bad(fmt.Sprintf("%q has a character an index name cannot hold", errs.Clip(name, 80)))
	}
	return nil
}
