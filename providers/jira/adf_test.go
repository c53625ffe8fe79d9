package jira

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adfJSON is the JSON of the document md parses into.
func adfJSON(t *testing.T, md string) string {
	t.Helper()
	b, err := json.Marshal(markdownToADF(md))
	require.NoError(t, err)
	return string(b)
}

func text(s string, marks ...string) *adfNode {
	n := &adfNode{Type: nodeText, Text: s}
	for _, m := range marks {
		n.Marks = append(n.Marks, adfMark{Type: m})
	}
	return n
}

func para(content ...*adfNode) *adfNode { return &adfNode{Type: nodeParagraph, Content: content} }

func TestMarkdownToADFBlocks(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"paragraph", "Hello world",
			`{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Hello world"}]}]}`},
		{"hard break", "line one\nline two",
			`{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"line one"},{"type":"hardBreak"},{"type":"text","text":"line two"}]}]}`},
		{"two paragraphs", "a\n\nb",
			`{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]},{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}`},
		{"heading", "## Impact",
			`{"type":"doc","version":1,"content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Impact"}]}]}`},
		{"code block", "```go\nfmt.Println(1)\n```",
			`{"type":"doc","version":1,"content":[{"type":"codeBlock","attrs":{"language":"go"},"content":[{"type":"text","text":"fmt.Println(1)"}]}]}`},
		{"bullet list", "- one\n- two",
			`{"type":"doc","version":1,"content":[{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]}]}`},
		{"ordered list from 3", "3. c\n4. d",
			`{"type":"doc","version":1,"content":[{"type":"orderedList","attrs":{"order":3},"content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"c"}]}]},{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"d"}]}]}]}]}`},
		{"nested list", "- a\n  - b",
			`{"type":"doc","version":1,"content":[{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]},{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]}]}]}`},
		{"quote", "> quoted",
			`{"type":"doc","version":1,"content":[{"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"quoted"}]}]}]}`},
		{"rule", "a\n\n---\n\nb",
			`{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]},{"type":"rule"},{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.JSONEq(t, tc.want, adfJSON(t, tc.md))
		})
	}
}

func TestMarkdownToADFInline(t *testing.T) {
	tests := []struct {
		md   string
		want []*adfNode
	}{
		{"**bold** and _em_", []*adfNode{text("bold", markStrong), text(" and "), text("em", markEm)}},
		{"__bold__ *em*", []*adfNode{text("bold", markStrong), text(" "), text("em", markEm)}},
		{"~~gone~~", []*adfNode{text("gone", markStrike)}},
		{"run `go test`", []*adfNode{text("run "), text("go test", markCode)}},
		{"``a`b``", []*adfNode{text("a`b", markCode)}},
		{"snake_case_name", []*adfNode{text("snake_case_name")}},
		{"2 * 3 * 4", []*adfNode{text("2 * 3 * 4")}},
		{`\*literal\*`, []*adfNode{text("*literal*")}},
		{"**unclosed", []*adfNode{text("**unclosed")}},
		{"***both***", []*adfNode{text("both", markStrong, markEm)}},
		{"[WIP] fix", []*adfNode{text("[WIP] fix")}},
	}
	for _, tc := range tests {
		t.Run(tc.md, func(t *testing.T) {
			doc := markdownToADF(tc.md)
			require.NotNil(t, doc)
			require.Len(t, doc.Content, 1)
			assert.Equal(t, tc.want, doc.Content[0].Content)
		})
	}
}

func TestMarkdownToADFLinks(t *testing.T) {
	doc := markdownToADF("see [the docs](https://example.com/a_(b)) or <https://x.test/y>")
	require.NotNil(t, doc)
	got := doc.Content[0].Content
	require.Len(t, got, 4)
	assert.Equal(t, "the docs", got[1].Text)
	assert.Equal(t, "https://example.com/a_(b)", got[1].Marks[0].href())
	assert.Equal(t, "https://x.test/y", got[3].Text)
	assert.Equal(t, "https://x.test/y", got[3].Marks[0].href())

	doc = markdownToADF("[**bold link**](https://e.test)")
	got = doc.Content[0].Content
	require.Len(t, got, 1)
	assert.Equal(t, []adfMark{{Type: markLink, Attrs: map[string]any{"href": "https://e.test"}}, {Type: markStrong}}, got[0].Marks)
}

func TestMarkdownToADFEmpty(t *testing.T) {
	assert.Nil(t, markdownToADF(""))
	assert.Nil(t, markdownToADF(" \n\t\n"))
}

func TestADFToMarkdown(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"paragraph", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Main order flow broken"}]}]}`,
			"Main order flow broken"},
		{"marks", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[
			{"type":"text","text":"bold","marks":[{"type":"strong"}]},{"type":"text","text":" "},
			{"type":"text","text":"it","marks":[{"type":"em"}]},{"type":"text","text":" "},
			{"type":"text","text":"x := 1","marks":[{"type":"code"}]},{"type":"text","text":" "},
			{"type":"text","text":"link","marks":[{"type":"link","attrs":{"href":"https://e.test"}}]}]}]}`,
			"**bold** _it_ `x := 1` [link](https://e.test)"},
		{"mention emoji date status", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[
			{"type":"mention","attrs":{"id":"abc","text":"@Mia"}},{"type":"text","text":" "},
			{"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}},{"type":"text","text":" "},
			{"type":"date","attrs":{"timestamp":"1700000000000"}},{"type":"text","text":" "},
			{"type":"status","attrs":{"text":"DONE","color":"green"}}]}]}`,
			"@Mia 😄 2023-11-14 DONE"},
		{"table and panel", `{"type":"doc","version":1,"content":[
			{"type":"panel","attrs":{"panelType":"info"},"content":[{"type":"paragraph","content":[{"type":"text","text":"note"}]}]},
			{"type":"table","content":[
				{"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"host"}]}]},{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"cve"}]}]}]},
				{"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"web-01"}]}]},{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"CVE-1"}]}]}]}]}]}`,
			"note\n\nhost | cve\nweb-01 | CVE-1"},
		{"unknown node degrades", `{"type":"doc","version":1,"content":[{"type":"fancyNewThing","content":[{"type":"paragraph","content":[{"type":"text","text":"inner"}]}]},{"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"x","type":"file"}}]}]}`,
			"inner"},
		{"underline dropped", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"u","marks":[{"type":"underline"},{"type":"textColor","attrs":{"color":"#f00"}}]}]}]}`,
			"u"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc adfNode
			require.NoError(t, json.Unmarshal([]byte(tc.doc), &doc))
			assert.Equal(t, tc.want, adfToMarkdown(&doc))
		})
	}
}

// TestMarkdownRoundTrip checks markdown → ADF → markdown gives the same
// markdown for text written in the dialect's canonical form.
func TestMarkdownRoundTrip(t *testing.T) {
	docs := []string{
		"Plain text: CVE-2026-1234 on web-01 (prod), 50% done!",
		"Line one\nLine two",
		"# Title\n\nSome **bold**, _em_, ~~strike~~ and `code` with a [link](https://example.com/x?a=1&b=2).",
		"- one\n- two\n  - nested\n- three",
		"1. first\n2. second",
		"7. seven\n8. eight",
		"> quoted text\n> second line",
		"```sh\necho \"hi\"\n\n# not a heading\n```",
		"Para\n\n---\n\nAfter rule",
		"snake_case, 2 * 3, a_b_c and [WIP] titles",
		"Escapes: \\*not bold\\*, \\_not em\\_, \\`tick\\`, back\\slash",
		"\\# not a heading\n\\- not a list\n1\\. not ordered\n\\> not a quote",
		"- item with\n  two lines\n- **bold item**",
		"Mixed **bold _and em_** text",
		"Unicode: héllo wörld — 日本語 ✓",
		"A blank line inside\n\\\nthe paragraph",
		"1. a\n   - nested bullet\n2. b",
	}
	for _, md := range docs {
		t.Run(md, func(t *testing.T) {
			assert.Equal(t, md, adfToMarkdown(markdownToADF(md)))
		})
	}
}

// TestADFRoundTrip checks ADF → markdown → ADF keeps every supported node,
// including text full of markdown syntax.
func TestADFRoundTrip(t *testing.T) {
	docs := []*adfNode{
		newDoc([]*adfNode{para(text("**not bold** _not em_ `not code` [not](a link) <https://not.auto>"))}),
		newDoc([]*adfNode{para(text("# hash"), &adfNode{Type: nodeHardBreak}, text("- dash"), &adfNode{Type: nodeHardBreak}, text("12. num"), &adfNode{Type: nodeHardBreak}, text("> gt"), &adfNode{Type: nodeHardBreak}, text("```fence"), &adfNode{Type: nodeHardBreak}, text("***"))}),
		newDoc([]*adfNode{para(text("back\\slash \\* c:\\dir\\"))}),
		newDoc([]*adfNode{para(text("a~b ~~c~~ ~"))}),
		newDoc([]*adfNode{para(text("snake_case "), text("em", markEm), text(" "), text("strong ", markStrong), text("both", markStrong, markEm))}),
		newDoc([]*adfNode{para(text("x"), text("intra", markEm), text("word"))}),
		newDoc([]*adfNode{para(text("code with `ticks`", markCode))}),
		newDoc([]*adfNode{para(&adfNode{Type: nodeText, Text: "link [text]", Marks: []adfMark{{Type: markLink, Attrs: map[string]any{"href": "https://e.test/a_(b)"}}}})}),
		newDoc([]*adfNode{{Type: nodeHeading, Attrs: map[string]any{"level": 3}, Content: []*adfNode{text("Head "), text("bold", markStrong)}}}),
		newDoc([]*adfNode{{Type: nodeCodeBlock, Attrs: map[string]any{"language": "go"}, Content: []*adfNode{text("```\ninside\n```")}}}),
		newDoc([]*adfNode{
			{Type: nodeBulletList, Content: []*adfNode{{Type: nodeListItem, Content: []*adfNode{para(text("a"))}}}},
			{Type: nodeBulletList, Content: []*adfNode{{Type: nodeListItem, Content: []*adfNode{para(text("b"))}}}},
		}),
		newDoc([]*adfNode{{Type: nodeOrderedList, Attrs: map[string]any{"order": 5}, Content: []*adfNode{
			{Type: nodeListItem, Content: []*adfNode{para(text("five")), para(text("second para")),
				{Type: nodeCodeBlock, Content: []*adfNode{text("code")}}}},
		}}}),
		newDoc([]*adfNode{{Type: nodeBlockquote, Content: []*adfNode{para(text("q1")), {Type: nodeBulletList, Content: []*adfNode{{Type: nodeListItem, Content: []*adfNode{para(text("qi"))}}}}}}}),
		newDoc([]*adfNode{para(text("a"), &adfNode{Type: nodeHardBreak}, &adfNode{Type: nodeHardBreak}, text("b"))}),
	}
	for i, doc := range docs {
		want, err := json.Marshal(doc)
		require.NoError(t, err)
		md := adfToMarkdown(doc)
		got, err := json.Marshal(markdownToADF(md))
		require.NoError(t, err)
		assert.JSONEq(t, normalizeADF(t, want), normalizeADF(t, got), "doc %d rendered as %q", i, md)
	}
}

// normalizeADF re-encodes an ADF document with numbers as JSON numbers, so
// int and float64 attributes compare equal.
func normalizeADF(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// TestADFHostileInput checks the converters stay fast and do not panic on
// pathological input.
func TestADFHostileInput(t *testing.T) {
	inputs := []string{
		strings.Repeat("**a ", 50000),
		strings.Repeat("[", 50000) + strings.Repeat("]", 10),
		strings.Repeat("`` ` ", 20000),
		strings.Repeat("<http", 20000),
		strings.Repeat("> ", 5000) + "deep",
		strings.Repeat("  ", 3000) + "- deep",
		func() string {
			var b strings.Builder
			for i := range 200 {
				b.WriteString(strings.Repeat("  ", i) + "- x\n")
			}
			return b.String()
		}(),
		strings.Repeat("*_~", 30000),
		"\x00\xff\xfe invalid utf8",
	}
	for _, in := range inputs {
		doc := markdownToADF(in)
		_ = adfToMarkdown(doc)
	}
	// A deeply nested ADF document.
	deep := para(text("leaf"))
	for range 5000 {
		deep = &adfNode{Type: nodeBlockquote, Content: []*adfNode{deep}}
	}
	assert.Contains(t, adfToMarkdown(newDoc([]*adfNode{deep})), "leaf")
}

func FuzzMarkdownADF(f *testing.F) {
	for _, s := range []string{"**a** _b_", "- x\n  - y", "```\ncode\n```", "[l](u)", "\\*", "> q"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("converting %d bytes took %v", len(md), d)
			}
		}()
		doc := markdownToADF(md)
		out := adfToMarkdown(doc)
		// Rendering is a fixed point: parsing the rendering gives the same
		// document again.
		again := markdownToADF(out)
		a, _ := json.Marshal(doc)
		b, _ := json.Marshal(again)
		if string(a) != string(b) && strings.TrimSpace(md) != "" {
			t.Logf("not a fixed point for %q:\n%s\n%s", md, a, b)
		}
	})
}
