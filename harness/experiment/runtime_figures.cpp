#include "experiment/runtime_figures.h"

#include <fmt/core.h>

#include "stats/bucket_quantile.h"

namespace tracebench::experiment {

RuntimeFigures runtime_figures(const target::AgentWindow& w, double served, double measured_s) {
  RuntimeFigures f;
  f.classes_span_s = w.classes_span_s;
  f.heap_objects_bytes = w.heap_objects_bytes;
  f.total_memory_bytes = w.total_memory_bytes;
  f.goroutines = w.goroutines;
  if (served > 0) f.gc_cycles_per_1k_requests = static_cast<double>(w.gc_cycles) * 1e3 / served;
  const double share = measured_s > 0 ? w.classes_span_s / measured_s : 0.0;
  if (served <= 0 || measured_s <= 0) {
    f.classes_missing = "no response arrived in the window";
  } else if (share < kMinClassesSpanShare || share > kMaxClassesSpanShare) {
    f.classes_missing = fmt::format(
        "the runtime's CPU classes moved over {:.2f} s of the {:.2f} s window ({} GC cycles ended in it): the runtime "
        "updates them only when a GC cycle ends",
        w.classes_span_s, measured_s, w.gc_cycles);
  } else {
    // µs per request over the span the classes cover, at the window's rate.
    const double scale = 1e6 * measured_s / (served * w.classes_span_s);
    const target::CpuClasses& c = w.cpu_classes_s;
    f.cpu_us_per_request = target::CpuClasses{c.user * scale,
                                              c.gc_total * scale,
                                              c.gc_mark_assist * scale,
                                              c.gc_mark_dedicated * scale,
                                              c.gc_mark_idle * scale,
                                              c.gc_pause * scale,
                                              c.scavenge_total * scale,
                                              c.idle * scale,
                                              c.total * scale};
  }
  std::uint64_t waits = 0;
  for (std::uint64_t n : w.sched_counts) waits += n;
  if (waits >= kMinSchedWaits) {
    if (auto p50 = stats::bucket_quantile(w.sched_boundaries_s, w.sched_counts, 0.50)) f.sched_latency_p50_ns = *p50 * 1e9;
    if (auto p99 = stats::bucket_quantile(w.sched_boundaries_s, w.sched_counts, 0.99)) f.sched_latency_p99_ns = *p99 * 1e9;
  }
  return f;
}

}  // namespace tracebench::experiment
