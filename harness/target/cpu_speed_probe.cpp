#include "target/cpu_speed_probe.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include "target/launched_target.h"

namespace tracebench::target {
namespace {

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::optional<double> median_of(std::vector<double> s) {
  if (s.size() < CpuSpeedProbe::kMinSamples) return std::nullopt;
  const auto mid = s.begin() + static_cast<std::ptrdiff_t>(s.size() / 2);
  std::nth_element(s.begin(), mid, s.end());
  return *mid;
}

}  // namespace

std::uint64_t speed_probe_work(std::uint64_t iterations) {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= i;
  }
  return x;
}

std::int64_t time_probe_work_ns(std::uint64_t iterations) {
  const std::int64_t t0 = thread_cpu_ns();
  volatile std::uint64_t sink = speed_probe_work(iterations);
  (void)sink;
  return thread_cpu_ns() - t0;
}

CpuSpeedProbe::CpuSpeedProbe(std::int64_t period_ns) : period_ns_(period_ns) {}

CpuSpeedProbe::~CpuSpeedProbe() { stop(); }

void CpuSpeedProbe::start() {
  stop();
  running_ = true;
  for (int cpu : allowed_cpus()) {
    auto slot = std::make_unique<PerCpu>();
    slot->cpu = cpu;
    PerCpu* raw = slot.get();
    slot->thread = std::thread([this, raw] { loop(*raw); });
    threads_.push_back(std::move(slot));
  }
}

std::optional<double> CpuSpeedProbe::stop() {
  if (threads_.empty()) return std::nullopt;
  running_ = false;
  double sum = 0;
  int n = 0;
  for (auto& t : threads_) {
    t->thread.join();
    if (auto m = median_of(t->samples)) sum += *m, ++n;
  }
  threads_.clear();
  return n ? std::optional<double>(sum / n) : std::nullopt;
}

void CpuSpeedProbe::loop(PerCpu& slot) {
  // A CPU the thread cannot be pinned to still gets probed wherever it runs.
  pin_current_thread({slot.cpu});
  auto next = std::chrono::steady_clock::now();
  while (running_.load(std::memory_order_relaxed)) {
    slot.samples.push_back(static_cast<double>(time_probe_work_ns(kIterationsPerUnit)));
    next += std::chrono::nanoseconds(period_ns_);
    std::this_thread::sleep_until(next);
  }
}

}  // namespace tracebench::target
