// Package credential defines the credential configurations of synqly as typed
// Go values: the secrets an integration uses to reach a provider (an API
// token, a user name and password, AWS keys, an OAuth client, ...).
//
// It is shared by the management plane (package synqly) and by the provider
// drivers, and imports nothing of the project but package errs.
//
// # Variants
//
// A credential configuration is one of the seven variants of the reference's
// CredentialConfig union, each a struct whose JSON names are the reference's:
//
//	type             Go type                    fields
//	aws              *AWSCredential             access_key_id, secret_access_key, session?
//	aws_role         *AWSRoleCredential         role_arn, external_id, role_session_name?, duration?
//	token            *TokenCredential           secret
//	basic            *BasicCredential           username, secret
//	secret           *SecretCredential          secret
//	o_auth_client    *OAuthClientCredential     token_url?, client_id, client_secret, extra?
//	tls_certificate  *TLSCertificateCredential  certificate, private_key
//
// The pointer of each variant implements [Config]; the interface is sealed, so
// these seven are the only implementations, and a type switch over them is
// complete:
//
//	switch c := cfg.(type) {
//	case *credential.BasicCredential:
//		req.SetBasicAuth(c.Username, c.Secret.Reveal())
//	case *credential.TokenCredential:
//		req.Header.Set("Authorization", "Bearer "+c.Secret.Reveal())
//	}
//
// # Secrets never show
//
// Every secret field has type [Secret]. Printing it with any fmt verb, logging
// it with log/slog, or encoding it with encoding/json, encoding/xml,
// encoding/gob or any user of encoding.TextMarshaler or
// encoding.BinaryMarshaler gives "[REDACTED]" ([Secret] lists exactly what is
// covered and the few places Go cannot guard, such as string(s), map keys and
// unexported fields). So json.Marshal of a variant, of a [Ref], or of a
// struct that holds one is safe to log or to return to a user. Decoding the
// redacted form never yields a usable secret: the JSON, XML and text forms
// read back as the placeholder, which Validate refuses, and gob refuses it.
// [Secret.Reveal] is the way to the value, and the one function that writes
// secrets out in clear is [MarshalConfig], which exists to produce the
// plaintext that is sealed before it is stored.
//
// # JSON
//
// [UnmarshalConfig] reads the tagged-union form a user sends,
// {"type":"basic","username":"u","secret":"p"}, strictly: a missing or unknown
// type, an unknown field or a value of the wrong JSON type is an
// errs.InvalidInput error whose Field is the JSON path of the culprit
// ("config.type", "config.secret"). Decoding does not check values; call
// [Config.Validate] for that (required fields, URL and PEM syntax, ranges).
//
// Provider configurations refer to credentials through a [Ref], which is
// either a reference to a stored credential, {"type":"basic_id","value":"<id>"},
// or an inline configuration.
package credential
