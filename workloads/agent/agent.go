package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults that runtime/trace applies when a FlightRecorderConfig field is zero
// (src/runtime/trace/flightrecorder.go, Go 1.25 and 1.26).
const (
	DefaultMinAge   = 10 * time.Second
	DefaultMaxBytes = 10 << 20
)

// MaxMaxBytes is the largest MaxBytes the agent accepts. MaxBytes bounds the memory the
// recorder keeps, so a typo on a debug endpoint should not be able to ask for more.
const MaxMaxBytes = 4 << 30

// Errors returned by the Agent's methods. The HTTP handlers map each of them to 409.
var (
	// ErrRunning: Start was called while this agent's recorder is running.
	ErrRunning = errors.New("flight recorder already running")
	// ErrNotRunning: Stop or Snapshot was called while the recorder is not running.
	ErrNotRunning = errors.New("flight recorder not running")
	// ErrTracerBusy: runtime/trace refused to start the recorder, almost always because
	// another trace.FlightRecorder in this process is active (only one may be). The
	// wrapped message is the runtime's.
	ErrTracerBusy = errors.New("cannot start flight recorder")
)

// Config is a flight-recorder configuration. Zero fields mean the Go defaults
// (DefaultMinAge, DefaultMaxBytes).
type Config struct {
	MinAge   time.Duration
	MaxBytes uint64
}

func (c Config) withDefaults() Config {
	if c.MinAge <= 0 {
		c.MinAge = DefaultMinAge
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	return c
}

// Options configure an Agent. The zero value is usable.
type Options struct {
	// Token, when non-empty, is required on every agent HTTP request as
	// "Authorization: Bearer <Token>". It is a second lock, not a first one: mount the
	// agent on a loopback or otherwise private debug listener.
	Token string

	// SnapshotWriteTimeout bounds how long an HTTP snapshot may take to stream, so that a
	// stalled client cannot hold the recorder (Stop waits for snapshots in progress).
	// Zero means 2 minutes.
	SnapshotWriteTimeout time.Duration

	// Logger receives failures of snapshot files written by the middleware and the
	// watchdog. Nil means slog.Default().
	Logger *slog.Logger
}

// Agent owns one runtime/trace.FlightRecorder and serialises everything done to it:
// HTTP control, snapshots for HTTP clients, and files written by the slow-request
// middleware and the watchdog. All methods are safe for concurrent use.
//
// runtime/trace allows only one FlightRecorder to be active per process, so a process
// should have one Agent.
type Agent struct {
	opts Options
	log  *slog.Logger

	// snapSem is a one-slot semaphore held by every WriteTo and by Stop:
	// FlightRecorder.WriteTo rejects concurrent calls, and FlightRecorder.Stop resets the
	// ring without waiting for a WriteTo in progress. Lock order: snapSem, then mu.
	snapSem chan struct{}

	mu        sync.Mutex
	fr        *trace.FlightRecorder // nil when not running
	cfg       Config                // effective config of the current or last run
	startedAt time.Time

	snapshots    atomic.Int64
	filesWritten atomic.Int64

	// fileMu serialises snapshot files from all of this agent's file sinks, so names
	// and retention are decided by one writer at a time.
	fileMu sync.Mutex

	// limiters holds one rate limit per snapshot Dir and Prefix, shared by the sinks
	// (middleware, watchdog) that write there.
	limitersMu sync.Mutex
	limiters   map[limiterKey]*fileLimiter
}

// New returns an Agent whose recorder is not running.
func New(opts Options) *Agent {
	if opts.SnapshotWriteTimeout <= 0 {
		opts.SnapshotWriteTimeout = 2 * time.Minute
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Agent{
		opts:    opts,
		log:     log,
		snapSem: make(chan struct{}, 1),
		cfg:     Config{}.withDefaults(),
	}
}

// Start starts a new flight recorder with cfg (zero fields take the Go defaults).
// It returns ErrRunning if this agent's recorder is running, or an error wrapping
// ErrTracerBusy if runtime/trace refuses (another FlightRecorder is active).
// A trace.Start capture (e.g. /debug/pprof/trace) running at the same time is fine.
func (a *Agent) Start(cfg Config) error {
	cfg = cfg.withDefaults()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fr != nil {
		return ErrRunning
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: cfg.MinAge, MaxBytes: cfg.MaxBytes})
	if err := fr.Start(); err != nil {
		return fmt.Errorf("%w: %v (runtime/trace allows one active FlightRecorder per process)", ErrTracerBusy, err)
	}
	a.fr, a.cfg, a.startedAt = fr, cfg, time.Now()
	return nil
}

// Stop stops the recorder and discards its window. It waits for a snapshot in
// progress to finish. It returns ErrNotRunning if the recorder is not running.
func (a *Agent) Stop() error {
	a.snapSem <- struct{}{}
	defer func() { <-a.snapSem }()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fr == nil {
		return ErrNotRunning
	}
	a.fr.Stop()
	a.fr = nil
	return nil
}

// Close stops the recorder if it is running. Call it on shutdown.
func (a *Agent) Close() {
	_ = a.Stop()
}

// Running reports whether the recorder is running.
func (a *Agent) Running() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fr != nil
}

// Snapshot writes the recorder's current window to w as a complete Go trace file
// (FlightRecorder.WriteTo). Snapshots are serialised: a call waits for one in progress,
// or returns ctx.Err() if ctx ends first. It returns ErrNotRunning if the recorder is
// not running; otherwise the error, if any, comes from w.
func (a *Agent) Snapshot(ctx context.Context, w io.Writer) (int64, error) {
	select {
	case a.snapSem <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-a.snapSem }()
	a.mu.Lock()
	fr := a.fr
	a.mu.Unlock()
	if fr == nil {
		return 0, ErrNotRunning
	}
	n, err := fr.WriteTo(w)
	if err == nil {
		a.snapshots.Add(1)
	}
	return n, err
}

// Status is the agent's state, as served by GET status.
type Status struct {
	Enabled bool `json:"enabled"`
	// MinAgeNs and MaxBytes are the effective configuration (Go defaults filled in) of
	// the running recorder, or of the last one when stopped, or the Go defaults when
	// the recorder was never started.
	MinAgeNs int64  `json:"min_age_ns"`
	MaxBytes uint64 `json:"max_bytes"`
	// SnapshotsTaken counts successful snapshots of any kind since the agent was created:
	// HTTP snapshots and files written by the middleware and the watchdog.
	SnapshotsTaken int64 `json:"snapshots_taken"`
	// StartedAt is when the running recorder started (UTC, whole seconds); nil when stopped.
	StartedAt *time.Time `json:"started_at"`
	GoVersion string     `json:"go_version"`
	// TracingActive is trace.IsEnabled(): true while the flight recorder or any
	// trace.Start capture (such as /debug/pprof/trace) is running.
	TracingActive bool `json:"tracing_active"`
	// FilesWritten counts snapshot files written by the middleware and the watchdog.
	FilesWritten int64 `json:"files_written"`
}

// Status returns the agent's current state.
func (a *Agent) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := Status{
		Enabled:        a.fr != nil,
		MinAgeNs:       int64(a.cfg.MinAge),
		MaxBytes:       a.cfg.MaxBytes,
		SnapshotsTaken: a.snapshots.Load(),
		GoVersion:      runtime.Version(),
		TracingActive:  trace.IsEnabled(),
		FilesWritten:   a.filesWritten.Load(),
	}
	if a.fr != nil {
		t := a.startedAt.UTC().Truncate(time.Second)
		s.StartedAt = &t
	}
	return s
}
