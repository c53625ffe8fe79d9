package slack

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// Block Kit's limits (Slack's Block Kit reference), in characters.
const (
	// maxHeaderText bounds a header block's text.
	maxHeaderText = 150
	// maxSectionText bounds a section block's text.
	maxSectionText = 3000
	// maxContextText bounds one context element's text here: Slack allows
	// more (a text object's 3,000), this keeps the line short.
	maxContextText = 2000
	// maxFallbackText bounds the top-level text, the notification's
	// fallback: Slack splits messages longer than 4,000 characters.
	maxFallbackText = 3000
	// maxMetadataDescription bounds the description kept in the message
	// metadata, in bytes: Slack documents no limit for metadata, and
	// refuses payloads it finds too large; this one is ours.
	maxMetadataDescription = 8 << 10
)

// textObject is a Block Kit text object.
type textObject struct {
	Type     string `json:"type"` // plain_text or mrkdwn
	Text     string `json:"text"`
	Emoji    bool   `json:"emoji,omitempty"`    // plain_text only
	Verbatim bool   `json:"verbatim,omitempty"` // mrkdwn only
}

// block is the Block Kit blocks a notification uses: header, section and
// context.
type block struct {
	Type     string       `json:"type"`
	Text     *textObject  `json:"text,omitempty"`
	Elements []textObject `json:"elements,omitempty"`
}

// md is a mrkdwn text object. Verbatim: Slack does not link URLs or
// parse mentions ("@channel") in user text by itself; our links are
// explicit.
func md(s string) textObject { return textObject{Type: "mrkdwn", Text: s, Verbatim: true} }

// priorityEmoji marks each priority.
var priorityEmoji = map[ticketing.Priority]string{
	ticketing.PriorityUrgent:   "🚨",
	ticketing.PriorityCritical: "🔴",
	ticketing.PriorityHigh:     "🟠",
	ticketing.PriorityMedium:   "🟡",
	ticketing.PriorityModerate: "🟡",
	ticketing.PriorityLow:      "🟢",
	ticketing.PriorityPlanning: "🔵",
}

// clearedMark starts a cleared message.
const clearedMark = "✅"

// openBlocks renders a notification: its summary as the header, its
// description (converted to mrkdwn) as a section, and its other fields as
// a context line.
func openBlocks(n *notifications.Notification) []block {
	blocks := make([]block, 0, 3)
	blocks = append(blocks, block{Type: "header", Text: &textObject{Type: "plain_text", Text: headline(n.Summary, maxHeaderText), Emoji: true}})
	if strings.TrimSpace(n.Description) != "" {
		if t := mrkdwn(n.Description, maxSectionText); strings.TrimSpace(t) != "" {
			obj := md(t)
			blocks = append(blocks, block{Type: "section", Text: &obj})
		}
	}
	if els := contextElements(n); len(els) > 0 {
		blocks = append(blocks, block{Type: "context", Elements: els})
	}
	return blocks
}

// headline is the summary as one line of plain text, never empty (Slack
// refuses an empty text object).
func headline(summary string, limit int) string {
	if s := plainText(summary, limit); s != "" {
		return s
	}
	return "Notification"
}

// clearedBlocks renders a cleared notification: "✅ Cleared" and the
// summary struck through, and its context line.
func clearedBlocks(n *notifications.Notification) []block {
	t := md(clearedLine(n.Summary))
	blocks := []block{{Type: "section", Text: &t}}
	if els := contextElements(n); len(els) > 0 {
		blocks = append(blocks, block{Type: "context", Elements: els})
	}
	return blocks
}

// clearedLine is "✅ *Cleared* ~summary~": the summary struck through,
// unless it holds a "~" that would end the strike early.
func clearedLine(summary string) string {
	const head = clearedMark + " *Cleared* "
	one := headline(summary, maxSectionText)
	if strings.Contains(one, "~") {
		return head + escapeText(one, maxSectionText-unitsOf(head))
	}
	return head + "~" + escapeText(one, maxSectionText-unitsOf(head)-2) + "~"
}

// contextElements are the notification's other fields, one element each:
// priority, status, project, issue type, assignee, creator, contact, tags
// (at most Slack's 10 elements).
func contextElements(n *notifications.Notification) []textObject {
	var els []textObject
	add := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		head := "*" + label + ":* "
		els = append(els, md(head+escapeText(plainText(value, maxContextText), maxContextText-unitsOf(head))))
	}
	if n.Priority != "" {
		head := strings.TrimSpace(priorityEmoji[n.Priority] + " *Priority:* ")
		els = append(els, md(head+" "+escapeText(string(n.Priority), maxContextText)))
	}
	add("Status", n.Status)
	add("Project", n.Project)
	add("Type", n.IssueType)
	add("Assignee", n.Assignee)
	add("Creator", n.Creator)
	add("Contact", n.Contact)
	if len(n.Tags) > 0 {
		add("Tags", strings.Join(n.Tags, ", "))
	}
	return els
}

// fallbackText is a notification's top-level text, what notifications and
// screen readers show: the priority and the summary.
func fallbackText(n *notifications.Notification) string {
	head := ""
	if n.Priority != "" {
		head = strings.TrimSpace(priorityEmoji[n.Priority]+" ["+string(n.Priority)+"]") + " "
	}
	return head + escapeText(headline(n.Summary, maxFallbackText), maxFallbackText-unitsOf(head))
}

// clearedText is a cleared notification's top-level text.
func clearedText(n *notifications.Notification) string {
	const head = clearedMark + " Cleared: "
	return head + escapeText(headline(n.Summary, maxFallbackText), maxFallbackText-unitsOf(head))
}

// eventType is the metadata event type of the notifications this package
// sends; GetMessage refuses a message without it.
const eventType = "synqly_notification"

// payloadVersion is the version of the payload's layout.
const payloadVersion = 1

// metadata is Slack's message metadata: an event type and a free-form
// payload (Slack's "Using message metadata").
type metadata struct {
	EventType    string  `json:"event_type"`
	EventPayload payload `json:"event_payload"`
}

// payload is the notification, carried in its message's metadata so that
// GetMessage returns it as it was sent. Its values are strings and arrays
// of objects of strings, the types Slack's metadata payloads take.
type payload struct {
	Version            int                  `json:"version"`
	Summary            string               `json:"summary"`
	NotificationStatus notifications.Status `json:"notification_status"`
	Priority           ticketing.Priority   `json:"priority,omitempty"`
	Name               string               `json:"name,omitempty"`
	Project            string               `json:"project,omitempty"`
	Status             string               `json:"status,omitempty"`
	Description        string               `json:"description,omitempty"`
	IssueType          string               `json:"issue_type,omitempty"`
	Creator            string               `json:"creator,omitempty"`
	Assignee           string               `json:"assignee,omitempty"`
	Contact            string               `json:"contact,omitempty"`
	Tags               []tag                `json:"tags,omitempty"`
	// DescriptionClipped says Description was cut to
	// maxMetadataDescription bytes.
	DescriptionClipped bool `json:"description_clipped,omitempty"`
}

type tag struct {
	Name string `json:"name"`
}

// payloadOf returns the payload of a notification.
func payloadOf(n *notifications.Notification) payload {
	p := payload{Version: payloadVersion, Summary: n.Summary, NotificationStatus: n.NotificationStatus, Priority: n.Priority,
		Name: n.Name, Project: n.Project, Status: n.Status, Description: n.Description, IssueType: n.IssueType,
		Creator: n.Creator, Assignee: n.Assignee, Contact: n.Contact}
	if len(p.Description) > maxMetadataDescription {
		p.Description, p.DescriptionClipped = cutUTF8(p.Description, maxMetadataDescription), true
	}
	if len(n.Tags) > 0 {
		p.Tags = make([]tag, len(n.Tags))
		for i, t := range n.Tags {
			p.Tags[i] = tag{t}
		}
	}
	return p
}

// notification returns the notification a payload carries, with the id.
func (p *payload) notification(id string) *notifications.Notification {
	n := &notifications.Notification{ID: id, Name: p.Name, Summary: p.Summary, Priority: p.Priority,
		NotificationStatus: notifications.StatusOpen, Project: p.Project, Status: p.Status, Description: p.Description,
		IssueType: p.IssueType, Creator: p.Creator, Assignee: p.Assignee, Contact: p.Contact}
	if p.NotificationStatus == notifications.StatusClosed {
		n.NotificationStatus = notifications.StatusClosed
	}
	for _, t := range p.Tags {
		n.Tags = append(n.Tags, t.Name)
	}
	return n
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

// encodeJSON encodes v as JSON without HTML escaping (mrkdwn is full of
// &, < and >, which encoding/json would write as \u0026 and the like).
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(1024)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
