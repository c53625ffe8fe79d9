package teams

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// TestMarkdown converts the connector's Markdown subset, and makes
// everything else literal.
func TestMarkdown(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bold", "*bold*", "**bold**"},
		{"double asterisks", "**bold**", "**bold**"},
		{"italic", "_italic_", "_italic_"},
		{"double underscores", "__bold__", "**bold**"},
		{"code", "run `make test` now", "run `make test` now"},
		{"code keeps markup", "`*not bold* _x_`", "`*not bold* _x_`"},
		{"code with a backtick", "``a ` b``", "``a ` b``"},
		{"link", "[the advisory](https://example.com/a?b=1&c=2)", "[the advisory](https://example.com/a?b=1&c=2)"},
		{"text before a link", "see [docs](http://example.com) now", "see [docs](http://example.com) now"},
		{"mailto link", "[mail us](mailto:soc@example.com)", "[mail us](mailto:soc@example.com)"},
		{"link without text", "[](https://example.com)", "[https://example.com](https://example.com)"},
		{"link text formatting", "[*important* docs](https://example.com)", "[**important** docs](https://example.com)"},
		{"link destination escapes", "[x](https://example.com/a_b*c)", "[x](https://example.com/a%5Fb%2Ac)"},
		{"javascript link", "[x](javascript:alert(1))", `\[x\](javascript:alert(1))`},
		{"link with spaces", "[x](https://example.com/a b)", `\[x\](https://example.com/a b)`},
		{"nested emphasis", "*a _b_ c*", "**a _b_ c**"},
		{"bullets", "- one\n- two", "- one\r- two"},
		{"bullet with formatting", "- *one*\n- `two`", "- **one**\r- `two`"},
		{"paragraph lines", "one\ntwo", "one\n\ntwo"},
		{"paragraph and list", "intro\n- a\n- b\noutro", "intro\n\n- a\r- b\n\noutro"},
		{"blank lines dropped", "a\n\n\n\nb", "a\n\nb"},
		{"CRLF", "a\r\nb", "a\n\nb"},
		{"unbalanced star", "unbalanced *star", `unbalanced \*star`},
		{"unbalanced underscore", "an _open", `an \_open`},
		{"star followed by space", "a * b * c", `a \* b \* c`},
		{"lone star", "*", `\*`},
		{"intraword underscores", "snake_case_name", `snake\_case\_name`},
		{"unbalanced backtick", "`open", "\\`open"},
		{"unbalanced bracket", "[not a link", `\[not a link`},
		{"escaped markers", `\*literal\* and \_this\_`, `\*literal\* and \_this\_`},
		{"backslash", `C:\temp`, `C:\\temp`},
		{"mention", "<at>everyone</at>", "<" + zwsp + "at>everyone<" + zwsp + "/at>"},
		{"html", "<b>bold</b> <script>x</script>", "<" + zwsp + "b>bold<" + zwsp + "/b> <" + zwsp + "script>x<" + zwsp + "/script>"},
		{"html comment", "<!-- x -->", "<" + zwsp + "!-- x -->"},
		{"less than", "a < b and 1<2", "a < b and 1<2"},
		{"date function", "{{DATE(2026-01-01T00:00:00Z, SHORT)}}", "{" + zwsp + "{DATE(2026-01-01T00:00:00Z, SHORT)}}"},
		{"controls and bidi", "a\tb\x01c\u202ed\u2066e", "a bcde"},
		{"heading", "# heading", `\# heading`},
		{"quote", "> quote", `\> quote`},
		{"rule", "---", `\---`},
		{"plus list", "+ item", `\+ item`},
		{"nested bullet marker", "- - x", `- \- x`},
		{"leading spaces", "    indented", "indented"},
		{"unicode", "ünïcode ✓ *gras*", "ünïcode ✓ **gras**"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, markdown(tc.in))
		})
	}
}

// TestPlainText: a summary or a fact is one line of literal text.
func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Disk *full* on db_02", `Disk \*full\* on db\_02`},
		{"two\nlines\r\nhere", "two lines here"},
		{"- not a list", `\- not a list`},
		{"# not a heading", `\# not a heading`},
		{"[x](https://example.com)", `\[x\](https://example.com)`},
		{"<at>Ops</at>", "<" + zwsp + "at>Ops<" + zwsp + "/at>"},
		{"{{TIME(2026-01-01T00:00:00Z)}}", "{" + zwsp + "{TIME(2026-01-01T00:00:00Z)}}"},
		{"  padded  ", "padded"},
	} {
		assert.Equal(t, tc.want, plainText(tc.in), "%q", tc.in)
	}
}

// decodeCard decodes a rendered card.
func decodeCard(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var c map[string]any
	require.NoError(t, json.Unmarshal(raw, &c), "%s", raw)
	return c
}

// blocks returns a card's body elements.
func blocks(c map[string]any) []map[string]any {
	var out []map[string]any
	for _, b := range c["body"].([]any) {
		out = append(out, b.(map[string]any))
	}
	return out
}

// texts returns a card's TextBlock texts.
func texts(c map[string]any) []string {
	var out []string
	for _, b := range blocks(c) {
		if b["type"] == "TextBlock" {
			out = append(out, b["text"].(string))
		}
	}
	return out
}

var (
	sent    = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	cleared = sent.Add(90 * time.Minute)
)

// TestCardLayout: the card of a notification shows its priority, summary,
// description and facts; a cleared one says it was cleared.
func TestCardLayout(t *testing.T) {
	n := &notifications.Notification{Summary: "CVE-2026-1234 on web-01", Priority: ticketing.PriorityCritical,
		Description: "Patch *openssl*", Project: "SEC", Status: "Open", Assignee: "ops@example.com", Tags: []string{"cve", "web"}}
	raw, err := renderCard(n, cardOpen, cardTimes{sent: sent})
	require.NoError(t, err)
	c := decodeCard(t, raw)
	assert.Equal(t, "AdaptiveCard", c["type"])
	assert.Equal(t, CardVersion, c["version"])
	assert.Equal(t, "http://adaptivecards.io/schemas/adaptive-card.json", c["$schema"])
	assert.Equal(t, map[string]any{"width": "Full"}, c["msteams"])
	assert.Equal(t, "CVE-2026-1234 on web-01", c["fallbackText"])
	b := blocks(c)
	require.Len(t, b, 4)
	assert.Equal(t, map[string]any{"type": "TextBlock", "text": "🔴 Priority: CRITICAL", "wrap": true, "weight": "Bolder", "color": "Attention"}, b[0])
	assert.Equal(t, map[string]any{"type": "TextBlock", "text": "CVE-2026-1234 on web-01", "wrap": true, "size": "Large", "weight": "Bolder"}, b[1])
	assert.Equal(t, "Patch **openssl**", b[2]["text"])
	assert.Equal(t, "FactSet", b[3]["type"])
	assert.Equal(t, []any{
		map[string]any{"title": "Project", "value": "SEC"},
		map[string]any{"title": "Status", "value": "Open"},
		map[string]any{"title": "Assignee", "value": "ops@example.com"},
		map[string]any{"title": "Tags", "value": "cve, web"},
	}, b[3]["facts"])

	raw, err = renderCard(n, cardCleared, cardTimes{sent: sent, cleared: cleared})
	require.NoError(t, err)
	c = decodeCard(t, raw)
	tx := texts(c)
	assert.Equal(t, "✅ Cleared", tx[0])
	assert.Equal(t, "Patch **openssl**", tx[2], "the updated message keeps its description")
	assert.Equal(t, "Cleared on {{DATE(2026-03-04T06:36:07Z,SHORT)}} at {{TIME(2026-03-04T06:36:07Z)}}.", tx[len(tx)-1])
	assert.Equal(t, true, blocks(c)[1]["isSubtle"])

	raw, err = renderCard(n, cardFollowUp, cardTimes{sent: sent, cleared: cleared})
	require.NoError(t, err)
	c = decodeCard(t, raw)
	tx = texts(c)
	assert.Equal(t, []string{"✅ Cleared", "CVE-2026-1234 on web-01",
		"This notification, sent on {{DATE(2026-03-04T05:06:07Z,SHORT)}} at {{TIME(2026-03-04T05:06:07Z)}}, no longer needs attention."}, tx)
	assert.Equal(t, "Cleared: CVE-2026-1234 on web-01", c["fallbackText"])
}

// TestCardPriorities: every priority has its color; none, no status line.
func TestCardPriorities(t *testing.T) {
	for _, p := range ticketing.Priorities {
		raw, err := renderCard(&notifications.Notification{Summary: "s", Priority: p}, cardOpen, cardTimes{})
		require.NoError(t, err)
		first := blocks(decodeCard(t, raw))[0]
		assert.Contains(t, first["text"], "Priority: "+string(p))
		assert.Contains(t, []string{"Attention", "Warning", "Good", "Default"}, first["color"], p)
	}
	raw, err := renderCard(&notifications.Notification{Summary: "s"}, cardOpen, cardTimes{})
	require.NoError(t, err)
	b := blocks(decodeCard(t, raw))
	require.Len(t, b, 1, "no priority, no description, no facts: the summary alone")
	assert.Equal(t, "s", b[0]["text"])
}

// TestCardHostile: hostile input stays literal, and every card fits
// MaxCardBytes, saying when the description was shortened.
func TestCardHostile(t *testing.T) {
	huge := strings.Repeat("x", notifications.MaxTextLen)
	manyTags := make([]string, 5000)
	for i := range manyTags {
		manyTags[i] = fmt.Sprintf("tag-%d", i)
	}
	for _, tc := range []struct {
		name      string
		n         notifications.Notification
		shortened bool
		check     func(t *testing.T, c map[string]any)
	}{
		{name: "mention everyone", n: notifications.Notification{Summary: "<at>everyone</at> look", Description: "<at>channel</at>"},
			check: func(t *testing.T, c map[string]any) {
				raw, _ := json.Marshal(c)
				assert.NotContains(t, string(raw), "<at>")
			}},
		{name: "html", n: notifications.Notification{Summary: `<img src=x onerror="alert(1)">`, Description: "<script>alert(1)</script>"},
			check: func(t *testing.T, c map[string]any) {
				raw, _ := json.Marshal(c)
				assert.NotContains(t, string(raw), "<img")
				assert.NotContains(t, string(raw), "<script")
			}},
		{name: "unbalanced markers", n: notifications.Notification{Summary: "s", Description: strings.Repeat("*a _b `c [d ", 2000)}, shortened: true},
		{name: "huge description", n: notifications.Notification{Summary: "s", Description: huge}, shortened: true},
		{name: "huge markup", n: notifications.Notification{Summary: "s", Description: strings.Repeat("<a{{*", notifications.MaxTextLen/5)}, shortened: true},
		{name: "huge multibyte", n: notifications.Notification{Summary: "s", Description: strings.Repeat("✓é", notifications.MaxTextLen/5)}, shortened: true},
		{name: "many bullets", n: notifications.Notification{Summary: "s", Description: strings.Repeat("- *item*\n", 30000)}, shortened: true},
		{name: "huge fields", n: notifications.Notification{
			Summary: strings.Repeat("<a", notifications.MaxSummaryLen/2), Project: strings.Repeat("<p", 512), Status: strings.Repeat("*", 1024),
			Assignee: strings.Repeat("{{", 512), Tags: manyTags, Description: huge}, shortened: true,
			check: func(t *testing.T, c map[string]any) {
				for _, b := range blocks(c) {
					if b["type"] == "FactSet" {
						for _, f := range b["facts"].([]any) {
							v := f.(map[string]any)["value"].(string)
							assert.LessOrEqual(t, len(v), 4*maxTagsLen, "a fact is capped")
							if f.(map[string]any)["title"] == "Tags" {
								assert.Contains(t, v, "more)")
							}
						}
					}
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			for _, kind := range []cardKind{cardOpen, cardCleared, cardFollowUp} {
				raw, err := renderCard(&tc.n, kind, cardTimes{sent: sent, cleared: cleared})
				require.NoError(t, err)
				assert.LessOrEqual(t, len(raw), MaxCardBytes)
				assert.True(t, utf8.Valid(raw))
				c := decodeCard(t, raw)
				note := false
				for _, tx := range texts(c) {
					note = note || strings.Contains(tx, "shortened")
				}
				if kind != cardFollowUp {
					assert.Equal(t, tc.shortened, note, "kind %d: the shortening note", kind)
				}
				if tc.check != nil {
					tc.check(t, c)
				}
			}
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
}

// TestCardKeepsMostOfALongDescription: shortening keeps as much of the
// description as fits.
func TestCardKeepsMostOfALongDescription(t *testing.T) {
	raw, err := renderCard(&notifications.Notification{Summary: "s", Description: strings.Repeat("word ", 10000)}, cardOpen, cardTimes{})
	require.NoError(t, err)
	assert.Greater(t, len(raw), MaxCardBytes-64, "the card is filled up to the limit")
}

// TestIDs: the ids the driver makes pass the connector's id check and are
// recognized; others are not.
func TestIDs(t *testing.T) {
	conv := "19:abc123DEF456ghi789@thread.tacv2;messageid=1776390257332"
	id := botID(conv, "1776390257332")
	assert.True(t, strings.HasPrefix(id, botIDPrefix))
	assert.True(t, validID(id))
	c, a, ok := decodeBotID(id)
	assert.True(t, ok)
	assert.Equal(t, conv, c)
	assert.Equal(t, "1776390257332", a)
	long := botID(strings.Repeat("x", 400), "1")
	assert.True(t, strings.HasPrefix(long, botHashPrefix))
	assert.LessOrEqual(t, len(long), notifications.MaxIDLen)
	assert.True(t, validID(long))
	for _, id := range []string{botID(conv, "1"), newWebhookID(), long} {
		assert.False(t, strings.ContainsAny(id, "/?#\x00"), id)
		assert.LessOrEqual(t, len(stateKey(id)), maxKeyLen)
	}
	assert.LessOrEqual(t, len(stateKey(strings.Repeat("y", 256))), maxKeyLen)
	for _, bad := range []string{"", "MISSING-99999999", "wh-", "wh-a.b", "bf-!!", "bf-" + "YQ", "xx-abc"} {
		assert.False(t, validID(bad), bad)
	}
}
