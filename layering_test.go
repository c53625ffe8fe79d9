package synqly_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRootImportsNoConnector keeps the root package a wiring of the
// management plane: connectors own their entry points (ticketing.Open takes
// a Client or an account handle as its source), so adding a connector
// changes no root file.
func TestRootImportsNoConnector(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); strings.Contains(p, "/synqly/connectors") || strings.Contains(p, "/synqly/providers/") {
				t.Errorf("%s imports %s: the root package must not depend on a connector or a provider", f, p)
			}
		}
	}
}
