package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The headers of a delivery. Only [SignatureHeader] is checked by
// [Verify]; the others are conveniences for routing and logging and are
// not signed.
const (
	// SignatureHeader carries "sha256=" and the lowercase hex
	// HMAC-SHA256 of the raw body, keyed with the webhook's secret;
	// several comma-separated during a secret rotation.
	SignatureHeader = "Synqly-Signature"
	// EventHeader carries the event type, such as "sync.complete".
	EventHeader = "Synqly-Event"
	// DeliveryHeader carries the delivery's id, the same on every attempt
	// of the delivery.
	DeliveryHeader = "Synqly-Delivery"
	// TimestampHeader carries the Unix time, in seconds, the attempt was
	// sent at.
	TimestampHeader = "Synqly-Timestamp"
)

// DefaultTolerance is how far from now a body's created_at may be, in the
// past or in the future, when no other tolerance is given.
const DefaultTolerance = 5 * time.Minute

// MaxBodyBytes is the most a receiver ([Handler]) reads of a request's
// body; a longer body is refused.
const MaxBodyBytes = 1 << 20

// maxSignatureHeader is the longest Synqly-Signature value Verify looks at.
const maxSignatureHeader = 4 << 10

// signaturePrefix starts every signature of the sha256 scheme.
const signaturePrefix = "sha256="

// The errors of [Verify]. The errors it returns wrap one of them, to be
// tested with [errors.Is]; they never hold a secret or the body.
var (
	// ErrNoSignature is the error of a missing, oversized or malformed
	// Synqly-Signature header: one holding no sha256 signature.
	ErrNoSignature = errors.New("webhook: missing or malformed signature")
	// ErrBadSignature is the error of a header none of whose signatures
	// matches the body under any of the secrets.
	ErrBadSignature = errors.New("webhook: signature does not match")
	// ErrExpired is the error of a body whose created_at is missing,
	// malformed, or further from now than the tolerance.
	ErrExpired = errors.New("webhook: created_at outside the tolerance")
	// ErrReplayed is the error of a body whose nonce is missing or was
	// seen before.
	ErrReplayed = errors.New("webhook: nonce missing or replayed")
)

// Sign returns the Synqly-Signature header value, "sha256=" and the
// lowercase hex HMAC-SHA256 of body keyed with secret.
func Sign(secret, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, body))
}

// mac returns HMAC-SHA256(secret, body).
func mac(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

// NewNonce returns a new random nonce for an event's body: 128 bits from
// crypto/rand, encoded as base64url without padding (22 characters).
func NewNonce() string {
	var b [16]byte
	// crypto/rand.Read never fails: it crashes the program rather than
	// return fewer random bytes.
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Verify checks a delivery a receiver got, in this order:
//
//  1. header, the Synqly-Signature value, against body under each of
//     secrets: one of its signatures must match one of them (empty secrets
//     are skipped, since anyone can sign with an empty key);
//  2. the body's "created_at" against now: it must be at most tolerance
//     before or after now (a tolerance of 0, or less, is
//     [DefaultTolerance]);
//  3. the body's "nonce" against nonces, when nonces is not nil: it must be
//     present and not seen before. It is recorded, to expire twice the
//     tolerance after now.
//
// Verify returns nil when every check passes. Otherwise its error wraps
// [ErrNoSignature], [ErrBadSignature], [ErrExpired] or [ErrReplayed]; it
// never holds a secret or any part of the body.
//
// Verify never panics, whatever its input.
func Verify(header string, body []byte, secrets [][]byte, now time.Time, tolerance time.Duration, nonces NonceStore) error {
	_, err := verify(header, body, secrets, now, tolerance, nonces)
	return err
}

// verified is what verify read from a body it accepted.
type verified struct {
	nonce string
	// event is the body's "event" member, if it is a string.
	event    string
	hasEvent bool
}

func verify(header string, body []byte, secrets [][]byte, now time.Time, tolerance time.Duration, nonces NonceStore) (verified, error) {
	var v verified
	if err := checkSignature(header, body, secrets); err != nil {
		return v, err
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return v, fmt.Errorf("%w: the body is not a JSON object", ErrExpired)
	}
	created, ok := stringMember(members, "created_at")
	if !ok {
		return v, fmt.Errorf("%w: the body has no created_at string", ErrExpired)
	}
	t, err := time.Parse(time.RFC3339Nano, created)
	if err != nil {
		return v, fmt.Errorf("%w: created_at is not an RFC 3339 time", ErrExpired)
	}
	if age := now.Sub(t); age > tolerance {
		return v, fmt.Errorf("%w: created_at is %s old, more than the %s tolerated", ErrExpired, age.Round(time.Second), tolerance)
	}
	if ahead := t.Sub(now); ahead > tolerance {
		return v, fmt.Errorf("%w: created_at is %s in the future, more than the %s tolerated", ErrExpired, ahead.Round(time.Second), tolerance)
	}
	v.event, v.hasEvent = stringMember(members, "event")
	v.nonce, ok = stringMember(members, "nonce")
	if nonces == nil {
		return v, nil
	}
	if !ok || v.nonce == "" {
		return v, fmt.Errorf("%w: the body has no nonce string", ErrReplayed)
	}
	if nonces.Seen(v.nonce, now.Add(2*tolerance)) {
		return v, fmt.Errorf("%w: the nonce was seen before", ErrReplayed)
	}
	return v, nil
}

// stringMember returns members[name] if it is a JSON string.
func stringMember(members map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := members[name]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// checkSignature checks the signature step of Verify.
func checkSignature(header string, body []byte, secrets [][]byte) error {
	if header == "" {
		return fmt.Errorf("%w: no %s header", ErrNoSignature, SignatureHeader)
	}
	if len(header) > maxSignatureHeader {
		return fmt.Errorf("%w: the %s header is longer than %d bytes", ErrNoSignature, SignatureHeader, maxSignatureHeader)
	}
	sigs := parseSignatures(header)
	if len(sigs) == 0 {
		return fmt.Errorf("%w: the %s header holds no %s<64 hex digits> signature", ErrNoSignature, SignatureHeader, signaturePrefix)
	}
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		want := mac(secret, body)
		for _, sig := range sigs {
			if hmac.Equal(sig, want) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: none of the %d signatures matches the body", ErrBadSignature, len(sigs))
}

// parseSignatures returns the sha256 signatures of a Synqly-Signature
// value, decoded; it skips empty elements, elements of other schemes and
// malformed ones.
func parseSignatures(header string) [][]byte {
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		part = strings.Trim(part, " \t")
		hexSig, ok := strings.CutPrefix(part, signaturePrefix)
		if !ok || len(hexSig) != 2*sha256.Size {
			continue
		}
		sig, err := hex.DecodeString(hexSig)
		if err != nil {
			continue
		}
		sigs = append(sigs, sig)
	}
	return sigs
}
