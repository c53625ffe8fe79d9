package jira

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// inlineParser parses the inline markdown of one block.
type inlineParser struct {
	s     string
	depth int
	out   []*adfNode
	buf   strings.Builder
	marks []adfMark
	// noClose records, per delimiter, the position from which a search for
	// its closer already failed: later searches fail at once, which keeps
	// parsing linear on inputs full of unmatched delimiters.
	noClose map[string]int
	// brackets maps the position of each '[' to its matching ']'.
	brackets map[int]int
	// spans maps the position of each code span's opening run to the
	// position after its closing run.
	spans map[int]int
}

// parseInline parses s into inline ADF nodes carrying marks.
func parseInline(s string, marks []adfMark, depth int) []*adfNode {
	p := &inlineParser{s: s, depth: depth, marks: marks, noClose: map[string]int{}}
	p.run()
	return mergeText(p.out)
}

func (p *inlineParser) flush() {
	if p.buf.Len() == 0 {
		return
	}
	p.out = append(p.out, &adfNode{Type: nodeText, Text: p.buf.String(), Marks: canonicalMarks(p.marks)})
	p.buf.Reset()
}

// withMark returns p's marks plus m.
func (p *inlineParser) withMark(m adfMark) []adfMark {
	out := make([]adfMark, 0, len(p.marks)+1)
	return append(append(out, p.marks...), m)
}

func isASCIIPunct(c byte) bool {
	return c < 0x80 && unicode.IsPunct(rune(c)) || c < 0x80 && unicode.IsSymbol(rune(c))
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func (p *inlineParser) run() {
	s := p.s
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			p.buf.WriteByte(s[i+1])
			i += 2
		case c == '\n':
			p.flush()
			p.out = append(p.out, &adfNode{Type: nodeHardBreak})
			i++
		case c == '`':
			i = p.codeSpan(i)
		case c == '*' || c == '_' || c == '~':
			i = p.emphasis(i)
		case c == '[':
			i = p.link(i)
		case c == '<':
			i = p.autolink(i)
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			p.buf.WriteString(s[i : i+n])
			i += n
		}
	}
	p.flush()
}

// runLen returns the length of the run of s[i] starting at i.
func runLen(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == s[i] {
		n++
	}
	return n
}

// codeSpans pairs the backtick runs of s as CommonMark does, left to
// right: a run opens a code span closed by the next run of the same length;
// it maps the position of each opening run to the position after its
// closing run. Runs without a closer are literal.
func codeSpans(s string) map[int]int {
	type run struct{ pos, n int }
	var runs []run
	for j := 0; j < len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if s[j] == '`' {
			n := runLen(s, j)
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
	spans := map[int]int{}
	for k := 0; k < len(runs); k++ {
		if e := next[k]; e >= 0 {
			spans[runs[k].pos] = runs[e].pos + runs[e].n
			k = e
		}
	}
	return spans
}

// span returns the end of the code span opening at i, if one does.
func (p *inlineParser) span(i int) (int, bool) {
	if p.spans == nil {
		p.spans = codeSpans(p.s)
	}
	end, ok := p.spans[i]
	return end, ok
}

// codeSpan parses a code span at i; a backtick run without its closer is
// literal.
func (p *inlineParser) codeSpan(i int) int {
	s := p.s
	n := runLen(s, i)
	end, ok := p.span(i)
	if !ok {
		p.buf.WriteString(s[i : i+n])
		return i + n
	}
	text := strings.ReplaceAll(s[i+n:end-n], "\n", " ")
	if len(text) > 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
		text = text[1 : len(text)-1]
	}
	if text != "" {
		p.flush()
		marks := []adfMark{{Type: markCode}}
		for _, mk := range p.marks {
			if mk.Type == markLink {
				marks = append(marks, mk)
			}
		}
		p.out = append(p.out, &adfNode{Type: nodeText, Text: text, Marks: canonicalMarks(marks)})
	}
	return end
}

// canOpen reports whether the delimiter d at i can open emphasis.
func (p *inlineParser) canOpen(i int, d string) bool {
	s := p.s
	after := i + len(d)
	if after >= len(s) || s[after] == ' ' || s[after] == '\n' || s[after] == '\t' {
		return false
	}
	if d[0] == '_' && i > 0 && isAlnumByte(s[i-1]) {
		return false
	}
	return true
}

// findClose returns the position of the delimiter closing d opened at
// from, or -1. The closer's run has exactly d's length, is not preceded by
// a space, and an underscore closer is not followed by a letter or digit.
func (p *inlineParser) findClose(from int, d string) int {
	s := p.s
	if f, failed := p.noClose[d]; failed && from >= f {
		return -1
	}
	for j := from; j < len(s); {
		switch s[j] {
		case '\\':
			j += 2
			continue
		case '`':
			if end, ok := p.span(j); ok {
				j = end
			} else {
				j += runLen(s, j)
			}
			continue
		case d[0]:
			n := runLen(s, j)
			if n == len(d) && j > from && s[j-1] != ' ' && s[j-1] != '\n' && s[j-1] != '\t' &&
				(d[0] != '_' || j+n >= len(s) || !isAlnumByte(s[j+n])) {
				return j
			}
			j += n
			continue
		}
		j++
	}
	p.noClose[d] = from
	return -1
}

// emphasis parses strong (** or __), emphasis (* or _), strike (~~) or
// strong emphasis (*** or ___) at i; an unmatched run is literal.
func (p *inlineParser) emphasis(i int) int {
	s := p.s
	c := s[i]
	n := runLen(s, i)
	type try struct {
		d     string
		marks []string
	}
	var tries []try
	switch {
	case c == '~' && n == 2:
		tries = []try{{"~~", []string{markStrike}}}
	case c != '~' && n == 3:
		tries = []try{{s[i : i+3], []string{markStrong, markEm}}}
	case c != '~' && n == 2:
		tries = []try{{s[i : i+2], []string{markStrong}}}
	case c != '~' && n == 1:
		tries = []try{{s[i : i+1], []string{markEm}}}
	}
	if p.depth < maxDepth {
		for _, t := range tries {
			if !p.canOpen(i, t.d) {
				continue
			}
			j := p.findClose(i+len(t.d), t.d)
			if j < 0 || j == i+len(t.d) {
				continue
			}
			p.flush()
			marks := p.marks
			for _, m := range t.marks {
				marks = append(marks[:len(marks):len(marks)], adfMark{Type: m})
			}
			p.out = append(p.out, parseInline(s[i+len(t.d):j], marks, p.depth+1)...)
			return j + len(t.d)
		}
	}
	p.buf.WriteString(s[i : i+n])
	return i + n
}

// matchBrackets maps each '[' of s to its matching ']', skipping escaped
// brackets and code spans.
func (p *inlineParser) matchBrackets() map[int]int {
	s := p.s
	m := map[int]int{}
	var stack []int
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '`':
			if end, ok := p.span(j); ok {
				j = end - 1
			} else {
				j += runLen(s, j) - 1
			}
		case '[':
			stack = append(stack, j)
		case ']':
			if len(stack) > 0 {
				m[stack[len(stack)-1]] = j
				stack = stack[:len(stack)-1]
			}
		}
	}
	return m
}

// link parses [text](url) at i; anything else is a literal '['.
func (p *inlineParser) link(i int) int {
	s := p.s
	if p.brackets == nil {
		p.brackets = p.matchBrackets()
	}
	j, ok := p.brackets[i]
	if ok && p.depth < maxDepth && j+1 < len(s) && s[j+1] == '(' && !p.inLink() {
		if href, end, ok := linkTarget(s, j+2); ok && href != "" {
			p.flush()
			marks := p.withMark(adfMark{Type: markLink, Attrs: map[string]any{"href": href}})
			inner := parseInline(s[i+1:j], marks, p.depth+1)
			if len(inner) == 0 {
				inner = []*adfNode{{Type: nodeText, Text: href, Marks: canonicalMarks(marks)}}
			}
			p.out = append(p.out, inner...)
			return end
		}
	}
	p.buf.WriteByte('[')
	return i + 1
}

func (p *inlineParser) inLink() bool {
	for _, m := range p.marks {
		if m.Type == markLink {
			return true
		}
	}
	return false
}

// linkTarget reads a link destination (and an optional quoted title,
// ignored) from s[i:] up to the closing ')'. It returns the destination and
// the position after ')'.
func linkTarget(s string, i int) (string, int, bool) {
	var b strings.Builder
	depth := 0
	j := i
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '\\' && j+1 < len(s) && isASCIIPunct(s[j+1]):
			b.WriteByte(s[j+1])
			j++
		case c == '(':
			depth++
			b.WriteByte(c)
		case c == ')':
			if depth == 0 {
				return b.String(), j + 1, true
			}
			depth--
			b.WriteByte(c)
		case c == ' ':
			// A title may follow: "...)" after a quoted string.
			rest := strings.TrimLeft(s[j:], " ")
			if len(rest) > 1 && (rest[0] == '"' || rest[0] == '\'') {
				if k := strings.IndexByte(rest[1:], rest[0]); k >= 0 {
					after := strings.TrimLeft(rest[k+2:], " ")
					if strings.HasPrefix(after, ")") {
						return b.String(), len(s) - len(after) + 1, true
					}
				}
			}
			return "", 0, false
		case c == '\n' || c == '\t' || c == '<' || c == '>':
			return "", 0, false
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// maxAutolink bounds the length of an autolink, so a '<' without its '>'
// costs a bounded scan.
const maxAutolink = 2048

// autolink parses <https://...>, <http://...> and <mailto:...> at i.
func (p *inlineParser) autolink(i int) int {
	s := p.s
	window := s[i:min(len(s), i+maxAutolink)]
	if k := strings.IndexByte(window, '>'); k > 1 && !p.inLink() {
		u := s[i+1 : i+k]
		lower := strings.ToLower(u)
		if (strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "mailto:")) &&
			!strings.ContainsAny(u, " \t\n<") {
			p.flush()
			marks := p.withMark(adfMark{Type: markLink, Attrs: map[string]any{"href": u}})
			p.out = append(p.out, &adfNode{Type: nodeText, Text: u, Marks: canonicalMarks(marks)})
			return i + k + 1
		}
	}
	p.buf.WriteByte('<')
	return i + 1
}

// mergeText joins adjacent text nodes with the same marks.
func mergeText(nodes []*adfNode) []*adfNode {
	out := nodes[:0]
	for _, n := range nodes {
		if len(out) > 0 {
			last := out[len(out)-1]
			if last.Type == nodeText && n.Type == nodeText && sameMarks(last.Marks, n.Marks) {
				last.Text += n.Text
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

func sameMarks(a, b []adfMark) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameMark(a[i], b[i]) {
			return false
		}
	}
	return true
}
