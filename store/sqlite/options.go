package sqlite

import (
	"log/slog"
	"time"
)

// Option configures Open.
type Option func(*config)

// config is what the Options set.
type config struct {
	busyTimeout time.Duration
	logger      *slog.Logger
	readers     int
}

// defaultConfig is the configuration before any Option.
func defaultConfig() config {
	return config{busyTimeout: 5 * time.Second, readers: 8}
}

// WithBusyTimeout sets how long a statement waits for a lock held by another
// connection (another Store or process on the same file) before it fails.
// The default is 5 seconds; values below one millisecond mean one
// millisecond.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) { c.busyTimeout = max(d, time.Millisecond) }
}

// WithLogger sets the logger for migrations (info) and busy retries
// (debug). The default discards everything. Nothing logged holds a document
// or a secret.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithMaxReaders sets how many connections Get and List may use at once
// (default 8; values below 1 mean 1). Writes always use one connection.
func WithMaxReaders(n int) Option {
	return func(c *config) { c.readers = max(n, 1) }
}
