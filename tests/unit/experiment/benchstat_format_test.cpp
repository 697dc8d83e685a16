// run.bench: lines that `benchstat -col /mode` compares against off.

#include "experiment/benchstat_format.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tracebench::experiment {
namespace {

// Each benchmark line's name and iteration count.
std::vector<std::string> bench_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Benchmark", 0) != 0) continue;
    std::istringstream words(line);
    std::string name, iterations;
    words >> name >> iterations;
    out.push_back(name + " " + iterations);
  }
  return out;
}

// benchstat takes the first /mode value it reads as the base: rounds run in shuffled order
// (here trace first), so the lines are grouped with off first, run order kept within a mode.
TEST(Benchstat, OffComesFirstAndEachModeKeepsItsRoundOrder) {
  RunResult run;
  run.config.modes = {Mode::kOff, Mode::kTrace, Mode::kFlightRecorder};
  const Mode order[] = {Mode::kTrace, Mode::kFlightRecorder, Mode::kOff, Mode::kOff, Mode::kTrace,
                        Mode::kFlightRecorder};
  std::uint64_t requests = 101;
  for (Mode m : order) {
    RoundRecord r;
    r.index = static_cast<int>(run.rounds.size());
    r.mode = m;
    r.requests = requests++;  // the iteration count tells the rounds apart
    r.throughput_rps = 1000;
    run.rounds.push_back(r);
  }
  RoundRecord cut = run.rounds.front();
  cut.complete = false;  // left out
  cut.requests = 999;
  run.rounds.push_back(cut);

  std::ostringstream out;
  write_benchstat(out, run);
  const std::vector<std::string> expected = {
      "BenchmarkTarget/mode=off 103",   "BenchmarkTarget/mode=off 104",
      "BenchmarkTarget/mode=trace 101", "BenchmarkTarget/mode=trace 105",
      "BenchmarkTarget/mode=flightrecorder 102", "BenchmarkTarget/mode=flightrecorder 106"};
  EXPECT_EQ(bench_lines(out.str()), expected) << out.str();
}

// The agent's breakdown goes in as metrics of their own, only where a round has it.
TEST(Benchstat, TheAgentsGcCpuAndSchedulerLatencyWhereMeasured) {
  RunResult run;
  run.config.modes = {Mode::kOff};
  RoundRecord r;
  r.mode = Mode::kOff;
  r.requests = 1000;
  r.throughput_rps = 1000;
  r.latency_p50_ns = 200'000;
  r.latency_p99_ns = 2'000'000;
  r.target_cpu_us_per_request = 200;
  run.rounds.push_back(r);
  r.runtime = RuntimeFigures{};
  r.runtime->cpu_us_per_request = target::CpuClasses{};
  r.runtime->cpu_us_per_request->gc_total = 8;
  r.runtime->sched_latency_p99_ns = 50'000;
  run.rounds.push_back(r);
  std::ostringstream out;
  write_benchstat(out, run);
  EXPECT_EQ(out.str(),
            "goos: linux\npkg: tracebench\ntarget: :0\npath: /\n"
            "BenchmarkTarget/mode=off 1000 0.001 sec/op 0.0002 p50-sec 0.002 p99-sec 1000 req/s 0.0002 "
            "target-cpu-sec/op\n"
            "BenchmarkTarget/mode=off 1000 0.001 sec/op 0.0002 p50-sec 0.002 p99-sec 1000 req/s 0.0002 "
            "target-cpu-sec/op 8e-06 gc-cpu-sec/op 5e-05 sched-p99-sec\n");
}

}  // namespace
}  // namespace tracebench::experiment
