package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// These tests build the real binary and run it on loopback, as tracebench does.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds demo-server once per test run into a temporary directory.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "demo-server-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "demo-server")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

type server struct {
	cmd         *exec.Cmd
	main, debug string // base URLs; debug is "" without a debug listener
	stdout      []string
	stderr      *lockedBuffer
	waitOnce    sync.Once
	exitCode    int
	waited      chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs demo-server with args and waits for its listener lines.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(binary(t), args...), stderr: &lockedBuffer{}, waited: make(chan struct{})}
	s.cmd.Stderr = s.stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.cmd.Wait()
		s.exitCode = s.cmd.ProcessState.ExitCode()
		close(s.waited)
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.waited
	})

	wantLines := 2
	for i, a := range args {
		if (a == "--debug-addr" && i+1 < len(args) && args[i+1] == "") || a == "--debug-addr=" {
			wantLines = 1
		}
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(10 * time.Second)
	for len(s.stdout) < wantLines {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("demo-server exited before printing its addresses; stdout %q, stderr %q", s.stdout, s.stderr)
			}
			s.stdout = append(s.stdout, l)
		case <-timeout:
			t.Fatalf("demo-server printed %q in 10s; stderr %q", s.stdout, s.stderr)
		}
	}
	go func() { // anything more on stdout is a contract violation
		for l := range lines {
			t.Errorf("unexpected stdout line %q", l)
		}
	}()
	re := regexp.MustCompile(`^(debug )?listening on (127\.0\.0\.1:\d+)$`)
	for i, l := range s.stdout {
		m := re.FindStringSubmatch(l)
		if m == nil || (i == 0) != (m[1] == "") {
			t.Fatalf("stdout line %d = %q; want %q", i, l, []string{"listening on 127.0.0.1:PORT", "debug listening on 127.0.0.1:PORT"}[i])
		}
		if i == 0 {
			s.main = "http://" + m[2]
		} else {
			s.debug = "http://" + m[2]
		}
	}
	return s
}

// stop sends sig and returns the exit code.
func (s *server) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.waited:
		return s.exitCode
	case <-time.After(15 * time.Second):
		t.Fatalf("demo-server did not exit within 15s of %v", sig)
		return -1
	}
}

type reply struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
}

var client = &http.Client{Timeout: 20 * time.Second}

func call(t *testing.T, method, url string, hdr ...string) reply {
	t.Helper()
	r, err := fetch(method, url, hdr...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fetch is call for goroutines other than the test's, which must not call t.Fatal.
func fetch(method, url string, hdr ...string) (reply, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return reply{}, err
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: reading body: %v", method, url, err)
	}
	return reply{resp.StatusCode, resp.Header, body, time.Since(start)}, nil
}

var traceHeader = regexp.MustCompile(`^go 1\.2\d trace\x00`)

const fr = "/debug/tracebench/flightrecorder/"

func TestBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // the whole stderr line after "demo-server: "
	}{
		{[]string{"--inject-cpu", "abc"}, `invalid value "abc" for flag --inject-cpu: want a Go duration such as 10s or 200ms`},
		{[]string{"--inject-cpu", "300"}, `invalid value "300" for flag --inject-cpu: want a Go duration such as 10s or 200ms`},
		{[]string{"--inject-cpu=99999999999h"}, `invalid value "99999999999h" for flag --inject-cpu: want a Go duration such as 10s or 200ms`},
		{[]string{"--inject-cpu", "-5us"}, `invalid value "-5us" for flag --inject-cpu: want a duration in [0, 10s]`},
		{[]string{"--inject-cpu", "10.5s"}, `invalid value "10.5s" for flag --inject-cpu: want a duration in [0, 10s]`},
		{[]string{"--inject-cpu", "0.4ns"}, `invalid value "0.4ns" for flag --inject-cpu: below the 1ns resolution (0 turns the injection off)`},
		{[]string{"--background-spin", "-1"}, `invalid value "-1" for flag --background-spin: want 0 to 64 goroutines`},
		{[]string{"--background-spin", "65"}, `invalid value "65" for flag --background-spin: want 0 to 64 goroutines`},
		{[]string{"--stall-every", "often"}, `invalid value "often" for flag --stall-every: want a Go duration such as 10s or 200ms`},
		{[]string{"--stall-for", "10"}, `invalid value "10" for flag --stall-for: want a Go duration such as 10s or 200ms`},
		{[]string{"--snapshot-dir", "d", "--slo-p99", "20"}, `invalid value "20" for flag --slo-p99: want a Go duration such as 10s or 200ms`},
		{[]string{"--snapshot-dir", "d", "--snapshot-keep", "few"}, `invalid value "few" for flag --snapshot-keep: want an integer`},
		// The first bad flag is the one reported.
		{[]string{"--stall-every", "x", "--inject-cpu", "y"}, `invalid value "x" for flag --stall-every: want a Go duration such as 10s or 200ms`},
		{[]string{"--stall-every", "1s"}, `invalid value "1s" for flag --stall-every: needs --stall-for too`},
		{[]string{"--stall-for", "1s"}, `invalid value "1s" for flag --stall-for: needs --stall-every too`},
		{[]string{"--stall-every", "1s", "--stall-for", "2s"}, `invalid value "2s" for flag --stall-for: must be shorter than --stall-every 1s`},
		{[]string{"--stall-every", "-1s", "--stall-for", "1ms"}, `invalid value "-1s" for flag --stall-every: must not be negative`},
		{[]string{"--addr", "8080"}, `invalid value "8080" for flag --addr: want host:port, e.g. 127.0.0.1:8080`},
		{[]string{"--debug-addr", "127.0.0.1:99999"}, `invalid value "127.0.0.1:99999" for flag --debug-addr: port must be a number in [0, 65535]`},
		{[]string{"--addr"}, `flag needs an argument: --addr`},
		{[]string{"--bogus"}, `flag provided but not defined: --bogus`},
		{[]string{"--no-agent=maybe"}, `invalid value "maybe" for flag --no-agent: want true or false`},
		{[]string{"--no-pprof=2"}, `invalid value "2" for flag --no-pprof: want true or false`},
		{[]string{"serve"}, `unexpected argument "serve": demo-server takes only flags`},
		{[]string{"--no-agent", "--agent-token", "x"}, `invalid value "(hidden)" for flag --agent-token: the agent is not served (--no-agent, --no-pprof or empty --debug-addr)`},
		{[]string{"--slow-threshold", "1s"}, `invalid value "1s" for flag --slow-threshold: only applies with --snapshot-dir`},
		{[]string{"--snapshot-dir", "d", "--fr-max-bytes", "3Q"}, `invalid value "3Q" for flag --fr-max-bytes: unknown unit "Q": want B, KiB, MiB, GiB, TiB, KB, MB, GB or TB`},
		{[]string{"--snapshot-dir", "d", "--fr-min-age", "0s"}, `invalid value "0s" for flag --fr-min-age: must be positive (omit it for the Go default of 10s)`},
		{[]string{"--snapshot-dir", "d", "--snapshot-keep", "0"}, `invalid value "0" for flag --snapshot-keep: must be at least 1`},
	} {
		cmd := exec.Command(binary(t), tc.args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if want := "demo-server: " + tc.want + "\n"; code != 1 || stderr.String() != want || stdout.Len() != 0 {
			t.Errorf("demo-server %q: exit %d, stderr %q, stdout %q; want exit 1 (bad usage), stderr %q", tc.args, code,
				stderr.String(), stdout.String(), want)
		}
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary(t), "--help").Output()
	if err != nil || !bytes.Contains(out, []byte("-inject-cpu DURATION")) || !bytes.Contains(out, []byte("TEST KNOB")) {
		t.Errorf("--help: %v\n%s", err, out)
	}
}

// A server that cannot run (a port in use, a snapshot directory that cannot be
// created) exits 2, as a run failure, with one line naming the flag.
func TestRunFailures(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct {
		args []string
		want string // a prefix of the stderr line
	}{
		{[]string{"--addr", ln.Addr().String(), "--debug-addr", ""}, "demo-server: --addr " + ln.Addr().String() + ": "},
		{[]string{"--addr", "127.0.0.1:0", "--debug-addr", ln.Addr().String()}, "demo-server: --debug-addr " + ln.Addr().String() + ": "},
		{[]string{"--addr", "127.0.0.1:0", "--snapshot-dir", "/dev/null/traces"}, "demo-server: --snapshot-dir: "},
	} {
		cmd := exec.Command(binary(t), tc.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		line := stderr.String()
		if code != 2 || !strings.HasPrefix(line, tc.want) || strings.Count(line, "\n") != 1 {
			t.Errorf("demo-server %q: exit %d, stderr %q; want exit 2 (run failed), one line starting %q", tc.args, code, line, tc.want)
		}
	}
}

// The whole surface against the real binary: every endpoint, pprof, the agent's
// lifecycle with a pprof trace capture beside the recorder, and a graceful SIGTERM.
func TestServeEverything(t *testing.T) {
	s := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0")

	for _, path := range []string{"/health", "/cpu", "/cpu?us=500", "/alloc", "/alloc?kb=1024&objects=10",
		"/churn", "/churn?n=50&us=1", "/pool", "/pool?n=50&us=1", "/mutex", "/mutex?workers=8&iters=20",
		"/block", "/block?waits=1&us=10", "/annotate", "/annotate?regions=100&tasks=10&logs=100",
		"/api", "/api?items=5&fanout=2&backend_us=0"} {
		r := call(t, "GET", s.main+path)
		if r.status != 200 || r.header.Get("Content-Length") == "" {
			t.Errorf("GET %s: %d, Content-Length %q, body %s", path, r.status, r.header.Get("Content-Length"), r.body)
		}
		if path != "/health" && !json.Valid(r.body) {
			t.Errorf("GET %s: body is not JSON: %s", path, r.body)
		}
	}
	if r := call(t, "GET", s.main+"/cpu?us=x"); r.status != 400 || !bytes.Contains(r.body, []byte(`"param":"us"`)) {
		t.Errorf("bad param: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", s.main+"/debug/pprof/"); r.status != 404 {
		t.Errorf("pprof on the main listener: %d; want it only on the debug listener", r.status)
	}
	if r := call(t, "GET", s.debug+"/debug/pprof/"); r.status != 200 {
		t.Errorf("pprof index: %d", r.status)
	}

	if r := call(t, "POST", s.debug+fr+"start?max_bytes=huge"); r.status != 400 {
		t.Errorf("bad start: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", s.debug+fr+"snapshot"); r.status != 409 {
		t.Errorf("snapshot before start: %d %s", r.status, r.body)
	}
	r := call(t, "POST", s.debug+fr+"start?min_age=2s&max_bytes=8MiB")
	var st struct {
		Enabled  bool   `json:"enabled"`
		MinAgeNs int64  `json:"min_age_ns"`
		MaxBytes uint64 `json:"max_bytes"`
		Snaps    int    `json:"snapshots_taken"`
	}
	if err := json.Unmarshal(r.body, &st); err != nil || r.status != 200 || !st.Enabled || st.MinAgeNs != 2e9 || st.MaxBytes != 8<<20 {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	if r := call(t, "POST", s.debug+fr+"start"); r.status != 409 {
		t.Errorf("second start: %d %s", r.status, r.body)
	}

	// A pprof trace capture runs beside the flight recorder (Go 1.25+).
	captured := make(chan reply)
	go func() { captured <- call(t, "GET", s.debug+"/debug/pprof/trace?seconds=0.5") }()
	for _, path := range []string{"/api", "/churn", "/annotate"} {
		call(t, "GET", s.main+path)
	}
	snap := call(t, "GET", s.debug+fr+"snapshot")
	if snap.status != 200 || !traceHeader.Match(snap.body) || snap.header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("snapshot: %d %q, %d bytes", snap.status, snap.header.Get("Content-Type"), len(snap.body))
	}
	if c := <-captured; c.status != 200 || !traceHeader.Match(c.body) {
		t.Errorf("pprof trace beside the recorder: %d %q", c.status, c.body[:min(len(c.body), 40)])
	}
	r = call(t, "GET", s.debug+fr+"status")
	if err := json.Unmarshal(r.body, &st); err != nil || !st.Enabled || st.Snaps != 1 {
		t.Errorf("status: %s", r.body)
	}
	if r := call(t, "POST", s.debug+fr+"stop"); r.status != 200 {
		t.Errorf("stop: %d %s", r.status, r.body)
	}
	if r := call(t, "POST", s.debug+fr+"stop"); r.status != 409 || string(r.body) != `{"error":"flight recorder not running"}`+"\n" {
		t.Errorf("second stop: %d %s", r.status, r.body)
	}

	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d; stderr %q", code, s.stderr)
	}
	if e := s.stderr.String(); e != "" {
		t.Errorf("stderr not empty: %q", e)
	}
}

func TestDebugListenerVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                string
		args                []string
		pprof, agent, token int // expected status of pprof index, agent status without and with token
	}{
		{"default", nil, 200, 200, 200},
		{"no agent", []string{"--no-agent"}, 200, 404, 404},
		{"no pprof", []string{"--no-pprof"}, 404, 404, 404},
		{"token", []string{"--agent-token", "t0k"}, 200, 401, 200},
		{"no debug listener", []string{"--debug-addr", ""}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, append([]string{"--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"}, tc.args...)...)
			if r := call(t, "GET", s.main+"/health"); r.status != 200 || string(r.body) != "ok\n" {
				t.Errorf("/health: %d %q", r.status, r.body)
			}
			if tc.pprof == 0 {
				if s.debug != "" || len(s.stdout) != 1 {
					t.Errorf("debug listener present: %q", s.stdout)
				}
			} else {
				if r := call(t, "GET", s.debug+"/debug/pprof/"); r.status != tc.pprof {
					t.Errorf("pprof: %d, want %d", r.status, tc.pprof)
				}
				if r := call(t, "GET", s.debug+fr+"status"); r.status != tc.agent {
					t.Errorf("agent status: %d %s, want %d", r.status, r.body, tc.agent)
				}
				if r := call(t, "GET", s.debug+fr+"status", "Authorization", "Bearer t0k"); r.status != tc.token {
					t.Errorf("agent status with token: %d %s, want %d", r.status, r.body, tc.token)
				}
			}
			if code := s.stop(t, syscall.SIGINT); code != 0 {
				t.Errorf("exit code after SIGINT = %d; stderr %q", code, s.stderr)
			}
		})
	}
}

// injectStats reads GET /debug/inject.
func injectStats(t *testing.T, s *server) (st struct {
	InjectNs      int64  `json:"inject_ns"`
	Method        string `json:"method"`
	Injections    uint64 `json:"injections"`
	InjectedCPUNs uint64 `json:"injected_cpu_ns"`
	Calibration   *struct {
		NsPerRound float64 `json:"ns_per_round"`
		WorkRounds int     `json:"work_rounds"`
	} `json:"calibration"`
	Untraced bool `json:"untraced"`
}) {
	t.Helper()
	r := call(t, "GET", s.debug+"/debug/inject")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /debug/inject: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("GET /debug/inject: %v: %s", err, r.body)
	}
	return st
}

// --inject-cpu: the injected work exists exactly while tracing is on, and /debug/inject
// counts it.
func TestInjectCPU(t *testing.T) {
	t.Parallel()
	const inject = 40 * time.Millisecond
	s := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0", "--inject-cpu", "40ms")
	fastest := func() time.Duration {
		best := time.Hour
		for range 3 {
			best = min(best, call(t, "GET", s.main+"/health").took)
		}
		return best
	}
	if d := fastest(); d >= inject {
		t.Errorf("/health took %v with tracing off", d)
	}
	call(t, "POST", s.debug+fr+"start")
	if d := fastest(); d < inject {
		t.Errorf("/health took %v with the flight recorder on; want at least %v", d, inject)
	}
	call(t, "POST", s.debug+fr+"stop")
	if d := fastest(); d >= inject {
		t.Errorf("/health took %v after stopping the recorder", d)
	}
	st := injectStats(t, s)
	if st.InjectNs != int64(inject) || st.Method != "thread_cpu_clock" || st.Injections != 3 ||
		st.InjectedCPUNs < 3*uint64(inject) || st.InjectedCPUNs > 3*uint64(inject+time.Millisecond) || st.Calibration != nil {
		t.Errorf("/debug/inject after 3 requests while tracing: %+v; want 3 injections of 40ms measured on the thread's CPU clock", st)
	}
	s.stop(t, syscall.SIGTERM)
}

// A sub-microsecond-resolution value is a calibrated work loop, reported with its
// calibration; without a knob /debug/inject says so.
func TestInjectCPUShort(t *testing.T) {
	t.Parallel()
	s := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0", "--inject-cpu", "1.3us")
	call(t, "POST", s.debug+fr+"start")
	for range 5 {
		call(t, "GET", s.main+"/health")
	}
	call(t, "POST", s.debug+fr+"stop")
	call(t, "GET", s.main+"/health")
	st := injectStats(t, s)
	if st.InjectNs != 1300 || st.Method != "calibrated_work" || st.Injections != 5 || st.Calibration == nil ||
		st.Calibration.WorkRounds < 1 || st.InjectedCPUNs < 5*1200 || st.InjectedCPUNs > 5*1400 {
		t.Errorf("/debug/inject after 5 requests while tracing: %+v; want 5 calibrated injections of 1.3µs", st)
	}
	// untraced=on injects with tracing off too, until untraced=off.
	if r := call(t, "POST", s.debug+"/debug/inject?untraced=on"); r.status != http.StatusNoContent {
		t.Fatalf("POST /debug/inject?untraced=on: %d %s", r.status, r.body)
	}
	for range 3 {
		call(t, "GET", s.main+"/health")
	}
	if st := injectStats(t, s); st.Injections != 8 || !st.Untraced {
		t.Errorf("/debug/inject after 3 untraced requests with untraced=on: %+v; want 8 injections", st)
	}
	call(t, "POST", s.debug+"/debug/inject?untraced=off")
	call(t, "GET", s.main+"/health")
	if st := injectStats(t, s); st.Injections != 8 || st.Untraced {
		t.Errorf("/debug/inject after untraced=off and one request: %+v; want still 8", st)
	}
	if r := call(t, "POST", s.debug+"/debug/inject?untraced=yes"); r.status != http.StatusBadRequest ||
		!strings.Contains(string(r.body), `untraced="yes": expected on or off`) {
		t.Errorf("POST /debug/inject?untraced=yes: %d %s; want 400 naming the value", r.status, r.body)
	}
	s.stop(t, syscall.SIGTERM)

	off := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0", "--no-pprof")
	if st := injectStats(t, off); st.InjectNs != 0 || st.Method != "off" || st.Injections != 0 || st.InjectedCPUNs != 0 {
		t.Errorf("/debug/inject without --inject-cpu: %+v", st)
	}
	off.stop(t, syscall.SIGTERM)
}

// Anomaly capture: scheduled stalls make requests slow, and the slow-request
// middleware writes exactly one snapshot file for all of them.
func TestStallsAreCaptured(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0",
		"--stall-every", "300ms", "--stall-for", "150ms",
		"--snapshot-dir", dir, "--slow-threshold", "50ms", "--snapshot-min-interval", "1h",
		"--fr-min-age", "1s", "--fr-max-bytes", "4MiB")
	slow := 0
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if call(t, "GET", s.main+"/health").took >= 50*time.Millisecond {
			slow++
		}
	}
	if slow < 2 {
		t.Errorf("%d slow requests in 1.5s with a 150ms stall every 300ms; want several", slow)
	}
	r := call(t, "GET", s.debug+fr+"status")
	if !bytes.Contains(r.body, []byte(`"enabled":true`)) {
		t.Errorf("recorder not running with --snapshot-dir: %s", r.body)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit %d; stderr %q", code, s.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "flightrecorder-*.trace"))
	if len(files) != 1 {
		t.Fatalf("snapshot files %v after %d slow requests; want exactly one", files, slow)
	}
	data, err := os.ReadFile(files[0])
	if err != nil || !traceHeader.Match(data) {
		t.Errorf("%s: %v, header %q", files[0], err, data[:min(16, len(data))])
	}
}

// SIGTERM with a slow request and a pprof trace capture in flight: the request still
// gets its 200, the capture ends early with a complete Go trace, and the exit code is 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	s := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0")
	type result struct {
		r    reply
		err  error
		done time.Time
	}
	get := func(url string) <-chan result {
		c := make(chan result, 1)
		go func() {
			r, err := fetch("GET", url)
			c <- result{r, err, time.Now()}
		}()
		return c
	}
	slow := get(s.main + "/block?waits=1&us=800000")
	capture := get(s.debug + "/debug/pprof/trace?seconds=30")

	// The capture is running once the agent's status says tracing is on.
	for deadline := time.Now().Add(5 * time.Second); ; {
		r := call(t, "GET", s.debug+fr+"status")
		if bytes.Contains(r.body, []byte(`"tracing_active":true`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pprof capture not running after 5s: %s", r.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the slow request's 800ms sleep is well under way
	signalled := time.Now()
	code := s.stop(t, syscall.SIGTERM)

	wait := func(c <-chan result, what string) result {
		select {
		case res := <-c:
			if res.err != nil {
				t.Fatalf("%s: %v", what, res.err)
			}
			return res
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer 10s after the server exited", what)
			return result{}
		}
	}
	if res := wait(slow, "slow request"); res.r.status != 200 || !json.Valid(res.r.body) ||
		res.r.took < 800*time.Millisecond || !res.done.After(signalled) {
		t.Errorf("slow request: %d %s after %v, done %v after SIGTERM; want 200 after at least 800ms, finished after the signal",
			res.r.status, res.r.body, res.r.took, res.done.Sub(signalled))
	}
	if res := wait(capture, "pprof capture"); res.r.status != 200 || !traceHeader.Match(res.r.body) || res.r.took > 10*time.Second {
		t.Errorf("pprof capture: %d %q after %v; want 200 and a Go trace, ended early by the shutdown",
			res.r.status, res.r.body[:min(len(res.r.body), 40)], res.r.took)
	}
	if code != 0 {
		t.Errorf("exit code after SIGTERM = %d; stderr %q", code, s.stderr)
	}
	if e := s.stderr.String(); e != "" {
		t.Errorf("stderr not empty: %q", e)
	}
}

// --slo-p99: the watchdog is wired in and its ticker (Watchdog.Run, a check every
// second) finds a p99 above the SLO under real load and writes one file. With the
// slow-request middleware tripping on every request as well, the two share one rate
// limit, so the storm still writes one file.
func TestWatchdogCapture(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, slowThreshold string
	}{
		{"watchdog alone", "10s"},       // no request is that slow: only the watchdog can write
		{"with the middleware", "25ms"}, // every 30ms request trips the middleware too
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := start(t, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0",
				"--snapshot-dir", dir, "--slo-p99", "20ms", "--snapshot-min-interval", "1h",
				"--slow-threshold", tc.slowThreshold, "--fr-min-age", "1s", "--fr-max-bytes", "4MiB")

			// 8 clients of 30ms requests for 2.5s: ~250 samples a second, so the checks at
			// 1s and 2s both see more than the watchdog's 100 samples and a p99 over 20ms;
			// the second breach falls inside --snapshot-min-interval.
			const clients = 8
			var wg sync.WaitGroup
			var done, failed atomic.Int64
			deadline := time.Now().Add(2500 * time.Millisecond)
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for time.Now().Before(deadline) {
						r, err := fetch("GET", s.main+"/block?waits=1&us=30000")
						if err != nil || r.status != 200 {
							failed.Add(1)
							return
						}
						done.Add(1)
					}
				}()
			}
			wg.Wait()
			if failed.Load() != 0 || done.Load() < 250 {
				t.Fatalf("%d requests done, %d failed in 2.5s; want at least 250 and no failure", done.Load(), failed.Load())
			}
			r := call(t, "GET", s.debug+fr+"status")
			var st struct {
				FilesWritten *int `json:"files_written"`
			}
			if err := json.Unmarshal(r.body, &st); err != nil || st.FilesWritten == nil || *st.FilesWritten != 1 {
				t.Errorf("status after the storm: %s; want files_written 1", r.body)
			}
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Errorf("exit %d; stderr %q", code, s.stderr)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "flightrecorder-*.trace"))
			if len(files) != 1 {
				t.Fatalf("snapshot files %v after %d requests over the SLO; want exactly one", files, done.Load())
			}
			data, err := os.ReadFile(files[0])
			if err != nil || !traceHeader.Match(data) {
				t.Errorf("%s: %v, header %q", files[0], err, data[:min(16, len(data))])
			}
		})
	}
}
