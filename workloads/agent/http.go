package agent

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Prefix is the path under which Register mounts the agent's endpoints:
//
//	POST Prefix+"start"    ?min_age=10s&max_bytes=16MiB (both optional; in the query, empty body)
//	POST Prefix+"stop"
//	GET  Prefix+"snapshot" streams a Go trace file
//	GET  Prefix+"status"   JSON Status
//	GET  Prefix+"process"  JSON ProcessSample: CPU time and runtime/metrics samples
const Prefix = "/debug/tracebench/flightrecorder/"

// Register creates an Agent with opts, mounts its handlers on mux under Prefix and
// returns it, so the caller can also use it in code (middleware, watchdog, Close).
func Register(mux *http.ServeMux, opts Options) *Agent {
	a := New(opts)
	a.Register(mux)
	return a
}

// Register mounts the agent's handlers on mux under Prefix.
func (a *Agent) Register(mux *http.ServeMux) {
	mux.Handle(Prefix, a.Handler())
}

// Handler returns the handler for every path under Prefix. Requests for other paths,
// and for unknown paths under Prefix, get 404 JSON.
func (a *Agent) Handler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

// errorBody is the body of every error response.
type errorBody struct {
	Error string `json:"error"`
	// Param names the offending query parameter on 400 responses, or "body" when the
	// request carried a body that the endpoint does not take.
	Param string `json:"param,omitempty"`
}

func (a *Agent) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !a.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tracebench"`)
		writeJSON(w, http.StatusUnauthorized, errorBody{Error: "missing or invalid bearer token"})
		return
	}
	var method string
	var serve func(http.ResponseWriter, *http.Request)
	switch strings.TrimPrefix(r.URL.Path, Prefix) {
	case "start":
		method, serve = http.MethodPost, a.serveStart
	case "stop":
		method, serve = http.MethodPost, a.serveStop
	case "snapshot":
		method, serve = http.MethodGet, a.serveSnapshot
	case "status":
		method, serve = http.MethodGet, a.serveStatus
	case "process":
		method, serve = http.MethodGet, a.serveProcess
	default:
		writeJSON(w, http.StatusNotFound, errorBody{Error: "no such endpoint " + r.URL.Path +
			"; have " + Prefix + "{start,stop,snapshot,status,process}"})
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method " + r.Method + " not allowed; use " + method})
		return
	}
	serve(w, r)
}

// authorized checks "Authorization: Bearer TOKEN". The scheme is case-insensitive
// (RFC 7235 §2.1), so "bearer TOKEN" from a client that lower-cases it is accepted;
// the token itself is compared exactly, in constant time.
func (a *Agent) authorized(r *http.Request) bool {
	if a.opts.Token == "" {
		return true
	}
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	got = strings.TrimLeft(got, " ") // RFC 6750: "Bearer" 1*SP token
	return ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(got), []byte(a.opts.Token)) == 1
}

func (a *Agent) serveStart(w http.ResponseWriter, r *http.Request) {
	cfg, bad := parseStartQuery(r)
	if bad != nil {
		writeJSON(w, http.StatusBadRequest, *bad)
		return
	}
	if err := a.Start(cfg); err != nil {
		writeJSON(w, http.StatusConflict, errorBody{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, a.Status())
}

// parseStartQuery reads min_age and max_bytes from the query string; unknown or
// repeated parameters are errors, and so is a request body (a form such as
// `curl -d max_bytes=16MiB` would otherwise start the recorder with the defaults), so
// a typo or a misplaced parameter never silently becomes a default.
func parseStartQuery(r *http.Request) (Config, *errorBody) {
	var cfg Config
	if hasBody(r) {
		return cfg, &errorBody{Error: "start takes no request body: put min_age and max_bytes in the query string, " +
			"e.g. POST " + Prefix + "start?min_age=10s&max_bytes=16MiB", Param: "body"}
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return cfg, &errorBody{Error: "bad query string: " + err.Error()}
	}
	for name, vals := range q {
		if name != "min_age" && name != "max_bytes" {
			return cfg, &errorBody{Error: "unknown parameter " + strconv.Quote(name) + "; want min_age, max_bytes", Param: name}
		}
		if len(vals) != 1 {
			return cfg, &errorBody{Error: "parameter " + name + " given more than once", Param: name}
		}
	}
	if v, ok := q["min_age"]; ok {
		d, err := ParseMinAge(v[0])
		if err != nil {
			return cfg, &errorBody{Error: "bad min_age " + strconv.Quote(v[0]) + ": " + err.Error(), Param: "min_age"}
		}
		cfg.MinAge = d
	}
	if v, ok := q["max_bytes"]; ok {
		n, err := ParseBytes(v[0])
		if err != nil {
			return cfg, &errorBody{Error: "bad max_bytes " + strconv.Quote(v[0]) + ": " + err.Error(), Param: "max_bytes"}
		}
		cfg.MaxBytes = n
	}
	return cfg, nil
}

// hasBody reports whether r carries at least one byte of body. A chunked body of
// unknown length is probed by reading one byte; the request is answered with an
// error in that case, so the byte is not needed afterwards.
func hasBody(r *http.Request) bool {
	switch {
	case r.ContentLength > 0:
		return true
	case r.ContentLength == 0:
		return false
	}
	var b [1]byte
	n, _ := io.ReadFull(r.Body, b[:])
	return n > 0
}

func (a *Agent) serveStop(w http.ResponseWriter, r *http.Request) {
	if err := a.Stop(); err != nil {
		writeJSON(w, http.StatusConflict, errorBody{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, a.Status())
}

func (a *Agent) serveStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, a.Status())
}

func (a *Agent) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(a.opts.SnapshotWriteTimeout))
	// Headers go out with the first byte of trace data, so that a snapshot that cannot
	// start (recorder stopped) still gets a JSON error with its own status.
	sw := &snapshotWriter{w: w, name: snapshotFileName("flightrecorder", time.Now())}
	n, err := a.Snapshot(r.Context(), sw)
	switch {
	case err == nil:
		return
	case sw.started:
		// The status line is gone; abort the connection so the client sees a truncated
		// transfer instead of a short file that looks complete.
		a.log.Warn("tracebench agent: snapshot aborted", "bytes", n, "err", err)
		panic(http.ErrAbortHandler)
	case errors.Is(err, ErrNotRunning):
		writeJSON(w, http.StatusConflict, errorBody{Error: err.Error()})
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "snapshot not taken: " + err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "snapshot failed: " + err.Error()})
	}
}

type snapshotWriter struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (s *snapshotWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		h := s.w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="`+s.name+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		s.w.WriteHeader(http.StatusOK)
	}
	return s.w.Write(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own types are marshalled
	}
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
