package httpx

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Redaction. Every text the Client puts in an error or a log line (a
// vendor's body snippet, a request path, a transport error) passes through
// Client.redact first, over the whole text, before any cut. It replaces
// with [REDACTED]:
//
//   - every secret of the Auth (Auth.Secrets: API keys, passwords, the
//     basic Authorization credentials, OAuth tokens fetched at run time) of
//     at least minSecretLen bytes, as it is and base64-encoded (both
//     alphabets, with and without padding, and, for secrets of 5 bytes or
//     more, inside a longer base64 text at any byte alignment);
//   - the same strings written with JSON string escapes (\/, \u00e9, UTF-16
//     surrogate pairs, in any mix and either case of hex digits) or
//     percent-encoded (%2F in either case, + for a space), or encoded twice
//     (%252F, a percent-encoded JSON escape);
//   - the values of JSON members whose names say they are secrets
//     ("password", "client_secret", "access_token", ...).
//
// Encoded forms are found by decoding: the text is decoded into views (JSON
// escapes and percent-escapes decoded, with and without + as a space, once
// and twice), each decoded byte remembering where in the text it came
// from, and the secrets are searched in every view. A match in a view
// redacts the bytes of the text it was decoded from.

// minSecretLen is the shortest secret redacted: shorter values would
// redact ordinary text.
const minSecretLen = 4

// minBase64Core is the shortest base64 text that is redacted for holding
// a secret at an unknown alignment inside a longer base64 text (the
// secrets of 5 bytes and more): shorter runs would redact ordinary words.
const minBase64Core = 6

// redacted replaces what is redacted.
const redacted = "[REDACTED]"

// secretFields matches JSON members whose values are secrets.
var secretFields = regexp.MustCompile(`(?i)("(?:[a-z_]*token|password|secret|client_secret|api_key|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// redactor finds the secrets of one Auth, in every form, in texts. It is
// immutable once built.
type redactor struct {
	key string // the secrets it was built for, joined with NULs
	// forms are the strings searched for: the secrets and their base64
	// forms.
	forms []string
	// overlap is the longest text one form can be encoded as, the overlap
	// of the windows a long text is searched in.
	overlap int
}

// newRedactor returns the redactor of secrets.
func newRedactor(key string, secrets []string) *redactor {
	r := &redactor{key: key}
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		r.forms = append(r.forms, s)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			r.forms = append(r.forms, enc.EncodeToString([]byte(s)))
		}
		// The secret inside a longer base64 text starts at one of three
		// byte alignments; keep the characters that depend on the secret's
		// bytes only.
		for align := range 3 {
			b := make([]byte, align, align+len(s))
			b = append(b, s...)
			first, end := (8*align+5)/6, 8*(align+len(s))/6
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				if core := enc.EncodeToString(b)[first:end]; len(core) >= minBase64Core {
					r.forms = append(r.forms, core)
				}
			}
		}
	}
	slices.Sort(r.forms)
	r.forms = slices.Compact(r.forms)
	for _, f := range r.forms {
		// A byte decoded twice comes from at most 5 bytes ("%2541"), a
		// character from at most 3 bytes per UTF-8 byte ("\uD83D\uDD11"
		// for 4 bytes), escaped again per byte ("%5Cu00e9"): 16 per byte
		// bounds every mix.
		r.overlap = max(r.overlap, 16*len(f)+16)
	}
	return r
}

// span is a range [lo, hi) of a text.
type span struct{ lo, hi int }

// redactorWindow is the length of the windows a long text is searched in,
// which bounds the memory the decoded views take.
const redactorWindow = 64 << 10

// redact returns s with every form of every secret replaced.
func (r *redactor) redact(s string) string {
	if len(r.forms) == 0 || s == "" {
		return s
	}
	var spans []span
	for lo := 0; lo < len(s); lo += redactorWindow {
		hi := min(len(s), lo+redactorWindow+r.overlap)
		spans = r.find(s[lo:hi], lo, spans)
		if hi == len(s) {
			break
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	var out strings.Builder
	out.Grow(len(s))
	at := 0
	for i := 0; i < len(spans); {
		lo, hi := spans[i].lo, spans[i].hi
		for i++; i < len(spans) && spans[i].lo <= hi; i++ {
			hi = max(hi, spans[i].hi)
		}
		out.WriteString(s[at:lo])
		out.WriteString(redacted)
		at = hi
	}
	out.WriteString(s[at:])
	return out.String()
}

// find appends the spans of s (which starts at offset base of the whole
// text) that hold a form of a secret, in s itself or in its decoded views.
func (r *redactor) find(s string, base int, spans []span) []span {
	spans = r.search(identity(s), base, spans)
	if !strings.ContainsAny(s, `\%+`) {
		return spans
	}
	for _, plus := range []bool{true, false} {
		once := decode(identity(s), plus)
		if once == nil {
			continue
		}
		spans = r.search(once, base, spans)
		if twice := decode(once, plus); twice != nil {
			spans = r.search(twice, base, spans)
		}
	}
	return spans
}

// search appends the spans of the original text that v's occurrences of a
// form were decoded from.
func (r *redactor) search(v *view, base int, spans []span) []span {
	text := string(v.text)
	for _, f := range r.forms {
		for from := 0; ; {
			i := strings.Index(text[from:], f)
			if i < 0 {
				break
			}
			i += from
			spans = append(spans, span{base + v.origStart(i), base + v.origEnd(i+len(f))})
			from = i + 1
		}
	}
	return spans
}

// view is a text decoded from an original one: text[i] was decoded from
// the original bytes starting at start[i], and the bytes decoded from one
// escape share their start.
type view struct {
	text  []byte
	start []int32 // nil for the original itself
	n     int     // the length of the original
}

func identity(s string) *view { return &view{text: []byte(s), n: len(s)} }

// origStart returns where in the original text[i] comes from.
func (v *view) origStart(i int) int {
	if v.start == nil {
		return i
	}
	return int(v.start[i])
}

// origEnd returns where in the original the bytes of text[:j] end: the
// start of the next escape's bytes.
func (v *view) origEnd(j int) int {
	if v.start == nil {
		return j
	}
	for k := j; k < len(v.text); k++ {
		if v.start[k] != v.start[j-1] {
			return int(v.start[k])
		}
	}
	return v.n
}

// decode returns v with JSON string escapes and percent-escapes decoded,
// and + read as a space if plus; nil if nothing was decoded.
func decode(v *view, plus bool) *view {
	s := v.text
	if !slicesContainsAny(s, plus) {
		return nil
	}
	out := &view{text: make([]byte, 0, len(s)), start: make([]int32, 0, len(s)), n: v.n}
	emit := func(from int, b ...byte) {
		o := int32(v.origStart(from))
		for _, c := range b {
			out.text = append(out.text, c)
			out.start = append(out.start, o)
		}
	}
	changed := false
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\':
			if r, n := jsonEscape(s[i:]); n > 0 {
				emit(i, utf8.AppendRune(nil, r)...)
				i += n
				changed = true
				continue
			}
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			emit(i, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 3
			changed = true
			continue
		case c == '+' && plus:
			emit(i, ' ')
			i++
			changed = true
			continue
		}
		emit(i, s[i])
		i++
	}
	if !changed {
		return nil
	}
	return out
}

// slicesContainsAny reports whether s holds a byte decode would decode.
func slicesContainsAny(s []byte, plus bool) bool {
	for _, c := range s {
		if c == '\\' || c == '%' || (plus && c == '+') {
			return true
		}
	}
	return false
}

// jsonEscape decodes the JSON string escape s starts with (\" \\ \/ \b \f
// \n \r \t \uXXXX, a UTF-16 surrogate pair as one character); n is 0 if s
// does not start with one.
func jsonEscape(s []byte) (r rune, n int) {
	if len(s) < 2 || s[0] != '\\' {
		return 0, 0
	}
	switch s[1] {
	case '"', '\\', '/':
		return rune(s[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r1, ok := hex4(s[2:])
		if !ok {
			return 0, 0
		}
		if utf16.IsSurrogate(r1) {
			if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
				if r2, ok := hex4(s[8:]); ok {
					if r := utf16.DecodeRune(r1, r2); r != utf8.RuneError {
						return r, 12
					}
				}
			}
			return utf8.RuneError, 6
		}
		return r1, 6
	}
	return 0, 0
}

// hex4 reads four hex digits.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// redactor returns the redactor of the Auth's current secrets (an OAuth
// Auth learns new tokens as it fetches them), built once per set.
func (c *Client) redactor() *redactor {
	secrets := c.auth.Secrets()
	key := strings.Join(secrets, "\x00")
	if r := c.red.Load(); r != nil && r.key == key {
		return r
	}
	r := newRedactor(key, secrets)
	c.red.Store(r)
	return r
}

// redact returns s with every form of the client's secrets, and the values
// of secret-looking JSON members, replaced by [REDACTED].
func (c *Client) redact(s string) string {
	s = c.redactor().redact(s)
	return secretFields.ReplaceAllString(s, `$1"`+redacted+`"`)
}

// redactPath returns a request path for a message: without a query, if
// one slipped into it, and redacted.
func (c *Client) redactPath(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return c.redact(p)
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	if !utf8.RuneStart(s[i]) {
		i = n // not UTF-8 there: cut where asked
	}
	return s[:i]
}

// redactedError is a cause whose text was redacted; errors.Is and errors.As
// still reach the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
