package bench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/store/postgres"
	"github.com/seed-e6251c81/synqly/store/postgres/pgtest"
)

var soakKey = []byte("soak-soak-soak-soak-soak-soak-32")

// openSQLite opens a client on a fresh SQLite file.
func openSQLite(tb testing.TB) *synqly.Client {
	c, err := synqly.Open(context.Background(), synqly.WithDatabasePath(filepath.Join(tb.TempDir(), "soak.db")),
		synqly.WithSecretKey(soakKey), synqly.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// openPostgres opens a client on a fresh schema of $SYNQLY_POSTGRES_DSN, or
// skips.
func openPostgres(tb testing.TB) *synqly.Client {
	s, err := postgres.Open(context.Background(), pgtest.FreshSchema(tb, "soak"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	c, err := synqly.Open(context.Background(), synqly.WithStore(s), synqly.WithSecretKey(soakKey),
		synqly.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// TestSoakShort is a short soak on SQLite that checks consistency: what the
// store holds equals what the acknowledged operations imply, and no list
// leaks across accounts.
func TestSoakShort(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *synqly.Client{"sqlite": openSQLite, "postgres": openPostgres} {
		t.Run(name, func(t *testing.T) {
			c := open(t)
			r, err := Soak(context.Background(), c, SoakConfig{Goroutines: 8, Accounts: 50, Duration: time.Second, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if r.Ops == 0 || r.ByKind["create"] == 0 || r.ByKind["list"] == 0 {
				t.Fatalf("the soak did too little: %v", r)
			}
			t.Log(r)
		})
	}
}

func soakDuration() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("SYNQLY_SOAK_DURATION")); err == nil && d > 0 {
		return d
	}
	return 3 * time.Second
}

func benchSoak(b *testing.B, open func(testing.TB) *synqly.Client, goroutines int) {
	for b.Loop() {
		c := open(b)
		r, err := Soak(context.Background(), c, SoakConfig{Goroutines: goroutines, Accounts: 1000, Duration: soakDuration(), Seed: uint64(goroutines)})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Throughput, "ops/s")
		b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
		b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
		b.ReportMetric(float64(r.Conflicts), "conflicts")
	}
}

// BenchmarkSoakPostgres runs the soak with 1, 8 and 32 goroutines on
// PostgreSQL ($SYNQLY_POSTGRES_DSN; skipped without it).
func BenchmarkSoakPostgres(b *testing.B) {
	for _, g := range []int{1, 8, 32} {
		b.Run(strconv.Itoa(g), func(b *testing.B) { benchSoak(b, openPostgres, g) })
	}
}

// BenchmarkSoakSQLite runs the soak with 1, 8 and 32 goroutines on SQLite
// (SYNQLY_SOAK_DURATION per run, default 3s).
func BenchmarkSoakSQLite(b *testing.B) {
	for _, g := range []int{1, 8, 32} {
		b.Run(strconv.Itoa(g), func(b *testing.B) { benchSoak(b, openSQLite, g) })
	}
}
