package sqlstore

import (
	"strconv"
	"unicode/utf8"
)

// quoteMax is how many bytes of an id or name an error message quotes.
const quoteMax = 64

// quote quotes s for an error message, cut at quoteMax bytes.
func quote(s string) string {
	if len(s) <= quoteMax {
		return strconv.Quote(s)
	}
	n := quoteMax
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "..."
}
