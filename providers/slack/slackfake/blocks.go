package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit limits the fake enforces, in characters.
const (
	maxBlocks          = 50
	maxHeaderText      = 150
	maxSectionText     = 3000
	maxContextElements = 10
	maxTextObject      = 3000
	maxBlockID         = 255
	maxMessageText     = 40000
)

// checkBlocks validates a message's blocks: code is "" for good blocks,
// else the Web API error (invalid_blocks_format, invalid_blocks) with
// Slack's explanations.
func checkBlocks(raw json.RawMessage) (code string, msgs []string) {
	var blocks []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return "invalid_blocks_format", []string{"the blocks must be a JSON array of objects"}
	}
	if len(blocks) > maxBlocks {
		return "invalid_blocks", []string{fmt.Sprintf("no more than %d items allowed [json-pointer:/blocks]", maxBlocks)}
	}
	for i, b := range blocks {
		at := fmt.Sprintf("/blocks/%d", i)
		if msg := checkBlock(at, b); msg != "" {
			return "invalid_blocks", []string{msg}
		}
	}
	return "", nil
}

func checkBlock(at string, b map[string]json.RawMessage) string {
	var typ string
	if json.Unmarshal(b["type"], &typ) != nil {
		return "missing required field: type [json-pointer:" + at + "]"
	}
	if id, ok := b["block_id"]; ok {
		var s string
		if json.Unmarshal(id, &s) != nil || utf8.RuneCountInString(s) > maxBlockID {
			return fmt.Sprintf("must be a string of at most %d characters [json-pointer:%s/block_id]", maxBlockID, at)
		}
	}
	switch typ {
	case "header":
		return checkText(at+"/text", b["text"], maxHeaderText, true)
	case "section":
		if _, ok := b["text"]; !ok {
			if _, ok := b["fields"]; ok {
				return ""
			}
			return "missing required field: text [json-pointer:" + at + "]"
		}
		return checkText(at+"/text", b["text"], maxSectionText, false)
	case "context":
		var els []json.RawMessage
		if json.Unmarshal(b["elements"], &els) != nil || len(els) == 0 {
			return "missing required field: elements [json-pointer:" + at + "]"
		}
		if len(els) > maxContextElements {
			return fmt.Sprintf("no more than %d items allowed [json-pointer:%s/elements]", maxContextElements, at)
		}
		for j, el := range els {
			if msg := checkText(fmt.Sprintf("%s/elements/%d", at, j), el, maxTextObject, false); msg != "" {
				return msg
			}
		}
		return ""
	case "divider":
		return ""
	}
	return "unsupported type: " + typ + " [json-pointer:" + at + "/type]"
}

// checkText validates a text object: plain_text (emoji allowed) or mrkdwn
// (verbatim allowed), 1 to max characters.
func checkText(at string, raw json.RawMessage, max int, plainOnly bool) string {
	var t map[string]json.RawMessage
	if json.Unmarshal(raw, &t) != nil {
		return "must be a text object [json-pointer:" + at + "]"
	}
	var typ, text string
	if json.Unmarshal(t["type"], &typ) != nil || (typ != "plain_text" && typ != "mrkdwn") || (plainOnly && typ != "plain_text") {
		return "must be a valid enum value [json-pointer:" + at + "/type]"
	}
	for k := range t {
		switch {
		case k == "type", k == "text":
		case k == "emoji" && typ == "plain_text", k == "verbatim" && typ == "mrkdwn":
		default:
			return "unknown field: " + k + " [json-pointer:" + at + "]"
		}
	}
	if json.Unmarshal(t["text"], &text) != nil || text == "" {
		return "must be more than 0 characters [json-pointer:" + at + "/text]"
	}
	if n := utf8.RuneCountInString(text); n > max {
		return fmt.Sprintf("must be less than %d characters [json-pointer:%s/text]", max+1, at)
	}
	return ""
}

// checkMetadata validates message metadata: an object with a non-empty
// event_type string and an event_payload object.
func checkMetadata(raw json.RawMessage) (*Metadata, bool) {
	var m Metadata
	if json.Unmarshal(raw, &m) != nil || m.EventType == "" || len(m.EventPayload) == 0 || m.EventPayload[0] != '{' {
		return nil, false
	}
	var payload map[string]any
	if json.Unmarshal(m.EventPayload, &payload) != nil {
		return nil, false
	}
	return &m, true
}
