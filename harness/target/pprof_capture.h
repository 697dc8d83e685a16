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
  std::int64_t started_ns = 0;   // monotonic time the request was sent
  std::int64_t finished_ns = 0;  // monotonic time the last byte arrived
};

class PprofCapture {
 public:
  // host/port of the pprof listener; the trace goes to out_path (created or truncated).
  PprofCapture(std::string host, std::uint16_t port, std::string out_path);
  ~PprofCapture();  // joins the download thread
  PprofCapture(const PprofCapture&) = delete;
  PprofCapture& operator=(const PprofCapture&) = delete;

  // Sends the request for a capture of `seconds` (fractions allowed) and waits up to
  // settle_ns for an early failure. Returns an empty string when the capture is under way,
  // else a one-line error: nothing listens (names host:port), 404 (no pprof: says to import
  // net/http/pprof on the debug mux), 500 "another trace is running" (says so plainly:
  // runtime/trace allows one trace.Start at a time), or any other status with its body.
  std::string start(double seconds, std::int64_t settle_ns = 150'000'000);

  // Waits until the capture has ended (at most timeout_ns) and returns what was received.
  CaptureResult finish(std::int64_t timeout_ns = 30'000'000'000);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One quick GET of /debug/pprof/ to tell whether pprof is served at host:port. Returns an
// empty string when it is, else a one-line reason (connection refused / 404 / status).
std::string probe_pprof(const std::string& host, std::uint16_t port, std::int64_t timeout_ns = 2'000'000'000);

}  // namespace tracebench::target
