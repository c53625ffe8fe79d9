package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/storetest"
)

// The benchmarks are store/storetest's, shared with store/sqlite. The data
// set is built once in a schema of the database SYNQLY_POSTGRES_DSN names,
// and kept there for later runs; the schema's name holds the size, the
// migrations' hash and benchGenVersion.
const benchGenVersion = 1

var (
	benchOnce sync.Once
	benchDSN  string
	benchErr  error
)

// benchData returns the DSN of the data set's schema, building it if needed.
func benchData(b *testing.B) string {
	base := baseDSN(b)
	n := storetest.BenchN(b)
	benchOnce.Do(func() {
		h := sha256.New()
		for _, m := range migrations {
			h.Write([]byte(m.SQL))
		}
		schema := fmt.Sprintf("synqly_bench_%d_v%d_%s", n, benchGenVersion, hex.EncodeToString(h.Sum(nil))[:12])
		benchDSN = withSearchPath(base, schema)
		db, err := sql.Open("pgx", base)
		if err != nil {
			benchErr = err
			return
		}
		defer db.Close()
		var exists bool
		err = db.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists)
		if err != nil || exists {
			benchErr = err
			return
		}
		benchErr = buildBenchData(db, base, schema, n)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDSN
}

// buildBenchData writes the data set through the store, in one
// transaction, into a temporary schema that it then renames to schema.
func buildBenchData(db *sql.DB, base, schema string, n int) error {
	ctx := context.Background()
	tmp := fmt.Sprintf("%s_tmp%d", schema, os.Getpid())
	if _, err := db.Exec("DROP SCHEMA IF EXISTS " + tmp + " CASCADE; CREATE SCHEMA " + tmp); err != nil {
		return err
	}
	s, err := Open(ctx, withSearchPath(base, tmp))
	if err != nil {
		return err
	}
	err = s.Update(ctx, func(tx store.Tx) error { return storetest.WriteBenchData(ctx, tx, n) })
	if err == nil {
		_, err = s.DB().ExecContext(ctx, "ANALYZE")
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		_, err = db.Exec("ALTER SCHEMA " + tmp + " RENAME TO " + schema)
	}
	if err != nil {
		_, _ = db.Exec("DROP SCHEMA IF EXISTS " + tmp + " CASCADE")
	}
	return err
}

var target = storetest.BenchTarget{
	Dialect: filter.Postgres,
	Fixture: func(b *testing.B) (store.Store, *sql.DB) {
		s := openDSN(b, benchData(b))
		return s, s.DB()
	},
	Empty: func(b *testing.B) (store.Store, *sql.DB) {
		s := openTemp(b)
		return s, s.DB()
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
