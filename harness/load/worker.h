#pragma once
// One load-generating thread: its own epoll loop over its own non-blocking connections,
// never shared (as in wrk). Internal to the load module; run_load() drives workers.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "load/interval_series.h"
#include "load/load_config.h"
#include "load/load_result.h"
#include "load/open_loop_schedule.h"
#include "load/socket_address.h"

namespace tracebench::load {

// The run's timeline in monotonic ns, the same for every worker.
struct Timeline {
  std::int64_t load_start_ns = 0;     // warm-up begins
  std::int64_t measure_start_ns = 0;  // recording begins
  std::int64_t measure_end_ns = 0;    // no new request is sent at or after this
  std::int64_t drain_end_ns = 0;      // in-flight requests are abandoned here
};

// Counters the progress line reads while the run goes on (relaxed atomics, one writer).
struct alignas(64) LiveCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> errors{0};
};

struct WorkerPlan {
  int connections = 1;
  double rate_rps = 0;             // this worker's share; 0 = closed loop
  std::int64_t phase_offset_ns = 0;  // spreads the workers' schedules over one interval
};

class Worker {
 public:
  Worker(const LoadConfig& cfg, const SocketAddress& addr, const std::string& request, const Timeline& timeline,
         WorkerPlan plan, const std::atomic<bool>& stop, IntervalSeries& intervals, LiveCounters& live);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs the loop until the drain ends or `stop` is set. Call once, on the worker's thread.
  void run();

  // The worker's totals; valid after run() returned.
  LoadResult& result() { return result_; }

 private:
  struct Connection;
  void open(Connection& c, std::int64_t now);
  void close_and_reopen(Connection& c, std::int64_t now, bool count_reconnect);
  void on_event(Connection& c, std::uint32_t events, std::int64_t now);
  void on_connected(Connection& c, std::int64_t now);
  void on_readable(Connection& c);
  void on_writable(Connection& c, std::int64_t now);
  // record_lag false: a request sent again, whose delay is the server's, not the generator's.
  void send(Connection& c, std::int64_t intended_ns, std::int64_t now, bool record_lag = true);
  void on_response(Connection& c, std::int64_t now);
  void fail(Connection& c, ErrorKind kind, std::int64_t now);
  // Every error goes into the totals, the per-second series and the live counters alike.
  void count_error(ErrorKind kind);
  void count_connect_error(std::int64_t now);
  void become_idle(Connection& c, std::int64_t now);
  // The server closed (FIN or reset) a connection that had answered before, without a byte of
  // an answer to the request sent on it (or before it could be written): the close crossed the request. Idempotent requests
  // are sent again, once, on a new connection (RFC 9112 §9.3.1), as HTTP clients do.
  bool can_resend(const Connection& c) const;
  void resend_on_new_connection(Connection& c, std::int64_t now);
  // The new connection for a resend could not be made: the request counts as `closed`.
  void abandon_resend(Connection& c);
  void dispatch_open_loop(std::int64_t now);
  void check_timeouts(std::int64_t now);
  void roll_seconds(std::int64_t now, bool final);
  // Reads the thread's CPU clock the first time the loop sees the window open and close.
  void note_window_cpu(std::int64_t now);
  void set_interest(Connection& c, std::uint32_t events);
  bool in_window(std::int64_t intended_ns) const {
    return intended_ns >= timeline_.measure_start_ns && intended_ns < timeline_.measure_end_ns;
  }

  const LoadConfig& cfg_;
  const SocketAddress& addr_;
  const std::string& request_;
  const Timeline timeline_;
  const WorkerPlan plan_;
  const std::atomic<bool>& stop_;
  IntervalSeries& intervals_;
  LiveCounters& live_;
  const bool head_request_;
  const bool idempotent_request_;

  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;      // open loop: connections ready for a request
  std::vector<char> read_buffer_;

  // Open-loop schedule: requests [next_unsent_, next_due_) are due but not yet sent.
  std::uint64_t next_due_ = 0;
  std::uint64_t next_unsent_ = 0;
  OpenLoopSchedule schedule_;

  LoadResult result_;
  stats::Histogram interval_latency_;
  std::uint64_t interval_requests_ = 0;
  std::uint64_t interval_errors_ = 0;
  std::int64_t current_second_ = 0;
  std::int64_t next_timeout_check_ns_ = 0;
  double cpu_at_window_start_s_ = -1;  // -1: not read yet
  double cpu_at_window_end_s_ = -1;
};

}  // namespace tracebench::load
