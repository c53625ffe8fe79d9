package destination

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// refNULEscape is the plain way to find the escape \u0000 in valid JSON:
// a match not preceded by an odd number of backslashes.
func refNULEscape(raw []byte) bool {
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte(`\u0000`))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && raw[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		i = j + 1
	}
}

// checkScan compares scanJSON with encoding/json and utf8.
func checkScan(t *testing.T, data []byte) {
	t.Helper()
	ok, nul := scanJSON(data)
	want := json.Valid(data) && utf8.Valid(data)
	if ok != want {
		t.Fatalf("scanJSON(%q) = %v, json.Valid && utf8.Valid = %v", data, ok, want)
	}
	if ok && nul != refNULEscape(data) {
		t.Fatalf("scanJSON(%q) finds \\u0000 %v, want %v", data, nul, !nul)
	}
}

var jsonSeeds = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `truex`, `0`, `-0`, `01`, `-`, `1.`, `1.5`, `1e`, `1e+`, `1E-7`, `-12.5e10`, `.5`, `+1`,
	`""`, `"a"`, `"\""`, `"\\"`, `"\/\b\f\n\r\t"`, `"\u00e9"`, `"\u00G0"`, `"\x"`, `"a`, "\"\x01\"", "\"\xff\"", "\"\xc3\xa9\"", "\"\xed\xa0\x80\"",
	`"\u0000"`, `"\\u0000"`, `"\\\u0000"`, `{"k\u0000":1}`, `[]`, `{}`, `[ ]`, `{ }`, `[1,2]`, `[1,]`, `[,1]`, `[1 2]`, `{"a":1}`, `{"a" : 1 , "b":[true,{}]}`,
	`{"a"}`, `{"a":}`, `{"a":1,}`, `{1:2}`, `{"a":1}}`, `[[[]]]`, `[[[]]`, `]`, `}`, ` {"a":[1,{"b":null}]} `, "\t[\n1\r]", `[1]x`, `1 2`, "\xef\xbb\xbf1",
	`{"id":"T-1","tags":["a","b"],"n":-1.25e-3,"o":{"x":[null,false]}}`,
}

func TestScanJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonSeeds {
		checkScan(t, []byte(s))
	}
	// Mutations of the seeds: a byte replaced, dropped or doubled.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("{}[],:\"\\ u0e1-.+Eatrufls\x00\x1f\x80\xc3\xa9\xff")
	for range 200_000 {
		b := []byte(jsonSeeds[rng.IntN(len(jsonSeeds))])
		for range 1 + rng.IntN(3) {
			if len(b) == 0 {
				b = append(b, alphabet[rng.IntN(len(alphabet))])
				continue
			}
			k := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[k] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = append(b[:k], b[k+1:]...)
			default:
				b = append(b[:k+1], b[k:]...)
			}
		}
		checkScan(t, b)
	}
	// Nesting: encoding/json's limit, exactly.
	for _, depth := range []int{maxJSONDepth, maxJSONDepth + 1} {
		checkScan(t, []byte(strings.Repeat("[", depth)+strings.Repeat("]", depth)))
		checkScan(t, []byte(strings.Repeat(`{"a":`, depth)+"1"+strings.Repeat("}", depth)))
	}
	ok, _ := scanJSON([]byte(strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)))
	assert.True(t, ok)
}

func FuzzScanJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkScan(t, data) })
}

func BenchmarkScanJSON(b *testing.B) {
	raw := benchData()[0].Raw
	b.Run("scanJSON", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			scanJSON(raw)
		}
	})
	b.Run("json.Valid+utf8.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			_ = json.Valid(raw) && utf8.Valid(raw)
		}
	})
}
