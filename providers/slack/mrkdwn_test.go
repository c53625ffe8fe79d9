package slack

import (
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

func TestMrkdwn(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Patch web-01 now", "Patch web-01 now"},
		{"bold", "Patch *openssl* now", "Patch *openssl* now"},
		{"double bold", "Patch **openssl** now", "Patch *openssl* now"},
		{"italic", "an _urgent_ fix", "an _urgent_ fix"},
		{"double italic", "an __urgent__ fix", "an _urgent_ fix"},
		{"nested", "*bold and _italic_*", "*bold and _italic_*"},
		{"code", "run `apt upgrade` today", "run `apt upgrade` today"},
		{"code escapes", "`a<b && c>d`", "`a&lt;b &amp;&amp; c&gt;d`"},
		{"code keeps markers", "`*not bold*`", "`*not bold*`"},
		{"link", "see [the advisory](https://example.com/a?b=1&c=2)", "see <https://example.com/a?b=1&amp;c=2|the advisory>"},
		{"link with parens", "[wiki](https://en.wikipedia.org/wiki/Foo_(bar))", "<https://en.wikipedia.org/wiki/Foo_(bar)|wiki>"},
		{"link label escaped", "[a <b> & c](https://x.example)", "<https://x.example|a &lt;b&gt; &amp; c>"},
		{"link pipe", "[x](https://x.example/a|b)", "<https://x.example/a%7Cb|x>"},
		{"not a link scheme", "[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{"not a link relative", "[x](/etc/passwd)", "[x](/etc/passwd)"},
		{"not a link space", "[x](https://a.example/ b)", "[x](https://a.example/ b)"},
		{"bullets", "Steps:\n- patch\n- reboot", "Steps:\n• patch\n• reboot"},
		{"star bullets", "* one\n* two", "• one\n• two"},
		{"indented bullet", "  - deep", "  • deep"},
		{"bullet with format", "- *now*", "• *now*"},
		{"crlf", "a\r\nb", "a\nb"},
		{"control chars", "a\x01b\x7fc\td", "a b c\td"},
		// Hostile input: shown, never a mention, a link or an entity.
		{"channel mention", "<!channel> wake up", "&lt;!channel&gt; wake up"},
		{"here mention", "<!here|here>", "&lt;!here|here&gt;"},
		{"user mention", "ping <@U123ABC>", "ping &lt;@U123ABC&gt;"},
		{"raw slack link", "<https://evil.example|click>", "&lt;https://evil.example|click&gt;"},
		{"entity", "&amp; &lt;", "&amp;amp; &amp;lt;"},
		{"blockquote", "> quoted", "&gt; quoted"},
		{"link to mention", "[<!channel>](https://x.example)", "<https://x.example|&lt;!channel&gt;>"},
		// Unbalanced or misplaced markers stay literal.
		{"unclosed bold", "*bold without end", "*bold without end"},
		{"unclosed italic", "an _open marker", "an _open marker"},
		{"unclosed code", "a `b", "a `b"},
		{"lone star", "2 * 3 = 6", "2 * 3 = 6"},
		{"spaced", "* not bold *", "• not bold *"},
		{"intraword underscore", "snake_case_name", "snake_case_name"},
		{"intraword star", "a*b*c", "a*b*c"},
		{"crossed", "*a _b* c_", "*a _b* c_"},
		{"empty bold", "** x", "** x"},
		{"triple", "***x***", "***x***"},
		{"half link", "[label](https://x.example", "[label](https://x.example"},
		{"brackets", "[] [x] ()", "[] [x] ()"},
		{"unicode", "ünïcode ✓ 🚀 *ok*", "ünïcode ✓ 🚀 *ok*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, mrkdwn(tc.in, 0))
		})
	}
}

// utf16Len is Slack's character count at its most conservative.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// TestMrkdwnLimit: a text over the limit is cut within it, on a boundary
// that leaves it well formed, and marked with "…".
func TestMrkdwnLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		limit int
	}{
		{"ascii", strings.Repeat("a", 5000), maxSectionText},
		{"entities", strings.Repeat("a&b<c>", 1000), maxSectionText},
		{"emoji", strings.Repeat("🚀", 2000), maxSectionText},
		{"accents", strings.Repeat("é", 4000), maxSectionText},
		{"bold", strings.Repeat("*"+strings.Repeat("x", 900)+"* ", 5), maxSectionText},
		{"nested", strings.Repeat("*a _"+strings.Repeat("y", 900)+"_ b* ", 5), maxSectionText},
		{"long line", strings.Repeat("x", 300<<10), maxSectionText},
		{"code", "`" + strings.Repeat("<", 4000) + "`", maxSectionText},
		{"links", strings.Repeat("[x](https://example.com/path) ", 200), maxSectionText},
		{"lines", strings.Repeat("- item\n", 1000), maxSectionText},
		{"tiny", "*abc* and more", 5},
		{"mixed", strings.Repeat("*b* _i_ `c` [l](https://e.example) & < > 🚀 ", 200), 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := mrkdwn(tc.in, tc.limit)
			require.True(t, utf8.ValidString(out), "not UTF-8: %q", out)
			assert.LessOrEqual(t, utf16Len(out), tc.limit)
			assert.Contains(t, out, ellipsis)
			// No entity or link cut in two.
			for _, piece := range strings.Split(out, "&")[1:] {
				assert.Regexp(t, `^(amp|lt|gt);`, piece, "a cut entity in %q", clipForTest(out))
			}
			assert.Equal(t, strings.Count(out, "<"), strings.Count(out, ">"), "a cut link")
			// The markers are balanced: each kind an even number of times
			// outside code (the inputs pair them).
			if !strings.Contains(tc.in, "`") {
				assert.Zero(t, strings.Count(out, "*")%2, "unbalanced *: %q", clipForTest(out))
				assert.Zero(t, strings.Count(out, "_")%2, "unbalanced _: %q", clipForTest(out))
			}
		})
	}
	// A text at the limit exactly is not cut.
	exact := strings.Repeat("x", maxSectionText)
	assert.Equal(t, exact, mrkdwn(exact, maxSectionText))
	assert.Equal(t, "*ab…*", mrkdwn("*abcdef*", 5))
	assert.Equal(t, "*a _b…_*", mrkdwn("*a _bcdef_*", 8))
	// A span longer than maxSpan is not one: its markers stay literal.
	longSpan := "*" + strings.Repeat("x", maxSpan+1) + "*"
	assert.Equal(t, longSpan, mrkdwn(longSpan, 0))
	assert.Equal(t, "a &amp;…", mrkdwn("a && b", 8))
}

func clipForTest(s string) string {
	if len(s) > 200 {
		return s[:100] + " … " + s[len(s)-100:]
	}
	return s
}

func TestPlainText(t *testing.T) {
	assert.Equal(t, "one two", plainText(" one\ntwo ", maxHeaderText))
	assert.Equal(t, "<!channel> & co", plainText("<!channel> & co", maxHeaderText), "plain text is not escaped")
	long := plainText(strings.Repeat("ab ", 100), maxHeaderText)
	assert.LessOrEqual(t, utf16Len(long), maxHeaderText)
	assert.True(t, strings.HasSuffix(long, ellipsis))
	emoji := plainText(strings.Repeat("🚀", 100), maxHeaderText)
	assert.True(t, utf8.ValidString(emoji))
	assert.LessOrEqual(t, utf16Len(emoji), maxHeaderText)
	assert.Equal(t, strings.Repeat("🚀", 74)+ellipsis, emoji, "cut on a character boundary, counted in UTF-16 units")
}

func TestEscapeText(t *testing.T) {
	assert.Equal(t, "a &amp; b &lt;@U1&gt;", escapeText("a & b <@U1>", 0))
	assert.Equal(t, "&amp;&amp;&amp;", escapeText("&&&", 15))
	assert.Equal(t, "&amp;…", escapeText("&&&", 10))
}

// TestBlocks: what a notification renders as, within Block Kit's limits.
func TestBlocks(t *testing.T) {
	n := &notifications.Notification{Summary: "CVE-2026-1234 on <web-01>", Priority: ticketing.PriorityHigh,
		Description: "Patch *openssl*", Project: "SEC", Status: "triage", Assignee: "alice", Tags: []string{"cve", "web"}}
	bs := openBlocks(n)
	require.Len(t, bs, 3)
	assert.Equal(t, block{Type: "header", Text: &textObject{Type: "plain_text", Text: "CVE-2026-1234 on <web-01>", Emoji: true}}, bs[0])
	assert.Equal(t, "Patch *openssl*", bs[1].Text.Text)
	assert.True(t, bs[1].Text.Verbatim)
	var els []string
	for _, e := range bs[2].Elements {
		els = append(els, e.Text)
	}
	assert.Equal(t, []string{"🟠 *Priority:* HIGH", "*Status:* triage", "*Project:* SEC", "*Assignee:* alice", "*Tags:* cve, web"}, els)
	assert.Equal(t, "🟠 [HIGH] CVE-2026-1234 on &lt;web-01&gt;", fallbackText(n))

	cleared := clearedBlocks(n)
	require.Len(t, cleared, 2)
	assert.Equal(t, "✅ *Cleared* ~CVE-2026-1234 on &lt;web-01&gt;~", cleared[0].Text.Text)
	assert.Equal(t, "✅ Cleared: CVE-2026-1234 on &lt;web-01&gt;", clearedText(n))
	assert.Equal(t, "✅ *Cleared* approx ~5", clearedLine("approx ~5"), "a ~ in the summary: no strike")

	// The longest fields still fit.
	huge := &notifications.Notification{Summary: strings.Repeat("s", notifications.MaxSummaryLen),
		Description: strings.Repeat("d&", notifications.MaxTextLen/2), Project: strings.Repeat("<", notifications.MaxSummaryLen),
		Priority: ticketing.PriorityUrgent}
	bs = openBlocks(huge)
	assert.LessOrEqual(t, utf16Len(bs[0].Text.Text), maxHeaderText)
	assert.LessOrEqual(t, utf16Len(bs[1].Text.Text), maxSectionText)
	for _, e := range bs[2].Elements {
		assert.LessOrEqual(t, utf16Len(e.Text), maxContextText)
	}
	assert.LessOrEqual(t, utf16Len(fallbackText(huge)), maxFallbackText)
	assert.LessOrEqual(t, utf16Len(clearedBlocks(huge)[0].Text.Text), maxSectionText)

	// No description, no fields: the header alone.
	assert.Len(t, openBlocks(&notifications.Notification{Summary: "x"}), 1)
	// Nothing printable: never an empty text object.
	bs = openBlocks(&notifications.Notification{Summary: "\x01\x02", Description: "\x01"})
	require.Len(t, bs, 1)
	assert.Equal(t, "Notification", bs[0].Text.Text)
}

// TestPayload: the metadata carries the notification whole, but for a
// description beyond maxMetadataDescription.
func TestPayload(t *testing.T) {
	n := &notifications.Notification{Summary: "s", Priority: ticketing.PriorityLow, NotificationStatus: notifications.StatusOpen,
		Name: "n", Project: "p", Status: "st", Description: "d", IssueType: "it", Creator: "c", Assignee: "a", Contact: "co",
		Tags: []string{"x", "y"}}
	p := payloadOf(n)
	back := p.notification("C0FAKESEC1:1700000000.000100")
	n.ID = "C0FAKESEC1:1700000000.000100"
	assert.Equal(t, n, back)

	long := &notifications.Notification{Summary: "s", Description: strings.Repeat("é", maxMetadataDescription)}
	p = payloadOf(long)
	assert.True(t, p.DescriptionClipped)
	assert.LessOrEqual(t, len(p.Description), maxMetadataDescription)
	assert.True(t, utf8.ValidString(p.Description))
}

func TestMessageIDs(t *testing.T) {
	ch, ts, ok := parseMessageID("C0FAKESEC1:1700000000.000100")
	assert.True(t, ok)
	assert.Equal(t, "C0FAKESEC1", ch)
	assert.Equal(t, "1700000000.000100", ts)
	for _, bad := range []string{"", "MISSING-99999999", "C0FAKESEC1", "C0FAKESEC1:", ":1700000000.000100", "c0fakesec1:1700000000.000100",
		"C0FAKESEC1:1700000000", "C0FAKESEC1:1700000000.0001", "C0FAKESEC1:1700000000.000100:x", "X0FAKESEC1:1700000000.000100",
		"C0FAKESEC1:17000000000.000100", "C0F:1700000000.000100"} {
		_, _, ok := parseMessageID(bad)
		assert.False(t, ok, bad)
	}
	id := newHookID()
	assert.True(t, validHookID(id), id)
	assert.NotEqual(t, id, newHookID())
	for _, bad := range []string{"", "WH-", "WH-xyz", "MISSING-99999999", "WH-" + strings.Repeat("A", 32), "wh-" + strings.Repeat("a", 32)} {
		assert.False(t, validHookID(bad), bad)
	}
}

// FuzzMrkdwn: whatever the input, the output is UTF-8 within the limit,
// its only "<" open links to http(s) URLs (never a mention such as
// <!channel> or <@U1>), and its only "&" start Slack's three entities.
func FuzzMrkdwn(f *testing.F) {
	for _, s := range []string{"", "*b* _i_ `c` [l](https://x.example/?a=1&b=2)", "<!channel> <@U1> &amp;", "- a\n* b\n  - c",
		"**x** __y__ ***z***", "[a](https://x.example/(b)) [c](javascript:x)", "🚀é\r\n\x01", strings.Repeat("*a ", 100)} {
		f.Add(s, 0)
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, in string, limit int) {
		if !utf8.ValidString(in) || limit < 0 || limit > 10_000 {
			t.Skip()
		}
		if limit > 0 && limit < 8 {
			limit = 8 // room for a marker pair, an entity and the ellipsis
		}
		out := mrkdwn(in, limit)
		if !utf8.ValidString(out) {
			t.Fatalf("not UTF-8: %q", out)
		}
		if limit > 0 && utf16Len(out) > limit {
			t.Fatalf("%d units over the limit %d: %q", utf16Len(out), limit, out)
		}
		for i := strings.IndexByte(out, '<'); i >= 0; i = next(out, i, '<') {
			if !strings.HasPrefix(out[i:], "<http://") && !strings.HasPrefix(out[i:], "<https://") {
				t.Fatalf("a < that does not open a link at %d: %q", i, out)
			}
		}
		for i := strings.IndexByte(out, '&'); i >= 0; i = next(out, i, '&') {
			if !strings.HasPrefix(out[i:], "&amp;") && !strings.HasPrefix(out[i:], "&lt;") && !strings.HasPrefix(out[i:], "&gt;") {
				t.Fatalf("a bare & at %d: %q", i, out)
			}
		}
	})
}

func next(s string, i int, c byte) int {
	j := strings.IndexByte(s[i+1:], c)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// TestMrkdwnCost: hostile descriptions (markers that never close, brackets
// that never end) cost little: the parser looks only so far, and reads
// only what can be shown.
func TestMrkdwnCost(t *testing.T) {
	for _, in := range []string{strings.Repeat("*a ", notifications.MaxTextLen/3), strings.Repeat("[a", notifications.MaxTextLen/2),
		strings.Repeat("_", notifications.MaxTextLen), strings.Repeat("`*", notifications.MaxTextLen/2)} {
		start := time.Now()
		out := mrkdwn(in, maxSectionText)
		assert.LessOrEqual(t, utf16Len(out), maxSectionText)
		assert.Less(t, time.Since(start), 2*time.Second)
	}
}
