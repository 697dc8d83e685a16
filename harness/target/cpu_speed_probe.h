#pragma once
// A reference for how fast this machine's CPUs run at each moment, independent of the mode
// being measured. Virtual CPUs speed up and slow down by tens of percent on their own (the
// host's other tenants, frequency changes); the target's CPU per request then moves with
// them and no mode is to blame. While a window is open, a thread of tracebench's own runs a
// fixed piece of register-only arithmetic every period and times it on its own thread CPU
// clock, so the figure is the CPU time one unit of fixed work costs right now: it rises when
// the CPU slows down, and neither the target's mode nor preemption (not CPU time) moves it.
//
// Cost: one work unit (about 10-20 µs) per period (5 ms): about 0.3% of one CPU, the same in
// every mode. Not thread-safe: one owner calls start() and stop() in turn.

#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

namespace tracebench::target {

// The fixed work itself: `iterations` steps of a dependent multiply-xorshift chain on
// registers (no memory traffic, so caches the target warms or evicts do not move it).
// Returns the chain's value so the compiler cannot drop the loop.
std::uint64_t speed_probe_work(std::uint64_t iterations);

// Thread CPU time of one call of speed_probe_work(iterations), in ns.
std::int64_t time_probe_work_ns(std::uint64_t iterations);

class CpuSpeedProbe {
 public:
  static constexpr std::int64_t kDefaultPeriodNs = 5'000'000;
  static constexpr std::uint64_t kIterationsPerUnit = 8192;

  explicit CpuSpeedProbe(std::int64_t period_ns = kDefaultPeriodNs);
  ~CpuSpeedProbe();  // stops a running window
  CpuSpeedProbe(const CpuSpeedProbe&) = delete;
  CpuSpeedProbe& operator=(const CpuSpeedProbe&) = delete;

  // Opens a window: starts the probing thread with no samples.
  void start();
  // Closes the window: the median thread-CPU ns of one work unit over its samples; nullopt
  // when fewer than kMinSamples were taken (a window shorter than a few periods).
  std::optional<double> stop();

  static constexpr std::size_t kMinSamples = 5;

 private:
  void loop();

  std::int64_t period_ns_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::vector<double> samples_;  // written by the thread, read after join
};

}  // namespace tracebench::target
