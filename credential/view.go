package credential

import "time"

// NoSecret is the view of a credential configuration that reads return
// (the reference's CredentialConfigNoSecret): its type and nothing else.
type NoSecret struct {
	// Type is the configuration's type.
	Type Type `json:"type"`
}

// NoSecretOf returns the no-secret view of c; the zero NoSecret if c is nil.
func NoSecretOf(c Config) NoSecret {
	if isNil(c) {
		return NoSecret{}
	}
	return NoSecret{Type: c.Type()}
}

// Expired reports whether a credential whose expiry time is expires can no
// longer be used at now. A nil or zero expires never expires; otherwise the
// credential is expired from the instant expires on (now >= expires).
func Expired(expires *time.Time, now time.Time) bool {
	if expires == nil || expires.IsZero() {
		return false
	}
	return !now.Before(*expires)
}
