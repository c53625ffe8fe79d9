package pagerduty

import "testing"

func TestNoteTitleEncoding(t *testing.T) {
	for _, tc := range []struct{ title, content, encoded, wantTitle, wantContent string }{
		{"Triage", "Likely a false positive.", "**Triage**\n\nLikely a false positive.", "Triage", "Likely a false positive."},
		{"", "No title.", "No title.", "", "No title."},
		{"  two\nlines  ", "x", "**two lines**\n\nx", "two lines", "x"},
		{"a**b", "x", "**a**b**\n\nx", "a**b", "x"},
		{"Description", "", "**Description**\n\n", "Description", ""},
	} {
		enc := encodeNote(tc.title, tc.content)
		if enc != tc.encoded {
			t.Errorf("encodeNote(%q, %q) = %q, want %q", tc.title, tc.content, enc, tc.encoded)
		}
		if title, content := decodeNote(enc); title != tc.wantTitle || content != tc.wantContent {
			t.Errorf("decodeNote(%q) = %q, %q; want %q, %q", enc, title, content, tc.wantTitle, tc.wantContent)
		}
	}
	// Content that merely looks bold is left alone unless it has the title
	// line's exact shape.
	for _, s := range []string{"**bold** text\n\nmore", "**x**\nno blank line", "****\n\nempty", "** spaced **\n\nx", "**"} {
		if title, content := decodeNote(s); title != "" || content != s {
			t.Errorf("decodeNote(%q) = %q, %q; want no title", s, title, content)
		}
	}
}

func FuzzDecodeNote(f *testing.F) {
	f.Add("**t**\n\nc")
	f.Add("")
	f.Add("**\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		title, content := decodeNote(s)
		if title == "" {
			if content != s {
				t.Fatalf("decodeNote(%q) changed untitled content to %q", s, content)
			}
			return
		}
		if again := encodeNote(title, content); again != s {
			t.Fatalf("decodeNote(%q) = %q, %q, which encodes to %q", s, title, content, again)
		}
	})
}
