package httpx

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/seed-e6251c81/synqly/errs"
)

// Secrets of the redaction tests: each holds characters that JSON,
// percent-encoding and base64 write differently ("/", "+", " ", "<", "&",
// non-ASCII, a character outside the BMP).
const (
	redactUser     = "bot@example.com"
	redactPassword = "S3cr3t/pa ss+w\u00f6rd<&>"
	redactToken    = "tok/Bearer+k3y~\u00e9\U0001F511x"
	redactAPIKey   = "u+pdKey/0123 456789"
	redactClient   = "client/S3cret+99"
	// redactOAuth is the access token the fake token endpoint issues.
	redactOAuth = "at/9f+Q2w x\u00e5=="
)

// jsonEscapes returns the ways a JSON encoder may write s inside a string:
// Go's (<, > and & as \u00xx), PHP's and Java's (/ as \/, non-ASCII as
// lowercase \u escapes), and every non-alphanumeric character as an
// uppercase \u escape (UTF-16 surrogate pairs outside the BMP).
func jsonEscapes(s string) []string {
	gob, _ := json.Marshal(s)
	var php, all strings.Builder
	for _, r := range s {
		switch {
		case r == '/':
			php.WriteString(`\/`)
		case r == '"' || r == '\\':
			php.WriteString(`\` + string(r))
		case r < 0x80:
			php.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := surrogates(r)
			fmt.Fprintf(&php, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&php, `\u%04x`, r)
		}
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			all.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := surrogates(r)
			fmt.Fprintf(&all, `\u%04X\u%04X`, r1, r2)
		default:
			fmt.Fprintf(&all, `\u%04X`, r)
		}
	}
	return []string{string(gob[1 : len(gob)-1]), php.String(), all.String()}
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

// percentEscapes returns URL encodings of s: query encoding (+ for a
// space, %2F), path encoding (%20), lowercase hex, and every byte encoded.
func percentEscapes(s string) []string {
	var every strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&every, "%%%02X", s[i])
	}
	q := url.QueryEscape(s)
	lower := q
	for i := 0; i+2 < len(lower); i++ {
		if lower[i] == '%' {
			lower = lower[:i+1] + strings.ToLower(lower[i+1:i+3]) + lower[i+3:]
		}
	}
	return []string{q, url.PathEscape(s), lower, every.String()}
}

// base64s returns s in the four base64 alphabets and paddings.
func base64s(s string) []string {
	b := []byte(s)
	return []string{base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b)}
}

// echoForms returns every form of secret a vendor could echo; user, when
// not empty, adds the basic Authorization credentials of user:secret.
func echoForms(user, secret string) map[string]string {
	forms := map[string]string{"raw": secret}
	for i, f := range jsonEscapes(secret) {
		forms["json"+strconv.Itoa(i)] = f
	}
	for i, f := range percentEscapes(secret) {
		forms["percent"+strconv.Itoa(i)] = f
	}
	for i, f := range base64s(secret) {
		forms["base64-"+strconv.Itoa(i)] = f
	}
	// The secret inside a larger base64 blob, at each byte alignment.
	for off := 1; off <= 2; off++ {
		forms["base64-embedded"+strconv.Itoa(off)] = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("z", off) + secret + "!"))
	}
	if user != "" {
		for i, f := range base64s(user + ":" + secret) {
			forms["basic-"+strconv.Itoa(i)] = f
		}
	}
	return forms
}

// leaked reports which forms of secrets text still shows: a form in full,
// an 8-byte piece of one, or a base64 run that decodes to the secret.
func leaked(text string, user string, secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		for name, f := range echoForms(user, s) {
			if strings.Contains(text, f) {
				out = append(out, name+" in full")
				continue
			}
			if !strings.HasPrefix(name, "base64-embedded") {
				for i := 0; i+8 <= len(f); i++ {
					if strings.Contains(text, f[i:i+8]) {
						out = append(out, fmt.Sprintf("%s piece %q", name, f[i:i+8]))
						break
					}
				}
			}
		}
		if decodesTo(text, s) {
			out = append(out, "a base64 run that decodes to the secret")
		}
	}
	return out
}

// decodesTo reports whether a run of base64 characters in text, decoded
// from any of its first four characters, holds secret.
func decodesTo(text, secret string) bool {
	isB64 := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("+/-_", c) >= 0
	}
	for i := 0; i < len(text); {
		if !isB64(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isB64(text[j]) {
			j++
		}
		run := text[i:j]
		i = j
		for off := 0; off < 4 && off < len(run); off++ {
			r := run[off:]
			r = r[:len(r)-len(r)%4]
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(r); err == nil && bytes.Contains(b, []byte(secret)) {
					return true
				}
			}
		}
	}
	return false
}

// echoServer is a vendor that answers every request with 400 and a body
// echoing the credentials it received in the form named by ?form=, and
// issues OAuth tokens at /oauth/token.
func echoServer(t *testing.T) (*http.Server, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]any{"access_token": redactOAuth, "token_type": "bearer", "expires_in": 3600})
		w.Write(b)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var user, secret string
		h := r.Header.Get("Authorization")
		if u, p, ok := r.BasicAuth(); ok {
			user, secret = u, p
		} else if s, ok := strings.CutPrefix(h, "Bearer "); ok {
			secret = s
		} else if s, ok := strings.CutPrefix(h, "Token token="); ok {
			secret = s
		}
		form := echoForms(user, secret)[r.URL.Query().Get("form")]
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		// The form inside a JSON string, as a URL query and bare, and the
		// header as received.
		fmt.Fprintf(w, `{"message":"bad credential %s","see":"https://vendor.example/help?token=%s","raw":%q}`, form, form, h)
	})
	s := newServer(t, mux.ServeHTTP)
	return s.Config, s.URL
}

// TestSecretsRedactedInEveryEncoding has a vendor echo each credential in
// each encoding it could use (JSON escapes, percent-encoding, base64 of
// the secret and of user:secret) and checks that no error message and no
// log line shows any of them, for every kind of Auth, including an OAuth
// token fetched at run time.
func TestSecretsRedactedInEveryEncoding(t *testing.T) {
	require.NotEqual(t, base64.StdEncoding.EncodeToString([]byte(redactPassword)), base64.URLEncoding.EncodeToString([]byte(redactPassword)),
		"the password must encode differently in the two base64 alphabets")
	_, base := echoServer(t)
	for _, tc := range []struct {
		name    string
		auth    Auth
		user    string
		secrets []string
	}{
		{"basic", Basic(redactUser, redactPassword), redactUser, []string{redactPassword}},
		{"bearer", Bearer(redactToken), "", []string{redactToken}},
		{"header", Header("Authorization", "Token token="+redactAPIKey, redactAPIKey), "", []string{redactAPIKey}},
		{"oauth", OAuthClientCredentials(clientcredentials.Config{ClientID: "cid", ClientSecret: redactClient,
			TokenURL: base + "/oauth/token"}, nil), "", []string{redactOAuth, redactClient}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs lockedBuffer
			c, err := New(base, tc.auth, fast(Options{MaxRetries: -1, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
			require.NoError(t, err)
			for form := range echoForms(tc.user, tc.secrets[0]) {
				_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x", Query: url.Values{"form": {form}}})
				require.ErrorIs(t, err, errs.ErrInvalidInput, form)
				msg := err.Error()
				assert.Contains(t, msg, "[REDACTED]", form)
				assert.Empty(t, leaked(msg, tc.user, tc.secrets...), "form %s: %s", form, msg)
			}
			assert.Contains(t, logs.String(), "provider call")
			assert.Empty(t, leaked(logs.String(), tc.user, tc.secrets...))
		})
	}
}

// TestSecretsRedactedFromPathsInErrorsAndLogs sends a request whose path
// holds the secret (escaped, as Request.Path asks): neither the log line
// nor the error may show it.
func TestSecretsRedactedFromPathsInErrorsAndLogs(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	var logs lockedBuffer
	c, err := New(s.URL, Bearer(redactToken), fast(Options{MaxRetries: -1, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
	require.NoError(t, err)
	for _, p := range []string{"/keys/" + url.PathEscape(redactToken), "/keys/" + url.QueryEscape(redactToken), "/keys/" + redactToken} {
		_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: p})
		require.ErrorIs(t, err, errs.ErrNotFound)
		assert.Empty(t, leaked(err.Error(), "", redactToken), err.Error())
		assert.Contains(t, err.Error(), "/keys/[REDACTED]")
	}
	assert.Contains(t, logs.String(), "provider call")
	assert.Empty(t, leaked(logs.String(), "", redactToken), logs.String())
}

// TestSnippetSecretStraddlingTheCut puts a secret across every place the
// snippet could be cut: the whole secret is redacted before any cut.
func TestSnippetSecretStraddlingTheCut(t *testing.T) {
	c, err := New("https://vendor.example", Bearer(redactToken), Options{})
	require.NoError(t, err)
	for _, at := range []int{290, 298, 300, 2048, 4080, 4086, 4090, 4094, 4096, 8190, 65530} {
		for _, pad := range []string{" ", "x"} {
			// Whitespace collapses, so a secret far into the body can reach
			// the visible part of the snippet.
			body := strings.Repeat(pad, at) + redactToken + " tail"
			snip := c.Snippet([]byte(body))
			assert.Empty(t, leaked(snip, "", redactToken), "secret at %d after %q: %q", at, pad, snip)
			if pad == " " {
				assert.Contains(t, snip, "[REDACTED] tail", "secret at %d", at)
			}
		}
	}
	// A secret echoed in base64 and JSON-escaped across the old 4096-byte
	// cut.
	for _, form := range []string{base64.StdEncoding.EncodeToString([]byte(redactToken)), jsonEscapes(redactToken)[2]} {
		snip := c.Snippet([]byte(strings.Repeat(" ", 4090) + form))
		assert.Empty(t, leaked(snip, "", redactToken), snip)
	}
}

// TestSnippetNeverSplitsACharacter cuts bodies of multi-byte characters at
// every offset: the snippet is valid UTF-8 and keeps every whole character
// before the cut.
func TestSnippetNeverSplitsACharacter(t *testing.T) {
	c, err := New("https://vendor.example", None, Options{})
	require.NoError(t, err)
	for _, ch := range []string{"\u00e9", "\u20ac", "\U0001F511"} {
		for shift := range 4 {
			body := strings.Repeat(ch, 200)
			snip := c.Snippet([]byte(strings.Repeat("x", shift) + body))
			require.True(t, utf8.ValidString(snip), "%q", snip)
			assert.NotContains(t, snip, "\uFFFD")
			rest := strings.TrimSuffix(strings.TrimPrefix(snip, strings.Repeat("x", shift)), "…")
			assert.Equal(t, strings.Repeat(ch, len(rest)/len(ch)), rest, "only whole characters")
			assert.GreaterOrEqual(t, len(snip), 300-len(ch), "the cut keeps up to the limit")
		}
		// Padding that collapses puts the characters at the old 4096-byte
		// pre-cut: they must survive whole.
		for shift := range 4 {
			snip := c.Snippet([]byte(strings.Repeat(" ", 4096-shift) + ch + ch))
			assert.Equal(t, ch+ch, snip, "shift %d", shift)
		}
	}
}

// TestSnippetOfHugeBody redacts a secret at the end of a body as large as
// the response cap allows.
func TestSnippetOfHugeBody(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, strings.Repeat(" ", 1<<20))
		io.WriteString(w, redactAPIKey)
	})
	c, err := New(s.URL, Header("Authorization", "Token token="+redactAPIKey, redactAPIKey), fast(Options{MaxRetries: -1}))
	require.NoError(t, err)
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"})
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Contains(t, err.Error(), "HTTP 502: [REDACTED]")
	assert.Empty(t, leaked(err.Error(), "", redactAPIKey))
}

// lockedBuffer is a buffer safe for a logger's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
