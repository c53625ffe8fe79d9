package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/storetest"
)

// The benchmarks are store/storetest's, shared with store/postgres. The
// data set is built once and cached in os.TempDir, keyed by its size, the
// schema and benchGenVersion.
const benchGenVersion = 1

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchData returns the path of the cached data set, building it if needed.
func benchData(b *testing.B) string {
	n := storetest.BenchN(b)
	benchOnce.Do(func() {
		h := sha256.New()
		for _, m := range migrations {
			h.Write([]byte(m.SQL))
		}
		key := fmt.Sprintf("synqly-bench-%d-v%d-%s.db", n, benchGenVersion, hex.EncodeToString(h.Sum(nil))[:12])
		benchPath = filepath.Join(os.TempDir(), key)
		if _, err := os.Stat(benchPath); err == nil {
			return
		}
		benchErr = buildBenchData(benchPath, n)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// buildBenchData writes the data set through the store, in one transaction,
// to a temporary file that it then renames to path.
func buildBenchData(path string, n int) error {
	ctx := context.Background()
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	s, err := Open(ctx, tmp)
	if err != nil {
		return err
	}
	// A page cache that holds the whole data set: nothing spills before
	// the commit.
	if _, err := s.write.ExecContext(ctx, "PRAGMA cache_size = -524288"); err != nil {
		return err
	}
	err = s.Update(ctx, func(tx store.Tx) error { return storetest.WriteBenchData(ctx, tx, n) })
	if err == nil {
		_, err = s.write.ExecContext(ctx, "ANALYZE")
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func openStore(b *testing.B, path string) *Store {
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

var target = storetest.BenchTarget{
	Dialect: filter.SQLite,
	Fixture: func(b *testing.B) (store.Store, *sql.DB) {
		s := openStore(b, benchData(b))
		return s, s.DB()
	},
	Empty: func(b *testing.B) (store.Store, *sql.DB) {
		s := openStore(b, filepath.Join(b.TempDir(), "insert.db"))
		return s, s.write
	},
}

func BenchmarkList(b *testing.B)            { storetest.BenchList(b, target) }
func BenchmarkListHandWritten(b *testing.B) { storetest.BenchListHandWritten(b, target) }
func BenchmarkKeysetPage1(b *testing.B)     { storetest.BenchKeysetPage(b, target, 1) }
func BenchmarkKeysetPage1000(b *testing.B)  { storetest.BenchKeysetPage(b, target, 1000) }

// BenchmarkKeysetPage10000 is the last page of a 1,000,000-row data set
// (SYNQLY_BENCH_N=1000000), or the last page of a smaller one.
func BenchmarkKeysetPage10000(b *testing.B) { storetest.BenchKeysetPage(b, target, 10000) }
func BenchmarkInsert(b *testing.B)          { storetest.BenchInsert(b, target) }
func BenchmarkInsertRaw(b *testing.B)       { storetest.BenchInsertRaw(b, target) }
