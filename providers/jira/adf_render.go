package jira

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// adfToMarkdown renders an ADF document as markdown (the dialect described
// in adf.go); nil renders as "".
func adfToMarkdown(doc *adfNode) string {
	if doc == nil {
		return ""
	}
	lines := renderBlocks(doc.Content, false, 0)
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// renderBlocks renders block nodes. Top-level blocks are separated by a
// blank line; in a list item (tight) a nested list follows its paragraph
// directly.
func renderBlocks(nodes []*adfNode, tight bool, depth int) []string {
	var out []string
	var prev *adfNode
	for _, n := range nodes {
		if n == nil {
			continue
		}
		lines := renderBlock(n, prev, depth)
		if len(lines) == 0 {
			continue
		}
		if len(out) > 0 && !(tight && interrupts(n)) {
			out = append(out, "")
		}
		out = append(out, lines...)
		prev = n
	}
	return out
}

// interrupts reports whether a block may follow a paragraph line directly,
// without a blank line.
func interrupts(n *adfNode) bool {
	switch n.Type {
	case nodeBulletList, nodeCodeBlock:
		return true
	case nodeOrderedList:
		return n.attrInt("order", 1) == 1
	}
	return false
}

// renderBlock renders one block node; prev is the block before it.
func renderBlock(n *adfNode, prev *adfNode, depth int) []string {
	if depth > maxDepth {
		return renderParagraph([]*adfNode{{Type: nodeText, Text: plainText(n)}})
	}
	switch n.Type {
	case nodeParagraph:
		return renderParagraph(n.Content)
	case nodeHeading:
		level := min(max(n.attrInt("level", 1), 1), 6)
		text := renderInline(breaksToSpaces(n.Content))
		if text == "" {
			return []string{strings.Repeat("#", level)}
		}
		return []string{strings.Repeat("#", level) + " " + text}
	case nodeCodeBlock:
		return renderCode(plainText(n), n.attrString("language"))
	case nodeBulletList, nodeOrderedList:
		return renderList(n, prev, depth)
	case nodeBlockquote:
		var out []string
		for _, l := range renderBlocks(n.Content, false, depth+1) {
			if l == "" {
				out = append(out, ">")
			} else {
				out = append(out, "> "+l)
			}
		}
		return out
	case nodeRule:
		return []string{"---"}
	case "table":
		return renderParagraph(tableText(n))
	case "taskList", "decisionList":
		list := &adfNode{Type: nodeBulletList}
		for _, it := range n.Content {
			li := &adfNode{Type: nodeListItem}
			if len(it.Content) > 0 && isBlock(it.Content[0]) {
				li.Content = it.Content
			} else {
				li.Content = []*adfNode{{Type: nodeParagraph, Content: it.Content}}
			}
			list.Content = append(list.Content, li)
		}
		return renderList(list, prev, depth)
	case "blockCard", "embedCard":
		u := n.attrString("url")
		return renderParagraph([]*adfNode{{Type: nodeText, Text: u, Marks: []adfMark{{Type: markLink, Attrs: map[string]any{"href": u}}}}})
	}
	if !isBlock(n) {
		return renderParagraph([]*adfNode{n})
	}
	var out []string
	if title := n.attrString("title"); title != "" && (n.Type == "expand" || n.Type == "nestedExpand") {
		out = append(out, renderParagraph([]*adfNode{{Type: nodeText, Text: title, Marks: []adfMark{{Type: markStrong}}}})...)
		out = append(out, "")
	}
	if len(n.Content) > 0 && !isBlock(n.Content[0]) {
		return append(out, renderParagraph(n.Content)...)
	}
	body := renderBlocks(n.Content, false, depth+1)
	if len(body) == 0 && len(out) > 0 {
		return out[:len(out)-1]
	}
	return append(out, body...)
}

// tableText flattens a table: one line per row, cells joined by " | ".
func tableText(n *adfNode) []*adfNode {
	var out []*adfNode
	for _, row := range n.Content {
		var cells []string
		for _, cell := range row.Content {
			cells = append(cells, strings.Join(strings.Fields(plainText(cell)), " "))
		}
		if len(out) > 0 {
			out = append(out, &adfNode{Type: nodeHardBreak})
		}
		if line := strings.Join(cells, " | "); line != "" {
			out = append(out, &adfNode{Type: nodeText, Text: line})
		}
	}
	return out
}

// breaksToSpaces replaces hard breaks with spaces (for headings).
func breaksToSpaces(nodes []*adfNode) []*adfNode {
	out := make([]*adfNode, len(nodes))
	for i, n := range nodes {
		if n != nil && n.Type == nodeHardBreak {
			n = &adfNode{Type: nodeText, Text: " "}
		}
		out[i] = n
	}
	return out
}

// renderParagraph renders inline content as paragraph lines, escaping
// line starts the parser would read as block markers; an empty line inside
// the paragraph is written as a lone backslash (a hard break).
func renderParagraph(content []*adfNode) []string {
	for len(content) > 0 && content[len(content)-1] != nil && content[len(content)-1].Type == nodeHardBreak {
		content = content[:len(content)-1]
	}
	text := renderInline(content)
	if strings.TrimSpace(text) == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = `\`
			continue
		}
		lines[i] = escapeLineStart(l)
	}
	return lines
}

// escapeLineStart escapes the marker of a line that would start a heading,
// list, quote, fence or thematic break.
func escapeLineStart(l string) string {
	ind := indentOf(l)
	if ind > 3 || !startsAnyBlock(l) {
		return l
	}
	t := l[ind:]
	if m, ok := parseMarker(l); ok && m.ordered {
		k := strings.IndexAny(t, ".)")
		return l[:ind] + t[:k] + `\` + t[k:]
	}
	return l[:ind] + `\` + t
}

// startsAnyBlock reports whether l would start a block at the beginning of
// a paragraph (where any list marker counts).
func startsAnyBlock(l string) bool {
	return isFence(l) || isHeading(l) || isRule(l) || isQuote(l) || isMarker(l)
}

// renderCode renders a fenced code block with a fence longer than any
// backtick run in the text.
func renderCode(text, lang string) []string {
	longest := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			longest = max(longest, runLen(text, i))
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	if strings.ContainsAny(lang, " \t\n`") {
		lang = ""
	}
	out := []string{fence + lang}
	if text != "" {
		out = append(out, strings.Split(text, "\n")...)
	}
	return append(out, fence)
}

// renderList renders a bullet or ordered list. A list right after another
// of the same kind uses the other bullet (or delimiter), so the parser does
// not merge them.
func renderList(n, prev *adfNode, depth int) []string {
	ordered := n.Type == nodeOrderedList
	start := n.attrInt("order", 1)
	alt := prev != nil && prev.Type == n.Type
	var out []string
	for k, li := range n.Content {
		var marker string
		switch {
		case ordered && alt:
			marker = strconv.Itoa(start+k) + ") "
		case ordered:
			marker = strconv.Itoa(start+k) + ". "
		case alt:
			marker = "* "
		default:
			marker = "- "
		}
		content := li.Content
		if li.Type != nodeListItem {
			content = []*adfNode{li}
		}
		lines := renderBlocks(content, true, depth+1)
		if len(lines) == 0 {
			out = append(out, strings.TrimRight(marker, " "))
			continue
		}
		pad := strings.Repeat(" ", len(marker))
		for i, l := range lines {
			switch {
			case i == 0:
				out = append(out, marker+l)
			case l == "":
				out = append(out, "")
			default:
				out = append(out, pad+l)
			}
		}
	}
	return out
}

// segment is a run of inline content: text with its marks, or a hard
// break.
type segment struct {
	text  string
	marks []adfMark
	brk   bool
}

// flattenInline turns inline nodes into segments.
func flattenInline(nodes []*adfNode, depth int, out []segment) []segment {
	for _, n := range nodes {
		switch {
		case n == nil:
		case n.Type == nodeHardBreak:
			out = append(out, segment{brk: true})
		case n.Type == nodeText:
			if n.Text != "" {
				out = append(out, segment{text: n.Text, marks: canonicalMarks(n.Marks)})
			}
		case len(n.Content) > 0 && depth < maxDepth:
			out = flattenInline(n.Content, depth+1, out)
		default:
			if s := inlineText(n); s != "" {
				out = append(out, segment{text: s, marks: canonicalMarks(n.Marks)})
			}
		}
	}
	return out
}

// openMark is a mark open in the markdown being written.
type openMark struct {
	mark  adfMark
	delim string
}

// inlineWriter writes inline markdown, opening and closing marks as they
// change from one segment to the next. Whitespace at the edges of a marked
// segment is written outside its delimiters, since "** x**" is not strong.
type inlineWriter struct {
	b       strings.Builder
	stack   []openMark
	pending string // whitespace waiting for the marks to close
}

// renderInline renders inline nodes as markdown.
func renderInline(nodes []*adfNode) string {
	segs := flattenInline(nodes, 0, nil)
	w := &inlineWriter{}
	for k, s := range segs {
		if s.brk {
			w.closeTo(0)
			w.b.WriteString("\n")
			w.pending = ""
			continue
		}
		var code bool
		var want []adfMark
		for _, m := range s.marks {
			if m.Type == markCode {
				code = true
			} else {
				want = append(want, m)
			}
		}
		lead, core, trail := "", s.text, ""
		if !code {
			if lead, core, trail = splitSpace(s.text); core == "" {
				w.pending += s.text
				continue
			}
		}
		cp := 0
		for cp < len(w.stack) && cp < len(want) && sameMark(w.stack[cp].mark, want[cp]) {
			cp++
		}
		w.closeTo(cp)
		w.b.WriteString(w.pending + lead)
		w.pending = ""
		for _, m := range want[cp:] {
			w.open(m, segs, k)
		}
		if code {
			w.b.WriteString(codeSpan(core))
		} else {
			w.b.WriteString(escapeText(core, w.inLink()))
		}
		w.pending = trail
	}
	w.closeTo(0)
	w.b.WriteString(w.pending)
	return w.b.String()
}

func (w *inlineWriter) inLink() bool {
	for _, m := range w.stack {
		if m.mark.Type == markLink {
			return true
		}
	}
	return false
}

// closeTo closes the open marks above the first n.
func (w *inlineWriter) closeTo(n int) {
	for len(w.stack) > n {
		top := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		if top.mark.Type == markLink {
			w.b.WriteString("](" + escapeHref(top.mark.href()) + ")")
		} else {
			w.b.WriteString(top.delim)
		}
	}
	if n == 0 {
		w.b.WriteString(w.pending)
		w.pending = ""
	}
}

// open opens mark m for segment k of segs.
func (w *inlineWriter) open(m adfMark, segs []segment, k int) {
	var d string
	switch m.Type {
	case markLink:
		d = "["
	case markStrike:
		d = "~~"
	case markStrong:
		d = "**"
	case markEm:
		// An underscore cannot open or close inside a word: use '*' there.
		d = "_"
		if prev, _ := utf8.DecodeLastRuneInString(w.b.String()); isWordRune(prev) || isWordRune(nextRuneAfter(m, segs, k)) {
			d = "*"
		}
	}
	w.b.WriteString(d)
	if m.Type == markLink {
		d = ""
	}
	w.stack = append(w.stack, openMark{mark: m, delim: d})
}

// nextRuneAfter returns the first character after the run of segments,
// starting at k, that carry mark m (a space if the run ends in whitespace).
func nextRuneAfter(m adfMark, segs []segment, k int) rune {
	j := k
	for j < len(segs) && !segs[j].brk && hasMark(segs[j].marks, m) {
		j++
	}
	if j > k {
		if last := segs[j-1].text; strings.TrimRight(last, " \t") != last {
			return ' '
		}
	}
	if j >= len(segs) || segs[j].brk || segs[j].text == "" {
		return ' '
	}
	r, _ := utf8.DecodeRuneInString(segs[j].text)
	return r
}

func hasMark(ms []adfMark, m adfMark) bool {
	for _, x := range ms {
		if sameMark(x, m) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && r != utf8.RuneError
}

// splitSpace splits s into leading whitespace, core and trailing whitespace.
func splitSpace(s string) (lead, core, trail string) {
	t := strings.TrimLeft(s, " \t")
	lead = s[:len(s)-len(t)]
	core = strings.TrimRight(t, " \t")
	trail = t[len(core):]
	return lead, core, trail
}

// codeSpan renders text as a code span, with a backtick fence longer than
// any run inside it.
func codeSpan(text string) string {
	longest := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			longest = max(longest, runLen(text, i))
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(text, "`") || strings.HasSuffix(text, "`") ||
		(strings.HasPrefix(text, " ") && strings.HasSuffix(text, " ") && strings.Trim(text, " ") != "") {
		text = " " + text + " "
	}
	return fence + text + fence
}

// escapeHref makes a link target safe inside (...): whitespace is
// percent-encoded, brackets and backslashes are escaped.
func escapeHref(h string) string {
	return strings.NewReplacer(" ", "%20", "\t", "%09", "\n", "%0A", "(", `\(`, ")", `\)`, "<", `\<`, ">", `\>`, `\`, `\\`).Replace(h)
}

// escapeText escapes the characters of text the parser would read as
// markup, and nothing else, so that plain prose stays as it is. At the
// edges of text the neighbours are unknown (a delimiter may follow), so
// edge characters are escaped conservatively.
func escapeText(text string, inLink bool) string {
	var b strings.Builder
	b.Grow(len(text) + 8)
	at := func(i int) byte {
		if i < 0 || i >= len(text) {
			return 0
		}
		return text[i]
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		esc := false
		switch c {
		case '\\':
			n := at(i + 1)
			esc = n == 0 || isASCIIPunct(n)
		case '`':
			esc = true
		case '*':
			esc = !(at(i-1) == ' ' && at(i+1) == ' ')
		case '_':
			p, n := at(i-1), at(i+1)
			esc = !(isAlnumByte(p) && isAlnumByte(n)) && !(p == ' ' && n == ' ')
		case '~':
			esc = i == 0 || i == len(text)-1 || at(i-1) == '~' || at(i+1) == '~'
		case '[':
			rest := text[i+1:]
			esc = inLink || strings.Contains(rest, "](") || !strings.Contains(rest, "]")
		case ']':
			esc = inLink
		case '<':
			rest := strings.ToLower(text[i+1:])
			esc = rest == "" || strings.HasPrefix(rest, "http") || strings.HasPrefix(rest, "mailto:")
		}
		if esc {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
