#include "load/load_runner.h"

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "load/clock.h"
#include "load/http_request.h"
#include "load/interval_series.h"
#include "load/socket_address.h"
#include "load/worker.h"

namespace tracebench::load {
namespace {

double process_cpu_s() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

void sleep_until_ns(std::int64_t deadline_ns) {
  timespec ts{static_cast<time_t>(deadline_ns / 1'000'000'000), static_cast<long>(deadline_ns % 1'000'000'000)};
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

}  // namespace

LoadResult run_load(const LoadConfig& cfg, const RunHooks& hooks) {
  SocketAddress addr;
  try {
    addr = resolve(cfg.target);
  } catch (const std::runtime_error& e) {
    throw TargetUnreachable(e.what());
  }
  if (std::string why = check_reachable(addr, cfg.target, cfg.connect_timeout_ns); !why.empty())
    throw TargetUnreachable(why);

  const std::string request = build_request(cfg.target, cfg.request);
  Timeline timeline;
  // Workers get a moment to open their connections before the first request is due.
  timeline.load_start_ns = monotonic_ns() + 20'000'000;
  timeline.measure_start_ns = timeline.load_start_ns + cfg.warmup_ns;
  timeline.measure_end_ns = timeline.measure_start_ns + cfg.measure_ns;
  timeline.drain_end_ns = timeline.measure_end_ns + std::min(cfg.drain_ns, cfg.timeout_ns);

  std::atomic<bool> stop{false};
  IntervalSeries intervals(cfg.threads);
  std::vector<LiveCounters> live(static_cast<std::size_t>(cfg.threads));
  std::vector<std::unique_ptr<Worker>> workers;
  const double rate_per_worker = cfg.open_loop ? cfg.open_loop->rate_rps / cfg.threads : 0.0;
  for (int i = 0; i < cfg.threads; ++i) {
    WorkerPlan plan;
    plan.connections = cfg.connections / cfg.threads + (i < cfg.connections % cfg.threads ? 1 : 0);
    plan.rate_rps = rate_per_worker;
    if (rate_per_worker > 0)
      plan.phase_offset_ns = static_cast<std::int64_t>(1e9 / rate_per_worker * i / cfg.threads);
    workers.push_back(std::make_unique<Worker>(cfg, addr, request, timeline, plan, stop, intervals,
                                               live[static_cast<std::size_t>(i)]));
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });

  // The controller: progress, interruption, and the CPU reading at the window's edges.
  double cpu_at_start = 0;
  bool cpu_start_taken = false;
  double cpu_at_end = 0;
  bool interrupted = false;
  std::int64_t interrupted_at = 0;
  std::uint64_t last_requests = 0;
  std::int64_t last_tick = timeline.load_start_ns;
  const std::int64_t period = std::max<std::int64_t>(hooks.progress_period_ns, 10'000'000);
  for (std::int64_t tick = timeline.load_start_ns; ; ) {
    std::int64_t next = tick + period;
    if (!cpu_start_taken) next = std::min(next, timeline.measure_start_ns);
    next = std::min(next, timeline.measure_end_ns);
    // Wake in small steps so an interrupt is noticed quickly.
    for (std::int64_t t = monotonic_ns(); t < next; t = monotonic_ns()) {
      if (hooks.interrupt && hooks.interrupt->load()) break;
      sleep_until_ns(std::min(next, t + 50'000'000));
    }
    const std::int64_t now = monotonic_ns();
    if (!cpu_start_taken && now >= timeline.measure_start_ns) {
      cpu_at_start = process_cpu_s();
      cpu_start_taken = true;
      if (hooks.on_measure_start) hooks.on_measure_start();
    }
    if (hooks.interrupt && hooks.interrupt->load()) {
      interrupted = true;
      interrupted_at = now;
      break;
    }
    if (now >= timeline.measure_end_ns) break;
    if (hooks.on_progress) {
      Progress p;
      p.elapsed_s = static_cast<double>(now - timeline.load_start_ns) / 1e9;
      p.total_s = static_cast<double>(timeline.measure_end_ns - timeline.load_start_ns) / 1e9;
      p.warming_up = now < timeline.measure_start_ns;
      for (auto& l : live) {
        p.requests += l.requests.load(std::memory_order_relaxed);
        p.errors += l.errors.load(std::memory_order_relaxed);
      }
      p.recent_rps = static_cast<double>(p.requests - last_requests) / (static_cast<double>(now - last_tick) / 1e9);
      last_requests = p.requests;
      last_tick = now;
      hooks.on_progress(p);
    }
    tick = now;
  }
  cpu_at_end = process_cpu_s();
  if (interrupted) stop.store(true);
  if (cpu_start_taken && hooks.on_measure_end) hooks.on_measure_end();
  for (auto& t : threads) t.join();

  LoadResult total;
  total.open_loop = cfg.open_loop.has_value();
  total.target_rate_rps = cfg.open_loop ? cfg.open_loop->rate_rps : 0.0;
  total.connections = cfg.connections;
  total.threads = cfg.threads;
  bool every_worker_cpu = true;
  for (auto& w : workers) {
    LoadResult& r = w->result();
    total.worker_cpu_s += r.worker_cpu_s;
    every_worker_cpu = every_worker_cpu && r.worker_cpu_s > 0;
    total.requests += r.requests;
    total.responses_in_window += r.responses_in_window;
    total.errors.add(r.errors);
    total.reconnects += r.reconnects;
    total.resent += r.resent;
    total.bytes_read += r.bytes_read;
    total.unfinished += r.unfinished;
    total.unsent += r.unsent;
    total.waited_for_connection += r.waited_for_connection;
    total.latency.add(r.latency);
    total.service_time.add(r.service_time);
    total.send_lag.add(r.send_lag);
  }
  const std::int64_t end = interrupted ? std::max(interrupted_at, timeline.measure_start_ns) : timeline.measure_end_ns;
  total.measured_s = static_cast<double>(end - timeline.measure_start_ns) / 1e9;
  total.throughput_rps =
      total.measured_s > 0 ? static_cast<double>(total.responses_in_window) / total.measured_s : 0.0;
  total.generator_cpu_s = cpu_start_taken ? cpu_at_end - cpu_at_start : 0.0;
  // A sum over part of the workers is not the load's CPU.
  if (!every_worker_cpu || interrupted) total.worker_cpu_s = 0;
  total.per_second = intervals.finish();
  if (interrupted) {
    total.complete = false;
    total.stop_reason = "interrupted";
  }
  return total;
}

}  // namespace tracebench::load
