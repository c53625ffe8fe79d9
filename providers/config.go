package providers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

// CustomFieldMapping maps a provider field into a ticket's custom_fields.
type CustomFieldMapping struct {
	// Name is the key used in custom_fields.
	Name string `json:"name"`
	// ProjectID limits the mapping to one project; "*" applies it to all.
	ProjectID string `json:"project_id"`
	// ProviderFieldPath is the path of the field in the provider's object.
	ProviderFieldPath string `json:"provider_field_path"`
}

// ValidateMappings checks custom field mappings: every field present, names
// unique per project.
func ValidateMappings(ms []CustomFieldMapping) error {
	seen := map[[2]string]bool{}
	for i, m := range ms {
		field := "custom_field_mappings[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(m.Name) == "":
			return errs.Invalid(field+".name", "custom field mapping %d has no name", i)
		case strings.TrimSpace(m.ProjectID) == "":
			return errs.Invalid(field+".project_id", "custom field mapping %q has no project_id (use \"*\" for all projects)", m.Name)
		case strings.TrimSpace(m.ProviderFieldPath) == "":
			return errs.Invalid(field+".provider_field_path", "custom field mapping %q has no provider_field_path", m.Name)
		}
		k := [2]string{m.Name, m.ProjectID}
		if seen[k] {
			return errs.Invalid(field+".name", "custom field mapping %q is defined twice for project %q", m.Name, m.ProjectID)
		}
		seen[k] = true
	}
	return nil
}

// MaxURLLen is the longest URL a provider configuration accepts.
const MaxURLLen = 2048

// ValidateURL checks that s is an absolute http or https URL with a host and
// no user information (credentials belong in credentials, not in URLs).
func ValidateURL(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return errs.Invalid(field, "%s is required", field)
	}
	if len(s) > MaxURLLen {
		return errs.Invalid(field, "%s is %d bytes long; the limit is %d", field, len(s), MaxURLLen)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errs.Invalid(field, "%s must be an absolute http(s) URL such as https://example.atlassian.net", field)
	}
	if u.User != nil {
		return errs.Invalid(field, "%s must not contain user information; put secrets in a credential", field)
	}
	return nil
}

// RequireRef checks that a required credential field names a credential: a
// stored one by id, or one given inline. A nil Ref, the zero Ref, a
// reference without an id and an inline Ref holding nothing name none; the
// error says a credential is required (rather than that credential "" does
// not exist).
func RequireRef(field string, ref *credential.Ref) error {
	if ref == nil || !(ref.IsInline() || strings.TrimSpace(ref.ID) != "") {
		return errs.Invalid(field, "%s is required: give a credential inline or reference one by id", field)
	}
	return nil
}

// Refs is the CredentialRefs of a configuration holding one credential
// reference, field, that may be absent (nil):
//
//	func (c *Config) CredentialRefs() map[string]*credential.Ref { return providers.Refs("credential", c.Credential) }
func Refs(field string, ref *credential.Ref) map[string]*credential.Ref {
	if ref == nil {
		return nil
	}
	return map[string]*credential.Ref{field: ref}
}
