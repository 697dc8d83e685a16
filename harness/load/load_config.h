#pragma once
// What a load run does: where, which request, which schedule, for how long.
// Schedule and stop condition are separate axes (STYLE.md): any schedule runs with any
// duration; the caller validates values before building a config (see validate()).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tracebench::load {

// Fixed concurrency: every connection sends its next request as soon as the previous
// response is complete. Answers "how much can the target do".
struct ClosedLoop {};

// A fixed request rate for the whole run, spread evenly over time (request k is intended
// at start + k/rate). Latency runs from the intended send time, so a stalled target is
// charged for the requests it held up (no coordinated omission).
struct OpenLoop {
  double rate_rps = 0;
};

struct Endpoint {
  std::string host;       // as given; resolved once before the run
  std::uint16_t port = 0;
  // HOST:PORT as parse_endpoint reads it back: an IPv6 host keeps its brackets ("[::1]:8080").
  std::string display() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

struct RequestSpec {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;  // sent after Host
  std::string body;
};

struct LoadConfig {
  Endpoint target;
  RequestSpec request;
  std::optional<OpenLoop> open_loop;    // nullopt: closed loop
  int connections = 50;                 // closed loop: concurrency; open loop: pool size
  int threads = 1;                      // worker threads, each with its own epoll loop
  // The two phases of this one load run: warmup_ns of load that nothing records, then
  // measure_ns of load that is measured. Whoever runs the load sets both from its own
  // settings (tracebench load: --warmup, --duration; a run's round: settle, phase; a run's
  // warm-up: none, then the warm-up, measured and dropped; window verification: none, then
  // lead-in and fill time); a config that is copied does not carry them over in meaning.
  std::int64_t warmup_ns = 0;
  std::int64_t measure_ns = 10'000'000'000;
  std::int64_t timeout_ns = 10'000'000'000;   // per request, counted as a timeout error
  std::int64_t drain_ns = 1'000'000'000;      // after the end, wait this long for in-flight replies
  std::uint64_t max_body_bytes = 64ull << 20; // larger responses are an error
  std::int64_t connect_timeout_ns = 2'000'000'000;
  // Open loop: busy-poll instead of sleeping when the next send is due within this time.
  // A kernel timer wake-up arrives tens of µs late on a virtual machine (p50 37 µs, p99
  // 105 µs measured here), about the whole gap between sends at 20k req/s, and spinning
  // the last stretch avoids that; but a busy virtual CPU is the one the host preempts, and
  // on the development VM spinning made the lag worse more often than better. 0 sleeps.
  std::int64_t spin_ns = 0;
};

// Returns an empty string when cfg is usable, else a one-line reason naming the value.
std::string validate(const LoadConfig& cfg);

// Parses "HOST:PORT" ("[::1]:8080" for IPv6). Throws std::invalid_argument naming the
// value and the expected form.
Endpoint parse_endpoint(const std::string& text);

}  // namespace tracebench::load
