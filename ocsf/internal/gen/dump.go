package main

import (
	"encoding/json"
	"os"
)

// dump writes the resolved schema as JSON, for comparing this generator's
// reading of the schema with the reference compiler's output.
func dump(s *schema, path string) error {
	type out struct {
		Version string
		Classes map[string]*item
		Objects map[string]*item
	}
	b, err := json.MarshalIndent(out{s.version, s.classes, s.objects}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
