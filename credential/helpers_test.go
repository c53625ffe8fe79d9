package credential

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/errs"
)

// Distinctive secret values: no output but MarshalConfig may contain them.
const (
	secretAWSKey      = "s3cr3t-aws-key-XYZ"
	secretAWSSession  = "s3cr3t-aws-session-XYZ"
	secretExternalID  = "s3cr3t-external-id-XYZ"
	secretToken       = "s3cr3t-token-XYZ"
	secretBasic       = "s3cr3t-basic-XYZ"
	secretSecret      = "s3cr3t-secret-XYZ"
	secretClient      = "s3cr3t-client-XYZ"
	secretKeyMaterial = "s3cr3t-private-key-XYZ"
)

// secrets lists every distinctive secret text, including the one inside the
// PEM private key's base64 body.
var secrets = []string{
	secretAWSKey, secretAWSSession, secretExternalID, secretToken, secretBasic,
	secretSecret, secretClient, privateKeyPEM,
	base64.StdEncoding.EncodeToString([]byte(secretKeyMaterial)),
}

var (
	certificatePEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not a real certificate")}))
	privateKeyPEM  = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte(secretKeyMaterial)}))
)

// samples returns one valid configuration of every type, every field set.
func samples() []Config {
	return []Config{
		&AWSCredential{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: secretAWSKey, Session: secretAWSSession},
		&AWSRoleCredential{RoleARN: "arn:aws:iam::123456789012:role/synqly", ExternalID: secretExternalID, RoleSessionName: "synqly-session", Duration: 3600},
		&TokenCredential{Secret: secretToken},
		&BasicCredential{Username: "alice@example.com", Secret: secretBasic},
		&SecretCredential{Secret: secretSecret},
		&OAuthClientCredential{TokenURL: "https://auth.example.com/oauth2/token", ClientID: "client-1", ClientSecret: secretClient, Extra: map[string]any{"scope": "read write", "n": 3.0}},
		&TLSCertificateCredential{Certificate: certificatePEM, PrivateKey: Secret(privateKeyPEM)},
	}
}

// wantInvalid fails unless err is an errs.InvalidInput error naming field.
func wantInvalid(t *testing.T, err error, field string) *errs.Error {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *errs.Error", err, err)
	}
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("code = %s, want %s (%v)", e.Code, errs.InvalidInput, err)
	}
	if e.Field != field {
		t.Errorf("field = %q, want %q (%v)", e.Field, field, err)
	}
	return e
}

// noSecrets fails if out contains any distinctive secret.
func noSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s leaks a secret: %s", what, out)
			return
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("%s leaks a secret: %s", what, out)
	}
}
