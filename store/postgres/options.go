package postgres

import "log/slog"

// Option configures Open.
type Option func(*config)

// config is what the Options set.
type config struct {
	logger   *slog.Logger
	maxConns int
}

// defaultMaxConns is the default size of the connection pool.
const defaultMaxConns = 10

// defaultConfig is the configuration before any Option.
func defaultConfig() config {
	return config{maxConns: defaultMaxConns}
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

// WithMaxConns sets how many connections the Store opens at most, shared by
// reads and write transactions (default 10; values below 1 mean 1). Each
// connection keeps its own cache of prepared statements.
func WithMaxConns(n int) Option {
	return func(c *config) { c.maxConns = max(n, 1) }
}
