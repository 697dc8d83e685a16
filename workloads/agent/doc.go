// Package agent lets a Go service expose its execution-trace flight recorder
// (runtime/trace.FlightRecorder, Go 1.25+) to tracebench and to its operators.
//
// It has two parts:
//
//   - HTTP control under Prefix, mounted on the service's debug mux with Register:
//     POST start (min_age, max_bytes), POST stop, GET snapshot (a Go trace file),
//     GET status (JSON), GET process (the process's CPU time and runtime/metrics
//     samples, so tracebench measures a target on another machine). Errors are JSON {"error": "..."}: 400 bad parameter (or a body on start),
//     401 missing or wrong bearer token, 404 unknown path, 405 wrong method,
//     409 already running / not running / another flight recorder active.
//   - The two production patterns, writing snapshot files to a directory:
//     SlowRequestSnapshotter (one request slower than a threshold) and Watchdog
//     (a rolling p99 above an SLO). Both are rate-limited and keep a bounded number
//     of files.
//
// Mount the handlers on a debug listener bound to loopback (or another private
// address), never on the public one: a snapshot reveals goroutine stacks and every
// string logged with trace.Log. Options.Token adds a bearer-token check on top.
//
// runtime/trace allows one active FlightRecorder per process, beside at most one
// trace.Start capture (such as net/http/pprof's /debug/pprof/trace); the two run
// together. The agent's HTTP API is documented in docs/agent.md of the tracebench
// repository.
package agent
