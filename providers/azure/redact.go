package azure

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redacted replaces what is redacted.
const redacted = "[REDACTED]"

// minSecret is the shortest secret redacted as it is: shorter values
// would redact ordinary text (a SAS's parts are far longer).
const minSecret = 8

// sasParam matches the secret parameters of a SAS or a connection string
// in any text, in every way a URL, a connection string, JSON, XML or a
// form writes them: sig=..., sig%3D..., "sig":"...", AccountKey=...,
// SharedAccessSignature=... (its value runs to the next ";").
var sasParam = regexp.MustCompile(`(?i)(\b(?:sig|signature|accountkey)(?:=|%3D|%253D|"\s*:\s*"|'\s*:\s*'|&#34;\s*:\s*&#34;|\\"\s*:\s*\\"))[^&;\s"'<>\\]*` +
	`|(\bsharedaccesssignature(?:=|%3D|"\s*:\s*"))[^;\s"'<>\\]*`)

// redactor removes an account's secrets from texts: every secret as it
// is, percent-, JSON-, XML/HTML- and base64-encoded, and any SAS
// signature or account key, known or not, by its parameter's name.
type redactor struct{ forms []string }

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		js, _ := json.Marshal(s)
		forms := []string{s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(string(js), `"`), html.EscapeString(s),
			strings.ReplaceAll(html.EscapeString(s), "&#34;", "&quot;")}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(s)))
		}
		r.forms = append(r.forms, forms...)
	}
	// Longest first: a secret's form that contains another's is replaced
	// whole.
	slices.SortFunc(r.forms, func(a, b string) int { return len(b) - len(a) })
	r.forms = slices.Compact(r.forms)
	return r
}

// redact returns s without the secrets.
func (r *redactor) redact(s string) string {
	if s == "" {
		return s
	}
	for _, f := range r.forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	return sasParam.ReplaceAllString(s, "$1$2"+redacted)
}
