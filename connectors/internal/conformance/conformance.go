// Package conformance holds what the connectors' conformance packages
// (ticketingtest, notificationstest) share: opening a subtest's driver, and
// the self-test that runs a suite over broken drivers, in child
// processes, and checks that it fails where and how it should.
package conformance

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// OpenDriver returns the driver open makes for the subtest t, failing it
// on a nil driver, and closes the driver when t ends.
func OpenDriver[D interface{ Close() error }](t *testing.T, open func(*testing.T) D) D {
	t.Helper()
	d := open(t)
	if any(d) == nil {
		t.Fatal("Harness.Open returned a nil driver")
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("driver.Close: %v", err)
		}
	})
	return d
}

// Broken is one case of a suite's self-test: a broken driver, the subtest
// that must fail on it and what the failure must say.
type Broken struct {
	Subtest, Message string
}

// BrokenCase returns the name of the case a child process runs (its
// environment variable env), or skips t outside a child.
func BrokenCase(t *testing.T, env string) string {
	t.Helper()
	name := os.Getenv(env)
	if name == "" {
		t.Skip("run by TestSuiteCatches in a child process")
	}
	return name
}

// Catches runs TestBroken in a child process for each case, with env set
// to the case's name, and checks that the case's subtest failed, saying
// its message: a suite that passes a broken driver fails this test.
func Catches(t *testing.T, env string, cases map[string]Broken) {
	if os.Getenv(env) != "" {
		t.Skip("in a child process")
	}
	for name, b := range cases {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBroken$/^"+b.Subtest+"$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), env+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a driver that is broken (%s):\n%s", name, out)
			}
			if !strings.Contains(string(out), "--- FAIL: TestBroken/"+b.Subtest) {
				t.Errorf("subtest %s did not fail:\n%s", b.Subtest, out)
			}
			if !strings.Contains(string(out), b.Message) {
				t.Errorf("the failure does not say %q:\n%s", b.Message, out)
			}
		})
	}
}
