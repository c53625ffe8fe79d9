package credential

import "fmt"

// The pointers of the variants implement fmt.Formatter so that they print
// like a struct pointer (&{Username:u Secret:[REDACTED]}) with every verb.
// Without it, fmt's error path for a verb that does not suit a pointer (%s or
// %q of a []Config, say) prints the struct by reflection, without calling
// Secret's methods, and would show the secrets.
//
// A struct that embeds a variant by value gets this Format for its pointer,
// so &outer prints as the embedded credential.

// Format prints c with its secrets redacted.
func (c *AWSCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// Format prints c with its secrets redacted.
func (c *AWSRoleCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// Format prints c with its secrets redacted.
func (c *TokenCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// Format prints c with its secrets redacted.
func (c *BasicCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// Format prints c with its secrets redacted.
func (c *SecretCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// Format prints c with its secrets redacted.
func (c *OAuthClientCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// Format prints c with its secrets redacted.
func (c *TLSCertificateCredential) Format(f fmt.State, verb rune) { formatConfig(f, verb, c) }

// formatConfig prints *c, a variant struct, whose fields fmt prints by their
// own methods (Secret.Format), prefixed with & for %v.
func formatConfig[T any](f fmt.State, verb rune, c *T) {
	if c == nil {
		fmt.Fprint(f, "<nil>")
		return
	}
	if verb == 'v' {
		fmt.Fprint(f, "&")
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), *c)
}
