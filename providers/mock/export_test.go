package mock

// SetMaxScan sets the streaming scan bound for a test and returns a func
// that restores it.
func SetMaxScan(n int) (restore func()) {
	old := maxScan
	maxScan = n
	return func() { maxScan = old }
}
