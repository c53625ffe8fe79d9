package splunk

import "time"

// SetAckPolls sets the waits between acknowledgement polls for a test and
// returns the function that restores them.
func SetAckPolls(first, last time.Duration) (restore func()) {
	f, l := ackPollFirst, ackPollMax
	ackPollFirst, ackPollMax = first, last
	return func() { ackPollFirst, ackPollMax = f, l }
}

// Channel returns the data channel of a driver Sink.Open built.
func Channel(d any) string { return d.(*driver).channel }
