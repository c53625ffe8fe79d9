package credential

import (
	"encoding/json"
	"encoding/pem"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
)

// Config is a credential configuration: one of the variants of the
// CredentialConfig union. It is implemented by the pointer of each variant
// type (*AWSCredential, *AWSRoleCredential, *TokenCredential,
// *BasicCredential, *SecretCredential, *OAuthClientCredential,
// *TLSCertificateCredential) and by nothing else: the interface has
// unexported methods, so a type switch over those seven is complete.
//
// Validate is safe to call on a nil pointer, which is reported as a missing
// configuration.
type Config interface {
	// Type returns the variant's discriminator, e.g. TypeBasic.
	Type() Type
	// Validate checks the configuration: required fields are present and not
	// blank, URLs, PEM blocks and numbers are well formed. It returns nil or
	// an errs.InvalidInput error whose Field is the JSON path of the first
	// bad field ("config.secret"); the error never contains a secret value.
	Validate() error

	// validate is Validate with the JSON path of the configuration, so that a
	// Ref can report "credential.secret".
	validate(path string) error
	// wire returns the configuration's JSON form, "type" first, with secret
	// fields in clear (reveal) or redacted.
	wire(reveal bool) any
}

// Ranges of AWS STS AssumeRole parameters.
const (
	// MinRoleDuration is the shortest AWSRoleCredential.Duration, in seconds.
	MinRoleDuration = 900
	// MaxRoleDuration is the longest AWSRoleCredential.Duration, in seconds
	// (12 hours, the most AWS allows for a role session).
	MaxRoleDuration = 43200
)

// AWSCredential is an AWS access key (type "aws"). It is also the form of
// HMAC keys for S3-compatible stores such as Google Cloud Storage.
type AWSCredential struct {
	// AccessKeyID is the access key id (AKIA...); it is not secret.
	AccessKeyID string `json:"access_key_id"`
	// SecretAccessKey is the secret access key.
	SecretAccessKey Secret `json:"secret_access_key"`
	// Session is the session token of temporary credentials; optional.
	Session Secret `json:"session,omitempty"`
}

// AWSRoleCredential is an AWS IAM role that the driver assumes with STS
// (type "aws_role").
type AWSRoleCredential struct {
	// RoleARN is the role's ARN, arn:<partition>:iam::<account>:role/<name>.
	RoleARN string `json:"role_arn"`
	// ExternalID is the external id the role's trust policy requires. It is
	// treated as a secret: it guards against the confused-deputy problem only
	// as long as third parties cannot learn it.
	ExternalID Secret `json:"external_id"`
	// RoleSessionName names the role session; optional (2 to 64 characters of
	// letters, digits and +=,.@_-).
	RoleSessionName string `json:"role_session_name,omitempty"`
	// Duration is the session's lifetime in seconds; optional (0), otherwise
	// from MinRoleDuration to MaxRoleDuration.
	Duration int `json:"duration,omitempty"`
}

// TokenCredential is an API token, sent as a bearer token or the way the
// provider expects (type "token").
type TokenCredential struct {
	// Secret is the token.
	Secret Secret `json:"secret"`
}

// BasicCredential is a user name and a password or API key (type "basic").
type BasicCredential struct {
	// Username is the user name or email.
	Username string `json:"username"`
	// Secret is the password or API key.
	Secret Secret `json:"secret"`
}

// SecretCredential is a single secret of another kind, such as a webhook URL
// or a signing key (type "secret").
type SecretCredential struct {
	// Secret is the secret.
	Secret Secret `json:"secret"`
}

// OAuthClientCredential is an OAuth 2.0 client used with the client
// credentials grant (type "o_auth_client").
type OAuthClientCredential struct {
	// TokenURL is the token endpoint; optional, since many providers have a
	// fixed or derived one. When set, an absolute http or https URL.
	TokenURL string `json:"token_url,omitempty"`
	// ClientID is the client id.
	ClientID string `json:"client_id"`
	// ClientSecret is the client secret.
	ClientSecret Secret `json:"client_secret"`
	// Extra holds provider-specific settings (scopes, audience, ...). They are
	// not secret: they show in logs and in the inline JSON form of a Ref.
	Extra map[string]any `json:"extra,omitempty"`
}

// TLSCertificateCredential is a client certificate and its private key, both
// PEM-encoded (type "tls_certificate").
type TLSCertificateCredential struct {
	// Certificate is one or more PEM CERTIFICATE blocks (the leaf first).
	// It is not secret; a private key here is refused.
	Certificate string `json:"certificate"`
	// PrivateKey is one PEM private key block ("PRIVATE KEY",
	// "RSA PRIVATE KEY", "EC PRIVATE KEY", ...).
	PrivateKey Secret `json:"private_key"`
}

// Type returns TypeAWS.
func (*AWSCredential) Type() Type { return TypeAWS }

// Type returns TypeAWSRole.
func (*AWSRoleCredential) Type() Type { return TypeAWSRole }

// Type returns TypeToken.
func (*TokenCredential) Type() Type { return TypeToken }

// Type returns TypeBasic.
func (*BasicCredential) Type() Type { return TypeBasic }

// Type returns TypeSecret.
func (*SecretCredential) Type() Type { return TypeSecret }

// Type returns TypeOAuthClient.
func (*OAuthClientCredential) Type() Type { return TypeOAuthClient }

// Type returns TypeTLSCertificate.
func (*TLSCertificateCredential) Type() Type { return TypeTLSCertificate }

// Validate checks that access_key_id and secret_access_key are set.
func (c *AWSCredential) Validate() error { return c.validate("config") }

// Validate checks role_arn, external_id, role_session_name and duration.
func (c *AWSRoleCredential) Validate() error { return c.validate("config") }

// Validate checks that secret is set.
func (c *TokenCredential) Validate() error { return c.validate("config") }

// Validate checks that username and secret are set.
func (c *BasicCredential) Validate() error { return c.validate("config") }

// Validate checks that secret is set.
func (c *SecretCredential) Validate() error { return c.validate("config") }

// Validate checks client_id, client_secret, token_url and that extra can be
// encoded as JSON.
func (c *OAuthClientCredential) Validate() error { return c.validate("config") }

// Validate checks that certificate holds PEM CERTIFICATE blocks and
// private_key one PEM private key block. It does not parse the certificate or
// the key, nor check that they match.
func (c *TLSCertificateCredential) Validate() error { return c.validate("config") }

func (c *AWSCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeAWS)
	}
	v := checker{path, TypeAWS}
	return first(
		v.text("access_key_id", c.AccessKeyID),
		v.secret("secret_access_key", c.SecretAccessKey),
		v.optionalSecret("session", c.Session),
	)
}

func (c *AWSRoleCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeAWSRole)
	}
	v := checker{path, TypeAWSRole}
	if err := v.text("role_arn", c.RoleARN); err != nil {
		return err
	}
	if !isRoleARN(c.RoleARN) {
		return v.invalid("role_arn", "role_arn must be an IAM role ARN, arn:<partition>:iam::<account>:role/<name>")
	}
	if err := v.secret("external_id", c.ExternalID); err != nil {
		return err
	}
	if c.RoleSessionName != "" && !isSessionName(c.RoleSessionName) {
		return v.invalid("role_session_name", "role_session_name must be 2 to 64 letters, digits or +=,.@_- characters")
	}
	if c.Duration != 0 && (c.Duration < MinRoleDuration || c.Duration > MaxRoleDuration) {
		return v.invalid("duration", "duration must be from %d to %d seconds, or omitted", MinRoleDuration, MaxRoleDuration)
	}
	return nil
}

func (c *TokenCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeToken)
	}
	return checker{path, TypeToken}.secret("secret", c.Secret)
}

func (c *BasicCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeBasic)
	}
	v := checker{path, TypeBasic}
	return first(
		v.text("username", c.Username),
		v.secret("secret", c.Secret),
	)
}

func (c *SecretCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeSecret)
	}
	return checker{path, TypeSecret}.secret("secret", c.Secret)
}

func (c *OAuthClientCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeOAuthClient)
	}
	v := checker{path, TypeOAuthClient}
	if c.TokenURL != "" {
		u, err := url.Parse(c.TokenURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "":
			return v.invalid("token_url", "token_url must be an absolute http or https URL")
		case u.User != nil:
			return v.invalid("token_url", "token_url must not contain a user name or password; put the client id and secret in their fields")
		}
	}
	if err := first(
		v.text("client_id", c.ClientID),
		v.secret("client_secret", c.ClientSecret),
	); err != nil {
		return err
	}
	if len(c.Extra) > 0 {
		if _, err := json.Marshal(c.Extra); err != nil {
			return v.invalid("extra", "extra must hold only values that can be encoded as JSON")
		}
	}
	return nil
}

func (c *TLSCertificateCredential) validate(path string) error {
	if c == nil {
		return missing(path, TypeTLSCertificate)
	}
	v := checker{path, TypeTLSCertificate}
	if err := v.text("certificate", c.Certificate); err != nil {
		return err
	}
	rest, blocks := []byte(c.Certificate), 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			// The certificate is not secret; a key here would leak.
			return v.invalid("certificate", "certificate contains a private key; put the key in private_key only")
		}
		if b.Type != "CERTIFICATE" {
			return v.invalid("certificate", "certificate must hold only PEM CERTIFICATE blocks, not %q", b.Type)
		}
	}
	if blocks == 0 {
		return v.invalid("certificate", "certificate must be PEM-encoded (-----BEGIN CERTIFICATE-----)")
	}
	if err := v.secret("private_key", c.PrivateKey); err != nil {
		return err
	}
	b, rest := pem.Decode([]byte(c.PrivateKey.Reveal()))
	switch {
	case b == nil || !strings.HasSuffix(b.Type, "PRIVATE KEY"):
		return v.invalid("private_key", "private_key must be a PEM-encoded private key (-----BEGIN PRIVATE KEY-----)")
	case strings.TrimSpace(string(rest)) != "":
		return v.invalid("private_key", "private_key must hold exactly one PEM block")
	}
	return nil
}

// checker reports invalid fields of one configuration.
type checker struct {
	path string // JSON path of the configuration: "config"
	typ  Type
}

// invalid returns an InvalidInput error for the field name. The message must
// never include a secret value.
func (v checker) invalid(name, format string, args ...any) error {
	return errs.Invalid(v.path+"."+name, string(v.typ)+" credential: "+format, args...)
}

// text checks a required non-secret field.
func (v checker) text(name, value string) error {
	switch {
	case strings.TrimSpace(value) == "":
		return v.invalid(name, "%s is required", name)
	case !utf8.ValidString(value):
		return v.invalid(name, "%s must be valid UTF-8", name)
	}
	return nil
}

// secret checks a required secret field.
func (v checker) secret(name string, s Secret) error {
	if err := v.text(name, s.Reveal()); err != nil {
		return err
	}
	return v.optionalSecret(name, s)
}

// optionalSecret checks a secret field that may be empty. It refuses the
// redaction placeholder, which is what a redacted configuration sent back
// would hold instead of the secret.
func (v checker) optionalSecret(name string, s Secret) error {
	switch {
	case s.Reveal() == Redacted:
		return v.invalid(name, "%s is the placeholder %s, not a secret; send the real value", name, Redacted)
	case !utf8.ValidString(s.Reveal()):
		return v.invalid(name, "%s must be valid UTF-8", name)
	}
	return nil
}

// missing reports a nil configuration.
func missing(path string, t Type) error {
	return errs.Invalid(path, "%s credential configuration is missing", t)
}

// first returns the first non-nil error.
func first(list ...error) error {
	for _, err := range list {
		if err != nil {
			return err
		}
	}
	return nil
}

// isNil reports whether c is nil or holds a nil pointer.
func isNil(c Config) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// isRoleARN reports whether s looks like arn:<partition>:iam::<account>:role/<name>.
func isRoleARN(s string) bool {
	p := strings.SplitN(s, ":", 6)
	return len(p) == 6 && p[0] == "arn" && p[1] != "" && p[2] == "iam" && p[4] != "" &&
		strings.HasPrefix(p[5], "role/") && len(p[5]) > len("role/")
}

// isSessionName reports whether s is a valid STS role session name.
func isSessionName(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@_-", r)
		if !ok {
			return false
		}
	}
	return true
}
