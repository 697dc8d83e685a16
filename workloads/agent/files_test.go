package agent

import (
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"
)

var snapshotFileRE = regexp.MustCompile(`^flightrecorder-\d{8}T\d{6}\.\d{3}Z(-\d+)?\.trace$`)

// snapshotFiles lists the trace files in dir, checking each name and header.
func snapshotFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".trace" {
			continue
		}
		names = append(names, e.Name())
		if !snapshotFileRE.MatchString(e.Name()) {
			t.Errorf("file name %q does not match %v", e.Name(), snapshotFileRE)
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !traceHeader.Match(data) {
			t.Errorf("%s is not a Go trace: %q", e.Name(), data[:min(16, len(data))])
		}
	}
	return names
}

func startedAgent(t *testing.T) *Agent {
	t.Helper()
	a, _ := newTestServer(t, Options{})
	if err := a.Start(Config{MinAge: time.Second, MaxBytes: 4 << 20}); err != nil {
		t.Fatal(err)
	}
	return a
}

// The requirement: a burst of slow requests writes exactly one file.
func TestSlowRequestBurstWritesOneFile(t *testing.T) {
	a := startedAgent(t)
	dir := t.TempDir()
	slow, err := a.NewSlowRequestSnapshotter(SlowRequestConfig{
		Threshold: 20 * time.Millisecond,
		Files:     FilePolicy{Dir: dir, MinInterval: time.Hour, MaxFiles: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(40 * time.Millisecond)
		}
		w.Write([]byte("ok\n"))
	})
	srv := httptest.NewServer(slow.Wrap(app))
	defer srv.Close()

	get := func(path string) {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	}
	for range 5 {
		get("/fast")
	}
	if st := slow.Stats(); st.Triggered != 0 {
		t.Fatalf("fast requests triggered: %+v", st)
	}

	const burst = 20
	var wg sync.WaitGroup
	for range burst {
		wg.Add(1)
		go func() { defer wg.Done(); get("/slow") }()
	}
	wg.Wait()
	slow.Wait()

	files := snapshotFiles(t, dir)
	st := slow.Stats()
	if len(files) != 1 || st.Written != 1 || st.Triggered != burst || st.Suppressed != burst-1 || st.Failed != 0 {
		t.Fatalf("burst of %d slow requests: files %v, stats %+v; want exactly one file", burst, files, st)
	}
	if filepath.Base(st.LastFile) != files[0] {
		t.Errorf("LastFile %q, file %q", st.LastFile, files[0])
	}
	if s := a.Status(); s.FilesWritten != 1 || s.SnapshotsTaken != 1 {
		t.Errorf("agent status after one file: %+v", s)
	}
}

func TestSlowRequestIgnoredWhenStopped(t *testing.T) {
	a, _ := newTestServer(t, Options{})
	dir := t.TempDir()
	slow, err := a.NewSlowRequestSnapshotter(SlowRequestConfig{Threshold: time.Millisecond, Files: FilePolicy{Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if slow.Observe(time.Second) {
		t.Error("a snapshot was started with the recorder stopped")
	}
	slow.Wait()
	if st := slow.Stats(); st.NotRunning != 1 || st.Written != 0 || len(snapshotFiles(t, dir)) != 0 {
		t.Errorf("stats %+v", st)
	}
	// Being stopped must not consume the rate-limit slot.
	if err := a.Start(Config{}); err != nil {
		t.Fatal(err)
	}
	if !slow.Observe(time.Second) {
		t.Error("first slow observation after start did not snapshot")
	}
	slow.Wait()
	if n := len(snapshotFiles(t, dir)); n != 1 {
		t.Errorf("%d files, want 1", n)
	}
}

func TestFileRetentionAndRateLimit(t *testing.T) {
	a := startedAgent(t)
	dir := t.TempDir()
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	slow, err := a.NewSlowRequestSnapshotter(SlowRequestConfig{
		Threshold: time.Millisecond,
		Files:     FilePolicy{Dir: dir, MinInterval: 30 * time.Millisecond, MaxFiles: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for range 4 {
		if !slow.Observe(time.Second) {
			t.Fatal("snapshot not started after MinInterval")
		}
		if slow.Observe(time.Second) {
			t.Fatal("second trigger inside MinInterval started a snapshot")
		}
		slow.Wait()
		written = append(written, filepath.Base(slow.Stats().LastFile))
		time.Sleep(35 * time.Millisecond)
	}
	files := snapshotFiles(t, dir)
	if !slices.Equal(files, written[2:]) {
		t.Errorf("kept %v, want the newest two of %v", files, written)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("retention touched an unrelated file: %v", err)
	}
	if st := slow.Stats(); st.Written != 4 || st.Suppressed != 4 {
		t.Errorf("stats %+v", st)
	}
}

// With the middleware and the watchdog on one directory, a storm that trips both
// writes one file: they share the rate limit of that Dir and Prefix. Another prefix
// has a limit of its own.
func TestRateLimitSharedPerDirAndPrefix(t *testing.T) {
	a := startedAgent(t)
	dir := t.TempDir()
	slow, err := a.NewSlowRequestSnapshotter(SlowRequestConfig{
		Threshold: 20 * time.Millisecond,
		Files:     FilePolicy{Dir: dir, MinInterval: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same directory spelled differently is the same destination.
	wd, err := a.NewWatchdog(WatchdogConfig{
		SLO:        50 * time.Millisecond,
		MinSamples: 100,
		Files:      FilePolicy{Dir: filepath.Join(dir, "sub", ".."), MinInterval: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.NewSlowRequestSnapshotter(SlowRequestConfig{
		Threshold: 20 * time.Millisecond,
		Files:     FilePolicy{Dir: dir, MinInterval: time.Hour, Prefix: "other"},
	})
	if err != nil {
		t.Fatal(err)
	}

	// The storm: every request is slow, so both the middleware and the p99 trip.
	for range 200 {
		slow.Observe(100 * time.Millisecond)
		wd.Observe(100 * time.Millisecond)
	}
	q, n, started := wd.Check()
	if q < 50*time.Millisecond || n != 200 {
		t.Fatalf("watchdog saw no breach: q=%v n=%d", q, n)
	}
	if started {
		t.Error("the watchdog wrote a second file for the storm the middleware already captured")
	}
	slow.Wait()
	wd.Wait()
	files, _ := filepath.Glob(filepath.Join(dir, "flightrecorder-*.trace"))
	if len(files) != 1 {
		t.Errorf("files %v after one storm; want exactly one", files)
	}
	if st := slow.Stats(); st.Written != 1 || st.Suppressed != 199 {
		t.Errorf("middleware stats %+v; want 1 written, 199 suppressed", st)
	}
	if st := wd.Stats(); st.Breaches != 1 || st.Written != 0 || st.Suppressed != 1 {
		t.Errorf("watchdog stats %+v; want 1 breach, suppressed", st)
	}

	// A different prefix is a different destination with its own limit.
	if !other.Observe(time.Second) {
		t.Error("a sink with another prefix was suppressed by the flightrecorder limit")
	}
	other.Wait()
	if files, _ := filepath.Glob(filepath.Join(dir, "other-*.trace")); len(files) != 1 {
		t.Errorf("other-prefix files %v; want one", files)
	}
	if s := a.Status(); s.FilesWritten != 2 {
		t.Errorf("agent files_written = %d; want 2", s.FilesWritten)
	}
}

func TestFilePolicyErrors(t *testing.T) {
	a := New(Options{})
	for _, tc := range []struct {
		name string
		cfg  SlowRequestConfig
	}{
		{"no threshold", SlowRequestConfig{Files: FilePolicy{Dir: t.TempDir()}}},
		{"no dir", SlowRequestConfig{Threshold: time.Second}},
		{"negative max files", SlowRequestConfig{Threshold: time.Second, Files: FilePolicy{Dir: t.TempDir(), MaxFiles: -1}}},
		{"prefix with slash", SlowRequestConfig{Threshold: time.Second, Files: FilePolicy{Dir: t.TempDir(), Prefix: "a/b"}}},
	} {
		if _, err := a.NewSlowRequestSnapshotter(tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	for _, cfg := range []WatchdogConfig{
		{Files: FilePolicy{Dir: t.TempDir()}},
		{SLO: time.Second, Quantile: 1.5, Files: FilePolicy{Dir: t.TempDir()}},
		{SLO: time.Second},
	} {
		if _, err := a.NewWatchdog(cfg); err == nil {
			t.Errorf("NewWatchdog(%+v): no error", cfg)
		}
	}
}

func TestWatchdog(t *testing.T) {
	a := startedAgent(t)
	dir := t.TempDir()
	w, err := a.NewWatchdog(WatchdogConfig{
		SLO:        50 * time.Millisecond,
		Window:     10 * time.Second,
		MinSamples: 100,
		Files:      FilePolicy{Dir: dir, MinInterval: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	w.now = func() time.Time { return now }
	w.t0 = now

	for range 50 {
		w.Observe(100 * time.Millisecond)
	}
	if q, n, fired := w.Check(); fired || n != 50 {
		t.Fatalf("below MinSamples: q=%v n=%d fired=%v", q, n, fired)
	}
	now = now.Add(11 * time.Second) // the slow ones leave the window
	for range 1000 {
		w.Observe(time.Millisecond)
	}
	if q, n, fired := w.Check(); fired || n != 1000 || q < time.Millisecond || q > 1070*time.Microsecond {
		t.Fatalf("healthy: q=%v n=%d fired=%v", q, n, fired)
	}
	now = now.Add(2 * time.Second)
	for range 20 { // 20 of 1020 > 1%: p99 is now slow
		w.Observe(80 * time.Millisecond)
	}
	q, n, fired := w.Check()
	if !fired || n != 1020 || q < 80*time.Millisecond {
		t.Fatalf("breach: q=%v n=%d fired=%v", q, n, fired)
	}
	if _, _, again := w.Check(); again {
		t.Error("second breach inside MinInterval wrote again")
	}
	w.Wait()
	if files := snapshotFiles(t, dir); len(files) != 1 {
		t.Errorf("files %v, want one", files)
	}
	st := w.Stats()
	if st.Breaches != 2 || st.Written != 1 || st.Suppressed != 1 || st.LastSamples != 1020 {
		t.Errorf("stats %+v", st)
	}
	now = now.Add(time.Minute)
	if _, n, fired := w.Check(); n != 0 || fired {
		t.Errorf("empty window: n=%d fired=%v", n, fired)
	}
}

func TestHistogramBuckets(t *testing.T) {
	prev := -1
	for _, v := range []time.Duration{0, 1, 15, 16, 17, 31, 32, 1000, time.Microsecond * 999, time.Millisecond,
		time.Second, time.Hour, math.MaxInt64} {
		b := histBucket(v)
		if b < prev || b >= histBuckets {
			t.Fatalf("bucket(%v) = %d after %d (of %d)", v, b, prev, histBuckets)
		}
		prev = b
		up := histUpper(b)
		if up < v || float64(up) > float64(v)*1.0625+1 {
			t.Errorf("bucket(%d) upper %d: not within 6.25%% above", v, up)
		}
		if b > 0 && histUpper(b-1) >= v {
			t.Errorf("value %d also fits bucket %d", v, b-1)
		}
	}
}
