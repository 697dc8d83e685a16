// `tracebench run` reading the target's CPU and runtime metrics from the agent (GET
// process) against the real demo server: the agent's CPU per request against /proc in the
// same rounds, the runtime's breakdown per mode, a known rise in scheduler latency, and an
// agent that restarts mid-run.

#include <gtest/gtest.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "demo_run.h"
#include "free_port.h"

namespace tracebench {
namespace {

using nlohmann::json;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

bool counted(const json& round) { return round["complete"].get<bool>() && !round["dropped"].get<bool>(); }

// One run with --target-cpu agent on this machine: the agent gives the figure, /proc is read
// in the same windows beside it, so the two independent measurements meet round by round.
TEST(RunAgentCpu, AgreesWithProcAndBreaksTheCostDownPerMode) {
  DemoServer server;
  const std::string out = fresh_dir("agent-cpu");
  auto r = run_process(run_args(server, out, {"--path", "/api?backend_us=0", "--rate", "1000", "--duration", "6s",
                                              "--rounds", "6", "--warmup", "1s", "--settle", "200ms", "--fr-min-age",
                                              "1s", "--fr-max-bytes", "4MiB", "--target-cpu", "agent"}),
                       110);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  const json j = read_json(out + "/result.json");
  EXPECT_EQ(j["config"]["target_cpu"], "agent");
  EXPECT_EQ(j["config"]["target_cpu_source"], "agent");

  std::vector<double> ratios, class_gaps;
  int with_classes = 0, rounds = 0;
  for (const auto& round : j["rounds"]) {
    if (!counted(round)) continue;
    ++rounds;
    ASSERT_TRUE(round["agent_invalid"].is_null()) << round["agent_invalid"];
    EXPECT_EQ(round["target_cpu_source"], "agent");
    const double agent = round["agent_cpu_us_per_request"].get<double>();
    const double proc = round["proc_cpu_us_per_request"].get<double>();
    EXPECT_EQ(round["target_cpu_us_per_request"].get<double>(), agent);
    ratios.push_back(agent / proc);
    const json& classes = round["runtime"]["cpu_classes_us_per_request"];
    if (classes.is_null()) continue;
    ++with_classes;
    // The parts add up to the total, and the GC's parts to the GC's, in the runtime's accounting:
    // it recomputes user (total less the rest) when a GC cycle ends, but adds the stop-the-world
    // pause that starts a cycle to gc_total at once, so a read during a cycle counts that pause
    // (× GOMAXPROCS) twice. A round is off by at most one such pause; the median round by none.
    const double total = classes["total"].get<double>();
    const double parts = classes["user"].get<double>() + classes["gc_total"].get<double>() +
                         classes["scavenge_total"].get<double>() + classes["idle"].get<double>();
    EXPECT_NEAR(parts, total, 1e-2 * total) << classes;
    class_gaps.push_back(std::abs(parts - total) / total);
    const double gc_parts = classes["gc_mark_assist"].get<double>() + classes["gc_mark_dedicated"].get<double>() +
                            classes["gc_mark_idle"].get<double>() + classes["gc_pause"].get<double>();
    EXPECT_NEAR(gc_parts, classes["gc_total"].get<double>(), 1e-3 * classes["total"].get<double>()) << classes;
    for (const auto& [name, v] : classes.items()) EXPECT_GE(v.get<double>(), 0) << name;
  }
  ASSERT_GE(rounds, 18);
  const double agreement = median(ratios);
  std::printf("agent / proc CPU per request, median over %zu rounds: %.4f\n", ratios.size(), agreement);
  EXPECT_NEAR(agreement, 1.0, 0.03) << "the agent's and /proc's CPU per request disagree";
  EXPECT_GE(with_classes, rounds / 2) << "too few rounds had a GC cycle at each end to time the CPU classes";
  ASSERT_FALSE(class_gaps.empty());
  EXPECT_LT(median(class_gaps), 1e-4) << "user + gc + scavenge + idle against total, median round";

  for (const char* mode : {"off", "trace", "flightrecorder"}) {
    const json& m = j["modes"][mode];
    for (const char* metric : {"target_cpu_us_per_request", "user_cpu_us_per_request", "gc_cpu_us_per_request",
                               "gc_cycles_per_1k_requests", "sched_latency_p50_ns", "sched_latency_p99_ns"})
      EXPECT_TRUE(m[metric].is_object() && m[metric]["median"].get<double>() > 0) << mode << " " << metric << " " << m;
    std::printf("%-15s CPU/req %.1f us: runtime user %.1f, GC %.2f, scavenger %.3f us; %.2f GC cycles/1k req; "
                "sched latency p50 %.0f ns p99 %.0f ns\n",
                mode, m["target_cpu_us_per_request"]["median"].get<double>(),
                m["user_cpu_us_per_request"]["median"].get<double>(), m["gc_cpu_us_per_request"]["median"].get<double>(),
                m["scavenge_cpu_us_per_request"].is_object() ? m["scavenge_cpu_us_per_request"]["median"].get<double>() : 0.0,
                m["gc_cycles_per_1k_requests"]["median"].get<double>(), m["sched_latency_p50_ns"]["median"].get<double>(),
                m["sched_latency_p99_ns"]["median"].get<double>());
  }
  int breakdown_rows = 0;
  for (const auto& c : j["comparisons"])
    if (c["family"] == "breakdown") ++breakdown_rows;
  EXPECT_GE(breakdown_rows, 2 * 5) << "trace and flightrecorder against off on the breakdown";

  // The report and check read the same figures.
  auto report = run_process({kTracebench, "report", out + "/result.json"}, 30);
  EXPECT_NE(report.out.find("GC CPU per request"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("p99 scheduler latency"), std::string::npos) << report.out;
  auto check = run_process({kTracebench, "check", out + "/result.json", "--max-gc-cpu-increase", "1000000%"}, 30);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

double sched_p99_ns(const std::vector<std::string>& server_flags, const std::string& name) {
  DemoServer server(server_flags);
  const std::string out = fresh_dir(name);
  auto r = run_process(run_args(server, out, {"--path", "/health", "--modes", "off", "--rate", "500", "--duration",
                                              "3s", "--rounds", "6", "--warmup", "500ms", "--settle", "100ms"}),
                       60);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  const json j = read_json(out + "/result.json");
  return j["modes"]["off"]["sched_latency_p99_ns"]["median"].get<double>();
}

// Goroutines that keep both Ps busy make request goroutines wait to be scheduled: the run
// sees the scheduler's p99 latency rise.
TEST(RunAgentCpu, SchedulerLatencyRisesUnderACpuBoundBackgroundLoad) {
  const double quiet = sched_p99_ns({}, "sched-quiet");
  const double busy = sched_p99_ns({"--background-spin", "4"}, "sched-busy");
  std::printf("p99 scheduler latency: %.0f ns quiet, %.0f ns with 4 spinning goroutines (%.1fx)\n", quiet, busy,
              busy / quiet);
  EXPECT_GT(busy, 3 * quiet);
}

// The agent's process stops and restarts on the same address during the run: the rounds it
// spans lose their agent figures with the reason, nothing negative is written, and the run
// goes on.
TEST(RunAgentCpu, AnAgentRestartedMidRunInvalidatesThoseRoundsOnly) {
  DemoServer target;
  const std::string agent_addr = fmt::format("127.0.0.1:{}", testing::free_loopback_port());
  auto start_agent = [&] {
    auto p = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{kDemoServer, "--addr", "127.0.0.1:0", "--debug-addr", agent_addr});
    p->wait_for_line("debug listening on ");
    return p;
  };
  auto agent = start_agent();
  const std::string out = fresh_dir("agent-restart");
  testing::ChildProcess run(run_args(target, out, {"--path", "/health", "--modes", "off,trace", "--rate", "400",
                                                    "--duration", "12s", "--rounds", "6", "--warmup", "500ms",
                                                    "--settle", "100ms", "--agent", agent_addr}),
                            true);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  // Down for longer than a round (2 s windows here) before it comes back: a quick restart that
  // falls wholly between two windows is no round's to notice, and where it falls depends on
  // the run's random order of rounds. (A restart inside one window, seen as a new pid, is
  // agent_process_test's.)
  agent->kill_now();
  agent.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  agent = start_agent();
  const int code = run.wait_exit(110);
  ASSERT_TRUE(code == 0 || code == 3) << run.output();
  const json j = read_json(out + "/result.json");
  EXPECT_TRUE(j["complete"].get<bool>());
  int invalid = 0, read = 0;
  for (const auto& round : j["rounds"]) {
    // /proc measures the target itself, whatever the agent does.
    if (counted(round)) {
      EXPECT_TRUE(round["target_cpu_us_per_request"].is_number()) << round;
    }
    if (!round["agent_invalid"].is_null()) {
      ++invalid;
      std::printf("round %d: %s\n", round["index"].get<int>(), round["agent_invalid"].get<std::string>().c_str());
      EXPECT_TRUE(round["agent_cpu_us_per_request"].is_null() && round["runtime"].is_null()) << round;
    } else if (round["agent_cpu_us_per_request"].is_number()) {
      ++read;
      EXPECT_GE(round["agent_cpu_us_per_request"].get<double>(), 0);
    }
  }
  EXPECT_GE(invalid, 1) << "no round noticed the agent's restart";
  EXPECT_GE(read, 6) << "the rounds before and after the restart keep their figures";
}

TEST(RunAgentCpu, AskingForTheAgentWithoutOneIsAOneLineError) {
  DemoServer server({"--no-agent"});
  auto r = run_process(run_args(server, fresh_dir("no-agent-cpu"), {"--modes", "off,trace", "--target-cpu", "agent"}),
                       30);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("tracebench run: --target-cpu agent: "), std::string::npos) << r.err;
  r = run_process(run_args(server, fresh_dir("bad-target-cpu"), {"--target-cpu", "remote"}), 10);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tracebench run: --target-cpu 'remote': expected auto, proc or agent\n");
}

}  // namespace
}  // namespace tracebench
