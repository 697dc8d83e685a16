package agent

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime/trace"
	"strings"
	"testing"
	"time"
)

// traceHeader is how every Go execution trace file starts (format v2: "go 1.22 trace"
// up to "go 1.26 trace", NUL-padded to 16 bytes).
var traceHeader = regexp.MustCompile(`^go 1\.2\d trace\x00`)

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    uint64
		wantErr string
	}{
		{"16MiB", 16 << 20, ""},
		{"16mib", 16 << 20, ""},
		{"500KB", 500_000, ""},
		{"1.5GiB", 3 << 29, ""},
		{"1048576", 1 << 20, ""},
		{"64B", 64, ""},
		{"10 MiB", 10 << 20, ""},
		{"2TB", 0, "at most 4GiB"},
		{"", 0, "want a size"},
		{"MiB", 0, "want a size"},
		{"12XB", 0, `unknown unit "XB"`},
		{"16M", 0, `unknown unit "M"`},
		{"-1MiB", 0, "want a size"},
		{"0", 0, "at least 1 byte"},
		{"0.1", 0, "at least 1 byte"},
		{"1.2.3MiB", 0, "want a size"},
		// A fraction is fine when the size is whole; a fractional byte count is an error,
		// never rounded down.
		{"0.5KiB", 512, ""},
		{"1.001KB", 1001, ""},
		{"4.00GiB", 4 << 30, ""},
		{"1.5", 0, "1.5 is 1.5 bytes, not a whole number"},
		{"1.1KiB", 0, "1.1KiB is 1126.4 bytes, not a whole number"},
		{"0.0001KB", 0, "at least 1 byte"},
		{"1.0001KB", 0, "1.0001KB is 1000.1 bytes, not a whole number"},
		// The longest exact fraction: one byte in TiB. Longer numbers are refused before
		// big.Rat reads them (FuzzParseBytes stalled on numbers of megabytes).
		{"0.0000000000009094947017729282379150390625TiB", 1, ""},
		{"1" + strings.Repeat("0", 64) + "B", 0, "a number of 65 characters: want at most 64"},
		{strings.Repeat("9", 1<<20), 0, "a number of 1048576 characters"},
	} {
		got, err := ParseBytes(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseBytes(%q) = %d, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatBytesRoundTrip(t *testing.T) {
	for _, n := range []uint64{1, 1000, 1024, 1536, 16 << 20, 3 << 30, 10<<20 + 1} {
		s := FormatBytes(n)
		got, err := ParseBytes(s)
		if err != nil || got != n {
			t.Errorf("ParseBytes(FormatBytes(%d) = %q) = %d, %v", n, s, got, err)
		}
	}
}

func TestParseMinAge(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"10s", 10 * time.Second, ""},
		{"500ms", 500 * time.Millisecond, ""},
		{"1m30s", 90 * time.Second, ""},
		{"10", 0, "Go duration"},
		{"abc", 0, "Go duration"},
		{"0s", 0, "must be positive"},
		{"-1s", 0, "must be positive"},
	} {
		got, err := ParseMinAge(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseMinAge(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMinAge(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// newTestServer mounts a fresh agent on a loopback test server. The recorder is
// process-global, so tests in this package never run in parallel, and every test
// stops its recorder.
func newTestServer(t *testing.T, opts Options) (*Agent, *httptest.Server) {
	t.Helper()
	if trace.IsEnabled() {
		t.Skip("tracing already on (go test -trace?): the agent tests need the tracer to themselves")
	}
	mux := http.NewServeMux()
	a := Register(mux, opts)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return a, srv
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, srv *httptest.Server, method, path string, hdr ...string) response {
	t.Helper()
	return doBody(t, srv, method, path, nil, hdr...)
}

// doBody sends body (nil for none). A body that is not a *strings.Reader or similar
// of known length goes out chunked.
func doBody(t *testing.T, srv *httptest.Server, method, path string, body io.Reader, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, got}
}

func decodeStatus(t *testing.T, r response) Status {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %q", ct, r.body)
	}
	var s Status
	if err := json.Unmarshal(r.body, &s); err != nil {
		t.Fatalf("status body %q: %v", r.body, err)
	}
	return s
}

func TestHTTPLifecycle(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	p := Prefix

	r := do(t, srv, "GET", p+"status")
	s := decodeStatus(t, r)
	if r.status != 200 || s.Enabled || s.StartedAt != nil || s.MinAgeNs != int64(DefaultMinAge) ||
		s.MaxBytes != DefaultMaxBytes || !strings.HasPrefix(s.GoVersion, "go") {
		t.Fatalf("initial status %d %+v", r.status, s)
	}
	// The JSON must carry started_at as null, not omit it.
	if !bytes.Contains(r.body, []byte(`"started_at":null`)) {
		t.Errorf("status body %s lacks \"started_at\":null", r.body)
	}

	r = do(t, srv, "POST", p+"start?min_age=2s&max_bytes=16MiB")
	s = decodeStatus(t, r)
	if r.status != 200 || !s.Enabled || s.MinAgeNs != int64(2*time.Second) || s.MaxBytes != 16<<20 ||
		s.StartedAt == nil || !s.TracingActive {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	if ok, _ := regexp.Match(`"started_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`, r.body); !ok {
		t.Errorf("started_at is not RFC 3339 UTC seconds: %s", r.body)
	}

	r = do(t, srv, "POST", p+"start")
	if r.status != http.StatusConflict || !strings.Contains(string(r.body), `"error":"flight recorder already running"`) {
		t.Errorf("second start: %d %s", r.status, r.body)
	}

	time.Sleep(50 * time.Millisecond) // let the runtime emit something
	r = do(t, srv, "GET", p+"snapshot")
	if r.status != 200 || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("snapshot: %d %v", r.status, r.header)
	}
	if !traceHeader.Match(r.body) {
		t.Fatalf("snapshot does not start with a Go trace header: %q", r.body[:min(len(r.body), 16)])
	}
	if cd := r.header.Get("Content-Disposition"); !regexp.MustCompile(`filename="flightrecorder-\d{8}T\d{6}\.\d{3}Z\.trace"`).MatchString(cd) {
		t.Errorf("Content-Disposition = %q", cd)
	}

	s = decodeStatus(t, do(t, srv, "GET", p+"status"))
	if s.SnapshotsTaken != 1 || !s.Enabled {
		t.Errorf("status after snapshot: %+v", s)
	}

	r = do(t, srv, "POST", p+"stop")
	s = decodeStatus(t, r)
	if r.status != 200 || s.Enabled || s.StartedAt != nil || s.MinAgeNs != int64(2*time.Second) {
		t.Errorf("stop: %d %s", r.status, r.body)
	}

	for _, path := range []string{"stop", "snapshot"} {
		method := map[string]string{"stop": "POST", "snapshot": "GET"}[path]
		r = do(t, srv, method, p+path)
		if r.status != http.StatusConflict || string(r.body) != `{"error":"flight recorder not running"}`+"\n" {
			t.Errorf("%s when stopped: %d %s", path, r.status, r.body)
		}
	}

	// Restart with defaults: the config is the Go default again, not the last one.
	s = decodeStatus(t, do(t, srv, "POST", p+"start"))
	if !s.Enabled || s.MinAgeNs != int64(DefaultMinAge) || s.MaxBytes != DefaultMaxBytes {
		t.Errorf("restart with defaults: %+v", s)
	}
}

func TestHTTPErrors(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	p := Prefix
	type errCase struct {
		method, path string
		status       int
		errContains  string
		param        string
	}
	check := func(tc errCase, r response) {
		t.Helper()
		var body errorBody
		if err := json.Unmarshal(r.body, &body); err != nil || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: body %q is not a JSON error (%v)", tc.method, tc.path, r.body, err)
			return
		}
		if r.status != tc.status || !strings.Contains(body.Error, tc.errContains) || body.Param != tc.param {
			t.Errorf("%s %s = %d %s; want %d containing %q, param %q", tc.method, tc.path, r.status, r.body,
				tc.status, tc.errContains, tc.param)
		}
	}
	for _, tc := range []errCase{
		{"POST", p + "start?min_age=ten", 400, `bad min_age "ten": want a Go duration`, "min_age"},
		{"POST", p + "start?min_age=-1s", 400, "must be positive", "min_age"},
		{"POST", p + "start?max_bytes=lots", 400, `bad max_bytes "lots"`, "max_bytes"},
		{"POST", p + "start?max_bytes=16M", 400, `unknown unit "M"`, "max_bytes"},
		{"POST", p + "start?max_bytes=0", 400, "at least 1 byte", "max_bytes"},
		{"POST", p + "start?max_bytes=1.5", 400, `bad max_bytes "1.5": 1.5 is 1.5 bytes, not a whole number`, "max_bytes"},
		{"POST", p + "start?max_bytes=1TiB", 400, "at most 4GiB", "max_bytes"},
		{"POST", p + "start?maxbytes=1MiB", 400, `unknown parameter "maxbytes"`, "maxbytes"},
		{"POST", p + "start?min_age=1s&min_age=2s", 400, "more than once", "min_age"},
		{"POST", p + "start?%zz", 400, "bad query string", ""},
		{"GET", p + "start", 405, "method GET not allowed; use POST", ""},
		{"GET", p + "stop", 405, "use POST", ""},
		{"POST", p + "snapshot", 405, "use GET", ""},
		{"DELETE", p + "status", 405, "use GET", ""},
		{"GET", p + "nope", 404, "no such endpoint", ""},
		{"GET", p, 404, "no such endpoint", ""},
		{"POST", p + "stop", 409, "flight recorder not running", ""},
		{"GET", p + "snapshot", 409, "flight recorder not running", ""},
	} {
		check(tc, do(t, srv, tc.method, tc.path))
	}

	// Parameters sent in the body (curl -d, a JSON client) must not silently start the
	// recorder with the defaults: any non-empty body is a 400, with or without a length.
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	for _, tc := range []struct {
		path string
		body io.Reader
		hdr  []string
	}{
		{p + "start", strings.NewReader("max_bytes=16MiB"), form},
		{p + "start?min_age=2s", strings.NewReader(`{"max_bytes":"16MiB"}`), []string{"Content-Type", "application/json"}},
		{p + "start", io.MultiReader(strings.NewReader("min_age=2s")), form}, // unknown length: sent chunked
	} {
		r := doBody(t, srv, "POST", tc.path, tc.body, tc.hdr...)
		check(errCase{"POST", tc.path, 400, "start takes no request body: put min_age and max_bytes in the query string, " +
			"e.g. POST " + p + "start?min_age=10s&max_bytes=16MiB", "body"}, r)
	}
	// A failed start must leave the recorder stopped.
	if s := decodeStatus(t, do(t, srv, "GET", p+"status")); s.Enabled {
		t.Errorf("recorder running after only bad starts: %+v", s)
	}
}

// An empty body is no body: start works and reads the query, whether the request says
// Content-Length: 0 or sends an empty chunked body.
func TestHTTPStartEmptyBody(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	for _, framing := range []string{"Content-Length: 0\r\n", "Transfer-Encoding: chunked\r\n"} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		req := "POST " + Prefix + "start?min_age=3s HTTP/1.1\r\nHost: x\r\n" + framing + "Connection: close\r\n\r\n"
		if strings.HasPrefix(framing, "Transfer") {
			req += "0\r\n\r\n"
		}
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		r := response{resp.StatusCode, resp.Header, body}
		if s := decodeStatus(t, r); r.status != 200 || !s.Enabled || s.MinAgeNs != int64(3*time.Second) {
			t.Errorf("start with an empty body (%q): %d %s", framing, r.status, r.body)
		}
		if r := do(t, srv, "POST", Prefix+"stop"); r.status != 200 {
			t.Fatalf("stop: %d %s", r.status, r.body)
		}
	}
}

func TestHTTPToken(t *testing.T) {
	_, srv := newTestServer(t, Options{Token: "s3cret"})
	for _, tc := range []struct {
		name   string
		hdr    []string
		status int
	}{
		{"missing", nil, 401},
		{"wrong", []string{"Authorization", "Bearer nope"}, 401},
		{"not bearer", []string{"Authorization", "Basic s3cret"}, 401},
		{"prefix of token", []string{"Authorization", "Bearer s3cre"}, 401},
		{"right", []string{"Authorization", "Bearer s3cret"}, 200},
		// The scheme is case-insensitive (RFC 7235 §2.1); the token is not.
		{"lower-case scheme", []string{"Authorization", "bearer s3cret"}, 200},
		{"upper-case scheme", []string{"Authorization", "BEARER s3cret"}, 200},
		{"two spaces", []string{"Authorization", "Bearer  s3cret"}, 200},
		{"token in other case", []string{"Authorization", "Bearer S3CRET"}, 401},
		{"no space", []string{"Authorization", "Bearers3cret"}, 401},
		{"scheme only", []string{"Authorization", "Bearer"}, 401},
	} {
		r := do(t, srv, "GET", Prefix+"status", tc.hdr...)
		if r.status != tc.status {
			t.Errorf("%s: status %d %s, want %d", tc.name, r.status, r.body, tc.status)
		}
		if tc.status == 401 && (string(r.body) != `{"error":"missing or invalid bearer token"}`+"\n" ||
			r.header.Get("WWW-Authenticate") == "") {
			t.Errorf("%s: 401 body %q, WWW-Authenticate %q", tc.name, r.body, r.header.Get("WWW-Authenticate"))
		}
	}
	// Unknown paths are not revealed without the token either.
	if r := do(t, srv, "GET", Prefix+"nope"); r.status != 401 {
		t.Errorf("unknown path without token: %d", r.status)
	}
}

// runtime/trace allows one FlightRecorder per process: a second agent's start is a
// 409 naming the cause, while a trace.Start capture runs beside the recorder.
func TestOneRecorderPerProcessAndTraceStartBeside(t *testing.T) {
	a, srv := newTestServer(t, Options{})
	if err := a.Start(Config{MinAge: time.Second}); err != nil {
		t.Fatal(err)
	}

	_, srv2 := newTestServer(t, Options{})
	r := do(t, srv2, "POST", Prefix+"start")
	if r.status != 409 || !strings.Contains(string(r.body), "flight recorder already enabled") {
		t.Errorf("second agent's start: %d %s", r.status, r.body)
	}
	if err := New(Options{}).Start(Config{}); !errors.Is(err, ErrTracerBusy) {
		t.Errorf("second agent's Start error = %v, want ErrTracerBusy", err)
	}

	var capture bytes.Buffer
	if err := trace.Start(&capture); err != nil {
		t.Fatalf("trace.Start beside the flight recorder: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	snap := do(t, srv, "GET", Prefix+"snapshot")
	trace.Stop()
	if snap.status != 200 || !traceHeader.Match(snap.body) {
		t.Errorf("snapshot during trace.Start: %d %q", snap.status, snap.body[:min(16, len(snap.body))])
	}
	if !traceHeader.Match(capture.Bytes()) {
		t.Errorf("trace.Start capture beside the recorder is not a trace: %q", capture.Bytes()[:min(16, capture.Len())])
	}
	if s := a.Status(); !s.Enabled || !s.TracingActive {
		t.Errorf("recorder after trace.Stop: %+v", s)
	}
}

// Snapshots, stops and starts from many goroutines must neither race nor deadlock
// (run with -race to check the first).
func TestConcurrentControl(t *testing.T) {
	a, srv := newTestServer(t, Options{})
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 10 {
				switch i {
				case 0:
					a.Start(Config{MinAge: time.Second})
				case 1:
					a.Stop()
				default:
					r := do(t, srv, "GET", Prefix+"snapshot")
					if r.status == 200 && !traceHeader.Match(r.body) {
						t.Errorf("snapshot is not a trace")
					}
					if r.status != 200 && r.status != 409 {
						t.Errorf("snapshot status %d %s", r.status, r.body)
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
