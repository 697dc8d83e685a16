package agent

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FilePolicy says where triggered snapshots are written and how many are kept.
type FilePolicy struct {
	// Dir receives the files; it is created if missing. Required.
	Dir string
	// MinInterval is the least time between two snapshot attempts in Dir with this
	// Prefix: triggers inside it are counted as suppressed and write nothing, so a storm
	// of slow requests writes one file. The limit is shared by every trigger of one
	// Agent (SlowRequestSnapshotter, Watchdog) writing to the same Dir and Prefix, so a
	// storm that trips the middleware and the watchdog together still writes one file;
	// each trigger measures the time since the last attempt of any of them against its
	// own MinInterval. Zero means 1 minute.
	MinInterval time.Duration
	// MaxFiles is how many snapshot files with this Prefix are kept in Dir; after each
	// write the oldest beyond it are deleted. Zero means 10.
	MaxFiles int
	// Prefix starts every file name: PREFIX-20261124T142233.123Z.trace (UTC, ms).
	// Zero means "flightrecorder".
	Prefix string
}

func (p FilePolicy) withDefaults() (FilePolicy, error) {
	if p.Dir == "" {
		return p, errors.New("FilePolicy.Dir is empty")
	}
	if p.MinInterval < 0 || p.MaxFiles < 0 {
		return p, fmt.Errorf("FilePolicy: negative MinInterval %v or MaxFiles %d", p.MinInterval, p.MaxFiles)
	}
	if p.MinInterval == 0 {
		p.MinInterval = time.Minute
	}
	if p.MaxFiles == 0 {
		p.MaxFiles = 10
	}
	if p.Prefix == "" {
		p.Prefix = "flightrecorder"
	}
	if strings.ContainsAny(p.Prefix, `/\`) {
		return p, fmt.Errorf("FilePolicy.Prefix %q contains a path separator", p.Prefix)
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return p, fmt.Errorf("FilePolicy.Dir: %w", err)
	}
	return p, nil
}

// snapshotTimeLayout puts UTC time with milliseconds in file names; names sort in time order.
const snapshotTimeLayout = "20060102T150405.000Z"

func snapshotFileName(prefix string, t time.Time) string {
	return prefix + "-" + t.UTC().Format(snapshotTimeLayout) + ".trace"
}

// SnapshotStats counts what a trigger did. Triggered = Written + Failed + Suppressed +
// NotRunning + (attempts still in progress).
type SnapshotStats struct {
	Triggered  int64 // times the condition held (a slow request, a breached SLO)
	Written    int64 // files written
	Failed     int64 // attempts that wrote no file (the error is logged and kept in LastError)
	Suppressed int64 // triggers dropped by the rate limit (shared per Dir and Prefix) or because a write was in progress
	NotRunning int64 // triggers ignored because the flight recorder was not running
	LastFile   string
	LastError  string
}

// fileLimiter is the rate limit of one Dir and Prefix, shared by all of an agent's
// sinks that write there.
type fileLimiter struct {
	mu       sync.Mutex
	last     time.Time // start of the last attempt (monotonic)
	inFlight bool
}

// limiterKey names a snapshot destination: the directory (absolute, symlinks resolved
// when possible, so "d" and "./d" are one) and the file-name prefix.
type limiterKey struct{ dir, prefix string }

// limiter returns the rate limiter shared by every sink of a writing to p.Dir with
// p.Prefix. p.Dir must exist.
func (a *Agent) limiter(p FilePolicy) *fileLimiter {
	dir, err := filepath.Abs(p.Dir)
	if err != nil {
		dir = filepath.Clean(p.Dir)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	key := limiterKey{dir, p.Prefix}
	a.limitersMu.Lock()
	defer a.limitersMu.Unlock()
	if a.limiters == nil {
		a.limiters = map[limiterKey]*fileLimiter{}
	}
	l := a.limiters[key]
	if l == nil {
		l = &fileLimiter{}
		a.limiters[key] = l
	}
	return l
}

// fileSink turns triggers into rate-limited snapshot files.
type fileSink struct {
	a   *Agent
	p   FilePolicy
	lim *fileLimiter // shared with the agent's other sinks on p.Dir and p.Prefix

	mu       sync.Mutex // guards lastFile and lastErr
	lastFile string
	lastErr  string

	wg                                                 sync.WaitGroup
	triggered, written, failed, suppressed, notRunning atomic.Int64
}

func newFileSink(a *Agent, p FilePolicy) (*fileSink, error) {
	p, err := p.withDefaults()
	if err != nil {
		return nil, err
	}
	return &fileSink{a: a, p: p, lim: a.limiter(p)}, nil
}

// trigger starts writing a snapshot file in the background unless the rate limit
// (shared with the agent's other sinks on the same Dir and Prefix) or a stopped
// recorder says no. It returns whether a write was started. It never blocks on
// the write, so the request that triggered it is not delayed by disk I/O.
func (s *fileSink) trigger() bool {
	s.triggered.Add(1)
	if !s.a.Running() {
		s.notRunning.Add(1)
		return false
	}
	now := time.Now()
	l := s.lim
	l.mu.Lock()
	if l.inFlight || (!l.last.IsZero() && now.Sub(l.last) < s.p.MinInterval) {
		l.mu.Unlock()
		s.suppressed.Add(1)
		return false
	}
	l.last, l.inFlight = now, true
	l.mu.Unlock()

	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		path, err := s.write(now)
		l.mu.Lock()
		l.inFlight = false
		l.mu.Unlock()
		s.mu.Lock()
		if err != nil {
			s.lastErr = err.Error()
		} else {
			s.lastFile = path
		}
		s.mu.Unlock()
		if err != nil {
			s.failed.Add(1)
			s.a.log.Warn("tracebench agent: snapshot file not written", "dir", s.p.Dir, "err", err)
			return
		}
		s.written.Add(1)
		s.a.filesWritten.Add(1)
	}()
	return true
}

// write snapshots into a temporary file and renames it into place, so a reader never
// sees a partial trace, then prunes old files.
func (s *fileSink) write(t time.Time) (string, error) {
	s.a.fileMu.Lock()
	defer s.a.fileMu.Unlock()

	tmp, err := os.CreateTemp(s.p.Dir, "."+s.p.Prefix+"-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	bw := bufio.NewWriterSize(tmp, 256<<10)
	_, err = s.a.Snapshot(context.Background(), bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	path := s.freeName(t)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	s.prune()
	return path, nil
}

// freeName returns the file name for t, with -1, -2, ... appended in the unlikely case
// that another file already has it (two triggers sharing a directory in the same ms).
func (s *fileSink) freeName(t time.Time) string {
	base := snapshotFileName(s.p.Prefix, t)
	path := filepath.Join(s.p.Dir, base)
	for i := 1; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			return path
		}
		path = filepath.Join(s.p.Dir, strings.TrimSuffix(base, ".trace")+"-"+strconv.Itoa(i)+".trace")
	}
}

// prune deletes the oldest snapshot files with this sink's prefix beyond MaxFiles.
// Only names this package writes are considered, so other files in Dir are safe.
func (s *fileSink) prune() {
	entries, err := os.ReadDir(s.p.Dir)
	if err != nil {
		return
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && isSnapshotName(s.p.Prefix, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for len(names) > s.p.MaxFiles {
		if err := os.Remove(filepath.Join(s.p.Dir, names[0])); err != nil {
			s.a.log.Warn("tracebench agent: cannot delete old snapshot", "file", names[0], "err", err)
		}
		names = names[1:]
	}
}

func isSnapshotName(prefix, name string) bool {
	rest, ok := strings.CutPrefix(name, prefix+"-")
	if !ok || !strings.HasSuffix(rest, ".trace") || len(rest) < len(snapshotTimeLayout) {
		return false
	}
	_, err := time.Parse(snapshotTimeLayout, rest[:len(snapshotTimeLayout)])
	return err == nil
}

// wait blocks until every write started so far has finished.
func (s *fileSink) wait() { s.wg.Wait() }

func (s *fileSink) stats() SnapshotStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SnapshotStats{
		Triggered:  s.triggered.Load(),
		Written:    s.written.Load(),
		Failed:     s.failed.Load(),
		Suppressed: s.suppressed.Load(),
		NotRunning: s.notRunning.Load(),
		LastFile:   s.lastFile,
		LastError:  s.lastErr,
	}
}
