#pragma once
// A full execution-trace capture through net/http/pprof: GET /debug/pprof/trace?seconds=N
// on the target's debug address, streamed to a file as it arrives (never held in memory).
//
// Thread safety: one object per capture; start() and finish() from the same thread. The
// download runs on an internal thread between them.

#include <cstdint>
#include <memory>
#include <string>

namespace tracebench::target {

struct CaptureResult {
  bool ok = false;
  int http_status = 0;       // 0 when no response arrived
  std::string error;         // one line when !ok: names the URL and what went wrong
  std::uint64_t bytes = 0;   // bytes written to the file
  std::int64_t started_ns = 0;   // CLOCK_MONOTONIC time the request was sent
  std::int64_t finished_ns = 0;  // monotonic time the response ended (its last byte arrived)
};

class PprofCapture {
 public:
  // host/port of the pprof listener; the trace goes to out_path (created or truncated).
  PprofCapture(std::string host, std::uint16_t port, std::string out_path);
  ~PprofCapture();  // abandons a capture still running (shuts its connection), joins the thread
  PprofCapture(const PprofCapture&) = delete;
  PprofCapture& operator=(const PprofCapture&) = delete;

  // Sends the request for a capture of `seconds` (fractions allowed; (0, 86400]) on the
  // internal thread and waits until the capture is clearly under way (a 200 whose body begins
  // with the trace magic "go 1."), it has failed, or settle_ns has passed with neither (Go's
  // net/http may hold the headers back until its first 2-4 KiB buffer fills, so silence is
  // not failure). Returns an empty string when the capture is under way, else a one-line error:
  //   nothing listens:  "GET http://H:P/debug/pprof/trace: nothing listens on H:P (connection refused)"
  //   404:              "no net/http/pprof at http://H:P/debug/pprof/trace: import net/http/pprof on the
  //                      target's debug mux, or pass --pprof HOST:PORT"
  //   500 (trace.Start failed: another capture, `go test -trace`):
  //                     "another execution trace is already running in the target (runtime/trace allows
  //                      one trace.Start at a time): Could not enable tracing: execution tracer already enabled"
  //   other status:     "GET http://H:P/debug/pprof/trace: HTTP 503: <body as one line>"
  //   not a trace:      "GET ...: the response is not a Go execution trace (it starts with \"<html\", ...)"
  //   local:            "cannot create OUT: <strerror>", "capture length must be between 0 and 86400 s, got X"
  // The connect times out after 3 s; each read after `seconds` + 10 s (the body trickles for
  // the whole capture, and Go flushes trace data in batches about once a second).
  // Calling start() twice throws std::logic_error.
  std::string start(double seconds, std::int64_t settle_ns = 150'000'000);

  // Asks the target to end the capture now instead of at its `seconds`, and returns at once.
  // It half-closes the request's connection: net/http takes the end of the request stream as
  // the client gone and cancels the request's context, so net/http/pprof's handler stops its
  // sleep, stops the tracer and writes the rest of the trace, which finish() receives whole
  // (the read side stays open). A server that ignores the half-close ends the capture at its
  // `seconds`, as without this call. Does nothing before start() or after the capture ended.
  void end_now();

  // Waits until the capture has ended (at most timeout_ns, counted from this call) and
  // returns what was received. On timeout the download is abandoned (the connection is shut
  // down) and the result says "abandoned: the capture did not end within ...". Errors after
  // start() returned (the target died: "the connection closed after N bytes of the body ...",
  // a read timeout, a disk write error) land in CaptureResult::error; bytes counts what was
  // written either way. A second call returns the same result. The destructor abandons a
  // capture still running without waiting for it.
  CaptureResult finish(std::int64_t timeout_ns = 30'000'000'000);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One quick GET of /debug/pprof/ to tell whether pprof is served at host:port. Returns an
// empty string when it is, else a one-line reason in the words of start(), naming
// http://H:P/debug/pprof/ (nothing listens / no net/http/pprof / other status).
std::string probe_pprof(const std::string& host, std::uint16_t port, std::int64_t timeout_ns = 2'000'000'000);

}  // namespace tracebench::target
