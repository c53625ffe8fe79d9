package filter

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var benchParams = Params{
	Filter: []string{"name[like]splunk*", "created_at[gt]2024-08-23T20:41:41.398051Z", "status[in]open,pending"},
	Order:  []string{"created_at[desc]", "name"},
	Limit:  50,
	Expand: []string{"accounts"},
}

func BenchmarkParseBind(b *testing.B) {
	fs := testFS()
	b.ReportAllocs()
	for b.Loop() {
		q, err := Parse(benchParams)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := q.Bind(fs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSQL(b *testing.B) {
	bound := bind(b, testFS(), benchParams)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bound.SQL(Postgres, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeysetSQL(b *testing.B) {
	bound := bind(b, testFS(), benchParams)
	c := Cursor{int64(1724445701398051000), "splunk_cred", "id-1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := bound.KeysetSQL(Postgres, c, 5); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCursor(b *testing.B) {
	bound := bind(b, testFS(), benchParams)
	c := Cursor{int64(1724445701398051000), "splunk_cred", "id-1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := bound.DecodeCursor(bound.Encode(c)); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRecords are 1000 records, a third of which match benchParams.
func benchRecords() []Map {
	base := time.Date(2024, 8, 23, 0, 0, 0, 0, time.UTC)
	recs := make([]Map, 1000)
	for i := range recs {
		name := fmt.Sprintf("other_%d", i)
		if i%3 == 0 {
			name = fmt.Sprintf("Splunk_cred_%d", i)
		}
		recs[i] = Map{
			"id":         fmt.Sprint(i),
			"name":       name,
			"created_at": base.Add(time.Duration(i) * time.Minute),
			"status":     []string{"open", "pending", "closed"}[i%3],
			"account":    Map{"name": "Acme"},
		}
	}
	return recs
}

func BenchmarkMatch(b *testing.B) {
	bound := bind(b, testFS(), benchParams)
	recs := benchRecords()
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			bound.Match(r)
		}
	}
}

// BenchmarkMatchHandWritten is the baseline of BenchmarkMatch: the same
// filters written as Go code over the same records.
func BenchmarkMatchHandWritten(b *testing.B) {
	recs := benchRecords()
	after := time.Date(2024, 8, 23, 20, 41, 41, 398051000, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			name, _ := r["name"].(string)
			created, _ := r["created_at"].(time.Time)
			status, _ := r["status"].(string)
			_ = len(name) >= 6 && strings.EqualFold(name[:6], "splunk") && created.After(after) && (status == "open" || status == "pending")
		}
	}
}

func BenchmarkSort(b *testing.B) {
	bound := bind(b, testFS(), benchParams)
	recs := benchRecords()
	work := make([]Map, len(recs))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, recs)
		Sort(bound, work)
	}
}
