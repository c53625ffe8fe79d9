package gcp

import (
	"net"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// The provider config ids.
const (
	// SinkID is the Google Cloud Storage sink provider.
	SinkID = "sink_gcs"
	// StorageID is the Google Cloud Storage storage provider.
	StorageID = "storage_gcs"
)

// SinkConfig is the sink_gcs provider configuration: each batch of events
// becomes one gzip-compressed NDJSON object under Path, written through
// the Cloud Storage JSON API with a service account's OAuth tokens.
//
//	{
//	  "type": "sink_gcs",
//	  "bucket": "acme-security-events",
//	  "path": "synqly/ocsf",
//	  "credential": {"type": "token", "secret": "{\"type\": \"service_account\", \"client_email\": ..., \"private_key\": ...}"}
//	}
type SinkConfig struct {
	// Bucket is the name of the bucket, which must exist.
	Bucket string `json:"bucket" schema:"required"`
	// Credential is a token credential holding a service account JSON
	// key (the file the console's Keys tab downloads, whole) whose
	// service account may create objects in the bucket (the Storage
	// Object User role). An OAuth 2.0 access token (ya29...) is taken
	// too, for short-lived use: it is sent as it is and not renewed.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// Path is the folder of the bucket the objects are written under,
	// such as synqly/ocsf (a trailing "/" is allowed).
	Path string `json:"path" schema:"required"`
}

// Validate implements providers.Config; an inline credential's secret is
// checked too (without ever quoting it).
func (c *SinkConfig) Validate() error {
	if err := validateBucket(c.Bucket); err != nil {
		return err
	}
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	if err := c.Credential.Validate(credential.TypeToken); err != nil {
		return err
	}
	if err := checkInlineToken(c.Credential); err != nil {
		return err
	}
	if strings.TrimSpace(c.Path) == "" {
		return errs.Invalid("path", "path is required: the folder of the bucket the events are written under, such as synqly/ocsf")
	}
	return storage.CheckPath("path", strings.TrimSuffix(c.Path, "/"))
}

// CredentialRefs implements providers.Config.
func (c *SinkConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// StorageConfig is the storage_gcs provider configuration. With an aws
// credential, which holds a Cloud Storage HMAC key, files are read and
// written through the Cloud Storage XML API, the S3-compatible one
// (https://storage.googleapis.com, requests signed with AWS Signature
// Version 4):
//
//	{
//	  "type": "storage_gcs",
//	  "bucket": "acme-files",
//	  "region": "us-east1",
//	  "credential": {"type": "aws", "access_key_id": "GOOG1E...", "secret_access_key": "..."}
//	}
//
// With a token credential (not in the hosted API's storage_gcs, which
// takes HMAC keys only) holding a service account JSON key, they go
// through the JSON API with OAuth tokens, as sink_gcs does.
type StorageConfig struct {
	// Bucket is the name of the bucket, which must exist.
	Bucket string `json:"bucket" schema:"required"`
	// Credential is an aws credential holding an HMAC key of a service
	// account with access to the bucket (Cloud Storage, Settings,
	// Interoperability): access_key_id is the key's access id (GOOG...),
	// secret_access_key its secret. A token credential holding a service
	// account JSON key is taken too (see the type's documentation).
	Credential *credential.Ref `json:"credential" schema:"required,credential=aws|token"`
	// Region is the bucket's location (us-east1, europe-west4, us, eu,
	// ...), the region requests are signed for; "auto" also works with
	// Cloud Storage. The JSON API does not use it.
	Region string `json:"region" schema:"required"`
}

// Validate implements providers.Config.
func (c *StorageConfig) Validate() error {
	if err := validateBucket(c.Bucket); err != nil {
		return err
	}
	if err := providers.RequireRef("credential", c.Credential); err != nil {
		return err
	}
	if err := c.Credential.Validate(credential.TypeAWS, credential.TypeToken); err != nil {
		return err
	}
	if err := checkInlineToken(c.Credential); err != nil {
		return err
	}
	return validateRegion(c.Region)
}

// CredentialRefs implements providers.Config.
func (c *StorageConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// checkInlineToken checks the secret of an inline token credential.
func checkInlineToken(ref *credential.Ref) error {
	if tc, ok := ref.Inline.(*credential.TokenCredential); ok && ref.IsInline() {
		_, err := parseGoogleCredential(tc.Secret.Reveal())
		return err
	}
	return nil
}

// validateBucket checks a bucket name against Cloud Storage's naming
// rules: 3 to 63 lowercase letters, digits, "-", "_" and "." (up to 222
// with dots, 63 between them), starting and ending with a letter or a
// digit, not an IP address, not starting with "goog" and not containing
// "google".
func validateBucket(name string) error {
	bad := func(why string) error {
		return errs.Invalid("bucket", "bucket must be a Cloud Storage bucket name: %s", why)
	}
	switch {
	case name == "":
		return errs.Invalid("bucket", "bucket is required: the name of the Cloud Storage bucket")
	case len(name) < 3 || len(name) > 222 || (!strings.Contains(name, ".") && len(name) > 63):
		return bad("3 to 63 characters (222 with dots)")
	case strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}):
		return bad("lowercase letters, digits, \"-\", \"_\" and \".\" only")
	case !alnum(name[0]) || !alnum(name[len(name)-1]):
		return bad("it starts and ends with a letter or a digit")
	case net.ParseIP(name) != nil:
		return bad("not an IP address")
	case strings.HasPrefix(name, "goog") || strings.Contains(name, "google"):
		return bad("it may not start with \"goog\" or contain \"google\"")
	}
	for _, part := range strings.Split(name, ".") {
		if part == "" || len(part) > 63 {
			return bad("each dot-separated part is 1 to 63 characters")
		}
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// validateRegion checks a location name: letters, digits and "-", as
// Cloud Storage names locations (us-east1, EU, nam4, auto).
func validateRegion(r string) error {
	switch {
	case strings.TrimSpace(r) == "":
		return errs.Invalid("region", "region is required: the bucket's location, such as us-east1 (or auto)")
	case len(r) > 64 || strings.ContainsFunc(r, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')
	}):
		return errs.Invalid("region", "region must be a Cloud Storage location such as us-east1, eu or auto")
	}
	return nil
}
