package filter

import (
	"strings"
	"unicode/utf8"
)

// The like wildcards of the query language (seed 002): '*' matches any run of
// characters, '%' exactly one character. There is no escape: every other
// character, '_' and '\' included, matches itself.
const (
	wildAny = '*'
	wildOne = '%'
)

// likeSQL translates a like pattern of the query language to an SQL LIKE
// pattern with '\' as its ESCAPE character.
func likeSQL(p string) string {
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := range len(p) {
		switch c := p[i]; c {
		case wildAny:
			b.WriteByte('%')
		case wildOne:
			b.WriteByte('_')
		case '_', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// likeMatch reports whether s matches the like pattern p as SQLite's LIKE
// does for likeSQL(p): the whole of s, ASCII letters case-insensitively (and
// no other letters), '%' standing for exactly one character (rune).
//
// It is the usual greedy matcher that backtracks only to the last '*', so it
// runs in O(len(s)·len(p)) time and allocates nothing.
func likeMatch(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case wildAny:
				starP, starS = pi, si
				pi++
				continue
			case wildOne:
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			default:
				pr, pn := utf8.DecodeRuneInString(p[pi:])
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if foldASCII(pr) == foldASCII(sr) && (pr != utf8.RuneError || p[pi:pi+pn] == s[si:si+sn]) {
					pi += pn
					si += sn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last '*' swallow one more character and retry.
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == wildAny {
		pi++
	}
	return pi == len(p)
}

// foldASCII lower-cases ASCII letters only, as SQLite's LIKE does.
func foldASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
