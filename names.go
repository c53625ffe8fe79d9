package synqly

import (
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
)

// Limits on user-supplied text.
const (
	// MaxNameLen is the longest accepted name, in bytes.
	MaxNameLen = 128
	// MaxFullnameLen is the longest accepted fullname or description, in bytes.
	MaxFullnameLen = 512
)

// validName reports whether s is a valid name: 1..MaxNameLen bytes of
// lowercase letters, digits, '_' and '-'.
func validName(s string) bool {
	if s == "" || len(s) > MaxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// slug derives a name from a fullname: ASCII letters lowercased, runs of
// anything outside [a-z0-9_-] become one '-', trimmed, cut to MaxNameLen.
func slug(fullname string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(fullname) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > MaxNameLen {
		s = strings.TrimRight(s[:MaxNameLen], "-")
	}
	return s
}

// resolveNames applies the seed's naming rules: name is generated from
// fullname when absent and defaults to id when both are absent; fullname
// defaults to name.
func resolveNames(name, fullname, id string) (string, string, error) {
	if err := checkText("fullname", fullname, MaxFullnameLen); err != nil {
		return "", "", err
	}
	switch {
	case name != "":
		if !validName(name) {
			return "", "", errs.Invalid("name", "name %q is invalid: use 1 to %d characters of lowercase a-z, 0-9, '_' and '-'", clip(name), MaxNameLen)
		}
	case fullname != "":
		name = slug(fullname)
		if name == "" {
			name = strings.ToLower(id)
		}
	default:
		name = strings.ToLower(id)
	}
	if fullname == "" {
		fullname = name
	}
	return name, fullname, nil
}

// checkText refuses invalid UTF-8, NUL bytes and over-long text.
func checkText(field, s string, max int) error {
	switch {
	case len(s) > max:
		return errs.Invalid(field, "%s is %d bytes long; the limit is %d", field, len(s), max)
	case !utf8.ValidString(s):
		return errs.Invalid(field, "%s is not valid UTF-8", field)
	case strings.ContainsRune(s, 0):
		return errs.Invalid(field, "%s contains a NUL byte", field)
	}
	return nil
}

// clip shortens user text quoted in error messages.
func clip(s string) string { return textcheck.Clip(s) }
