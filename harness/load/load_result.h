#pragma once
// What a load run measured. Produced by run_load(); read by the cli and the experiment.
// All times are nanoseconds of the monotonic clock unless a name says otherwise.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.h"

namespace tracebench::load {

// Failures during a run are counted by kind, as wrk does, and the run goes on.
enum class ErrorKind {
  kConnect,     // connect() failed or timed out
  kRead,        // read() failed (other than a reset)
  kWrite,       // write() failed
  kTimeout,     // no complete response within the request timeout
  kStatus,      // a complete response whose status was not 2xx or 3xx (also counted as a request)
  kParse,       // the response was not valid HTTP/1.1 framing, or unsolicited bytes arrived
  kTooLarge,    // headers or body over the limit
  kReset,       // the connection was reset or closed in the middle of a response
  kClosed,      // the server closed the connection before answering a request sent on it
};
inline constexpr std::size_t kErrorKindCount = 9;
std::string_view to_string(ErrorKind k);

struct ErrorCounts {
  std::array<std::uint64_t, kErrorKindCount> by_kind{};
  std::uint64_t& operator[](ErrorKind k) { return by_kind[static_cast<std::size_t>(k)]; }
  std::uint64_t operator[](ErrorKind k) const { return by_kind[static_cast<std::size_t>(k)]; }
  std::uint64_t total() const;
  // Errors that mean no response arrived (everything except kStatus).
  std::uint64_t failed_requests() const { return total() - (*this)[ErrorKind::kStatus]; }
  void add(const ErrorCounts& o);
  // "reset 10, timeout 2": the kinds that occurred, in ErrorKind's order; "" when none.
  std::string kinds_text() const;
};

// One second of the measured window (by completion time).
struct SecondSample {
  std::int64_t second = 0;          // 0 = first second after warm-up
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::int64_t latency_p50_ns = 0;
  std::int64_t latency_p99_ns = 0;
  std::int64_t latency_max_ns = 0;
};

struct LoadResult {
  // False when the run stopped early (interrupted); stop_reason then says why.
  bool complete = true;
  std::string stop_reason;

  bool open_loop = false;
  double target_rate_rps = 0;       // open loop only
  int connections = 0;
  int threads = 0;
  double measured_s = 0;            // the measured window, warm-up excluded

  std::uint64_t requests = 0;       // complete responses to requests sent in the window
  // Complete responses that arrived during the window, whenever their request was due: what
  // the target served. Equal to `requests` up to the window's edges unless an open-loop rate
  // was beyond the target, where the backlog makes most in-window requests go out late or never.
  std::uint64_t responses_in_window = 0;
  double throughput_rps = 0;        // responses_in_window / measured_s
  ErrorCounts errors;
  std::uint64_t reconnects = 0;     // connections reopened after the server closed or an error
  // Requests sent again, once, on a new connection: the server closed a connection that had
  // answered before (FIN or reset) with no byte of an answer to them. Idempotent methods only;
  // not errors (a failed second attempt is counted by its kind).
  std::uint64_t resent = 0;
  std::uint64_t bytes_read = 0;    // bytes received during the measured window
  std::uint64_t unfinished = 0;     // in flight when the drain period ran out
  std::uint64_t unsent = 0;         // open loop: intended in the window but never sent
  std::uint64_t waited_for_connection = 0;  // open loop: sent late because the pool was busy

  stats::Histogram latency;         // open loop: from the intended send time
  stats::Histogram service_time;    // from the actual send time (equals latency in closed loop)
  stats::Histogram send_lag;        // open loop: actual minus intended send time, generator's own delay

  double generator_cpu_s = 0;       // user+system CPU of tracebench over the window
  // CPU of the load's worker threads alone over the window (each reads its thread CPU clock
  // when it first sees the window open and close): the sending and receiving, without what
  // else the process runs beside the load (a trace download, the speed probe, the agent's
  // reads). 0 when a worker could not read its clock or the window was cut short.
  double worker_cpu_s = 0;
  std::vector<SecondSample> per_second;
};

}  // namespace tracebench::load
