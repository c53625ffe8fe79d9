package all_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/seed-e6251c81/synqly/providers"
	_ "github.com/seed-e6251c81/synqly/providers/all"
)

var update = flag.Bool("update", false, "rewrite docs/capabilities.md")

// TestCapabilityTable keeps docs/capabilities.md in step with the providers
// of this module: it is generated from their registrations.
func TestCapabilityTable(t *testing.T) {
	var b bytes.Buffer
	if err := providers.Default.WriteCapabilityTable(&b); err != nil {
		t.Fatal(err)
	}
	const path = "../../docs/capabilities.md"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./providers/all -run TestCapabilityTable -update to generate it", err)
	}
	if string(want) != b.String() {
		t.Fatalf("docs/capabilities.md is stale: run go test ./providers/all -run TestCapabilityTable -update")
	}
}
