// execute_run() against scripted loopback servers: a round whose capture failed, or that
// got no answer at all, is kept in the result but never counted in the statistics.

#include "experiment/experiment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "experiment/analysis.h"
#include "scripted_server.h"
#include "wire_text.h"

namespace tracebench::experiment {
namespace {

using testing::ScriptedServer;

RunConfig short_config(const ScriptedServer& target, Mode mode, const std::string& name) {
  RunConfig c;
  c.load.target = {"127.0.0.1", target.port()};
  c.load.request.path = "/";
  c.load.connections = 2;
  c.load.timeout_ns = 1'000'000'000;
  c.modes = {mode};
  c.rounds_per_mode = 6;
  c.duration_per_mode_ns = 1'200'000'000;  // rounds of 200 ms
  c.settle_ns = 100'000'000;
  c.warmup_ns = 0;
  c.out_dir = (std::filesystem::path(::testing::TempDir()) /
               ("experiment_test_" + std::to_string(::getpid()) + "_" + name)).string();
  return c;
}

ScriptedServer ok_server() {
  return ScriptedServer([](int fd, int) {
    ScriptedServer::write_all(fd, ScriptedServer::ok_response());
    return ScriptedServer::Next::kKeepAlive;
  });
}

TEST(ExecuteRun, ARoundWhoseCaptureFailedIsKeptButNotCounted) {
  ScriptedServer target = ok_server();
  // A capture that begins like a trace, then the connection drops mid-body.
  ScriptedServer pprof([](int fd, int) {
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
    ScriptedServer::write_all(fd, head + std::string("go 1.26 trace\0\0\0", 16));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    return ScriptedServer::Next::kClose;
  });
  RunConfig c = short_config(target, Mode::kTrace, "capture");
  c.pprof = load::Endpoint{"127.0.0.1", pprof.port()};
  RunResult run = prepare_run(c);
  execute_run(run, {});
  EXPECT_FALSE(run.complete);
  EXPECT_NE(run.stop_reason.find("the trace capture failed"), std::string::npos) << run.stop_reason;
  ASSERT_EQ(run.rounds.size(), 1u);
  EXPECT_FALSE(run.rounds[0].complete);
  EXPECT_GT(run.rounds[0].requests, 0u);  // it measured load, and still does not count
  EXPECT_TRUE(metric_samples(run, Mode::kTrace, Metric::kThroughput).empty());
  std::filesystem::remove_all(c.out_dir);
}

TEST(ExecuteRun, ATraceThatDidNotCoverTheWindowDropsItsBlock) {
  ScriptedServer target = ok_server();
  // A whole, readable Go 1.25 trace whose clock snapshot puts it 99 ns after boot: long
  // before any window of this run, as a capture that ended early would be.
  const std::vector<std::uint8_t> old_trace = trace::testing::assemble(
      "Trace Go1.25\n"
      "EventBatch gen=1 m=18446744073709551615 time=9 size=auto\n"
      "Sync\n"
      "Frequency freq=1000000000\n"
      "ClockSnapshot dt=1 mono=99 sec=1740755049 nsec=123\n"
      "EventBatch gen=1 m=1 time=15 size=auto\n"
      "ProcStatus dt=1 p=0 pstatus=1\n"
      "EventBatch gen=1 m=18446744073709551615 time=11 size=auto\n"
      "Stacks\n"
      "EventBatch gen=1 m=18446744073709551615 time=12 size=auto\n"
      "Strings\n");
  ScriptedServer pprof([&](int fd, int) {
    ScriptedServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(old_trace.size()) + "\r\n\r\n" +
                                      std::string(old_trace.begin(), old_trace.end()));
    return ScriptedServer::Next::kClose;
  });
  RunConfig c = short_config(target, Mode::kTrace, "uncovered");
  c.pprof = load::Endpoint{"127.0.0.1", pprof.port()};
  c.max_dropped_blocks = 1;
  RunResult run = prepare_run(c);
  execute_run(run, {});
  ASSERT_GE(run.rounds.size(), 2u);
  const RoundRecord& first = run.rounds[0];
  ASSERT_TRUE(first.trace && first.trace->window_trail_s) << first.trace->read_error;
  EXPECT_LT(*first.trace->window_trail_s, -1.0);
  EXPECT_EQ(first.disturbed.rfind("the trace capture ended ", 0), 0u) << first.disturbed;
  EXPECT_NE(first.disturbed.find(" ms before the window closed: part of the window was not traced"), std::string::npos)
      << first.disturbed;
  EXPECT_TRUE(first.dropped);
  ASSERT_FALSE(run.dropped_blocks.empty());
  EXPECT_EQ(run.dropped_blocks[0].reason, "round 1 (trace): " + first.disturbed);
  EXPECT_TRUE(metric_samples(run, Mode::kTrace, Metric::kThroughput).empty());
  EXPECT_EQ(run.stop_rule, StopRule::kTooManyDisturbed);
  std::filesystem::remove_all(c.out_dir);
}

TEST(ExecuteRun, ARoundWithNoAnswerIsKeptButNotCounted) {
  ScriptedServer target([](int, int) { return ScriptedServer::Next::kReset; });
  RunConfig c = short_config(target, Mode::kOff, "silent");
  RunResult run = prepare_run(c);
  execute_run(run, {});
  EXPECT_FALSE(run.complete);
  EXPECT_NE(run.stop_reason.find("the target stopped answering during round 1"), std::string::npos)
      << run.stop_reason;
  ASSERT_EQ(run.rounds.size(), 1u);
  EXPECT_FALSE(run.rounds[0].complete);
  EXPECT_EQ(run.rounds[0].requests, 0u);
  EXPECT_EQ(analyse(run).modes.at(0).rounds, 0);
  std::filesystem::remove_all(c.out_dir);
}

// The pid watched barely ran while the port was loaded: it is not the server.
TEST(IdleTargetWarning, NamesThePidAndTheWayOut) {
  RunResult run;
  run.config.load.target = {"127.0.0.1", 8080};
  run.target_pid = ::getpid();
  for (int i = 0; i < 6; ++i) {
    RoundRecord r;
    r.target_cpu_us_per_request = 0.01;
    run.rounds.push_back(r);
  }
  const std::string w = idle_target_warning(run);
  EXPECT_NE(w.find("the target's CPU per request measured 0.010 µs: pid " + std::to_string(::getpid())), std::string::npos)
      << w;
  EXPECT_NE(w.find("probably not the process serving 127.0.0.1:8080"), std::string::npos) << w;
  EXPECT_NE(w.find("pass --target-pid"), std::string::npos) << w;
  for (auto& r : run.rounds) r.target_cpu_us_per_request = 12.0;
  EXPECT_EQ(idle_target_warning(run), "");
}

}  // namespace
}  // namespace tracebench::experiment
