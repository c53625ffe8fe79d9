package gcsfake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"sync"
)

// The seeded identities. The values are fakes shaped so that no secret
// scanner mistakes them for real ones.
const (
	// ProjectID is the fake project.
	ProjectID = "gcsfake-project"
	// ServiceAccountEmail is the service account of ServiceAccountKey.
	ServiceAccountEmail = "synqly-writer@" + ProjectID + ".iam.gserviceaccount.com"
	// AccessToken is the OAuth access token the token endpoint issues for
	// ServiceAccountKey, and that the JSON API accepts.
	AccessToken = "ya29.gcsfake-access-token-not-a-real-one"

	// HMACAccessID and HMACSecret are the HMAC key the XML API accepts: an
	// access id as Cloud Storage shapes a service account's (GOOG1E and
	// 55 more characters) and a 40-character secret.
	HMACAccessID = "GOOG1EGCSFAKEHMACACCESSIDNOTAREALONE00000000000000000000"
	HMACSecret   = "gcsfake+hmac/secret+not/a+real/one00000"
)

// A Key is a service account JSON key, as the console's Keys tab
// downloads it.
type Key struct {
	// JSON is the whole key file.
	JSON string
	// PrivateKey is its PEM private key, PrivateKeyID the key's id.
	PrivateKey, PrivateKeyID string
	// ClientEmail is the service account's email.
	ClientEmail string

	pub *rsa.PublicKey
}

var (
	keysOnce   sync.Once
	seeded     *Key
	unknownKey *Key
)

// makeKeys generates the two keys once per process (RSA generation is
// slow under the race detector).
func makeKeys() {
	keysOnce.Do(func() {
		seeded = newKey(ServiceAccountEmail)
		unknownKey = newKey("someone-else@" + ProjectID + ".iam.gserviceaccount.com")
	})
}

// ServiceAccountKey returns the key of ServiceAccountEmail, which the
// token endpoint of every Server knows.
func ServiceAccountKey() *Key {
	makeKeys()
	return seeded
}

// UnknownKey returns a well-formed key the token endpoints do not know:
// they refuse it (invalid_grant), as Google refuses a deleted key.
func UnknownKey() *Key {
	makeKeys()
	return unknownKey
}

func newKey(email string) *Key {
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("gcsfake: " + err.Error())
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		panic("gcsfake: " + err.Error())
	}
	var id [20]byte
	_, _ = rand.Read(id[:])
	k := &Key{
		PrivateKey:   string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		PrivateKeyID: hex.EncodeToString(id[:]),
		ClientEmail:  email,
		pub:          &pk.PublicKey,
	}
	file := map[string]string{
		"type":                        "service_account",
		"project_id":                  ProjectID,
		"private_key_id":              k.PrivateKeyID,
		"private_key":                 k.PrivateKey,
		"client_email":                email,
		"client_id":                   "100000000000000000001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   "https://oauth2.googleapis.com/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	}
	b, _ := json.MarshalIndent(file, "", "  ")
	k.JSON = string(b)
	return k
}
