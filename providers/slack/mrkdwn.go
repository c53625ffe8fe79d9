package slack

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rendering text for Slack. Slack's text objects come in two kinds:
// plain_text, shown as it is, and mrkdwn, Slack's own markup, where &, <
// and > are control characters that must be written as &amp;, &lt; and
// &gt; (Slack's "Formatting text for app surfaces"), *bold*, _italic_,
// ~strike~ and `code` format, <url|text> is a link, and <@U123>,
// <!channel> and the like mention people. User text is escaped, so it can
// format but never link or mention: "<!channel>" is shown, not sent to
// everyone.
//
// Slack's limits count characters; they are measured here in UTF-16 code
// units, which is never less than the number of characters, so a text
// within a limit here is within Slack's however Slack counts.

// units is how many UTF-16 code units r takes.
func units(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// unitsOf is how many UTF-16 code units s takes.
func unitsOf(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x80:
			n++
		case c >= 0xf0:
			n += 2 // a 4-byte sequence is a supplementary character
		case c >= 0xc0:
			n++
		}
	}
	return n
}

// ellipsis marks where a text was cut.
const ellipsis = "…"

// writer builds Slack text within a limit: it writes atoms (a character,
// an entity, a link, a formatting marker) whole or not at all, keeps room
// for an ellipsis and for closing the markers it opened, and once an atom
// does not fit, writes nothing more. finish then adds the ellipsis and
// closes what is open, so a cut text is still well formed: no half entity
// or link, no half character, no marker left open.
type writer struct {
	b     strings.Builder
	limit int // in UTF-16 code units; 0 for none
	n     int
	open  []byte // the markers open, innermost last
	full  bool
}

// room reports whether u more units fit, keeping reserve after them.
func (w *writer) room(u, reserve int) bool {
	return w.limit == 0 || w.n+u+reserve <= w.limit
}

// reserve is what the end needs: the ellipsis and the closing markers.
func (w *writer) reserve() int { return 1 + len(w.open) }

// atom writes s (u units) whole, if it fits.
func (w *writer) atom(s string, u int) bool {
	if w.full {
		return false
	}
	if !w.room(u, w.reserve()) {
		w.full = true
		return false
	}
	w.b.WriteString(s)
	w.n += u
	return true
}

// char writes r of user text, escaped: &, < and > as entities, control
// characters (but tabs) as spaces.
func (w *writer) char(r rune) bool {
	switch {
	case r == '&':
		return w.atom("&amp;", 5)
	case r == '<':
		return w.atom("&lt;", 4)
	case r == '>':
		return w.atom("&gt;", 4)
	case r < 0x20 && r != '\t', r == 0x7f:
		r = ' '
	}
	if w.full {
		return false
	}
	u := units(r)
	if !w.room(u, w.reserve()) {
		w.full = true
		return false
	}
	w.b.WriteRune(r)
	w.n += u
	return true
}

// text writes user text, escaped.
func (w *writer) text(s string) {
	for _, r := range s {
		if !w.char(r) {
			return
		}
	}
}

// mark opens the formatting marker m, if it and its closing fit.
func (w *writer) mark(m byte) bool {
	if w.full {
		return false
	}
	if !w.room(1, w.reserve()+1) {
		w.full = true
		return false
	}
	w.b.WriteByte(m)
	w.n++
	w.open = append(w.open, m)
	return true
}

// unmark closes the innermost marker. After a cut it does nothing: finish
// closes what is open, after the ellipsis.
func (w *writer) unmark() {
	if w.full || len(w.open) == 0 {
		return
	}
	w.b.WriteByte(w.open[len(w.open)-1])
	w.n++
	w.open = w.open[:len(w.open)-1]
}

// finish returns the text: cut, it ends with the ellipsis and then the
// markers still open, closed.
func (w *writer) finish() string {
	if w.full {
		w.b.WriteString(ellipsis)
	}
	for i := len(w.open) - 1; i >= 0; i-- {
		w.b.WriteByte(w.open[i])
	}
	w.open = w.open[:0]
	return w.b.String()
}

// Bounds of the Markdown parsing: how deeply bold and italic spans nest,
// how far a span's closing marker and a link's parts are looked for.
const (
	maxNesting = 4
	maxSpan    = 1024
	maxLabel   = 512
	maxTarget  = 2048
)

// mrkdwn converts the connector's Markdown subset — *bold* (or **bold**),
// _italic_ (or __italic__), `code`, [text](https://link) and lines
// starting with "- " (or "* ") as bullets — into Slack mrkdwn of at most
// limit characters (0 for no limit): bold and italic keep their markers,
// links become <url|text>, bullets "• ", and everything else is escaped
// user text. A marker without its pair, a link that is not http(s) and
// anything else the subset does not know stay literal text. A text over
// the limit is cut at a character, entity, link or marker boundary and
// ends with "…", its open markers closed.
func mrkdwn(md string, limit int) string {
	if limit <= 0 {
		return renderMrkdwn(md, 0, false)
	}
	// Every two bytes of input make at least one character of output, so
	// what lies beyond 4×limit bytes is never shown: it is not read, which
	// bounds the work a long description costs.
	cut := false
	if n := 4 * limit; len(md) > n {
		md, cut = cutUTF8(md, n), true
	}
	if !cut {
		if out := renderMrkdwn(md, 0, false); unitsOf(out) <= limit {
			return out
		}
	}
	return renderMrkdwn(md, limit, cut)
}

// renderMrkdwn renders md within limit (0 for none); cut says md is the
// start of a longer text, so the result ends with the ellipsis.
func renderMrkdwn(md string, limit int, cut bool) string {
	w := writer{limit: limit}
	size := len(md) + len(md)/8 + 16
	if limit > 0 {
		size = min(size, 4*limit)
	}
	w.b.Grow(size)
	for first := true; ; first = false {
		line, rest, more := strings.Cut(md, "\n")
		if !first && !w.atom("\n", 1) {
			break
		}
		w.line(strings.TrimSuffix(line, "\r"))
		if w.full || !more {
			break
		}
		md = rest
	}
	if cut {
		w.full = true
	}
	return w.finish()
}

// line writes one line: a bullet, or inline text.
func (w *writer) line(s string) {
	body := strings.TrimLeft(s, " \t")
	if strings.HasPrefix(body, "- ") || strings.HasPrefix(body, "* ") {
		w.text(s[:len(s)-len(body)])
		if w.atom("• ", 2) {
			w.inline(body[2:], 0)
		}
		return
	}
	w.inline(s, 0)
}

// inline writes a line's spans: code, links, bold and italic, text.
func (w *writer) inline(s string, depth int) {
	for i := 0; i < len(s) && !w.full; {
		switch c := s[i]; c {
		case '`':
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 {
				if w.mark('`') {
					w.text(s[i+1 : i+1+j])
					w.unmark()
				}
				i += j + 2
				continue
			}
		case '[':
			if label, target, n, ok := parseLink(s[i:]); ok {
				w.link(target, label)
				i += n
				continue
			}
		case '*', '_':
			run := i + 1
			for run < len(s) && s[run] == c {
				run++
			}
			m := s[i:run]
			if len(m) <= 2 && depth < maxNesting && canOpen(s, i, len(m)) {
				if j, ok := closing(s, i, m); ok {
					if w.mark(c) {
						w.inline(s[i+len(m):j], depth+1)
						w.unmark()
					}
					i = j + len(m)
					continue
				}
			}
			// Literal: the whole run of markers, so that "**" is not
			// taken apart into two openings.
			w.text(m)
			i += len(m)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		w.char(r)
		i += size
	}
}

// canOpen reports whether a marker of n bytes at s[i] opens a span: text
// follows it at once, and it does not stand inside a word.
func canOpen(s string, i, n int) bool {
	if i+n >= len(s) || isSpace(s[i+n]) {
		return false
	}
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if isWord(r) {
			return false
		}
	}
	return true
}

// closing finds the marker m closing the span m opens at s[i]: after at
// least one character, right after text, not inside a word, not inside a
// code span.
func closing(s string, i int, m string) (int, bool) {
	end := min(len(s), i+len(m)+maxSpan)
	for j := i + len(m) + 1; j+len(m) <= end; j++ {
		if s[j] == '`' {
			if k := strings.IndexByte(s[j+1:end], '`'); k > 0 {
				j += k + 1
				continue
			}
		}
		if s[j:j+len(m)] != m || isSpace(s[j-1]) {
			continue
		}
		if after := j + len(m); after < len(s) {
			if s[after] == m[0] {
				continue // part of a longer run of markers
			}
			if r, _ := utf8.DecodeRuneInString(s[after:]); isWord(r) {
				continue
			}
		}
		return j, true
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// parseLink reads "[label](target)" at the start of s: a label of one
// line without brackets, and an absolute http(s) target without spaces
// (parentheses in it balanced). n is the length read.
func parseLink(s string) (label, target string, n int, ok bool) {
	end := strings.IndexByte(s[:min(len(s), maxLabel)], ']')
	if end < 2 || end+1 >= len(s) || s[end+1] != '(' {
		return "", "", 0, false
	}
	label = s[1:end]
	if strings.ContainsAny(label, "[\n") {
		return "", "", 0, false
	}
	depth := 0
	for k := end + 2; k < len(s) && k < end+2+maxTarget; k++ {
		switch s[k] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
				continue
			}
			target = s[end+2 : k]
			u, err := url.Parse(target)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return "", "", 0, false
			}
			return label, target, k + 1, true
		case ' ', '\t', '<', '>':
			return "", "", 0, false
		}
	}
	return "", "", 0, false
}

// link writes <target|label>, whole or not at all: the target with & as
// &amp; and |, < and > percent-encoded, the label escaped.
func (w *writer) link(target, label string) {
	if w.full {
		return
	}
	u := 3 // <, | and >
	for _, r := range target {
		switch r {
		case '&':
			u += 5
		case '|', '<', '>':
			u += 3
		default:
			u += units(r)
		}
	}
	for _, r := range label {
		u += escapedUnits(r)
	}
	if !w.room(u, w.reserve()) {
		w.full = true
		return
	}
	w.b.WriteByte('<')
	for _, r := range target {
		switch r {
		case '&':
			w.b.WriteString("&amp;")
		case '|':
			w.b.WriteString("%7C")
		case '<':
			w.b.WriteString("%3C")
		case '>':
			w.b.WriteString("%3E")
		default:
			w.b.WriteRune(r)
		}
	}
	w.b.WriteByte('|')
	for _, r := range label {
		writeEscaped(&w.b, r)
	}
	w.b.WriteByte('>')
	w.n += u
}

// escapedUnits is how many units r of user text takes, escaped.
func escapedUnits(r rune) int {
	switch r {
	case '&':
		return 5
	case '<', '>':
		return 4
	}
	return units(r)
}

// writeEscaped writes r of user text, escaped, without a limit.
func writeEscaped(b *strings.Builder, r rune) {
	switch {
	case r == '&':
		b.WriteString("&amp;")
	case r == '<':
		b.WriteString("&lt;")
	case r == '>':
		b.WriteString("&gt;")
	case r < 0x20 && r != '\t', r == 0x7f:
		b.WriteByte(' ')
	default:
		b.WriteRune(r)
	}
}

// plain reports whether s is shown as it is in mrkdwn: nothing to escape,
// no control character to replace.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' || c == '<' || c == '>' || c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// escapeText returns user text as mrkdwn that shows it as it is, cut to
// limit characters (0 for none): &, < and > escaped, control characters as
// spaces. Formatting characters (*, _, ~, `) cannot be escaped in mrkdwn.
func escapeText(s string, limit int) string {
	if plain(s) && (limit <= 0 || unitsOf(s) <= limit) {
		return s
	}
	w := writer{}
	w.b.Grow(len(s) + len(s)/4 + 8)
	w.text(s)
	out := w.finish()
	if limit <= 0 || unitsOf(out) <= limit {
		return out
	}
	w = writer{limit: limit}
	w.b.Grow(min(len(out), 4*limit))
	w.text(s)
	return w.finish()
}

// plainText returns text for a plain_text object of at most limit characters:
// one line (line breaks and control characters as spaces), cut with "…".
func plainText(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if unitsOf(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		if n+units(r)+1 > limit {
			return strings.TrimRight(s[:i], " ") + ellipsis
		}
		n += units(r)
	}
	return s
}
