package filter

import (
	"fmt"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
)

// quoteMax is how many bytes of a user's input an error message quotes.
const quoteMax = 64

// invalid returns an invalid-query error naming the bad part of the query.
func invalid(part, format string, args ...any) *errs.Error {
	return &errs.Error{Code: errs.InvalidQuery, Field: part, Message: fmt.Sprintf(format, args...)}
}

// internal returns an error for a mistake of the program (a bad FieldSet or a
// store handing back values that do not fit), never of the user.
func internal(format string, args ...any) *errs.Error {
	return errs.New(errs.Internal, "filter: "+format, args...)
}

// quote quotes s for an error message, cut to quoteMax bytes at a rune
// boundary so a hostile input cannot make the message large.
func quote(s string) string {
	if len(s) <= quoteMax {
		return fmt.Sprintf("%q", s)
	}
	n := quoteMax
	for n > quoteMax-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%q...", s[:n])
}
