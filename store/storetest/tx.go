package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// testUpdateRollback checks that an Update whose function fails keeps
// nothing and returns the function's error as is.
func testUpdateRollback(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	fail := errors.New("fail")
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Insert(ctx, account(t, "acc2", "bravo")); err != nil {
			return err
		}
		a := get(t, s, store.Accounts, "acc1")
		if err := tx.Replace(ctx, a); err != nil {
			return err
		}
		if err := tx.Delete(ctx, store.Accounts, "acc2"); err != nil {
			return err
		}
		if err := tx.Insert(ctx, account(t, "acc3", "charlie")); err != nil {
			return err
		}
		return fail
	})
	if err != fail {
		t.Fatalf("Update returned %v, want the function's error as is", err)
	}
	assertOnlyAcc1(t, s)
}

// testUpdatePanic checks that an Update whose function panics keeps nothing,
// lets the panic go on, and leaves the store usable.
func testUpdatePanic(t *testing.T, s store.Store) {
	insert(t, s, account(t, "acc1", "acme"))
	var tx2 store.Tx
	got := func() (p any) {
		defer func() { p = recover() }()
		_ = update(s, func(ctx context.Context, tx store.Tx) error {
			tx2 = tx
			if err := tx.Insert(ctx, account(t, "acc2", "bravo")); err != nil {
				return err
			}
			panic("boom")
		})
		return nil
	}()
	if got != "boom" {
		t.Fatalf("recovered %v, want the function's panic", got)
	}
	assertOnlyAcc1(t, s)
	// The store still works, and the ended transaction refuses use.
	insert(t, s, account(t, "acc4", "delta"))
	if err := tx2.Insert(context.Background(), account(t, "acc5", "echo")); err == nil {
		t.Fatal("an ended transaction accepted an Insert")
	}
	if _, err := tx2.Get(context.Background(), store.Accounts, "acc1"); err == nil {
		t.Fatal("an ended transaction accepted a Get")
	}
}

// assertOnlyAcc1 checks that acc1 is the only account and is unchanged.
func assertOnlyAcc1(t *testing.T, s store.Store) {
	t.Helper()
	page := list(t, s, store.ListRequest{Kind: store.Accounts, Query: bind(t, store.Accounts, everything())})
	sameIDs(t, ids(page.Objects), []string{"acc1"}, "accounts after a failed Update")
	if v := get(t, s, store.Accounts, "acc1").Version; v != 1 {
		t.Fatalf("a failed Update kept a Replace: version %d", v)
	}
}

// testTxSeesOwnWrites checks reads inside a transaction.
func testTxSeesOwnWrites(t *testing.T, s store.Store) {
	err := update(s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Insert(ctx, account(t, "acc1", "acme")); err != nil {
			return err
		}
		if _, err := tx.Get(ctx, store.Accounts, "acc1"); err != nil {
			return fmt.Errorf("get own insert: %w", err)
		}
		page, err := tx.List(ctx, store.ListRequest{Kind: store.Accounts, Query: bind(t, store.Accounts, everything())})
		if err != nil {
			return err
		}
		if len(page.Objects) != 1 {
			return fmt.Errorf("list in tx: %d objects, want 1", len(page.Objects))
		}
		if err := tx.Delete(ctx, store.Accounts, "acc1"); err != nil {
			return err
		}
		_, err = tx.Get(ctx, store.Accounts, "acc1")
		if errs.CodeOf(err) != errs.NotFound {
			return fmt.Errorf("get own delete: %v", err)
		}
		return tx.Insert(ctx, account(t, "acc1", "acme"))
	})
	if err != nil {
		t.Fatal(err)
	}
	get(t, s, store.Accounts, "acc1")
}

// testConcurrentWriters runs writers in parallel; every write must land.
func testConcurrentWriters(t *testing.T, s store.Store) {
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%03d", w, i)
				err := update(s, func(ctx context.Context, tx store.Tx) error {
					return tx.Insert(ctx, account(t, id, id))
				})
				if err != nil {
					errc <- fmt.Errorf("writer %d insert %d: %w", w, i, err)
					return
				}
				if i%10 == 0 {
					if _, err := s.Get(context.Background(), store.Accounts, id); err != nil {
						errc <- fmt.Errorf("writer %d read back %d: %w", w, i, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	got := listAll(t, s, store.ListRequest{Kind: store.Accounts}, everything())
	if len(got) != writers*each {
		t.Fatalf("%d accounts after concurrent inserts, want %d", len(got), writers*each)
	}
}

// testLock checks Tx.Lock: a missing object is not found, and a write (or
// an exclusive lock) of a locked object waits until the locking transaction
// ends — whether the engine locks rows or runs one writer at a time.
func testLock(t *testing.T, s store.Store) {
	acc := account(t, "acc1", "acme")
	insert(t, s, acc)
	lock := func(ctx context.Context, tx store.Tx, id string, mode store.LockMode) error {
		_, err := tx.Lock(ctx, store.Accounts, id, mode)
		return err
	}
	err := update(s, func(ctx context.Context, tx store.Tx) error { return lock(ctx, tx, "nowhere", store.LockShared) })
	wantCode(t, err, errs.NotFound, "lock a missing object")
	err = update(s, func(ctx context.Context, tx store.Tx) error { return lock(ctx, tx, "acc1", 0) })
	wantCode(t, err, errs.InvalidInput, "lock with no mode")
	// Lock returns the object as it is, ready to be replaced.
	err = update(s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Lock(ctx, store.Accounts, "acc1", store.LockExclusive)
		if err != nil {
			return err
		}
		sameObject(t, got, acc)
		return tx.Replace(ctx, got)
	})
	if err != nil {
		t.Fatalf("replace the locked object: %v", err)
	}
	acc = get(t, s, store.Accounts, "acc1")

	version := acc.Version
	for _, c := range []struct {
		name   string
		held   store.LockMode
		second func(ctx context.Context, tx store.Tx) error
	}{
		{"replace under a shared lock", store.LockShared, func(ctx context.Context, tx store.Tx) error {
			next := account(t, "acc1", "acme")
			next.Version = version
			err := tx.Replace(ctx, next)
			version = next.Version
			return err
		}},
		{"exclusive lock under a shared lock", store.LockShared, func(ctx context.Context, tx store.Tx) error {
			return lock(ctx, tx, "acc1", store.LockExclusive)
		}},
		{"shared lock under an exclusive lock", store.LockExclusive, func(ctx context.Context, tx store.Tx) error {
			return lock(ctx, tx, "acc1", store.LockShared)
		}},
	} {
		locked, release, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			first <- update(s, func(ctx context.Context, tx store.Tx) error {
				if err := lock(ctx, tx, "acc1", c.held); err != nil {
					close(locked)
					return err
				}
				close(locked)
				<-release
				return nil
			})
		}()
		<-locked
		second := make(chan error, 1)
		go func() { second <- update(s, c.second) }()
		select {
		case err := <-second:
			close(release)
			t.Fatalf("%s: did not wait for the lock (%v)", c.name, err)
		case <-time.After(150 * time.Millisecond):
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatalf("%s: the locking transaction: %v", c.name, err)
		}
		if err := <-second; err != nil {
			t.Fatalf("%s: after the lock was released: %v", c.name, err)
		}
	}
}
