package jirafake

import "strings"

// textADF turns plain text into an ADF document: one paragraph per block
// of lines separated by a blank line, lines joined by hard breaks. "" gives
// nil (no description).
func textADF(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var blocks []any
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		var content []any
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				content = append(content, map[string]any{"type": "hardBreak"})
			}
			if line != "" {
				content = append(content, map[string]any{"type": "text", "text": line})
			}
		}
		blocks = append(blocks, map[string]any{"type": "paragraph", "content": content})
	}
	return map[string]any{"type": "doc", "version": 1, "content": blocks}
}

// isADFDoc reports whether v (decoded JSON) is an ADF document: an object
// of type "doc", version 1, with a content array of typed nodes whose text
// nodes have non-empty text.
func isADFDoc(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || m["type"] != "doc" {
		return false
	}
	if ver, ok := numberOf(m["version"]); !ok || ver != 1 {
		return false
	}
	content, ok := m["content"].([]any)
	if !ok {
		return false
	}
	var valid func(nodes []any, depth int) bool
	valid = func(nodes []any, depth int) bool {
		if depth > 100 {
			return false
		}
		for _, n := range nodes {
			node, ok := n.(map[string]any)
			if !ok {
				return false
			}
			typ, _ := node["type"].(string)
			if typ == "" || typ == "doc" {
				return false
			}
			if typ == "text" {
				if t, _ := node["text"].(string); t == "" {
					return false
				}
			}
			if c, ok := node["content"]; ok {
				children, ok := c.([]any)
				if !ok || !valid(children, depth+1) {
					return false
				}
			}
		}
		return true
	}
	return valid(content, 0)
}

// adfText returns the text of an ADF document (decoded JSON), blocks
// separated by newlines.
func adfText(v any) string {
	var b strings.Builder
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 100 {
			return
		}
		switch n := v.(type) {
		case map[string]any:
			if t, ok := n["text"].(string); ok {
				b.WriteString(t)
			}
			if n["type"] == "hardBreak" {
				b.WriteByte('\n')
			}
			if attrs, ok := n["attrs"].(map[string]any); ok && n["type"] != "text" {
				if t, ok := attrs["text"].(string); ok {
					b.WriteString(t)
				}
			}
			walk(n["content"], depth+1)
			if n["type"] != "text" && n["type"] != "hardBreak" {
				b.WriteByte('\n')
			}
		case []any:
			for _, c := range n {
				walk(c, depth+1)
			}
		}
	}
	walk(v, 0)
	return b.String()
}
