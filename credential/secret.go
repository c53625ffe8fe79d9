package credential

import (
	"fmt"
	"log/slog"
)

// Redacted is what a non-empty [Secret] shows wherever it is printed, logged
// or encoded.
const Redacted = "[REDACTED]"

// Secret is a secret value, such as a password, a token or a private key, that
// never shows: String, GoString, Format (every fmt verb, including %v, %+v,
// %#v, %s, %q and %x), MarshalJSON, MarshalText and LogValue all give
// "[REDACTED]", or "" when the secret is empty so that a missing secret stays
// visible. Reveal returns the value.
//
// Decoding works normally: a JSON string unmarshals into a Secret as into a
// string, so users can send credential configurations as JSON.
//
// Redaction relies on the printer or encoder calling Secret's methods, which
// they do for a Secret in an exported field, a slice, a map or an interface.
// fmt cannot call methods on unexported struct fields and prints those by
// reflection, so keep a Secret (or a struct holding one) in exported fields or
// behind a pointer. fmt also prints by reflection, without calling methods,
// a value whose verb does not suit it (%s of a pointer to a struct nested in
// a slice, map or struct): the variants of this package guard against that
// with their own Format, but your own types holding a Secret should be
// printed with %v. And encoding/json writes map keys of string kind without
// calling methods, so never use a Secret as a map key. Being a string type, a Secret also converts to string
// with string(s); write s.Reveal() instead, so that every disclosure is
// explicit and easy to find.
type Secret string

// Reveal returns the secret value. Call it only where the value is used (to
// authenticate to a provider), never to log or display it.
func (s Secret) Reveal() string { return string(s) }

// redacted is what s shows.
func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// String returns "[REDACTED]", or "" if s is empty.
func (s Secret) String() string { return s.redacted() }

// GoString returns "[REDACTED]", or "" if s is empty; it serves %#v.
func (s Secret) GoString() string { return s.redacted() }

// Format implements fmt.Formatter: every verb prints "[REDACTED]" (quoted for
// %q), or nothing if s is empty. Width, precision and flags apply to that text.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb != 'q' {
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.redacted())
}

// MarshalJSON encodes s as the JSON string "[REDACTED]", or "" if s is
// empty. It never writes the value: use [MarshalConfig] to encode a
// configuration for sealing.
func (s Secret) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte(`""`), nil
	}
	return []byte(`"` + Redacted + `"`), nil
}

// MarshalText returns "[REDACTED]", or nothing if s is empty, for encoders
// that use encoding.TextMarshaler (XML, YAML, TOML, map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// LogValue implements slog.LogValuer: a Secret logs as "[REDACTED]", or "" if
// empty.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }
