#pragma once
// How busy the whole machine was while a round ran: CPU used by processes that are neither
// the target nor tracebench, and CPU the hypervisor stole. A target that competes for its
// CPUs costs more per request (the Go runtime's own reaction to losing its thread mid-burst
// is real work), so a run measured beside other work says so instead of passing the
// contention off as tracing's cost.

#include <cstdint>
#include <optional>
#include <string_view>

namespace tracebench::target {

// The aggregate "cpu" line of /proc/stat, in clock ticks since boot.
struct HostCpuTicks {
  std::uint64_t busy = 0;   // user + nice + system + irq + softirq (guest time is inside user/nice)
  std::uint64_t idle = 0;   // idle + iowait
  std::uint64_t steal = 0;  // time the hypervisor ran something else on this machine's CPUs
};

// Parses /proc/stat's first line ("cpu  4372695 6476 466127 2245067 5303 0 62737 72262 0 0");
// nullopt when it is not one.
std::optional<HostCpuTicks> parse_proc_stat_cpu_line(std::string_view line);

struct HostCpuSample {
  bool ok = false;          // false when /proc/stat could not be read
  HostCpuTicks ticks;
  double self_cpu_s = 0;    // tracebench's own process: load workers, capture, everything
};

HostCpuSample sample_host_cpu();

// Between two samples, as per cent of the machine's whole CPU capacity (all CPUs over the
// interval, from the tick totals themselves).
struct HostCpuUse {
  double other_pct = 0;  // busy minus the target's and tracebench's CPU (never below 0)
  double steal_pct = 0;
};

// nullopt when either sample failed or no ticks passed. `target_cpu_s` is the target's CPU
// over the same interval.
std::optional<HostCpuUse> host_cpu_use(const HostCpuSample& before, const HostCpuSample& after,
                                       double target_cpu_s);

}  // namespace tracebench::target
