package azure_test

import (
	"os/exec"
	"syscall"
)

// dieWithParent stops Azurite with the test binary, even a killed one.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
