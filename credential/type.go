package credential

import (
	"slices"
	"strings"
)

// Type is the kind of a credential configuration: the "type" discriminator of
// the CredentialConfig union (the reference's CredentialType).
type Type string

// The credential types.
const (
	// TypeAWS is an AWS access key: [AWSCredential].
	TypeAWS Type = "aws"
	// TypeAWSRole is an AWS IAM role to assume: [AWSRoleCredential].
	TypeAWSRole Type = "aws_role"
	// TypeToken is an API or bearer token: [TokenCredential].
	TypeToken Type = "token"
	// TypeBasic is a user name and a password or API key: [BasicCredential].
	TypeBasic Type = "basic"
	// TypeSecret is any other single secret, such as a webhook URL or a
	// signing key: [SecretCredential].
	TypeSecret Type = "secret"
	// TypeOAuthClient is an OAuth 2.0 client for the client-credentials flow:
	// [OAuthClientCredential].
	TypeOAuthClient Type = "o_auth_client"
	// TypeTLSCertificate is a client certificate and its private key:
	// [TLSCertificateCredential].
	TypeTLSCertificate Type = "tls_certificate"
)

// Types lists every credential type, in the reference's order. It is for
// documentation, error messages and iteration; [Type.Valid] does not read it.
var Types = slices.Clone(allTypes[:])

// allTypes is the unchangeable list behind Types and the error messages.
var allTypes = [...]Type{TypeAWS, TypeAWSRole, TypeToken, TypeBasic, TypeSecret, TypeOAuthClient, TypeTLSCertificate}

// Valid reports whether t is one of the credential types.
func (t Type) Valid() bool {
	switch t {
	case TypeAWS, TypeAWSRole, TypeToken, TypeBasic, TypeSecret, TypeOAuthClient, TypeTLSCertificate:
		return true
	}
	return false
}

// refSuffix turns a type into the type of its reference form: "basic_id".
const refSuffix = "_id"

// typeList is "aws, aws_role, ..." for error messages.
func typeList(suffix string) string {
	names := make([]string, len(allTypes))
	for i, t := range allTypes {
		names[i] = string(t) + suffix
	}
	return strings.Join(names, ", ")
}
