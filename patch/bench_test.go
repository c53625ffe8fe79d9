package patch

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkApply applies a patch of a few operations to a ticket with a
// large description, the common case.
func BenchmarkApply(b *testing.B) {
	tk := sampleTicket()
	tk.Description = strings.Repeat("lorem ipsum ", 8<<10)
	ops := []Operation{
		{Op: "test", Path: "/status", Value: "Open"},
		{Op: "replace", Path: "/status", Value: "Done"},
		{Op: "add", Path: "/tags/-", Value: "z"},
		{Op: "add", Path: "/custom_fields/owner", Value: "alice"},
	}
	b.ReportAllocs()
	for b.Loop() {
		var out ticket
		if _, err := Apply(tk, ops, ticketReadOnly, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyMany applies the largest patch accepted.
func BenchmarkApplyMany(b *testing.B) {
	tk := sampleTicket()
	ops := make([]Operation, MaxOperations)
	for i := range ops {
		ops[i] = Operation{Op: "add", Path: "/custom_fields/k" + strconv.Itoa(i%16), Value: i}
	}
	b.ReportAllocs()
	for b.Loop() {
		var out ticket
		if _, err := Apply(tk, ops, ticketReadOnly, &out); err != nil {
			b.Fatal(err)
		}
	}
}
