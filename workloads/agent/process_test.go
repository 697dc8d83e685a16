package agent

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func decodeProcess(t *testing.T, r response) ProcessSample {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("GET process: status %d, body %q", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var p ProcessSample
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("process body %q: %v", r.body, err)
	}
	return p
}

// burnCPU spins until /proc says the process used d more CPU (the machine may be
// shared, so wall time says nothing), or 10 s passed.
func burnCPU(t *testing.T, d time.Duration) {
	t.Helper()
	x := 0
	for start, cpu0 := time.Now(), procSelfCPU(t); procSelfCPU(t)-cpu0 < d && time.Since(start) < 10*time.Second; {
		for i := 0; i < 100000; i++ {
			x += i * i
		}
	}
	_ = x
}

// procSelfCPU reads utime + stime of /proc/self/stat (clock ticks of 10 ms: USER_HZ is
// 100 on every Linux architecture Go supports).
func procSelfCPU(t *testing.T) time.Duration {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	// The command name may hold spaces; the fields after it start after the last ')'.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("utime/stime in %q: %v %v", b, err1, err2)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func TestProcessEndpoint(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	first := decodeProcess(t, do(t, srv, "GET", Prefix+"process"))
	burnCPU(t, 200*time.Millisecond)
	runtime.GC() // the runtime updates its CPU classes at the end of a GC cycle
	before := procSelfCPU(t)
	second := decodeProcess(t, do(t, srv, "GET", Prefix+"process"))
	after := procSelfCPU(t)

	if second.Pid != os.Getpid() || second.StartedUnixNs != first.StartedUnixNs || second.StartedUnixNs == 0 {
		t.Errorf("identity: pid %d started %d, then pid %d started %d; want pid %d and the same non-zero start",
			first.Pid, first.StartedUnixNs, second.Pid, second.StartedUnixNs, os.Getpid())
	}
	if second.TakenUnixNs <= first.TakenUnixNs {
		t.Errorf("taken_unix_ns went from %d to %d", first.TakenUnixNs, second.TakenUnixNs)
	}
	if second.GOMAXPROCS != runtime.GOMAXPROCS(0) {
		t.Errorf("gomaxprocs = %d, want %d", second.GOMAXPROCS, runtime.GOMAXPROCS(0))
	}
	// The OS's CPU time, against /proc read around it: /proc truncates to 10 ms ticks.
	cpu := time.Duration(second.CPUUserNs + second.CPUSystemNs)
	if cpu < before-20*time.Millisecond || cpu > after+20*time.Millisecond {
		t.Errorf("cpu user+system = %v; /proc/self/stat said %v before and %v after", cpu, before, after)
	}
	if d := time.Duration(second.CPUUserNs + second.CPUSystemNs - first.CPUUserNs - first.CPUSystemNs); d < 180*time.Millisecond {
		t.Errorf("user+system CPU grew by %v while /proc counted 200ms of busy loop", d)
	}

	c := second.CPUClassesS
	if sum := c.User + c.GCTotal + c.ScavengeTotal + c.Idle; !near(sum, c.Total, 1e-6) {
		t.Errorf("user %g + gc %g + scavenge %g + idle %g = %g, total %g", c.User, c.GCTotal, c.ScavengeTotal, c.Idle, sum, c.Total)
	}
	if gc := c.GCMarkAssist + c.GCMarkDedicated + c.GCMarkIdle + c.GCPause; !near(gc, c.GCTotal, 1e-6) {
		t.Errorf("gc parts sum to %g, gc total %g", gc, c.GCTotal)
	}
	if c.User-first.CPUClassesS.User <= 0 {
		t.Errorf("runtime user CPU did not grow across a busy loop and a GC: %g then %g", first.CPUClassesS.User, c.User)
	}
	if second.GCCycles <= first.GCCycles {
		t.Errorf("gc_cycles %d then %d across runtime.GC()", first.GCCycles, second.GCCycles)
	}
	if second.Goroutines == 0 || second.HeapObjectsBytes == 0 || second.TotalMemoryBytes < second.HeapObjectsBytes {
		t.Errorf("goroutines %d, heap objects %d, total memory %d", second.Goroutines, second.HeapObjectsBytes, second.TotalMemoryBytes)
	}

	h := second.SchedLatencies
	if len(h.Counts) == 0 || len(h.Boundaries) != len(h.Counts)+1 {
		t.Fatalf("sched latencies: %d boundaries for %d counts", len(h.Boundaries), len(h.Counts))
	}
	for i := 1; i+1 < len(h.Boundaries); i++ {
		if h.Boundaries[i] == nil || (i > 1 && h.Boundaries[i-1] != nil && *h.Boundaries[i] <= *h.Boundaries[i-1]) {
			t.Fatalf("sched latencies: boundary %d is %v after %v", i, h.Boundaries[i], h.Boundaries[i-1])
		}
	}
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	if n == 0 {
		t.Errorf("sched latencies: no goroutine was ever scheduled?")
	}
}

func near(a, b, rel float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= rel*max(1, b)
}

func TestProcessEndpointRules(t *testing.T) {
	_, srv := newTestServer(t, Options{Token: "s3cret"})
	for _, tc := range []struct {
		method string
		hdr    []string
		want   int
	}{
		{"GET", nil, http.StatusUnauthorized},
		{"GET", []string{"Authorization", "Bearer wrong"}, http.StatusUnauthorized},
		{"POST", []string{"Authorization", "Bearer s3cret"}, http.StatusMethodNotAllowed},
		{"GET", []string{"Authorization", "Bearer s3cret"}, http.StatusOK},
	} {
		if r := do(t, srv, tc.method, Prefix+"process", tc.hdr...); r.status != tc.want {
			t.Errorf("%s process %v: status %d, want %d (body %q)", tc.method, tc.hdr, r.status, tc.want, r.body)
		}
	}
}

// BenchmarkProcessEndpoint is what one GET process costs the service (tracebench calls it
// twice a round): the handler with its JSON, without the network.
func BenchmarkProcessEndpoint(b *testing.B) {
	h := New(Options{}).Handler()
	req := httptest.NewRequest("GET", Prefix+"process", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkReadProcessSample is the reading alone: getrusage and runtime/metrics.Read.
func BenchmarkReadProcessSample(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = ReadProcessSample()
	}
}
