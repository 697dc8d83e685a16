package demo

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/trace"
	"slices"
	"strings"
	"testing"
	"time"
)

func newTestServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	s := New(cfg)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return srv
}

type result struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
}

func fetch(t *testing.T, srv *httptest.Server, method, path, body string) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if cl := resp.Header.Get("Content-Length"); cl == "" || (method != "HEAD" && resp.ContentLength != int64(len(b))) {
		t.Errorf("%s %s: Content-Length %q for a %d-byte body", method, path, cl, len(b))
	}
	return result{resp.StatusCode, resp.Header, b, took}
}

func TestEndpoints(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, path, body string
		want               []string // substrings of the body
	}{
		{"GET", "/health", "", []string{"ok\n"}},
		{"HEAD", "/health", "", nil},
		{"GET", "/cpu", "", []string{`"endpoint":"cpu"`, `"us":100`}},
		{"GET", "/cpu?us=0", "", []string{`"us":0`}},
		{"GET", "/cpu?us=2000", "", []string{`"us":2000`}},
		{"GET", "/alloc", "", []string{`"endpoint":"alloc"`, `"kb":256`, `"objects":64`}},
		{"GET", "/alloc?kb=1&objects=1024", "", []string{`"kb":1`, `"objects":1024`}},
		{"GET", "/alloc?kb=4096&objects=3", "", []string{`"kb":4096`}},
		{"GET", "/churn", "", []string{`"endpoint":"churn"`, `"n":16`, `"us":5`}},
		{"GET", "/churn?n=200&us=0", "", []string{`"n":200`}},
		{"GET", "/pool", "", []string{`"endpoint":"pool"`, `"n":16`, `"us":5`}},
		{"GET", "/pool?n=200&us=1", "", []string{`"n":200`}},
		{"GET", "/mutex", "", []string{`"endpoint":"mutex"`, `"workers":4`, `"iters":50`}},
		{"GET", "/mutex?workers=16&iters=10", "", []string{`"workers":16`}},
		{"GET", "/block", "", []string{`"endpoint":"block"`, `"waits":2`, `"us":100`}},
		{"GET", "/block?waits=3&us=1000", "", []string{`"waits":3`, `"us":1000`}},
		{"GET", "/block?waits=0", "", []string{`"waits":0`}},
		{"GET", "/annotate", "", []string{`"endpoint":"annotate"`, `"regions":32`, `"tasks":4`, `"logs":32`}},
		{"GET", "/annotate?regions=5&tasks=0&logs=0", "", []string{`"regions":5`, `"tasks":0`}},
		{"GET", "/api", "", []string{`"user":1`, `"query":"demo"`, `"count":20`}},
		{"GET", "/api?user=7&items=3&fanout=2&backend_us=0", "", []string{`"user":7`, `"count":3`}},
		{"POST", "/api", `{"user":9,"query":"shoes","items":5,"fanout":8,"backend_us":10}`,
			[]string{`"user":9`, `"query":"shoes"`, `"count":5`}},
		{"POST", "/api", "", []string{`"count":20`}},
	} {
		r := fetch(t, srv, tc.method, tc.path, tc.body)
		if r.status != 200 {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
			continue
		}
		for _, w := range tc.want {
			if !bytes.Contains(r.body, []byte(w)) {
				t.Errorf("%s %s: body %s lacks %s", tc.method, tc.path, r.body, w)
			}
		}
		if tc.path != "/health" && tc.method != "HEAD" && !json.Valid(r.body) {
			t.Errorf("%s %s: invalid JSON %s", tc.method, tc.path, r.body)
		}
	}
}

func TestAPIResponseShape(t *testing.T) {
	srv := newTestServer(t, Config{})
	r := fetch(t, srv, "GET", "/api?items=10&fanout=3", "")
	var resp apiResponse
	if err := json.Unmarshal(r.body, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Count != 10 || len(resp.Items) != 10 || len(resp.Items[0].Tags) != 2 {
		t.Fatalf("response %+v", resp)
	}
	if !slices.IsSortedFunc(resp.Items, func(a, b apiItem) int {
		return -cmpFloat(a.Score, b.Score)
	}) {
		t.Errorf("items not sorted by score: %+v", resp.Items)
	}
	shards := map[int]bool{}
	for _, it := range resp.Items {
		shards[it.Shard] = true
	}
	if len(shards) < 2 {
		t.Errorf("top items from one shard only: %v", shards)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestBadRequests(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, path, body string
		status             int
		param, errContains string
	}{
		{"GET", "/cpu?us=abc", "", 400, "us", `bad parameter us="abc": want an integer in [0, 1000000]`},
		{"GET", "/cpu?us=-1", "", 400, "us", "[0, 1000000]"},
		{"GET", "/cpu?us=2000000", "", 400, "us", "[0, 1000000]"},
		{"GET", "/cpu?usec=5", "", 400, "usec", `unknown parameter "usec"; want us`},
		{"GET", "/cpu?us=1&us=2", "", 400, "us", "given more than once"},
		{"GET", "/cpu?%zz", "", 400, "", "bad query string"},
		{"GET", "/alloc?kb=0", "", 400, "kb", "bad parameter kb"},
		{"GET", "/alloc?kb=1&objects=2000", "", 400, "objects", "more objects than bytes"},
		{"GET", "/alloc?objects=x", "", 400, "objects", "bad parameter objects"},
		{"GET", "/churn?n=0", "", 400, "n", "[1, 10000]"},
		{"GET", "/churn?n=10000&us=10000", "", 400, "us", "n*us must be at most 10000000"},
		{"GET", "/pool?us=1.5", "", 400, "us", "bad parameter us"},
		{"GET", "/mutex?workers=1000", "", 400, "workers", "[1, 256]"},
		{"GET", "/mutex?iters=0", "", 400, "iters", "bad parameter iters"},
		{"GET", "/block?waits=1000&us=1000000", "", 400, "us", "waits*us must be at most"},
		{"GET", "/block?waits=-2", "", 400, "waits", "bad parameter waits"},
		{"GET", "/annotate?regions=1e3", "", 400, "regions", "bad parameter regions"},
		{"GET", "/annotate?spans=1", "", 400, "spans", "want regions, tasks, logs"},
		{"GET", "/api?items=0", "", 400, "items", "bad parameter items"},
		{"GET", "/api?fanout=65", "", 400, "fanout", "[1, 64]"},
		{"POST", "/api", `{"items":`, 400, "body", "bad JSON body"},
		{"POST", "/api", `{"color":"red"}`, 400, "body", `unknown field "color"`},
		{"POST", "/api", `{"items":5000}`, 400, "items", "bad field items=5000"},
		{"POST", "/api", `{"query":"` + strings.Repeat("x", 300) + `"}`, 400, "query", "longer than 256"},
		{"POST", "/api?items=3", "", 400, "items", "unknown parameter"},
		{"POST", "/api", `{"query":"` + strings.Repeat("x", 70<<10) + `"}`, 400, "body", "too large"},
		{"GET", "/nope", "", 404, "", "no such endpoint /nope"},
		{"POST", "/cpu", "", 405, "", "method POST not allowed; use GET, HEAD"},
		{"DELETE", "/api", "", 405, "", "use GET, HEAD, POST"},
	} {
		r := fetch(t, srv, tc.method, tc.path, tc.body)
		var e errorBody
		if err := json.Unmarshal(r.body, &e); err != nil {
			t.Errorf("%s %s: body %q is not JSON: %v", tc.method, tc.path, r.body, err)
			continue
		}
		if r.status != tc.status || e.Param != tc.param || !strings.Contains(e.Error, tc.errContains) {
			t.Errorf("%s %s = %d %+v; want %d param %q error containing %q", tc.method, tc.path, r.status, e,
				tc.status, tc.param, tc.errContains)
		}
	}
}

// Defaults must be modest: tens to hundreds of µs of server time (~2 ms for the timer
// waits of /block). The bound here only catches gross mistakes on a noisy 2-core CI
// machine; docs/workloads.md gives measured figures.
func TestDefaultsAreModest(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, path := range []string{"/cpu", "/alloc", "/churn", "/pool", "/mutex", "/block", "/annotate", "/api"} {
		var elapsed []int
		for range 15 {
			var v struct {
				ElapsedUs int `json:"elapsed_us"`
			}
			if err := json.Unmarshal(fetch(t, srv, "GET", path, "").body, &v); err != nil {
				t.Fatal(err)
			}
			elapsed = append(elapsed, v.ElapsedUs)
		}
		slices.Sort(elapsed)
		med := elapsed[len(elapsed)/2]
		t.Logf("%-9s median server time %4d µs", path, med)
		if med > 20000 {
			t.Errorf("%s: median %d µs with default parameters; want well under 20 ms", path, med)
		}
	}
}

// --inject-cpu: requests pay the extra CPU only while tracing is on.
func TestInjectCPUOnlyWhileTracing(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("tracing already on")
	}
	const inject = 30 * time.Millisecond
	srv := newTestServer(t, Config{InjectCPU: inject})
	if r := fetch(t, srv, "GET", "/health", ""); r.took >= inject {
		t.Errorf("/health took %v with tracing off; the injection must not apply", r.took)
	}
	if err := trace.Start(io.Discard); err != nil {
		t.Fatal(err)
	}
	r := fetch(t, srv, "GET", "/health", "")
	trace.Stop()
	if r.took < inject {
		t.Errorf("/health took %v while tracing; want at least the injected %v", r.took, inject)
	}
	if r := fetch(t, srv, "GET", "/health", ""); r.took >= inject {
		t.Errorf("/health took %v after tracing stopped", r.took)
	}
}

func TestStallDelaysRequests(t *testing.T) {
	const every, stall = 400 * time.Millisecond, 300 * time.Millisecond
	s := New(Config{StallEvery: every, StallFor: stall})
	srv := httptest.NewServer(s.Handler())
	defer func() { srv.Close(); s.Close() }()

	select {
	case <-s.Stalls():
	case <-time.After(5 * time.Second):
		t.Fatal("no stall began")
	}
	r := fetch(t, srv, "GET", "/health", "")
	if r.took < stall/3 {
		t.Errorf("/health during a stall took %v; want it held by the %v stall", r.took, stall)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{InjectCPU: time.Millisecond, StallEvery: time.Second, StallFor: time.Millisecond}, true},
		{Config{InjectCPU: -1}, false},
		{Config{StallEvery: time.Second}, false},
		{Config{StallFor: time.Second}, false},
		{Config{StallEvery: time.Second, StallFor: time.Second}, false},
		{Config{StallEvery: -time.Second, StallFor: -time.Millisecond}, false},
		{Config{PoolWorkers: -1}, false},
		{Config{BackgroundSpinners: 2}, true},
		{Config{BackgroundSpinners: -1}, false},
	} {
		if err := tc.cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tc.cfg, err, tc.ok)
		}
	}
}

// discardWriter is a ResponseWriter that keeps one header map, so the benchmark
// measures the handler and not the recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkHandlers measures each endpoint's handler with default parameters, without
// the network: the server-side cost quoted in docs/workloads.md.
func BenchmarkHandlers(b *testing.B) {
	s := New(Config{})
	defer s.Close()
	h := s.Handler()
	for _, path := range []string{"/health", "/cpu", "/alloc", "/churn", "/pool", "/mutex", "/block", "/annotate",
		"/api", "/api?backend_us=0"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}

// spinCPU burns thread CPU time, not wall time: a goroutine that shares its CPU with a
// busy one still gets its full share of work done.
func TestSpinCPUBurnsCPUTimeNotWallTime(t *testing.T) {
	const want = 30 * time.Millisecond
	stop := make(chan struct{})
	defer close(stop)
	// Competitors for every P, so the spinning thread is descheduled part of the time.
	for range runtime.GOMAXPROCS(0) {
		go func() {
			runtime.LockOSThread()
			for {
				select {
				case <-stop:
					return
				default:
					xorshift(1, 1024)
				}
			}
		}()
	}
	done := make(chan time.Duration)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		before, ok := threadCPU()
		if !ok {
			done <- -1
			return
		}
		spinCPU(want)
		after, _ := threadCPU()
		done <- after - before
	}()
	got := <-done
	if got < 0 {
		t.Skip("this kernel has no thread CPU clock")
	}
	if got < want || got > want+10*time.Millisecond {
		t.Errorf("spinCPU(%v) used %v of the thread's CPU; want %v to %v", want, got, want, want+10*time.Millisecond)
	}
}

// The spinners burn CPU while the server lives, and Close stops them.
func TestBackgroundSpinnersBurnCPUUntilClose(t *testing.T) {
	s := New(Config{BackgroundSpinners: 2})
	before := runtime.NumGoroutine()
	time.Sleep(20 * time.Millisecond)
	s.Close()
	if after := runtime.NumGoroutine(); after > before-2 {
		t.Errorf("%d goroutines with the spinners, %d after Close: they did not stop", before, after)
	}
}
