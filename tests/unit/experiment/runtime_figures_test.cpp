#include "experiment/runtime_figures.h"

#include <gtest/gtest.h>

#include <limits>

namespace tracebench::experiment {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A 2-P process over a 1 s window at 1000 responses: classes covering 0.8 s of it.
target::AgentWindow window() {
  target::AgentWindow w;
  w.cpu_classes_s = {0.40, 0.04, 0.01, 0.02, 0.005, 0.005, 0.002, 1.158, 1.6};
  w.classes_span_s = 0.8;  // 1.6 CPU-s over 2 Ps
  w.gc_cycles = 5;
  w.sched_boundaries_s = {-kInf, 0.0, 1e-6, 1e-5, 1e-4, kInf};
  w.sched_counts = {0, 50, 40, 9, 1};
  w.goroutines = 12;
  return w;
}

TEST(RuntimeFigures, ClassesPerRequestOverTheSpanTheyCover) {
  const RuntimeFigures f = runtime_figures(window(), 1000, 1.0);
  ASSERT_TRUE(f.cpu_us_per_request) << f.classes_missing;
  // 0.8 s of a 1000 req/s window is 800 requests: 0.40 s / 800 = 500 µs.
  EXPECT_NEAR(f.cpu_us_per_request->user, 500.0, 1e-9);
  EXPECT_NEAR(f.cpu_us_per_request->gc_total, 50.0, 1e-9);
  EXPECT_NEAR(f.cpu_us_per_request->total, 2000.0, 1e-9);
  EXPECT_NEAR(f.gc_cycles_per_1k_requests, 5.0, 1e-12);
  // 100 waits: the 50th is the last of 50 in [0, 1 µs), at its end; the 99th the last of 9 in
  // [10 µs, 100 µs), at 100 µs.
  EXPECT_NEAR(*f.sched_latency_p50_ns, 1000.0, 1e-6);
  EXPECT_NEAR(*f.sched_latency_p99_ns, 100000.0, 1e-6);
  EXPECT_EQ(f.goroutines, 12u);
}

TEST(RuntimeFigures, NoClassesWhenTheirSpanIsNotTheWindows) {
  target::AgentWindow w = window();
  w.classes_span_s = 0.3;  // one GC cycle late at the end: most of the window uncovered
  RuntimeFigures f = runtime_figures(w, 1000, 1.0);
  EXPECT_FALSE(f.cpu_us_per_request);
  EXPECT_EQ(f.classes_missing,
            "the runtime's CPU classes moved over 0.30 s of the 1.00 s window (5 GC cycles ended in it): the runtime "
            "updates them only when a GC cycle ends");
  w.classes_span_s = 1.6;
  EXPECT_FALSE(runtime_figures(w, 1000, 1.0).cpu_us_per_request);
  EXPECT_EQ(runtime_figures(window(), 0, 1.0).classes_missing, "no response arrived in the window");
}

TEST(RuntimeFigures, NoSchedulerQuantilesFromAFewWaits) {
  target::AgentWindow w = window();
  w.sched_counts = {0, 50, 40, 8, 1};  // 99 waits
  const RuntimeFigures f = runtime_figures(w, 1000, 1.0);
  EXPECT_FALSE(f.sched_latency_p50_ns);
  EXPECT_FALSE(f.sched_latency_p99_ns);
}

}  // namespace
}  // namespace tracebench::experiment
