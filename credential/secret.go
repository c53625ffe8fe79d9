package credential

import (
	"fmt"
	"log/slog"

	"github.com/seed-e6251c81/synqly/errs"
)

// Redacted is what a non-empty [Secret] shows wherever it is printed, logged
// or encoded.
const Redacted = "[REDACTED]"

// Secret is a secret value, such as a password, a token or a private key, that
// never shows. Every encoder below gives "[REDACTED]" for it, or "" (no bytes)
// when the secret is empty so that a missing secret stays visible:
//
//   - fmt, every verb (%v, %+v, %#v, %s, %q, %x, %X, %d, ...; width, flags and
//     precision apply to the placeholder): Format, String, GoString;
//   - encoding/json: MarshalJSON;
//   - encoding/xml, as an element, an attribute or character data:
//     MarshalText;
//   - any user of encoding.TextMarshaler (YAML, TOML, ...): MarshalText;
//   - any user of encoding.BinaryMarshaler: MarshalBinary;
//   - encoding/gob, alone or in a struct, slice, map or interface: GobEncode
//     (through an interface, gob needs the concrete types registered with
//     gob.Register; this package registers none, so that it never takes a
//     name an application wants);
//   - log/slog, with any handler: LogValue.
//
// Reveal returns the value; it is the only way to the value, so that every
// disclosure is explicit and easy to find.
//
// # Decoding
//
// encoding/json, encoding/xml and the text decoders read a string into a
// Secret as into a string, so that users can send credential configurations.
// The redacted form they read back is the placeholder "[REDACTED]", which
// [Config.Validate] refuses, so a configuration that went out redacted and
// came back is never taken for a real one.
//
// GobDecode and UnmarshalBinary refuse any non-empty input with an
// errs.InvalidInput error: their input can only be the redacted form (no
// program of ours writes a Secret in clear through them), so a value decoded
// from it would be a wrong secret. Empty input gives the empty Secret. To
// store or send a configuration with its secrets, seal [MarshalConfig]'s
// output; do not gob-encode it.
//
// # What is not covered
//
// Redaction relies on the printer or encoder calling Secret's methods, which
// they do for a Secret in an exported field, a slice, a map value or an
// interface. What Go cannot guard:
//
//   - string(s) and other conversions: being a string type, a Secret converts
//     to string; write s.Reveal() instead;
//   - unexported struct fields: fmt prints them by reflection without calling
//     methods (and gob, json and xml skip them), so keep a Secret, or a struct
//     holding one, in exported fields or behind a pointer;
//   - a verb that does not suit the value (%s of a pointer to a struct nested
//     in a slice, map or struct) makes fmt print by reflection: the variants
//     of this package guard against it with their own Format, but print your
//     own types holding a Secret with %v;
//   - map keys: encoding/json writes keys of string kind without calling
//     methods, so never use a Secret as a map key;
//   - reflection-based encoders or printers that ignore these methods, or
//     read the string through reflect or unsafe (reflect.Value.String, deep
//     dumpers with method calls turned off, ...).
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

// MarshalBinary returns "[REDACTED]", or nothing if s is empty, for users of
// encoding.BinaryMarshaler (caches, queues, key-value clients), which would
// otherwise fall back to the string's bytes.
func (s Secret) MarshalBinary() ([]byte, error) { return []byte(s.redacted()), nil }

// UnmarshalBinary sets s to the empty Secret for empty data and refuses
// anything else; see GobDecode.
func (s *Secret) UnmarshalBinary(data []byte) error { return s.decodeRedacted("binary", data) }

// GobEncode implements gob.GobEncoder: it gives "[REDACTED]", or nothing if
// s is empty. Without it, gob would write the string in clear, since gob uses
// neither MarshalJSON nor MarshalText.
func (s Secret) GobEncode() ([]byte, error) { return []byte(s.redacted()), nil }

// GobDecode implements gob.GobDecoder. Empty data gives the empty Secret;
// anything else, the redacted form in particular, is an errs.InvalidInput
// error that leaves s empty, since gob never carries a secret's value.
func (s *Secret) GobDecode(data []byte) error { return s.decodeRedacted("gob", data) }

// decodeRedacted is GobDecode and UnmarshalBinary. The error never quotes
// data, which a caller may have filled with a real secret.
func (s *Secret) decodeRedacted(encoding string, data []byte) error {
	*s = ""
	if len(data) == 0 {
		return nil
	}
	return errs.Invalid("", "a credential secret cannot be decoded from %s: secrets are encoded redacted and carry no value; seal the configuration (credential.MarshalConfig) to store or send it", encoding)
}
