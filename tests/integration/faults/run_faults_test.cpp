// `tracebench run` against targets that misbehave on purpose: one test per row of
// docs/faults.md. A fault inside a round is counted by kind in that round and the run goes
// on; a target that is gone stops the run after the round, with the rounds measured so far
// kept in a result marked incomplete. Runs use the `off` mode alone (a scripted server has no
// pprof), six rounds of 200-500 ms: a few seconds each.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "fault_servers.h"
#include "subprocess.h"

namespace tracebench {
namespace {

using testing::ChildProcess;
using testing::DemoServer;
using testing::FaultServer;

const std::string kTracebench = TRACEBENCH_BIN;

std::string fresh_dir(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("tracebench-run-fault-" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

std::vector<std::string> run_args(const std::string& target, const std::string& out, std::vector<std::string> extra) {
  std::vector<std::string> a = {kTracebench, "run", "--target", target, "--modes", "off", "--settle", "0s",
                                "--out",     out,   "--no-progress"};
  // Defaults a test may replace.
  for (const auto& [flag, value] : {std::pair<std::string, std::string>{"--connections", "4"},
                                    {"--duration", "1.2s"}, {"--warmup", "200ms"}, {"--rate", "max"}})
    if (std::find(extra.begin(), extra.end(), flag) == extra.end()) extra.insert(extra.end(), {flag, value});
  a.insert(a.end(), extra.begin(), extra.end());
  a.insert(a.end(), {"--rounds", "6"});
  return a;
}

struct RunOutcome {
  int exit_code = -1;
  std::string text;  // stdout and stderr
  nlohmann::json result;
  std::uint64_t sum(const char* key) const {
    std::uint64_t n = 0;
    for (const auto& r : result["rounds"]) n += r[key].get<std::uint64_t>();
    return n;
  }
  std::uint64_t errors(const char* kind) const {
    std::uint64_t n = 0;
    for (const auto& r : result["rounds"]) n += r["errors_by_kind"][kind].get<std::uint64_t>();
    return n;
  }
};

RunOutcome read_outcome(int code, std::string text, const std::string& out) {
  RunOutcome o;
  o.exit_code = code;
  o.text = std::move(text);
  std::ifstream in(out + "/result.json");
  if (in) o.result = nlohmann::json::parse(in);
  return o;
}

RunOutcome run(const std::string& target, const std::string& name, std::vector<std::string> extra) {
  const std::string out = fresh_dir(name);
  auto p = testing::run_process(run_args(target, out, std::move(extra)), 60);
  return read_outcome(p.exit_code, p.out + p.err, out);
}

// The run went on: six complete rounds, each with answers, the result complete and valid.
void expect_run_went_on(const RunOutcome& o) {
  EXPECT_EQ(o.exit_code, 0) << o.text;
  ASSERT_FALSE(o.result.is_null()) << o.text;
  EXPECT_TRUE(o.result["complete"].get<bool>()) << o.text;
  ASSERT_EQ(o.result["rounds"].size(), 6u) << o.text;
  for (const auto& r : o.result["rounds"]) {
    EXPECT_TRUE(r["complete"].get<bool>()) << r.dump();
    EXPECT_GT(r["requests"].get<std::uint64_t>(), 0u) << r.dump();
    // The total is the sum of the kinds.
    std::uint64_t by_kind = 0;
    for (const auto& [kind, n] : r["errors_by_kind"].items()) by_kind += n.get<std::uint64_t>();
    EXPECT_EQ(by_kind, r["errors"].get<std::uint64_t>()) << r.dump();
  }
  EXPECT_TRUE(o.result["invalid_reasons"].empty()) << o.result["invalid_reasons"];
}

// Only these kinds of error were counted, over all rounds.
void expect_only_kinds(const RunOutcome& o, std::initializer_list<const char*> allowed) {
  for (const auto& r : o.result["rounds"])
    for (const auto& [kind, count] : r["errors_by_kind"].items()) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || kind == a;
      if (!ok) {
        EXPECT_EQ(count.get<std::uint64_t>(), 0u) << "unexpected errors of kind " << kind << " in " << r.dump();
      }
    }
}

// Over each round, every nth answer is the fault: requests ≈ (n-1) × faults, up to the
// window's edges (a few requests per connection).
void expect_every_answer_counted(const nlohmann::json& round, std::uint64_t faults, std::uint64_t n,
                                 std::uint64_t slack) {
  EXPECT_NEAR(round["requests"].get<double>(), static_cast<double>((n - 1) * faults), static_cast<double>(slack))
      << round.dump();
}

// Row 1. The round during which the target died is kept, incomplete; the rounds before it
// are complete with their answers; the run stops and says why (exit 2).
TEST(RunFaults, TargetKilledMidRound) {
  DemoServer server;
  const std::string out = fresh_dir("killed");
  ChildProcess tb(run_args(server.addr, out, {"--path", "/health", "--duration", "3s"}), true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.proc->kill_now();
  const int code = tb.wait_exit(30);
  const RunOutcome o = read_outcome(code, tb.output(), out);
  EXPECT_EQ(o.exit_code, 2) << o.text;
  ASSERT_FALSE(o.result.is_null()) << o.text;
  EXPECT_FALSE(o.result["complete"].get<bool>());
  EXPECT_NE(o.result["stop_reason"].get<std::string>().find("exited during round"), std::string::npos)
      << o.result["stop_reason"];
  EXPECT_EQ(o.result["design"]["stop_rule"], "stopped");
  const auto& rounds = o.result["rounds"];
  ASSERT_GE(rounds.size(), 2u) << o.text;
  ASSERT_LT(rounds.size(), 6u) << o.text;
  for (std::size_t i = 0; i + 1 < rounds.size(); ++i) {
    EXPECT_TRUE(rounds[i]["complete"].get<bool>()) << rounds[i].dump();
    EXPECT_GT(rounds[i]["requests"].get<std::uint64_t>(), 0u);
  }
  const auto& last = rounds.back();
  EXPECT_FALSE(last["complete"].get<bool>()) << last.dump();
  EXPECT_GT(last["errors"].get<std::uint64_t>(), 0u) << last.dump();
  EXPECT_NE(o.text.find("PARTIAL RESULT"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("stopped early"), std::string::npos) << o.text;
}

// Row 1 for a target whose process tracebench does not watch (on another machine, or a pid
// given that is not the server's): the round during which it died is still kept incomplete,
// out of the statistics, and the run stops.
TEST(RunFaults, TargetKilledMidRoundWithItsProcessUnwatched) {
  DemoServer server;
  const std::string out = fresh_dir("killed-unwatched");
  ChildProcess tb(run_args(server.addr, out,
                           {"--path", "/health", "--duration", "3s", "--target-pid", std::to_string(::getpid())}),
                  true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.proc->kill_now();
  const int code = tb.wait_exit(30);
  const RunOutcome o = read_outcome(code, tb.output(), out);
  EXPECT_EQ(o.exit_code, 2) << o.text;
  ASSERT_FALSE(o.result.is_null()) << o.text;
  EXPECT_FALSE(o.result["complete"].get<bool>());
  EXPECT_NE(o.result["stop_reason"].get<std::string>().find("stopped answering"), std::string::npos)
      << o.result["stop_reason"];
  const auto& rounds = o.result["rounds"];
  ASSERT_GE(rounds.size(), 2u) << o.text;
  ASSERT_LT(rounds.size(), 6u) << o.text;
  for (std::size_t i = 0; i + 1 < rounds.size(); ++i) EXPECT_TRUE(rounds[i]["complete"].get<bool>());
  const auto& last = rounds.back();
  EXPECT_FALSE(last["complete"].get<bool>()) << last.dump();
  EXPECT_GT(last["errors_by_kind"]["connect"].get<std::uint64_t>(), 0u) << last.dump();
}

// Row 2. Stopped for 350 ms inside rounds of 500 ms, with a 100 ms timeout: the requests held
// up are `timeout` errors in the rounds it hit, every round still has answers, the run goes on.
TEST(RunFaults, TargetStoppedLongerThanTheTimeoutThenResumed) {
  DemoServer server;
  const std::string out = fresh_dir("stopped");
  ChildProcess tb(run_args(server.addr, out, {"--path", "/health", "--duration", "3s", "--timeout", "100ms"}), true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  server.proc->signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  server.proc->signal(SIGCONT);
  const int code = tb.wait_exit(30);
  const RunOutcome o = read_outcome(code, tb.output(), out);
  expect_run_went_on(o);
  EXPECT_GE(o.errors("timeout"), 4u) << o.text;  // at least the request on each connection
  expect_only_kinds(o, {"timeout"});
}

// Row 2, a stop that outlasts a whole round: that round gets no answer, so the run stops
// after it (the target is not answering; a later answer would not make the round
// comparable), keeping the rounds before it (exit 2).
TEST(RunFaults, TargetStoppedForLongerThanARoundStopsTheRun) {
  DemoServer server;
  const std::string out = fresh_dir("stopped-long");
  ChildProcess tb(run_args(server.addr, out, {"--path", "/health", "--duration", "3s", "--timeout", "100ms"}), true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  server.proc->signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.proc->signal(SIGCONT);
  const int code = tb.wait_exit(30);
  const RunOutcome o = read_outcome(code, tb.output(), out);
  EXPECT_EQ(o.exit_code, 2) << o.text;
  ASSERT_FALSE(o.result.is_null()) << o.text;
  EXPECT_FALSE(o.result["complete"].get<bool>());
  EXPECT_NE(o.result["stop_reason"].get<std::string>().find("stopped answering during round"), std::string::npos)
      << o.result["stop_reason"];
  EXPECT_NE(o.result["stop_reason"].get<std::string>().find("timeout"), std::string::npos) << o.result["stop_reason"];
  const auto& rounds = o.result["rounds"];
  ASSERT_GE(rounds.size(), 2u) << o.text;
  EXPECT_TRUE(rounds[0]["complete"].get<bool>());
  EXPECT_GT(rounds[0]["requests"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(rounds.back()["complete"].get<bool>());
  EXPECT_EQ(rounds.back()["requests"].get<std::uint64_t>(), 0u);
  EXPECT_GT(rounds.back()["errors_by_kind"]["timeout"].get<std::uint64_t>(), 0u);
}

// Row 3.
TEST(RunFaults, ResetMidResponseOnEveryFifthRequest) {
  FaultServer server(testing::reset_every(5, testing::ResetAt::kMidResponse));
  const RunOutcome o = run(server.address(), "reset-mid", {});
  expect_run_went_on(o);
  expect_only_kinds(o, {"reset"});
  for (const auto& r : o.result["rounds"])
    expect_every_answer_counted(r, r["errors_by_kind"]["reset"].get<std::uint64_t>(), 5, 20);
}

TEST(RunFaults, ResetBeforeTheAnswerOnEveryFifthRequest) {
  FaultServer server(testing::reset_every(5, testing::ResetAt::kBeforeAnswer));
  const RunOutcome o = run(server.address(), "reset-before", {});
  expect_run_went_on(o);
  expect_only_kinds(o, {"reset"});
  EXPECT_GT(o.sum("resent"), 6u);
  for (const auto& r : o.result["rounds"])
    expect_every_answer_counted(
        r, r["errors_by_kind"]["reset"].get<std::uint64_t>() + r["resent"].get<std::uint64_t>(), 5, 20);
}

// Row 4.
TEST(RunFaults, ResponsesThatNeverEndTimeOut) {
  FaultServer server(testing::never_ending_every(5));
  const RunOutcome o = run(server.address(), "never-ending", {"--timeout", "50ms"});
  expect_run_went_on(o);
  EXPECT_GT(o.errors("timeout"), 6u) << o.text;
  expect_only_kinds(o, {"timeout"});
}

// Row 5.
TEST(RunFaults, ChunkedBodyOverMaxResponseIsTooLarge) {
  FaultServer server(testing::chunked_body_every(5, 256 * 1024));
  const RunOutcome o = run(server.address(), "too-large", {"--max-response", "16KiB"});
  expect_run_went_on(o);
  expect_only_kinds(o, {"too_large"});
  for (const auto& r : o.result["rounds"])
    expect_every_answer_counted(r, r["errors_by_kind"]["too_large"].get<std::uint64_t>(), 5, 20);
}

// Row 6.
TEST(RunFaults, MalformedStatusLinesAndHeadersAreParseErrors) {
  FaultServer server(testing::malformed_every(3));
  const RunOutcome o = run(server.address(), "malformed", {});
  expect_run_went_on(o);
  EXPECT_GT(o.errors("parse"), testing::malformed_responses().size()) << o.text;
  expect_only_kinds(o, {"parse"});
  for (const auto& r : o.result["rounds"])
    expect_every_answer_counted(r, r["errors_by_kind"]["parse"].get<std::uint64_t>(), 3, 20);
}

// Row 7.
TEST(RunFaults, ServerClosingAfterEachResponseUnannounced) {
  FaultServer server(testing::close_after_each());
  const RunOutcome o = run(server.address(), "silent-close", {});
  expect_run_went_on(o);
  EXPECT_EQ(o.sum("errors"), 0u) << o.text;
  EXPECT_GT(o.sum("resent"), 0u) << o.text;
}

// Row 8. Rounds of 500 ms, a trickle of about 200 ms per answer and of 1.7 s for every
// fourth, with a 600 ms timeout; a warm-up long enough for the first answers to arrive.
TEST(RunFaults, SlowTrickleIsLatencyOrTimeout) {
  FaultServer server(testing::trickle_every(4, std::chrono::milliseconds(5)));
  const RunOutcome o = run(server.address(), "trickle",
                           {"--duration", "3s", "--timeout", "600ms", "--connections", "8", "--warmup", "1s"});
  expect_run_went_on(o);
  EXPECT_GT(o.errors("timeout"), 0u) << o.text;
  expect_only_kinds(o, {"timeout"});
  for (const auto& r : o.result["rounds"])
    EXPECT_GE(r["latency_ns"]["p50"].get<std::int64_t>(), 150'000'000) << r.dump();
}

// A target that answers nothing a client can use stops the run before the first round.
TEST(RunFaults, APeerThatNeverAnswersInHttpStopsAtTheWarmUp) {
  FaultServer server([](int fd, std::uint64_t, FaultServer::Counters&) {
    FaultServer::send_some(fd, "SSH-2.0-OpenSSH_9.2\r\n");
    return FaultServer::Next::kClose;
  });
  const RunOutcome o = run(server.address(), "not-http", {});
  EXPECT_EQ(o.exit_code, 2) << o.text;
  ASSERT_FALSE(o.result.is_null()) << o.text;
  EXPECT_FALSE(o.result["complete"].get<bool>());
  EXPECT_TRUE(o.result["rounds"].empty());
  EXPECT_NE(o.result["stop_reason"].get<std::string>().find("did not answer during the warm-up"), std::string::npos)
      << o.result["stop_reason"];
  EXPECT_NE(o.result["stop_reason"].get<std::string>().find("parse"), std::string::npos) << o.result["stop_reason"];
}

}  // namespace
}  // namespace tracebench
