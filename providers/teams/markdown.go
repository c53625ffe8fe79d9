package teams

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text in Adaptive Cards. Teams renders the text of TextBlocks and of a
// FactSet's titles and values as a Markdown subset (**bold**, _italic_,
// "- " bulleted and "1. " numbered lists, [text](url) links; no headings,
// tables, images, preformatted text or HTML); it also expands the date and
// time functions {{DATE(...)}} and {{TIME(...)}}, and shows <at>name</at>
// as a mention when the card's msteams.entities declare one. The
// connector's own subset (*bold*, _italic_, `code`, [text](https://link),
// "- " bullets) is converted into that one by markdown; every other text —
// the summary, the facts, what the description holds outside its markup —
// is made literal by the escaper, so nothing a sender writes is taken for
// formatting, a link, a mention or a date function.

// zwsp (zero width space) separates what must not be read together.
const zwsp = "\u200b"

// isASCIIPunct reports whether c is an ASCII punctuation character, which
// a backslash makes literal in CommonMark.
func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// mdSpecial reports whether c is formatting in an Adaptive Card's
// Markdown, escaped with a backslash in literal text.
func mdSpecial(c byte) bool {
	switch c {
	case '\\', '*', '_', '[', ']', '`':
		return true
	}
	return false
}

// dropRune reports whether r is dropped from card text: control
// characters and the bidirectional embeddings, overrides and isolates
// (which could make text read other than it is).
func dropRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// escaper writes literal text.
type escaper struct {
	b *strings.Builder
}

// text writes s (one line) so that it reads as it is: Markdown
// characters backslash-escaped, "<" followed by a letter, "/", "!" or "?"
// (a tag, such as <at>) split from what follows by a zero width space, and
// so is "{{" (a date function); control and bidirectional formatting
// characters dropped, tabs written as spaces. next is the text after s in
// the same line, which decides what a trailing "<" or "{" starts.
func (e escaper) text(s, next string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf && mdSpecial(c):
			e.b.WriteByte('\\')
			e.b.WriteByte(c)
			i++
		case c == '<':
			e.b.WriteByte('<')
			if d, ok := byteAfter(s, i, next); ok && startsTag(d) {
				e.b.WriteString(zwsp)
			}
			i++
		case c == '{':
			e.b.WriteByte('{')
			if d, ok := byteAfter(s, i, next); ok && d == '{' {
				e.b.WriteString(zwsp)
			}
			i++
		case c == '\t':
			e.b.WriteByte(' ')
			i++
		default:
			i += e.other(s[i:])
		}
	}
}

// other writes the character s starts with (not one text or neutral
// treats otherwise) and returns its length: U+2028 and U+2029 as spaces,
// nothing for a dropped one.
func (e escaper) other(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == '\u2028' || r == '\u2029':
		e.b.WriteByte(' ')
	case !dropRune(r):
		e.b.WriteString(s[:n])
	}
	return n
}

// byteAfter returns the byte after s[i], in s or at the start of next.
func byteAfter(s string, i int, next string) (byte, bool) {
	switch {
	case i+1 < len(s):
		return s[i+1], true
	case next != "":
		return next[0], true
	}
	return 0, false
}

// neutral writes s (one line) with no Markdown escaping — code text, which
// Markdown takes as it is — but with tags, date functions and control
// characters made harmless as in text.
func (e escaper) neutral(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '<':
			e.b.WriteByte('<')
			if d, ok := byteAfter(s, i, ""); ok && startsTag(d) {
				e.b.WriteString(zwsp)
			}
			i++
		case c == '{':
			e.b.WriteByte('{')
			if d, ok := byteAfter(s, i, ""); ok && d == '{' {
				e.b.WriteString(zwsp)
			}
			i++
		case c == '\t':
			e.b.WriteByte(' ')
			i++
		default:
			i += e.other(s[i:])
		}
	}
}

// startsTag reports whether c, after a "<", would make an HTML or mention
// tag of it.
func startsTag(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// oneLine joins the lines of s with spaces and trims it.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n\u2028\u2029") {
		s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029' }), " ")
	}
	return strings.TrimSpace(s)
}

// plainText returns s as literal card text on one line: lines joined, and
// a leading "-", "+", "#", ">" or "=" escaped so that it starts no list,
// heading, quote or rule.
func plainText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	lineStart(&b, s)
	escaper{&b}.text(s, "")
	return b.String()
}

// plainNeutral returns s on one line with tags and date functions made
// harmless, for text that is not Markdown (a card's fallbackText, an
// activity's summary).
func plainNeutral(s string) string {
	var b strings.Builder
	escaper{&b}.neutral(oneLine(s))
	return b.String()
}

// lineStart escapes the first character of a line that would start a
// list, a heading, a quote or a rule.
func lineStart(b *strings.Builder, line string) {
	if line != "" && strings.IndexByte("-+#>=", line[0]) >= 0 {
		b.WriteByte('\\')
	}
}

// markdown converts a description in the connector's Markdown subset to
// the Markdown of an Adaptive Card's TextBlock: *bold* becomes **bold**,
// _italic_ stays, `code` stays a code span (Teams shows it as text),
// [text](url) stays a link when url is http, https or mailto, "- " lines
// become a bulleted list; everything else is literal. Lines of a
// paragraph are separated by "\n\n", the only line break TextBlocks keep,
// and list items by "\r", as Teams documents; blank lines are dropped.
func markdown(desc string) string {
	desc = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(desc)
	var b strings.Builder
	b.Grow(len(desc) + len(desc)/8)
	inList := false
	first := true
	for line := range strings.SplitSeq(desc, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		item, bullet := strings.CutPrefix(line, "- ")
		switch {
		case first:
		case bullet && inList:
			b.WriteString("\r")
		default:
			b.WriteString("\n\n")
		}
		first = false
		inList = bullet
		if bullet {
			b.WriteString("- ")
			line = strings.TrimSpace(item)
		}
		lineStart(&b, line)
		inlineMarkdown(&b, line)
	}
	return b.String()
}

// inlineParser converts the inline markup of one line. It indexes the line
// once (escapes, code spans, the positions that can close emphasis, the
// brackets and parentheses of links) so that conversion stays close to
// linear however many unmatched markers the line holds.
type inlineParser struct {
	s string
	e escaper
	// escaped[i]: s[i] is a backslash that makes s[i+1] literal.
	escaped []bool
	// code maps the position of a code span's opening backtick run to the
	// position after its closing run.
	code map[int]int
	// inCode[i]: s[i] is inside a code span (its runs included).
	inCode []bool
	// closers lists, per delimiter character and run length (1 or 2), the
	// positions of runs that can close emphasis, in order.
	closers map[[2]int][]int
	// rbrack and rparen list the positions of "]" and ")" outside code
	// spans and escapes, in order.
	rbrack, rparen []int
}

// inlineMarkdown writes the converted line to b.
func inlineMarkdown(b *strings.Builder, line string) {
	p := newInlineParser(line, escaper{b})
	p.parse(0, len(line), true)
}

func newInlineParser(s string, e escaper) *inlineParser {
	p := &inlineParser{s: s, e: e, escaped: make([]bool, len(s)), inCode: make([]bool, len(s)), code: map[int]int{},
		closers: map[[2]int][]int{}}
	p.indexCode()
	for i := 0; i < len(s); i++ {
		if p.inCode[i] {
			continue
		}
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			p.escaped[i] = true
			i++
		}
	}
	for i := 0; i < len(s); i++ {
		if p.inCode[i] || p.isEscapedAt(i) {
			continue
		}
		switch c := s[i]; c {
		case ']':
			p.rbrack = append(p.rbrack, i)
		case ')':
			p.rparen = append(p.rparen, i)
		case '*', '_':
			n := p.runLen(i)
			if n <= 2 && p.canClose(i, n) {
				k := [2]int{int(c), n}
				p.closers[k] = append(p.closers[k], i)
			}
			i += n - 1
		}
	}
	return p
}

// isEscapedAt reports whether s[i] is made literal by a backslash.
func (p *inlineParser) isEscapedAt(i int) bool { return i > 0 && p.escaped[i-1] }

// indexCode pairs the backtick runs of the line as CommonMark does, left to
// right: a run opens a code span closed by the next run of the same
// length; runs without a closer are literal. A backslash-escaped backtick
// opens nothing.
func (p *inlineParser) indexCode() {
	s := p.s
	type run struct{ pos, n int }
	var runs []run
	for j := 0; j < len(s); j++ {
		if s[j] == '\\' && j+1 < len(s) && isASCIIPunct(s[j+1]) {
			j++
			continue
		}
		if s[j] == '`' {
			n := 1
			for j+n < len(s) && s[j+n] == '`' {
				n++
			}
			runs = append(runs, run{j, n})
			j += n - 1
		}
	}
	next := make([]int, len(runs))
	last := map[int]int{}
	for k := len(runs) - 1; k >= 0; k-- {
		next[k] = -1
		if l, ok := last[runs[k].n]; ok {
			next[k] = l
		}
		last[runs[k].n] = k
	}
	for k := 0; k < len(runs); k++ {
		if e := next[k]; e >= 0 {
			end := runs[e].pos + runs[e].n
			p.code[runs[k].pos] = end
			for i := runs[k].pos; i < end; i++ {
				p.inCode[i] = true
			}
			k = e
		}
	}
}

// runLen is the length of the run of s[i]'s character starting at i.
func (p *inlineParser) runLen(i int) int {
	n := 1
	for i+n < len(p.s) && p.s[i+n] == p.s[i] && !p.inCode[i+n] {
		n++
	}
	return n
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// alnumBefore reports whether the character before i is a letter or digit.
func (p *inlineParser) alnumBefore(i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(p.s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// alnumAt reports whether the character at i is a letter or digit.
func (p *inlineParser) alnumAt(i int) bool {
	if i >= len(p.s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p.s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// canOpen reports whether the run of n delimiters at i can open emphasis:
// followed by a non-space; an underscore run not preceded by a letter or
// digit (no emphasis inside words).
func (p *inlineParser) canOpen(i, n int) bool {
	after := i + n
	if after >= len(p.s) || isSpace(p.s[after]) {
		return false
	}
	return p.s[i] != '_' || !p.alnumBefore(i)
}

// canClose reports whether the run of n delimiters at i can close
// emphasis: preceded by a non-space; an underscore run not followed by a
// letter or digit.
func (p *inlineParser) canClose(i, n int) bool {
	if i == 0 || isSpace(p.s[i-1]) {
		return false
	}
	return p.s[i] != '_' || !p.alnumAt(i+n)
}

// closer returns the position of the first run that closes the run of n
// delimiters opened at i, if it ends by hi; -1 if none does.
func (p *inlineParser) closer(i, n, hi int) int {
	list := p.closers[[2]int{int(p.s[i]), n}]
	k := sort.SearchInts(list, i+n+1)
	if k < len(list) && list[k]+n <= hi {
		return list[k]
	}
	return -1
}

// after returns the first position in list greater than i, or -1.
func after(list []int, i int) int {
	k := sort.SearchInts(list, i+1)
	if k < len(list) {
		return list[k]
	}
	return -1
}

// parse writes the conversion of s[lo:hi]. links says whether [text](url)
// is read as a link (not inside a link's text).
func (p *inlineParser) parse(lo, hi int, links bool) {
	s := p.s
	textFrom := lo
	flush := func(to int) {
		if textFrom < to {
			p.e.text(s[textFrom:to], s[to:hi])
		}
	}
	for i := lo; i < hi; {
		c := s[i]
		switch {
		case p.escaped[i] && i+1 < hi:
			flush(i)
			p.e.text(s[i+1:i+2], s[i+2:hi])
			i += 2
			textFrom = i
		case c == '`' && !p.isEscapedAt(i):
			if end, ok := p.code[i]; ok && end <= hi {
				flush(i)
				p.codeSpan(i, end)
				i = end
				textFrom = i
				continue
			}
			i++
		case (c == '*' || c == '_') && !p.inCode[i] && !p.isEscapedAt(i):
			n := p.runLen(i)
			if n <= 2 && p.canOpen(i, n) {
				if j := p.closer(i, n, hi); j >= 0 {
					flush(i)
					mark := "**"
					if c == '_' && n == 1 {
						mark = "_"
					}
					p.e.b.WriteString(mark)
					p.parse(i+n, j, links)
					p.e.b.WriteString(mark)
					i = j + n
					textFrom = i
					continue
				}
			}
			i += n
		case c == '[' && links && !p.inCode[i] && !p.isEscapedAt(i):
			flush(i)
			textFrom = i
			if end, ok := p.link(i, hi); ok {
				textFrom = end
				i = end
				continue
			}
			i++
		default:
			_, n := utf8.DecodeRuneInString(s[i:hi])
			i += n
		}
	}
	flush(hi)
}

// codeSpan writes the code span s[i:end] (its backtick runs included) as a
// code span of the card's Markdown: its text as it is, between backtick
// runs one longer than any run inside it.
func (p *inlineParser) codeSpan(i, end int) {
	n := 1
	for p.s[i+n] == '`' {
		n++
	}
	text := p.s[i+n : end-n]
	if len(text) > 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
		text = text[1 : len(text)-1]
	}
	if strings.Trim(text, " ") == "" {
		return
	}
	longest, cur := 0, 0
	for k := 0; k < len(text); k++ {
		if text[k] == '`' {
			cur++
			longest = max(longest, cur)
		} else {
			cur = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	pad := text[0] == '`' || text[len(text)-1] == '`'
	p.e.b.WriteString(fence)
	if pad {
		p.e.b.WriteByte(' ')
	}
	p.e.neutral(text)
	if pad {
		p.e.b.WriteByte(' ')
	}
	p.e.b.WriteString(fence)
}

// link writes the link [text](url) starting at i, if one ends by hi with
// an http, https or mailto url; it returns the position after it.
func (p *inlineParser) link(i, hi int) (int, bool) {
	k := after(p.rbrack, i)
	if k < 0 || k+1 >= hi || p.s[k+1] != '(' || p.inCode[k+1] {
		return 0, false
	}
	m := after(p.rparen, k+1)
	if m < 0 || m >= hi {
		return 0, false
	}
	dest := p.s[k+2 : m]
	u, ok := linkURL(dest)
	if !ok {
		return 0, false
	}
	p.e.b.WriteByte('[')
	if strings.TrimSpace(p.s[i+1:k]) == "" {
		p.e.text(dest, "")
	} else {
		p.parse(i+1, k, false)
	}
	p.e.b.WriteString("](")
	p.e.b.WriteString(u)
	p.e.b.WriteByte(')')
	return m + 1, true
}

// linkURL returns a link destination as the card's Markdown takes it:
// http, https or mailto, without spaces or control characters; the
// characters Markdown would read in it are percent-encoded.
func linkURL(dest string) (string, bool) {
	if dest == "" || len(dest) > 2048 || strings.ContainsFunc(dest, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || dropRune(r) }) {
		return "", false
	}
	lower := strings.ToLower(dest)
	switch {
	case strings.HasPrefix(lower, "https://") && len(dest) > len("https://"):
	case strings.HasPrefix(lower, "http://") && len(dest) > len("http://"):
	case strings.HasPrefix(lower, "mailto:") && len(dest) > len("mailto:"):
	default:
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(dest); i++ {
		switch c := dest[i]; c {
		case '(', ')', '<', '>', '"', '\\', '`', '[', ']', '*', '_', '{', '}':
			b.WriteString("%" + strings.ToUpper(hexByte(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
