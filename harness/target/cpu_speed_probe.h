#pragma once
// How fast this machine's CPUs run while a round's window is open, independent of the mode
// being measured (or so it was hoped: see docs/statistics.md, "Drift"). Virtual CPUs speed
// up and slow down on their own; the target's CPU per request moves with them and no mode is
// to blame. One thread per CPU tracebench may use, pinned to it, runs a fixed piece of
// register-only arithmetic every period and times it on its own thread CPU clock: the CPU
// time one unit of fixed work costs on that CPU right now. Preemption does not count (it is
// not CPU time); a slower CPU (host contention, frequency) does.
//
// Recorded per round (RoundRecord::cpu_probe_ns); the comparisons inside blocks are adjusted
// by it (stats::paired_relative_change_adjusted), and every run checks that the mode does not
// move it (docs/statistics.md, "Drift": on this project's VM tracing moved it by under 0.1%
// over 28 runs, while the target's CPU per request moves about six times as much as it).
//
// Cost: one unit (about 10-20 µs) per CPU per period (10 ms), about 0.15% of each CPU, the
// same in every mode. Not thread-safe: one owner calls start() and stop() in turn.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace tracebench::target {

// The fixed work: `iterations` steps of a dependent multiply-xorshift chain on registers
// (no memory traffic, so caches the target warms or evicts do not move it). Returns the
// chain's value so the compiler cannot drop the loop.
std::uint64_t speed_probe_work(std::uint64_t iterations);

// Thread CPU time of one call of speed_probe_work(iterations), in ns.
std::int64_t time_probe_work_ns(std::uint64_t iterations);

class CpuSpeedProbe {
 public:
  static constexpr std::int64_t kDefaultPeriodNs = 10'000'000;
  static constexpr std::uint64_t kIterationsPerUnit = 8192;
  static constexpr std::size_t kMinSamples = 5;

  explicit CpuSpeedProbe(std::int64_t period_ns = kDefaultPeriodNs);
  ~CpuSpeedProbe();  // stops a running window
  CpuSpeedProbe(const CpuSpeedProbe&) = delete;
  CpuSpeedProbe& operator=(const CpuSpeedProbe&) = delete;

  // Opens a window: one probing thread per allowed CPU, with no samples.
  void start();
  // Closes the window: the mean over CPUs of each CPU's median thread-CPU ns per work unit;
  // nullopt when no CPU took kMinSamples (a window shorter than a few periods).
  std::optional<double> stop();

 private:
  struct PerCpu {
    int cpu = -1;
    std::thread thread;
    std::vector<double> samples;  // written by the thread, read after join
  };
  void loop(PerCpu& slot);

  std::int64_t period_ns_;
  std::atomic<bool> running_{false};
  std::vector<std::unique_ptr<PerCpu>> threads_;
};

}  // namespace tracebench::target
