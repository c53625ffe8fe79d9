// Package seal encrypts credential secrets before they reach the store, with
// AES-256-GCM under keys the application injects, and supports key rotation.
//
// A [Keyring] holds the current key, which seals, and any previous keys,
// which only open. Every sealed value is stored together with the id of the
// key that sealed it, so a keyring built as NewKeyring(newKey, oldKey) opens
// secrets sealed under either key while sealing only under the new one; the
// application can then re-seal old secrets and drop the old key.
//
// The sealed format is
//
//	version (1 byte, 0x01) || nonce (12 bytes, random) || ciphertext || tag (16 bytes)
//
// and the version byte is authenticated together with the caller's
// additional data (AAD), which binds a sealed value to its context (say, the
// credential's id) so that it cannot be moved to another row.
//
// Key material never shows: a [Key] prints and logs as its id only, and no
// error carries key material, plaintext or the text of a key being parsed.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// KeySize is the length of key material in bytes (AES-256).
const KeySize = 32

// version is the first byte of every sealed value.
const version byte = 1

// nonceSize and tagSize are those of AES-GCM with random nonces.
const (
	nonceSize = 12
	tagSize   = 16
	// overhead is how much longer a sealed value is than its plaintext.
	overhead = 1 + nonceSize + tagSize
)

// Errors, for errors.Is.
var (
	// ErrUnknownKey: the value was sealed with a key the keyring lacks.
	ErrUnknownKey = errors.New("seal: unknown key")
	// ErrAuthFailed: the sealed value was altered, truncated, or opened with
	// other additional data than it was sealed with.
	ErrAuthFailed = errors.New("seal: sealed secret failed authentication")
	// ErrNoKey: the keyring has no current key to seal with.
	ErrNoKey = errors.New("seal: no key to seal with")
)

// Key is an AES-256 key and its id. Its material cannot be read back; it
// prints and logs as its id only. The zero Key is no key. Keys are safe for
// concurrent use.
type Key struct {
	id string
	// aead is AES-256-GCM with random nonces, built once. Holding it rather
	// than the raw bytes also means fmt, printing a Key by reflection (in an
	// unexported field), shows a pointer, not the material.
	aead cipher.AEAD
}

// NewKey returns the key of the given material, which must be exactly
// KeySize (32) random bytes, e.g. from GenerateKey or ParseKey. The key's id
// is the first 8 bytes of the SHA-256 of the material, in hex. NewKey does
// not keep material.
func NewKey(material []byte) (Key, error) {
	if len(material) != KeySize {
		return Key{}, fmt.Errorf("seal: a key must be exactly %d bytes (AES-256), not %d", KeySize, len(material))
	}
	block, err := aes.NewCipher(material)
	if err != nil {
		return Key{}, fmt.Errorf("seal: cannot use key: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return Key{}, fmt.Errorf("seal: cannot use key: %w", err)
	}
	sum := sha256.Sum256(material)
	return Key{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// ID returns the key's id, 16 hex characters; "" for the zero Key.
func (k Key) ID() string { return k.id }

// String returns "seal.Key(<id>)".
func (k Key) String() string {
	if k.id == "" {
		return "seal.Key(none)"
	}
	return "seal.Key(" + k.id + ")"
}

// GoString returns the same as String.
func (k Key) GoString() string { return k.String() }

// Format prints String for every verb, quoted for %q.
func (k Key) Format(f fmt.State, verb rune) {
	if verb != 'q' {
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), k.String())
}

// LogValue logs the key as its id.
func (k Key) LogValue() slog.Value { return slog.GroupValue(slog.String("id", k.id)) }

// GenerateKey returns KeySize fresh random bytes from crypto/rand.
func GenerateKey() ([]byte, error) {
	material := make([]byte, KeySize)
	if _, err := rand.Read(material); err != nil {
		return nil, fmt.Errorf("seal: generate key: %w", err)
	}
	return material, nil
}

// FormatKey encodes key material as standard padded base64, the form of the
// key file kept beside the SQLite database. ParseKey reads it back.
func FormatKey(material []byte) string { return base64.StdEncoding.EncodeToString(material) }

// ParseKey reads a key written as base64 (standard or URL alphabet, padded or
// not) or as 64 hex characters, of 32 bytes. Surrounding white space, such as
// a key file's final newline, is ignored. Errors never quote text.
func ParseKey(text string) (Key, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Key{}, errors.New("seal: key text is empty")
	}
	if len(text) == 2*KeySize {
		if material, err := hex.DecodeString(text); err == nil {
			return NewKey(material)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		material, err := enc.DecodeString(text)
		if err != nil {
			continue
		}
		if len(material) != KeySize {
			return Key{}, fmt.Errorf("seal: key text decodes to %d bytes; a key is %d bytes (44 base64 or 64 hex characters)", len(material), KeySize)
		}
		return NewKey(material)
	}
	return Key{}, fmt.Errorf("seal: key text (%d characters) is neither base64 nor hex; a key is %d bytes as 44 base64 or 64 hex characters", len(text), KeySize)
}

// Keyring seals with its current key and opens with any of its keys. It is
// immutable and safe for concurrent use.
type Keyring struct {
	current  Key
	keys     map[string]Key // by id, current included
	previous []string       // ids of the previous keys, in the order given
}

// NewKeyring returns a keyring that seals with current and opens values
// sealed with current or any of previous. Zero Keys are ignored; with a zero
// current, Seal fails with ErrNoKey.
func NewKeyring(current Key, previous ...Key) *Keyring {
	kr := &Keyring{current: current, keys: make(map[string]Key, 1+len(previous))}
	for _, k := range previous {
		if _, dup := kr.keys[k.id]; k.id != "" && k.id != current.id && !dup {
			kr.keys[k.id] = k
			kr.previous = append(kr.previous, k.id)
		}
	}
	if current.id != "" {
		kr.keys[current.id] = current
	}
	return kr
}

// Current returns the key that seals.
func (kr *Keyring) Current() Key {
	if kr == nil {
		return Key{}
	}
	return kr.current
}

// Has reports whether the keyring holds the key with id keyID.
func (kr *Keyring) Has(keyID string) bool {
	if kr == nil {
		return false
	}
	_, ok := kr.keys[keyID]
	return ok
}

// String lists the keyring's key ids, current first.
func (kr *Keyring) String() string {
	if kr == nil {
		return "seal.Keyring(nil)"
	}
	var b strings.Builder
	b.WriteString("seal.Keyring(current=" + kr.current.id)
	for _, id := range kr.previous {
		b.WriteString(", previous=" + id)
	}
	b.WriteString(")")
	return b.String()
}

// Seal encrypts and authenticates plaintext, and authenticates aad, with the
// current key and a fresh random 96-bit nonce. It returns the sealed value
// (version || nonce || ciphertext || tag, len(plaintext)+29 bytes) and the id
// of the key, which the caller stores beside it for Open.
//
// A key must not seal more than 2^32 values (the random-nonce limit of
// AES-GCM); rotate keys long before.
func (kr *Keyring) Seal(plaintext, aad []byte) (sealed []byte, keyID string, err error) {
	k := kr.Current()
	if k.id == "" {
		return nil, "", ErrNoKey
	}
	out := make([]byte, 1, overhead+len(plaintext))
	out[0] = version
	out = k.aead.Seal(out, nil, plaintext, additionalData(version, aad))
	return out, k.id, nil
}

// Open authenticates and decrypts a value that Seal returned with the key
// keyID and the same aad. Errors match ErrUnknownKey when the keyring lacks
// the key (and name it), and ErrAuthFailed when the value was altered or aad
// differs; they never include the plaintext.
func (kr *Keyring) Open(sealed []byte, keyID string, aad []byte) ([]byte, error) {
	var k Key
	if kr != nil {
		k = kr.keys[keyID]
	}
	if k.id == "" {
		if keyID == "" {
			return nil, fmt.Errorf("%w: the sealed secret has no key id", ErrUnknownKey)
		}
		return nil, fmt.Errorf("%w: sealed with key %s, which this client was not given; pass it as a previous key", ErrUnknownKey, showID(keyID))
	}
	if len(sealed) < overhead {
		return nil, fmt.Errorf("%w: sealed secret is truncated (%d bytes)", ErrAuthFailed, len(sealed))
	}
	if sealed[0] != version {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrAuthFailed, sealed[0])
	}
	plaintext, err := k.aead.Open(nil, nil, sealed[1:], additionalData(sealed[0], aad))
	if err != nil {
		// Do not wrap err; keep the message ours.
		return nil, fmt.Errorf("%w (key %s): it was altered, or opened with other additional data", ErrAuthFailed, k.id)
	}
	return plaintext, nil
}

// additionalData is the AEAD's additional data: the version byte, then aad.
func additionalData(v byte, aad []byte) []byte {
	ad := make([]byte, 0, 1+len(aad))
	return append(append(ad, v), aad...)
}

// showID prints a key id from the store: as is if it looks like one, quoted
// and shortened otherwise.
func showID(id string) string {
	if len(id) == 16 {
		if _, err := hex.DecodeString(id); err == nil {
			return id
		}
	}
	if len(id) > 40 {
		id = id[:40] + "..."
	}
	return fmt.Sprintf("%q", id)
}
