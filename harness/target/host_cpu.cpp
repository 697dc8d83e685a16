#include "target/host_cpu.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <string>

namespace tracebench::target {

std::optional<HostCpuTicks> parse_proc_stat_cpu_line(std::string_view line) {
  constexpr std::string_view kPrefix = "cpu ";
  if (line.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  line.remove_prefix(kPrefix.size());
  // user nice system idle iowait irq softirq steal [guest guest_nice]
  std::array<std::uint64_t, 8> f{};
  std::size_t n = 0;
  while (n < f.size()) {
    const auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), f[n]);
    if (ec != std::errc{}) return std::nullopt;
    line.remove_prefix(static_cast<std::size_t>(end - line.data()));
    ++n;
  }
  if (n < 4) return std::nullopt;  // kernels before 2.6.11 stop at idle; steal is then 0
  return HostCpuTicks{f[0] + f[1] + f[2] + f[5] + f[6], f[3] + f[4], f[7]};
}

HostCpuSample sample_host_cpu() {
  HostCpuSample s;
  timespec ts{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
    s.self_cpu_s = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  std::ifstream in("/proc/stat");
  std::string line;
  if (!std::getline(in, line)) return s;
  if (auto ticks = parse_proc_stat_cpu_line(line)) {
    s.ticks = *ticks;
    s.ok = true;
  }
  return s;
}

std::optional<HostCpuUse> host_cpu_use(const HostCpuSample& before, const HostCpuSample& after,
                                       double target_cpu_s) {
  if (!before.ok || !after.ok) return std::nullopt;
  const auto delta = [](std::uint64_t a, std::uint64_t b) { return b >= a ? static_cast<double>(b - a) : 0.0; };
  const double busy = delta(before.ticks.busy, after.ticks.busy);
  const double idle = delta(before.ticks.idle, after.ticks.idle);
  const double steal = delta(before.ticks.steal, after.ticks.steal);
  const double total = busy + idle + steal;
  if (total <= 0) return std::nullopt;
  static const double ticks_per_s = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double ours_ticks = (target_cpu_s + std::max(0.0, after.self_cpu_s - before.self_cpu_s)) * ticks_per_s;
  return HostCpuUse{std::max(0.0, busy - ours_ticks) / total * 100, steal / total * 100};
}

}  // namespace tracebench::target
