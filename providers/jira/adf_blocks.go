package jira

import "strings"

// markdownToADF converts markdown (the dialect described in adf.go) to an
// ADF document. Empty or blank markdown gives nil: Jira's "no description".
func markdownToADF(md string) *adfNode {
	if strings.TrimSpace(md) == "" {
		return nil
	}
	md = strings.ReplaceAll(md, "\r\n", "\n")
	md = strings.ReplaceAll(md, "\r", "\n")
	md = strings.ToValidUTF8(md, "\uFFFD")
	md = strings.ReplaceAll(md, "\x00", "\uFFFD")
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		lines[i] = expandTabs(l)
	}
	blocks := sanitizeBlocks(nodeDoc, parseBlocks(lines, 0))
	if len(blocks) == 0 {
		return nil
	}
	return newDoc(blocks)
}

// expandTabs replaces leading tabs with four spaces, so indentation counts
// the same either way.
func expandTabs(l string) string {
	n := 0
	for n < len(l) && l[n] == '\t' {
		n++
	}
	if n == 0 {
		return l
	}
	return strings.Repeat("    ", n) + l[n:]
}

// indentOf returns the number of leading spaces of l.
func indentOf(l string) int {
	return len(l) - len(strings.TrimLeft(l, " "))
}

func isBlank(l string) bool { return strings.TrimSpace(l) == "" }

// fenceOpen reports a code fence: its character, length and info string.
func fenceOpen(l string) (ch byte, n int, info string, ok bool) {
	if indentOf(l) > 3 {
		return 0, 0, "", false
	}
	t := strings.TrimLeft(l, " ")
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return 0, 0, "", false
	}
	ch = t[0]
	for n < len(t) && t[n] == ch {
		n++
	}
	if n < 3 {
		return 0, 0, "", false
	}
	info = strings.TrimSpace(t[n:])
	if ch == '`' && strings.ContainsRune(info, '`') {
		return 0, 0, "", false
	}
	return ch, n, info, true
}

// fenceCloses reports whether l closes a fence of n ch characters.
func fenceCloses(l string, ch byte, n int) bool {
	if indentOf(l) > 3 {
		return false
	}
	t := strings.TrimSpace(l)
	return len(t) >= n && strings.Trim(t, string(ch)) == ""
}

// headingLevel returns the level of an ATX heading line and its text.
func headingLevel(l string) (int, string, bool) {
	if indentOf(l) > 3 {
		return 0, "", false
	}
	t := strings.TrimLeft(l, " ")
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ') {
		return 0, "", false
	}
	return n, strings.TrimSpace(t[n:]), true
}

// isRule reports a thematic break: three or more of -, * or _, optionally
// separated by spaces.
func isRule(l string) bool {
	if indentOf(l) > 3 {
		return false
	}
	t := strings.TrimSpace(l)
	if len(t) < 3 || (t[0] != '-' && t[0] != '*' && t[0] != '_') {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case t[0]:
			n++
		case ' ':
		default:
			return false
		}
	}
	return n >= 3
}

// quoteLine returns the content of a block quote line.
func quoteLine(l string) (string, bool) {
	if indentOf(l) > 3 {
		return "", false
	}
	t := strings.TrimLeft(l, " ")
	if !strings.HasPrefix(t, ">") {
		return "", false
	}
	t = t[1:]
	if strings.HasPrefix(t, " ") {
		t = t[1:]
	}
	return t, true
}

// listMarker describes a list item marker line.
type listMarker struct {
	ordered bool
	bullet  byte // -, * or +
	delim   byte // . or ) of ordered lists
	start   int  // number of an ordered item
	indent  int  // spaces before the marker
	width   int  // indent of the item's content
	text    string
}

// parseMarker reads a list item marker at the start of l.
func parseMarker(l string) (listMarker, bool) {
	var m listMarker
	m.indent = indentOf(l)
	if m.indent > 3 {
		return m, false
	}
	t := l[m.indent:]
	n := 0
	switch {
	case len(t) > 0 && (t[0] == '-' || t[0] == '*' || t[0] == '+'):
		m.bullet, n = t[0], 1
	default:
		for n < len(t) && n < 9 && t[n] >= '0' && t[n] <= '9' {
			m.start = m.start*10 + int(t[n]-'0')
			n++
		}
		if n == 0 || n >= len(t) || (t[n] != '.' && t[n] != ')') {
			return m, false
		}
		m.ordered, m.delim = true, t[n]
		n++
	}
	rest := t[n:]
	if rest != "" && rest[0] != ' ' {
		return m, false
	}
	sp := len(rest) - len(strings.TrimLeft(rest, " "))
	if sp > 4 || rest == "" || isBlank(rest) {
		sp = 1
	}
	m.width = m.indent + n + sp
	m.text = strings.TrimLeft(rest, " ")
	return m, true
}

// sameList reports whether marker m continues a list begun by first.
func sameList(first, m listMarker) bool {
	return m.ordered == first.ordered && m.bullet == first.bullet && m.delim == first.delim
}

// startsBlock reports whether l starts a block other than a paragraph, so
// it ends (interrupts) a paragraph. As in CommonMark, an ordered list
// interrupts a paragraph only when it starts at 1, and a bullet only when
// its item is not empty.
func startsBlock(l string) bool {
	if _, _, _, ok := fenceOpen(l); ok {
		return true
	}
	if _, _, ok := headingLevel(l); ok {
		return true
	}
	if isRule(l) {
		return true
	}
	if _, ok := quoteLine(l); ok {
		return true
	}
	if m, ok := parseMarker(l); ok && m.text != "" && (!m.ordered || m.start == 1) {
		return true
	}
	return false
}

// parseBlocks parses lines into ADF block nodes.
func parseBlocks(lines []string, depth int) []*adfNode {
	var out []*adfNode
	if depth > maxDepth {
		if p := paragraph(strings.Join(lines, "\n"), depth); p != nil {
			out = append(out, p)
		}
		return out
	}
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case isBlank(l):
			i++
		case isFence(l):
			var n *adfNode
			n, i = parseFence(lines, i)
			out = append(out, n)
		case isHeading(l):
			level, text, _ := headingLevel(l)
			h := &adfNode{Type: nodeHeading, Attrs: map[string]any{"level": level}}
			h.Content = parseInline(text, nil, depth)
			out = append(out, h)
			i++
		case isRule(l):
			out = append(out, &adfNode{Type: nodeRule})
			i++
		case isQuote(l):
			var inner []string
			for i < len(lines) {
				c, ok := quoteLine(lines[i])
				if !ok {
					break
				}
				inner = append(inner, c)
				i++
			}
			out = append(out, &adfNode{Type: nodeBlockquote, Content: parseBlocks(inner, depth+1)})
		case isMarker(l):
			var n *adfNode
			n, i = parseList(lines, i, depth)
			out = append(out, n)
		default:
			start := i
			i++
			for i < len(lines) && !isBlank(lines[i]) && !startsBlock(lines[i]) {
				i++
			}
			if p := paragraph(strings.Join(lines[start:i], "\n"), depth); p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

func isFence(l string) bool   { _, _, _, ok := fenceOpen(l); return ok }
func isHeading(l string) bool { _, _, ok := headingLevel(l); return ok }
func isQuote(l string) bool   { _, ok := quoteLine(l); return ok }
func isMarker(l string) bool  { _, ok := parseMarker(l); return ok }

// parseFence parses the fenced code block starting at lines[i].
func parseFence(lines []string, i int) (*adfNode, int) {
	ch, n, info, _ := fenceOpen(lines[i])
	indent := indentOf(lines[i])
	i++
	var body []string
	for i < len(lines) {
		if fenceCloses(lines[i], ch, n) {
			i++
			break
		}
		l := lines[i]
		if k := min(indent, indentOf(l)); k > 0 {
			l = l[k:]
		}
		body = append(body, l)
		i++
	}
	cb := &adfNode{Type: nodeCodeBlock}
	if lang, _, _ := strings.Cut(info, " "); lang != "" {
		cb.Attrs = map[string]any{"language": lang}
	}
	if text := strings.Join(body, "\n"); text != "" {
		cb.Content = []*adfNode{{Type: nodeText, Text: text}}
	}
	return cb, i
}

// parseList parses the list starting at lines[i]: its items, each the
// lines indented under its marker (or lazily continuing its paragraph).
func parseList(lines []string, i, depth int) (*adfNode, int) {
	first, _ := parseMarker(lines[i])
	list := &adfNode{Type: nodeBulletList}
	if first.ordered {
		list.Type = nodeOrderedList
		if first.start != 1 {
			list.Attrs = map[string]any{"order": first.start}
		}
	}
	for i < len(lines) {
		m, ok := parseMarker(lines[i])
		if !ok || !sameList(first, m) || m.indent > first.width-1 {
			break
		}
		item := []string{m.text}
		i++
		lazy := m.text != ""
		for i < len(lines) {
			l := lines[i]
			if isBlank(l) {
				// A blank line continues the item only if indented content
				// follows it.
				j := i
				for j < len(lines) && isBlank(lines[j]) {
					j++
				}
				if j < len(lines) && indentOf(lines[j]) >= m.width {
					for ; i < j; i++ {
						item = append(item, "")
					}
					lazy = false
					continue
				}
				break
			}
			if indentOf(l) >= m.width {
				item = append(item, l[m.width:])
				lazy = !startsBlock(l[m.width:])
				i++
				continue
			}
			if lazy && !startsBlock(l) && !isMarker(l) {
				item = append(item, strings.TrimLeft(l, " "))
				i++
				continue
			}
			break
		}
		// Skip blank lines between items of the same list.
		j := i
		for j < len(lines) && isBlank(lines[j]) {
			j++
		}
		if j > i && j < len(lines) {
			if n, ok := parseMarker(lines[j]); ok && sameList(first, n) {
				i = j
			}
		}
		li := &adfNode{Type: nodeListItem, Content: parseBlocks(item, depth+1)}
		list.Content = append(list.Content, li)
	}
	return list, i
}

// paragraph parses a paragraph's text; nil when it holds nothing.
func paragraph(text string, depth int) *adfNode {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i == 0 {
			l = strings.TrimLeft(l, " ")
		}
		l = strings.TrimRight(l, " \t")
		// A backslash at the end of a line is CommonMark's hard break: the
		// newline already is one.
		if strings.HasSuffix(l, `\`) && !strings.HasSuffix(l, `\\`) && i < len(lines)-1 {
			l = strings.TrimRight(l[:len(l)-1], " \t")
		}
		lines[i] = l
	}
	content := parseInline(strings.Join(lines, "\n"), nil, depth)
	if len(content) == 0 {
		return nil
	}
	return &adfNode{Type: nodeParagraph, Content: content}
}

// sanitizeBlocks makes children fit their parent as the ADF schema
// requires: list items start with a paragraph or code block and hold no
// headings, quotes or rules; quotes hold no headings, quotes or rules.
func sanitizeBlocks(parent string, nodes []*adfNode) []*adfNode {
	out := make([]*adfNode, 0, len(nodes))
	for _, n := range nodes {
		switch n.Type {
		case nodeBlockquote:
			n.Content = sanitizeBlocks(nodeBlockquote, n.Content)
			if parent != nodeDoc || len(n.Content) == 0 {
				out = append(out, n.Content...)
				continue
			}
		case nodeBulletList, nodeOrderedList:
			for _, li := range n.Content {
				li.Content = sanitizeBlocks(nodeListItem, li.Content)
				if len(li.Content) == 0 || (li.Content[0].Type != nodeParagraph && li.Content[0].Type != nodeCodeBlock) {
					li.Content = append([]*adfNode{{Type: nodeParagraph}}, li.Content...)
				}
			}
		case nodeHeading:
			if parent != nodeDoc {
				n = &adfNode{Type: nodeParagraph, Content: n.Content}
			}
			if n.Type == nodeParagraph && len(n.Content) == 0 {
				continue
			}
		case nodeRule:
			if parent != nodeDoc {
				continue
			}
		}
		out = append(out, n)
	}
	return out
}
