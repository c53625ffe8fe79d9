package httpsink

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// ID is the provider config id.
const ID = "sink_http"

// The request body formats.
const (
	// FormatJSONArray sends a batch as one JSON array of events (the
	// default).
	FormatJSONArray = "json_array"
	// FormatJSONL sends a batch as JSON Lines: one event a line.
	FormatJSONL = "jsonl"
)

// The authorization variants (Authorization.Type).
const (
	AuthBasic       = "basic_config"
	AuthOAuthClient = "o_auth_client_config"
	AuthToken       = "token_config"
)

// MaxTimeoutSeconds bounds SinkConfig.TimeoutSeconds.
const MaxTimeoutSeconds = 600

// SinkConfig is the sink_http provider configuration: every batch of
// events is one HTTP request to URL.
//
//	{
//	  "type": "sink_http",
//	  "url": "https://siem.example.com/ingest/ocsf",
//	  "request_body_format": "jsonl",
//	  "static_headers": {"X-Tenant": "acme"},
//	  "authorization": {"type": "token_config", "credential": {"type": "token", "secret": "..."},
//	                    "header_name": "Authorization", "template": "Bearer {{token}}"},
//	  "signing_credential": {"type": "secret", "secret": "..."}
//	}
type SinkConfig struct {
	// URL is where the batches go (http or https).
	URL string `json:"url" schema:"required"`
	// HTTPMethod is POST (the default), PUT, PATCH or GET.
	HTTPMethod string `json:"http_method,omitempty"`
	// AcceptedResponseCodes are the statuses that mean the batch was
	// taken; empty means any 2xx.
	AcceptedResponseCodes []int `json:"accepted_response_codes,omitempty"`
	// Authorization, if set, says how requests are authorized.
	Authorization *Authorization `json:"authorization,omitempty"`
	// RequestBodyFormat is json_array (the default) or jsonl.
	RequestBodyFormat string `json:"request_body_format,omitempty"`
	// SigningCredential, if set, is a secret credential: every request
	// then carries an HMAC-SHA256 signature of its body (see Sign).
	SigningCredential *credential.Ref `json:"signing_credential,omitempty"`
	// SkipTLSVerify turns off the checks of the receiver's certificate.
	// Anyone on the path can then read and change the events: use it only
	// for a test receiver.
	SkipTLSVerify bool `json:"skip_tls_verify,omitempty"`
	// StaticHeaders are sent with every request. They are not secret
	// (they show in the integration's JSON): put secrets in Authorization.
	StaticHeaders map[string]string `json:"static_headers,omitempty"`
	// TimeoutSeconds bounds one request (default: the client's, 60 s).
	TimeoutSeconds int `json:"timeout_seconds,omitempty"`
}

// Authorization is the union of the ways sink_http authorizes requests,
// told apart by Type.
type Authorization struct {
	// Type is basic_config, o_auth_client_config or token_config.
	Type string `json:"type"`
	// Credential is a basic, o_auth_client or token credential, as Type
	// says.
	Credential *credential.Ref `json:"credential"`
	// AuthStyle (o_auth_client_config) is how the client authenticates to
	// the token endpoint: in_header (HTTP basic, the default) or in_params.
	AuthStyle string `json:"auth_style,omitempty"`
	// EndpointParams (o_auth_client_config) are added to the token request.
	EndpointParams map[string]string `json:"endpoint_params,omitempty"`
	// Scopes (o_auth_client_config) are requested with the token.
	Scopes []string `json:"scopes,omitempty"`
	// HeaderName (token_config) is the header the token goes in (default
	// Authorization).
	HeaderName string `json:"header_name,omitempty"`
	// Template (token_config) is the header's value, with {{token}} for the
	// secret (default "Bearer {{token}}").
	Template string `json:"template,omitempty"`
}

// TokenPlaceholder stands for the secret in Authorization.Template.
const TokenPlaceholder = "{{token}}"

// reserved are the headers a static header may not set: the library's own
// and those that would change how the request is read.
var reserved = []string{"Authorization", "Content-Type", "Content-Length", "Host", "Transfer-Encoding", "Connection",
	HeaderSignature, HeaderTimestamp, HeaderLocation, HeaderBatch}

// Validate implements providers.Config.
func (c *SinkConfig) Validate() error {
	if err := providers.ValidateURL("url", c.URL); err != nil {
		return err
	}
	switch c.HTTPMethod {
	case "", http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodGet:
	default:
		return errs.Invalid("http_method", "http_method must be POST, PUT, PATCH or GET")
	}
	for i, code := range c.AcceptedResponseCodes {
		if code < 100 || code > 599 {
			return errs.Invalid(fmt.Sprintf("accepted_response_codes[%d]", i), "accepted_response_codes[%d] is %d, not an HTTP status", i, code)
		}
		if code >= 300 && code < 400 {
			return errs.Invalid(fmt.Sprintf("accepted_response_codes[%d]", i), "a redirect (%d) is followed, not accepted", code)
		}
	}
	switch c.RequestBodyFormat {
	case "", FormatJSONArray, FormatJSONL:
	default:
		return errs.Invalid("request_body_format", "request_body_format must be %s or %s", FormatJSONArray, FormatJSONL)
	}
	if c.TimeoutSeconds < 0 || c.TimeoutSeconds > MaxTimeoutSeconds {
		return errs.Invalid("timeout_seconds", "timeout_seconds must be 0 (the default) to %d", MaxTimeoutSeconds)
	}
	if len(c.StaticHeaders) > 50 {
		return errs.Invalid("static_headers", "at most 50 static headers")
	}
	for name, v := range c.StaticHeaders {
		if !validHeaderName(name) {
			return errs.Invalid("static_headers", "static header %q is not a valid header name", textcheck.Clip(name))
		}
		if slices.ContainsFunc(reserved, func(r string) bool { return strings.EqualFold(r, name) }) {
			return errs.Invalid("static_headers", "static header %s is set by the provider", name)
		}
		if len(v) > 4096 || strings.ContainsAny(v, "\r\n\x00") {
			return errs.Invalid("static_headers", "static header %s must be one line of at most 4096 bytes", name)
		}
	}
	if c.SigningCredential != nil {
		if err := c.SigningCredential.Validate(credential.TypeSecret); err != nil {
			return err
		}
	}
	if a := c.Authorization; a != nil {
		if err := a.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (a *Authorization) validate() error {
	var want credential.Type
	switch a.Type {
	case AuthBasic:
		want = credential.TypeBasic
	case AuthToken:
		want = credential.TypeToken
		if a.HeaderName != "" && !validHeaderName(a.HeaderName) {
			return errs.Invalid("authorization.header_name", "header_name is not a valid header name")
		}
		if a.Template != "" && (!strings.Contains(a.Template, TokenPlaceholder) || strings.ContainsAny(a.Template, "\r\n\x00")) {
			return errs.Invalid("authorization.template", "template must be one line holding %s", TokenPlaceholder)
		}
	case AuthOAuthClient:
		want = credential.TypeOAuthClient
		switch a.AuthStyle {
		case "", "in_header", "in_params":
		default:
			return errs.Invalid("authorization.auth_style", "auth_style must be in_header or in_params")
		}
	default:
		return errs.Invalid("authorization.type", "authorization.type must be %s, %s or %s", AuthBasic, AuthOAuthClient, AuthToken)
	}
	if err := providers.RequireRef("authorization.credential", a.Credential); err != nil {
		return err
	}
	return a.Credential.Validate(want)
}

// CredentialRefs implements providers.Config.
func (c *SinkConfig) CredentialRefs() map[string]*credential.Ref {
	refs := map[string]*credential.Ref{}
	if c.Authorization != nil && c.Authorization.Credential != nil {
		refs["authorization.credential"] = c.Authorization.Credential
	}
	if c.SigningCredential != nil {
		refs["signing_credential"] = c.SigningCredential
	}
	return refs
}

func validHeaderName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
