package agent

import (
	"errors"
	"net/http"
	"time"
)

// SlowRequestConfig configures a SlowRequestSnapshotter.
type SlowRequestConfig struct {
	// Threshold: a request that takes longer than this triggers a snapshot. Required.
	Threshold time.Duration
	// Files says where snapshots go, how often at most, and how many are kept.
	Files FilePolicy
}

// SlowRequestSnapshotter writes a flight-recorder snapshot to a file when a request
// takes longer than a threshold: the production pattern "keep the recorder running,
// dump it when something was slow". The recorder's window ends just after the slow
// request, so with MinAge at least twice the threshold the file holds all of it.
//
// It does nothing while the agent's recorder is stopped (start it with Agent.Start or
// the HTTP start endpoint). Writes happen on a background goroutine, at most one per
// FilePolicy.MinInterval, and only MaxFiles files are kept.
type SlowRequestSnapshotter struct {
	threshold time.Duration
	sink      *fileSink
}

// NewSlowRequestSnapshotter returns a snapshotter that writes through a. It creates
// cfg.Files.Dir if needed.
func (a *Agent) NewSlowRequestSnapshotter(cfg SlowRequestConfig) (*SlowRequestSnapshotter, error) {
	if cfg.Threshold <= 0 {
		return nil, errors.New("SlowRequestConfig.Threshold must be positive")
	}
	sink, err := newFileSink(a, cfg.Files)
	if err != nil {
		return nil, err
	}
	return &SlowRequestSnapshotter{threshold: cfg.Threshold, sink: sink}, nil
}

// Wrap returns next measured by s: the time from entering the wrapper until next
// returns. Wrap it outermost to include time spent in other middleware.
func (s *SlowRequestSnapshotter) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		s.Observe(time.Since(start))
	})
}

// Observe reports one operation's duration, for work that is not an HTTP request.
// It returns true if it started writing a snapshot.
func (s *SlowRequestSnapshotter) Observe(d time.Duration) bool {
	if d <= s.threshold {
		return false
	}
	return s.sink.trigger()
}

// Wait blocks until the snapshot files being written have been written.
func (s *SlowRequestSnapshotter) Wait() { s.sink.wait() }

// Stats returns what s has done so far.
func (s *SlowRequestSnapshotter) Stats() SnapshotStats { return s.sink.stats() }
