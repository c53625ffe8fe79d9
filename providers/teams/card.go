package teams

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// Adaptive Cards.
const (
	// CardVersion is the Adaptive Card schema version of the cards, one
	// every Teams client renders (Teams supports up to 1.5 in bots, and
	// Workflows posts cards of 1.4 and earlier).
	CardVersion = "1.4"
	// CardContentType is the content type of an Adaptive Card attachment.
	CardContentType = "application/vnd.microsoft.card.adaptive"
	// MaxCardBytes bounds a card's JSON (UTF-8). Teams refuses a message
	// over about 28 KB through Workflows and connectors, and a bot message
	// over 40 KB counted in UTF-16 (later documentation says about 100 KB):
	// 16 KiB of UTF-8 is within both whatever the text. A description that
	// does not fit is shortened, and the card says so.
	MaxCardBytes = 16 << 10
)

// Limits of the other fields shown on a card, in bytes of their text.
const (
	maxFactLen = 256
	maxTagsLen = 512
	maxSummary = 200 // of an activity's summary and a card's fallbackText
)

// cardKind is what a card shows.
type cardKind int

const (
	// cardOpen is the notification as sent.
	cardOpen cardKind = iota
	// cardCleared is the notification cleared: the bot's update of the
	// message it sent.
	cardCleared
	// cardFollowUp is the follow-up a webhook posts when the notification
	// is cleared.
	cardFollowUp
)

// adaptiveCard is an Adaptive Card.
type adaptiveCard struct {
	Type         string   `json:"type"`
	Schema       string   `json:"$schema"`
	Version      string   `json:"version"`
	FallbackText string   `json:"fallbackText,omitempty"`
	Body         []any    `json:"body"`
	MSTeams      *msTeams `json:"msteams,omitempty"`
}

// msTeams holds the card's Teams-specific properties: a full-width card.
type msTeams struct {
	Width string `json:"width"`
}

// textBlock is an Adaptive Card TextBlock.
type textBlock struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Wrap     bool   `json:"wrap"`
	Size     string `json:"size,omitempty"`
	Weight   string `json:"weight,omitempty"`
	Color    string `json:"color,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
	Spacing  string `json:"spacing,omitempty"`
}

// factSet is an Adaptive Card FactSet.
type factSet struct {
	Type  string `json:"type"`
	Facts []fact `json:"facts"`
}

type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// priorityStyle is how a priority shows: an emoji and a TextBlock color.
var priorityStyle = map[ticketing.Priority]struct{ emoji, color string }{
	ticketing.PriorityUrgent:   {"🚨", "Attention"},
	ticketing.PriorityCritical: {"🔴", "Attention"},
	ticketing.PriorityHigh:     {"🟠", "Warning"},
	ticketing.PriorityMedium:   {"🟡", "Warning"},
	ticketing.PriorityModerate: {"🟡", "Warning"},
	ticketing.PriorityLow:      {"🟢", "Good"},
	ticketing.PriorityPlanning: {"⚪", "Default"},
}

// cardTimes are the times a card may show.
type cardTimes struct {
	sent, cleared time.Time
}

// renderCard returns the JSON of the card of n, at most MaxCardBytes: when
// the whole description does not fit, the longest prefix of it that does
// is shown, with a note that it was shortened.
func renderCard(n *notifications.Notification, kind cardKind, at cardTimes) (json.RawMessage, error) {
	desc := n.Description
	if kind == cardFollowUp {
		desc = ""
	}
	b, err := encodeCard(buildCard(n, kind, at, desc, false))
	if err != nil || len(b) <= MaxCardBytes {
		return b, err
	}
	// Binary search on the number of bytes of the description kept (cut
	// on a character boundary): the card's size grows with it.
	lo, hi := 0, len(desc) // lo fits (checked below), hi does not
	best, err := encodeCard(buildCard(n, kind, at, "", true))
	if err != nil {
		return nil, err
	}
	if len(best) > MaxCardBytes {
		return nil, errs.New(errs.Internal, "the card of the notification exceeds %d bytes without its description", MaxCardBytes)
	}
	for hi-lo > 1 {
		mid := cutAt(desc, (lo+hi)/2)
		if mid <= lo {
			mid = cutAt(desc, lo+utf8.UTFMax)
			if mid >= hi {
				break
			}
		}
		c, err := encodeCard(buildCard(n, kind, at, desc[:mid], true))
		if err != nil {
			return nil, err
		}
		if len(c) <= MaxCardBytes {
			lo, best = mid, c
		} else {
			hi = mid
		}
	}
	return best, nil
}

// cutAt returns the largest character boundary of s at or before i.
func cutAt(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// encodeCard encodes a card as sent: without HTML escapes (which would
// make "<" six bytes), compact.
func encodeCard(c *adaptiveCard) (json.RawMessage, error) {
	b, err := marshal(c)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "encoding the card")
	}
	return b, nil
}

// marshal encodes v as JSON without HTML escapes and without the trailing
// newline of an Encoder.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// buildCard lays out the card of n: a status line (the priority, or
// "Cleared"), the summary as a large bold heading, the description (desc,
// converted from the connector's Markdown; shortened says it was cut), the
// project, status, assignee and tags as facts, and for a cleared card when
// it was cleared (sent and cleared in the viewer's time zone, with the
// card's DATE and TIME functions).
func buildCard(n *notifications.Notification, kind cardKind, at cardTimes, desc string, shortened bool) *adaptiveCard {
	c := &adaptiveCard{Type: "AdaptiveCard", Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: CardVersion,
		MSTeams: &msTeams{Width: "Full"}}
	cleared := kind != cardOpen
	status := priorityLine(n.Priority)
	if cleared {
		status = &textBlock{Type: "TextBlock", Text: "✅ Cleared", Wrap: true, Weight: "Bolder", Color: "Good"}
	}
	if status != nil {
		c.Body = append(c.Body, status)
	}
	summary := plainText(n.Summary)
	c.FallbackText = clipText(plainNeutral(n.Summary), maxSummary)
	if kind == cardFollowUp {
		c.FallbackText = clipText("Cleared: "+plainNeutral(n.Summary), maxSummary)
	}
	c.Body = append(c.Body, &textBlock{Type: "TextBlock", Text: summary, Wrap: true, Size: "Large", Weight: "Bolder", IsSubtle: cleared})
	if d := markdown(desc); d != "" {
		c.Body = append(c.Body, &textBlock{Type: "TextBlock", Text: d, Wrap: true, IsSubtle: cleared})
	}
	if shortened {
		c.Body = append(c.Body, &textBlock{Type: "TextBlock", Text: "The description was shortened to fit the size limit of a Teams message.",
			Wrap: true, Size: "Small", IsSubtle: true})
	}
	if fs := facts(n); len(fs) > 0 {
		c.Body = append(c.Body, &factSet{Type: "FactSet", Facts: fs})
	}
	switch kind {
	case cardCleared:
		c.Body = append(c.Body, &textBlock{Type: "TextBlock", Text: "Cleared " + when(at.cleared) + ".", Wrap: true, Size: "Small", IsSubtle: true})
	case cardFollowUp:
		c.Body = append(c.Body, &textBlock{Type: "TextBlock",
			Text: "This notification, sent " + when(at.sent) + ", no longer needs attention.", Wrap: true, Size: "Small", IsSubtle: true})
	}
	return c
}

// priorityLine is the status line of an open notification's priority; nil
// without one.
func priorityLine(p ticketing.Priority) *textBlock {
	st, ok := priorityStyle[p]
	if !ok {
		return nil
	}
	return &textBlock{Type: "TextBlock", Text: st.emoji + " Priority: " + string(p), Wrap: true, Weight: "Bolder", Color: st.color}
}

// when formats t with the card's date and time functions, which Teams
// shows in the viewer's locale and time zone: "on {{DATE(...,SHORT)}} at
// {{TIME(...)}}".
func when(t time.Time) string {
	stamp := t.UTC().Format("2006-01-02T15:04:05Z")
	return "on {{DATE(" + stamp + ",SHORT)}} at {{TIME(" + stamp + ")}}"
}

// facts are the card's facts: project, status, assignee and tags, those
// set.
func facts(n *notifications.Notification) []fact {
	var out []fact
	for _, f := range []struct{ title, value string }{
		{"Project", n.Project}, {"Status", n.Status}, {"Assignee", n.Assignee},
	} {
		if v := strings.TrimSpace(f.value); v != "" {
			out = append(out, fact{Title: f.title, Value: plainText(clipText(v, maxFactLen))})
		}
	}
	if len(n.Tags) > 0 {
		out = append(out, fact{Title: "Tags", Value: plainText(tagList(n.Tags))})
	}
	return out
}

// tagList joins tags with ", ", at most maxTagsLen bytes of them, and says
// how many more there are.
func tagList(tags []string) string {
	var b strings.Builder
	for i, t := range tags {
		if b.Len()+len(t)+2 > maxTagsLen {
			b.WriteString(" … (+" + strconv.Itoa(len(tags)-i) + " more)")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t)
	}
	return b.String()
}

// clipText cuts s to at most n bytes on a character boundary, marking the
// cut with "…".
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:cutAt(s, n-len("…"))] + "…"
}

// cardAttachment is an attachment holding an Adaptive Card.
type cardAttachment struct {
	ContentType string          `json:"contentType"`
	ContentURL  *string         `json:"contentUrl"`
	Content     json.RawMessage `json:"content"`
}

// attachments returns the attachments of a message showing card.
func attachments(card json.RawMessage) []cardAttachment {
	return []cardAttachment{{ContentType: CardContentType, Content: card}}
}
