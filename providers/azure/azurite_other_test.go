//go:build !linux

package azure_test

import "os/exec"

// dieWithParent does nothing off Linux: TestMain stops Azurite.
func dieWithParent(*exec.Cmd) {}
