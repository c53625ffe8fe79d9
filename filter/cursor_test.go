package filter

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

func TestCursorRoundTrip(t *testing.T) {
	b := bind(t, testFS(), Params{Order: []string{"created_at[desc]", "score", "enabled", "name"}})
	cursors := []Cursor{
		{int64(math.MaxInt64), 1.5, true, "a", "id"},
		{int64(math.MinInt64), -0.1, false, "", ""},
		{int64(1<<62 + 1), 1e300, true, "é \"quoted\" ☃ \\ '", "x"},
		{int64(1724445701398051001), float64(1<<53 + 1), false, strings.Repeat("z", 1000), "y"},
		{int64(-1), math.Inf(1), true, "a", "b"},
		{int64(0), math.Inf(-1), true, "a", "b"},
		{int64(0), math.SmallestNonzeroFloat64, true, "a", "b"},
	}
	for _, c := range cursors {
		tok := b.Encode(c)
		assert.True(t, strings.HasPrefix(tok, "c1."), tok)
		assert.NotContains(t, tok, "=")
		got, ok, err := b.DecodeCursor(tok)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, c, got)
	}

	// Encode normalizes what it can.
	when := time.Date(2024, 8, 23, 20, 41, 41, 398051001, time.UTC)
	got, _, err := b.DecodeCursor(b.Encode(Cursor{when, 3, int64(1), []byte("n"), "i"}))
	require.NoError(t, err)
	assert.Equal(t, Cursor{when.UnixNano(), 3.0, true, "n", "i"}, got)
}

func TestDecodeCursorErrors(t *testing.T) {
	fs := testFS()
	b := bind(t, fs, Params{Order: []string{"created_at", "name"}})

	// Not a cursor: a name.
	c, ok, err := b.DecodeCursor("splunk_cred")
	assert.Nil(t, c)
	assert.False(t, ok)
	require.NoError(t, err)
	_, ok, err = b.DecodeCursor("")
	assert.False(t, ok)
	require.NoError(t, err)

	enc := func(s string) string { return "c1." + base64.RawURLEncoding.EncodeToString([]byte(s)) }
	malformed := []string{
		"c1.",
		"c1.!!!",
		"c1.' OR 1=1 --",
		"c1." + base64.URLEncoding.EncodeToString([]byte(`{"k":"created_at,name,id","v":[1,"a","bb"]}`)), // padded
		enc(`{"k":"created_at,name,id","v":[1,"a","b"]} x`),
		enc(`{"k":"created_at,name,id","v":[1,"a","b"]}{}`),
		enc(`{"k":"created_at,name,id","v":[1,"a","b"],"x":1}`),
		enc(`[1,"a","b"]`),
		enc(`null x`),
	}
	for _, s := range malformed {
		_, ok, err := b.DecodeCursor(s)
		assert.True(t, ok, s)
		requireInvalid(t, err, "start_after", "not a valid cursor")
	}
	mismatched := []string{
		enc(`{"k":"created_at,name,id","v":[1,"a"]}`),
		enc(`{"k":"created_at,name,id","v":[1,"a","b","c"]}`),
		enc(`{"k":"created_at,name,id","v":[1.5,"a","b"]}`),
		enc(`{"k":"created_at,name,id","v":[1e3,"a","b"]}`),
		enc(`{"k":"created_at,name,id","v":["1","a","b"]}`),
		enc(`{"k":"created_at,name,id","v":[99999999999999999999999999999999,"a","b"]}`), // seconds beyond int64
		enc(`{"k":"created_at,name,id","v":[1e30,"a","b"]}`),
		enc(`{"k":"created_at,name,id","v":[1,2,"b"]}`),
		enc(`{"k":"created_at,name,id","v":[1,"a",null]}`),
		enc(`{"k":"created_at,name,id"}`),
		enc(`{}`),
		enc(`null`),
		// A cursor of another order, even with fitting values.
		bind(t, fs, Params{Order: []string{"created_at", "fullname"}}).Encode(Cursor{int64(1), "a", "b"}),
		bind(t, fs, Params{Order: []string{"created_at[desc]", "name"}}).Encode(Cursor{int64(1), "a", "b"}),
		b.Encode(Cursor{int64(1), "a"}),
		b.Encode(Cursor{"x", "a", "b"}),
	}
	for _, s := range mismatched {
		_, ok, err := b.DecodeCursor(s)
		assert.True(t, ok, s)
		requireInvalid(t, err, "start_after", "start_after cursor does not match this query's order; start again from the first page")
	}

	nb := bind(t, fs, Params{Order: []string{"score", "enabled"}})
	for _, s := range []string{
		enc(`{"k":"score,enabled,id","v":["NaN",true,"x"]}`),
		enc(`{"k":"score,enabled,id","v":[1,1,"x"]}`),
		nb.Encode(Cursor{math.NaN(), true, "x"}),
	} {
		_, _, err := nb.DecodeCursor(s)
		requireInvalid(t, err, "start_after", "does not match")
	}
}

func TestCursorFromRow(t *testing.T) {
	b := bind(t, testFS(), Params{Order: []string{"created_at", "score", "enabled", "fullname"}})
	when := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	c, err := b.CursorFromRow([]any{when, int64(3), int64(1), []byte("full"), "id"})
	require.NoError(t, err)
	assert.Equal(t, Cursor{when.UnixNano(), 3.0, true, "full", "id"}, c)

	c, err = b.CursorFromRow([]any{int64(-1), -1.0, false, "", "id"})
	require.NoError(t, err)
	assert.Equal(t, Cursor{int64(-1), -1.0, false, "", "id"}, c)

	for _, row := range [][]any{
		{when, 3.0, true, "a"},
		{when, 3.0, true, "a", "id", "extra"},
		{nil, 3.0, true, "a", "id"},
		{when, "x", true, "a", "id"},
		{when, 3.0, true, 5, "id"},
		{when, 3.0, []byte("?"), "a", "id"},
	} {
		_, err := b.CursorFromRow(row)
		require.ErrorIs(t, err, errs.ErrInternal, "%v", row)
	}
}
