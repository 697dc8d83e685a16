#include "target/cpu_speed_probe.h"

#include <time.h>

#include <algorithm>
#include <chrono>

namespace tracebench::target {
namespace {

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
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
  samples_.clear();
  running_ = true;
  thread_ = std::thread([this] { loop(); });
}

std::optional<double> CpuSpeedProbe::stop() {
  if (!thread_.joinable()) return std::nullopt;
  running_ = false;
  thread_.join();
  if (samples_.size() < kMinSamples) return std::nullopt;
  std::vector<double> s = samples_;
  const auto mid = s.begin() + static_cast<std::ptrdiff_t>(s.size() / 2);
  std::nth_element(s.begin(), mid, s.end());
  return *mid;
}

void CpuSpeedProbe::loop() {
  // Periods are kept on the monotonic clock; the sleep is not part of any sample.
  auto next = std::chrono::steady_clock::now();
  while (running_.load(std::memory_order_relaxed)) {
    samples_.push_back(static_cast<double>(time_probe_work_ns(kIterationsPerUnit)));
    next += std::chrono::nanoseconds(period_ns_);
    std::this_thread::sleep_until(next);
  }
}

}  // namespace tracebench::target
