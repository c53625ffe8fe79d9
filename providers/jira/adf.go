package jira

// Atlassian Document Format (ADF) is the JSON rich-text format of Jira Cloud
// REST v3: issue descriptions and comment bodies are ADF documents. The
// ticketing model carries markdown. This file holds the ADF types;
// adf_blocks.go and adf_inline.go parse markdown into ADF, adf_render.go
// renders ADF as markdown.
//
// The markdown dialect is a small, predictable subset of CommonMark:
//
//   - blocks: paragraphs (a single newline inside a paragraph is a hard
//     break), ATX headings (# to ######), fenced code blocks (``` or ~~~,
//     with an optional language), bullet lists (- * +), ordered lists (1. or
//     1)), nested by indentation, block quotes (>), thematic breaks (---);
//   - inline: **strong** or __strong__, *emphasis* or _emphasis_ (an
//     underscore inside a word is literal), ~~strike~~, `code`, [links](url),
//     <https://autolinks>, backslash escapes of ASCII punctuation.
//
// ADF nodes without a markdown form degrade to their text: mentions, emoji,
// statuses and dates become their display text, inline cards their URL,
// tables one line per row with cells joined by " | ", panels and expands
// their content; marks without a markdown form (underline, colours,
// sub/superscript) are dropped. Rendering escapes exactly what the parser
// would otherwise read as markup, so ADF → markdown → ADF keeps the text and
// the supported structure, and plain text round-trips unchanged.

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// adfNode is one node of an ADF document.
type adfNode struct {
	Type    string         `json:"type"`
	Version int            `json:"version,omitempty"`
	Attrs   map[string]any `json:"attrs,omitempty"`
	Content []*adfNode     `json:"content,omitempty"`
	Text    string         `json:"text,omitempty"`
	Marks   []adfMark      `json:"marks,omitempty"`
}

// adfMark is a text mark: strong, em, strike, code, link, ...
type adfMark struct {
	Type  string         `json:"type"`
	Attrs map[string]any `json:"attrs,omitempty"`
}

// ADF node and mark type names.
const (
	nodeDoc         = "doc"
	nodeParagraph   = "paragraph"
	nodeHeading     = "heading"
	nodeText        = "text"
	nodeHardBreak   = "hardBreak"
	nodeBulletList  = "bulletList"
	nodeOrderedList = "orderedList"
	nodeListItem    = "listItem"
	nodeCodeBlock   = "codeBlock"
	nodeBlockquote  = "blockquote"
	nodeRule        = "rule"

	markStrong = "strong"
	markEm     = "em"
	markStrike = "strike"
	markCode   = "code"
	markLink   = "link"
)

// maxDepth bounds the nesting the converters follow; deeper structure
// degrades to text, so hostile input cannot exhaust the stack.
const maxDepth = 48

// markRank orders marks from the outermost to the innermost in markdown;
// unknown marks are dropped.
func markRank(t string) int {
	switch t {
	case markLink:
		return 0
	case markStrike:
		return 1
	case markStrong:
		return 2
	case markEm:
		return 3
	case markCode:
		return 4
	}
	return -1
}

// canonicalMarks returns the supported marks of ms, outermost first, each
// once; a code mark keeps only a link beside it, as ADF requires.
func canonicalMarks(ms []adfMark) []adfMark {
	out := make([]adfMark, 0, len(ms))
	code := false
	for _, m := range ms {
		if markRank(m.Type) < 0 || slices.ContainsFunc(out, func(o adfMark) bool { return o.Type == m.Type }) {
			continue
		}
		if m.Type == markCode {
			code = true
		}
		out = append(out, m)
	}
	if code {
		out = slices.DeleteFunc(out, func(m adfMark) bool { return m.Type != markCode && m.Type != markLink })
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b adfMark) int { return markRank(a.Type) - markRank(b.Type) })
	return out
}

// href returns a link mark's target.
func (m adfMark) href() string {
	s, _ := m.Attrs["href"].(string)
	return s
}

// sameMark reports whether two marks are the same (type and link target).
func sameMark(a, b adfMark) bool { return a.Type == b.Type && a.href() == b.href() }

// attrString returns a string attribute, or a number attribute formatted.
func (n *adfNode) attrString(key string) string {
	switch v := n.Attrs[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	}
	return ""
}

// attrInt returns an integer attribute, or def.
func (n *adfNode) attrInt(key string, def int) int {
	switch v := n.Attrs[key].(type) {
	case float64:
		if v >= 0 && v < 1e9 {
			return int(v)
		}
	case int:
		if v >= 0 && v < 1e9 {
			return v
		}
	case string:
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < 1e9 {
			return i
		}
	}
	return def
}

// inlineText returns the display text of an inline node that is not plain
// text: a mention's name, an emoji, a card's URL, a date, a status.
func inlineText(n *adfNode) string {
	switch n.Type {
	case "mention":
		if s := n.attrString("text"); s != "" {
			return s
		}
		return "@" + n.attrString("id")
	case "emoji":
		if s := n.attrString("text"); s != "" {
			return s
		}
		return n.attrString("shortName")
	case "inlineCard", "blockCard", "embedCard":
		return n.attrString("url")
	case "date":
		if ms, err := strconv.ParseInt(n.attrString("timestamp"), 10, 64); err == nil {
			return time.UnixMilli(ms).UTC().Format(time.DateOnly)
		}
		return n.attrString("timestamp")
	case "status", "placeholder":
		return n.attrString("text")
	case "media", "mediaInline":
		return n.attrString("alt")
	}
	return n.Text
}

// plainText returns the text of a node and its descendants, blocks
// separated by newlines: the degraded form of nodes markdown cannot
// express. It walks iteratively, so any depth is safe.
func plainText(root *adfNode) string {
	var b strings.Builder
	type item struct {
		n     *adfNode
		first bool
	}
	stack := []item{{root, true}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := it.n
		if n == nil {
			continue
		}
		if !it.first && isBlock(n) {
			b.WriteByte('\n')
		}
		switch {
		case n.Type == nodeText:
			b.WriteString(n.Text)
		case n.Type == nodeHardBreak:
			b.WriteByte('\n')
		case len(n.Content) == 0:
			b.WriteString(inlineText(n))
		default:
			for i := len(n.Content) - 1; i >= 0; i-- {
				stack = append(stack, item{n.Content[i], i == 0})
			}
		}
	}
	return b.String()
}

// isBlock reports whether n is a block node (as opposed to inline content).
func isBlock(n *adfNode) bool {
	switch n.Type {
	case nodeText, nodeHardBreak, "mention", "emoji", "inlineCard", "date", "status", "placeholder", "mediaInline", "inlineExtension":
		return false
	}
	return true
}

// newDoc returns an ADF document holding blocks.
func newDoc(blocks []*adfNode) *adfNode {
	if blocks == nil {
		blocks = []*adfNode{}
	}
	return &adfNode{Type: nodeDoc, Version: 1, Content: blocks}
}

// textDoc returns an ADF document of one paragraph holding s as plain text
// (newlines become hard breaks); nil for an empty s.
func textDoc(s string) *adfNode {
	if s == "" {
		return nil
	}
	p := &adfNode{Type: nodeParagraph}
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			p.Content = append(p.Content, &adfNode{Type: nodeHardBreak})
		}
		if line != "" {
			p.Content = append(p.Content, &adfNode{Type: nodeText, Text: line})
		}
	}
	return newDoc([]*adfNode{p})
}
