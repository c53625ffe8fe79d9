package filter

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLikeMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything at all", true},
		{"**", "x", true},
		{"a*", "abc", true},
		{"a*", "ABC", true},
		{"A*", "abc", true},
		{"a*", "bac", false},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abxc", true},
		{"a*c", "abcd", false},
		{"*a*a*", "banana", true},
		{"*a*a*a*a*", "banana", false},
		{"%", "", false},
		{"%", "a", true},
		{"%", "é", true},
		{"%", "☃", true},
		{"%", "ab", false},
		{"a%c", "abc", true},
		{"a%c", "ac", false},
		{"%%", "éé", true},
		{"*%", "", false},
		{"*%", "x", true},
		{"a_b", "a_b", true},
		{"a_b", "axb", false},
		{`a\b`, `a\b`, true},
		{`a\b`, `A\B`, true},
		{`a\b`, "ab", false},
		{"é", "É", false},
		{"é", "é", true},
		{"splunk*", "Splunk_cred", true},
		{"test-account-*", "test-account-42", true},
		{"test-account-*", "test-acount-42", false},
		{"'", "'", true},
		{"＇", "'", false},
		{"[", "[", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, likeMatch(tt.pattern, tt.s), "%q like %q", tt.s, tt.pattern)
	}
}

func TestMatch(t *testing.T) {
	fs := testFS()
	t0 := time.Date(2024, 8, 23, 20, 41, 41, 398051000, time.UTC)
	rec := Map{
		"id":         "i1",
		"name":       "Splunk_cred",
		"created_at": t0,
		"updated_at": t0.Format(time.RFC3339Nano), // a time as text
		"score":      int32(3),
		"enabled":    false,
		"status":     "open",
		"fullname":   nil,
		"account":    map[string]any{"name": "Acme"},
	}
	tests := []struct {
		filter string
		want   bool
	}{
		{"name[eq]Splunk_cred", true},
		{"name[eq]splunk_cred", false}, // eq is case-sensitive
		{"name[ne]x", true},
		{"name[like]splunk*", true},
		{"name[like]splunk%cred", true},
		{"name[like]splunk%%cred", false},
		{"name[not like]splunk*", false},
		{"name[gt]S", true},
		{"name[gt]s", false}, // bytewise: 'S' < 's'
		{"name[lte]Splunk_cred", true},
		{"name[in]a,Splunk_cred", true},
		{"name[not in]a,Splunk_cred", false},
		{"created_at[eq]2024-08-23T22:41:41.398051+02:00", true},
		{"created_at[gt]2024-08-23T20:41:41.398050Z", true},
		{"created_at[gt]2024-08-23T20:41:41.398051Z", false},
		{"created_at[gte]2024-08-23T20:41:41.398051Z", true},
		{"updated_at[eq]2024-08-23T20:41:41.398051Z", true},
		{"score[eq]3", true},
		{"score[eq]3.0", true},
		{"score[gt]2.5", true},
		{"score[lt]-1", false},
		{"score[in]1,2,3", true},
		{"enabled[eq]false", true},
		{"enabled[ne]true", true},
		{"status[in]open,closed", true},
		{"status[not in]open", false},
		{"account.name[eq]Acme", true},
		{"accounts.name[like]ac*", true},
		// fullname is nullable and absent: only the negative operators hold.
		{"fullname[eq]x", false},
		{"fullname[gt]", false},
		{"fullname[like]*", false},
		{"fullname[in]x", false},
		{"fullname[ne]x", true},
		{"fullname[not in]x", true},
		{"fullname[not like]*", true},
		// integration_point is a relation: its absent fields are nullable.
		{"integration_point.name[ne]x", true},
		{"integration_point.name[eq]x", false},
	}
	for _, tt := range tests {
		b := bind(t, fs, Params{Filter: []string{tt.filter}})
		assert.Equal(t, tt.want, b.Match(rec), tt.filter)
	}
	// Filters are ANDed.
	assert.True(t, bind(t, fs, Params{Filter: []string{"name[like]s*", "score[gte]3"}}).Match(rec))
	assert.False(t, bind(t, fs, Params{Filter: []string{"name[like]s*", "score[gt]3"}}).Match(rec))
	assert.True(t, bind(t, fs, Params{}).Match(Map{}))
}

func TestMatchNullNotNullable(t *testing.T) {
	// An absent value of a field that is not nullable is NULL in a NOT NULL
	// column: as in SQL, no condition holds, not even ne.
	b := bind(t, testFS(), Params{Filter: []string{"name[ne]x"}})
	assert.False(t, b.Match(Map{}))
	assert.False(t, b.Match(Map{"name": nil}))
	assert.False(t, b.Match(Map{"name": 42})) // does not fit: absent
	assert.True(t, b.Match(Map{"name": "y"}))
}

func TestMatchLists(t *testing.T) {
	fs := &FieldSet{Fields: []Field{
		{Name: "labels", Type: String, Nullable: true},
		{Name: "when", Type: Time, Nullable: true},
		{Name: "n", Type: Number, Nullable: true},
	}}
	rec := Map{
		"labels": []string{"prod", "Team-A"},
		"when":   []any{"2024-01-01T00:00:00Z", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "garbage"},
		"n":      []any{json.Number("1.5"), "7", uint64(9)},
	}
	empty := Map{"labels": []string{}, "when": []any{"garbage"}, "n": []any{}}
	tests := []struct {
		filter     string
		want, none bool // on rec, on empty
	}{
		{"labels[eq]prod", true, false},
		{"labels[eq]Team-A", true, false},
		{"labels[eq]dev", false, false},
		{"labels[ne]prod", false, true},
		{"labels[ne]dev", true, true},
		{"labels[like]team-*", true, false},
		{"labels[not like]team-*", false, true},
		{"labels[not like]dev*", true, true},
		{"labels[in]dev,prod", true, false},
		{"labels[not in]dev,prod", false, true},
		{"labels[not in]dev,qa", true, true},
		{"labels[gt]q", false, false},
		{"labels[gt]p", true, false},
		{"when[gt]2024-06-01T00:00:00Z", true, false},
		{"when[lt]2024-06-01T00:00:00Z", true, false},
		{"when[gt]2026-01-01T00:00:00Z", false, false},
		{"when[ne]2024-01-01T00:00:00Z", false, true},
		{"n[eq]7", true, false},
		{"n[gte]9", true, false},
		{"n[lt]1", false, false},
		{"n[not in]1.5,2", false, true},
	}
	for _, tt := range tests {
		b := bind(t, fs, Params{Filter: []string{tt.filter}})
		assert.Equal(t, tt.want, b.Match(rec), tt.filter)
		assert.Equal(t, tt.none, b.Match(empty), "%s on empty lists", tt.filter)
	}
}

func TestMapField(t *testing.T) {
	m := Map{
		"a":       1,
		"a.b":     "dotted key",
		"account": Map{"name": "Acme", "owner": map[string]any{"email": "x@y"}},
		"nil":     nil,
		"scalar":  "s",
	}
	get := func(name string) any {
		v, ok := m.Field(name)
		if !ok {
			return "<absent>"
		}
		return v
	}
	assert.Equal(t, 1, get("a"))
	assert.Equal(t, "dotted key", get("a.b"))
	assert.Equal(t, "Acme", get("account.name"))
	assert.Equal(t, "x@y", get("account.owner.email"))
	assert.Equal(t, "<absent>", get("account.nope"))
	assert.Equal(t, "<absent>", get("nil"))
	assert.Equal(t, "<absent>", get("scalar.x"))
	assert.Equal(t, "<absent>", get("missing.x"))
	assert.Equal(t, "<absent>", get("missing"))
}

func TestCompareAndSort(t *testing.T) {
	fs := testFS()
	recs := []Map{
		{"id": "3", "name": "b", "score": 2.0},
		{"id": "1", "name": "a"},
		{"id": "2", "name": "a", "score": -1},
		{"id": "4", "name": "B", "score": 5},
		{"id": "5", "name": "a", "score": 0.5},
	}
	ids := func(rs []Map) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r["id"].(string))
		}
		return out
	}

	b := bind(t, fs, Params{Order: []string{"name", "score[desc]"}})
	Sort(b, recs)
	// "B" < "a" bytewise; an absent score sorts as -1, equal to "2"'s, and
	// the tiebreak id decides, in the direction of the last term (desc).
	assert.Equal(t, []string{"4", "5", "2", "1", "3"}, ids(recs))
	assert.Equal(t, 0, b.Compare(recs[0], recs[0]))
	assert.Negative(t, b.Compare(recs[0], recs[1]))
	assert.Positive(t, b.Compare(recs[1], recs[0]))
	assert.Equal(t, Cursor{"a", -1.0, "2"}, b.CursorOf(recs[2]))

	after, err := b.After(recs[3], b.CursorOf(recs[2]))
	require.NoError(t, err)
	assert.True(t, after)
	after, err = b.After(recs[2], b.CursorOf(recs[2]))
	require.NoError(t, err)
	assert.False(t, after)
	after, err = b.After(recs[1], b.CursorOf(recs[2]))
	require.NoError(t, err)
	assert.False(t, after)
	_, err = b.After(recs[1], Cursor{"a"})
	requireInvalid(t, err, "start_after")

	b = bind(t, fs, Params{Order: []string{"id[desc]"}})
	Sort(b, recs)
	assert.Equal(t, []string{"5", "4", "3", "2", "1"}, ids(recs))

	// A Record that is not a Map sorts too.
	rs := []Record{Map{"id": "b"}, Map{"id": "a"}}
	Sort(bind(t, fs, Params{Order: []string{"id"}}), rs)
	assert.Equal(t, Map{"id": "a"}, rs[0])
}

func TestMatchTimesOutsideTheSQLRange(t *testing.T) {
	// In memory, every time compares: connector records may hold times far
	// from today, and filters may name them.
	fs := testFS()
	y9000 := time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
	y1000 := time.Date(1000, 1, 1, 0, 0, 0, 0, time.FixedZone("", -3600))
	recs := []Map{
		{"id": "far", "name": "a", "created_at": y9000, "updated_at": "9000-01-01T00:00:00.5Z"},
		{"id": "old", "name": "b", "created_at": y1000, "updated_at": y1000},
		{"id": "now", "name": "c", "created_at": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{"created_at[gt]8999-12-31T23:59:59.999999999Z", []string{"far"}},
		{"created_at[eq]9000-01-01T01:00:00+01:00", []string{"far"}},
		{"created_at[lt]1000-01-01T01:00:00.000000001Z", []string{"old"}},
		{"created_at[lte]1000-01-01T01:00:00Z", []string{"old"}},
		{"created_at[ne]1000-01-01T01:00:00Z", []string{"far", "now"}},
		{"created_at[in]0000-01-01T00:00:00Z,9000-01-01T00:00:00Z", []string{"far"}},
		{"created_at[not in]9000-01-01T00:00:00Z", []string{"old", "now"}},
		{"created_at[gte]0000-01-01T00:00:00Z", []string{"far", "old", "now"}},
		{"created_at[lt]9999-12-31T23:59:59Z", []string{"far", "old", "now"}},
		{"updated_at[gt]9000-01-01T00:00:00Z", []string{"far"}},
		{"updated_at[ne]9000-01-01T00:00:00.5Z", []string{"old", "now"}}, // now: absent, nullable
	} {
		b := bind(t, fs, Params{Filter: []string{tt.filter}})
		var got []string
		for _, r := range recs {
			if b.Match(r) {
				got = append(got, r["id"].(string))
			}
		}
		assert.Equal(t, tt.want, got, tt.filter)
	}

	// Sorting and paging through cursors, as the mock connector does.
	b := bind(t, fs, Params{Order: []string{"created_at[desc]"}})
	sorted := []Map{recs[1], recs[2], recs[0]}
	Sort(b, sorted)
	assert.Equal(t, []string{"far", "now", "old"}, []string{sorted[0]["id"].(string), sorted[1]["id"].(string), sorted[2]["id"].(string)})
	for i, r := range sorted {
		c := b.CursorOf(r)
		got, ok, err := b.DecodeCursor(b.Encode(c))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, c, got)
		for j, other := range sorted {
			after, err := b.After(other, got)
			require.NoError(t, err)
			assert.Equal(t, j > i, after, "%s after %s", other["id"], r["id"])
		}
	}
	assert.Equal(t, y9000, b.CursorOf(recs[0])[0])
	assert.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano(), b.CursorOf(recs[2])[0])
}
