// Package storetest is the conformance suite every store.Store engine must
// pass. An engine's tests call Run with a function that opens a fresh, empty
// store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite checks the contract documented in package store: objects and
// versions, name uniqueness, transactions, foreign keys, and List with every
// part of the query language, comparing SQL results with the in-memory
// semantics of package filter (Bound.Match and Bound.Compare).
package storetest

import (
	"testing"

	"github.com/seed-e6251c81/synqly/store"
)

// Opener opens a new, empty store for one test. It should register the
// store's Close with t.Cleanup.
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite as subtests of t, each on a store of its own
// from open.
func Run(t *testing.T, open Opener) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

// cases are the suite's subtests.
var cases = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"RoundTrip", testRoundTrip},
	{"Versions", testVersions},
	{"DuplicateName", testDuplicateName},
	{"DuplicateID", testDuplicateID},
	{"NotFound", testNotFound},
	{"InvalidInput", testInvalidInput},
	{"ErrorsHoldNoDocument", testErrorsHoldNoDocument},
	{"DeleteWhere", testDeleteWhere},
	{"ForEach", testForEach},
	{"UpdateRollback", testUpdateRollback},
	{"UpdatePanic", testUpdatePanic},
	{"TxSeesOwnWrites", testTxSeesOwnWrites},
	{"Lock", testLock},
	{"ForeignKeyCascade", testCascade},
	{"ForeignKeyRestrict", testRestrict},
	{"ForeignKeyMissing", testMissingReference},
	{"ForeignKeyOwned", testOwnedCascade},
	{"Uses", testUses},
	{"ConcurrentReferences", testConcurrentReferences},
	{"ListFilters", testListFilters},
	{"ListOrders", testListOrders},
	{"ListLimit", testListLimit},
	{"ListPaging", testListPaging},
	{"ListStartAfterName", testStartAfterName},
	{"ListStartAfterInvalid", testStartAfterInvalid},
	{"ListExpand", testListExpand},
	{"ListRelationFields", testListRelationFields},
	{"ListConfinement", testListConfinement},
	{"ListDefaultQuery", testListDefaultQuery},
	{"ListForeignQuery", testListForeignQuery},
	{"ListAudit", testListAudit},
	{"ConcurrentWriters", testConcurrentWriters},
}
