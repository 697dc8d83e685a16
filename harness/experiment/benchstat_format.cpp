#include "experiment/benchstat_format.h"

#include "experiment/analysis.h"

#include <fmt/ostream.h>

#include <algorithm>
#include <vector>

namespace tracebench::experiment {

void write_benchstat(std::ostream& out, const RunResult& run) {
  // Configuration lines (key: value) are what benchstat shows above its tables.
  fmt::print(out, "goos: linux\npkg: tracebench\ntarget: {}\npath: {}\n", run.config.load.target.display(),
             run.config.load.request.path);
  if (!run.target_go_version.empty()) fmt::print(out, "target-go: {}\n", run.target_go_version);
  // benchstat -col /mode takes the first /mode value it reads as the base of every
  // comparison, so the lines are grouped by mode with off first (the other modes in
  // --modes order), each mode's rounds in run order.
  std::vector<Mode> order = {Mode::kOff};
  for (Mode m : run.config.modes)
    if (m != Mode::kOff) order.push_back(m);
  for (const auto& r : run.rounds)
    if (std::find(order.begin(), order.end(), r.mode) == order.end()) order.push_back(r.mode);
  for (Mode mode : order) {
    for (const auto& r : run.rounds) {
      if (r.mode != mode || !counts(r) || r.requests == 0) continue;
      // The iteration count is the round's requests; each value is a per-round figure with a
      // unit benchstat treats as a metric of its own.
      fmt::print(out, "BenchmarkTarget/mode={} {} {} sec/op {} p50-sec {} p99-sec {} req/s", to_string(r.mode),
                 r.requests, r.throughput_rps > 0 ? 1.0 / r.throughput_rps : 0.0,
                 static_cast<double>(r.latency_p50_ns) / 1e9, static_cast<double>(r.latency_p99_ns) / 1e9,
                 r.throughput_rps);
      if (r.target_cpu_us_per_request)
        fmt::print(out, " {} target-cpu-sec/op", *r.target_cpu_us_per_request / 1e6);
      // Where the CPU went and how the scheduler fared, when the agent measured them.
      if (r.runtime && r.runtime->cpu_us_per_request)
        fmt::print(out, " {} gc-cpu-sec/op", r.runtime->cpu_us_per_request->gc_total / 1e6);
      if (r.runtime && r.runtime->sched_latency_p99_ns)
        fmt::print(out, " {} sched-p99-sec", *r.runtime->sched_latency_p99_ns / 1e9);
      fmt::print(out, "\n");
    }
  }
}

}  // namespace tracebench::experiment
