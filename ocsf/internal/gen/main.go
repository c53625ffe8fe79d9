// Command gen writes the Go types of package ocsf from a checkout of the
// OCSF schema (github.com/ocsf/ocsf-schema) at the version the package
// pins. See the package documentation of ocsf for how to run it.
package main

import (
	"flag"
	"fmt"
	"os"
)

// Version is the OCSF schema release the package is generated from.
const Version = "1.8.0"

func main() {
	schemaDir := flag.String("schema", os.Getenv("OCSF_SCHEMA_DIR"), "OCSF schema checkout (default $OCSF_SCHEMA_DIR)")
	out := flag.String("out", ".", "directory of package ocsf, where the zz_*.go files are written")
	dumpPath := flag.String("dump", "", "also write the resolved schema as JSON to this file")
	flag.Parse()
	if err := run(*schemaDir, *out, *dumpPath); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(schemaDir, out, dumpPath string) error {
	if schemaDir == "" {
		return fmt.Errorf("no schema: set OCSF_SCHEMA_DIR or -schema to a checkout of github.com/ocsf/ocsf-schema at tag %s", Version)
	}
	s, err := compileSchema(schemaDir)
	if err != nil {
		return err
	}
	if s.version != Version {
		return fmt.Errorf("%s is OCSF schema %s, want %s (git checkout %s)", schemaDir, s.version, Version, Version)
	}
	if dumpPath != "" {
		if err := dump(s, dumpPath); err != nil {
			return err
		}
	}
	return emit(s, out)
}
