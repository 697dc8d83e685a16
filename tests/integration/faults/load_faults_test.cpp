// `tracebench load` against targets that misbehave on purpose: one test per row of
// docs/faults.md. Each asserts the errors by kind, that the run went on to its end, that
// the good answers before and around the fault are all in the result, and the exit code.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
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

struct LoadRun {
  testing::ProcessResult process;
  nlohmann::json result;
  std::uint64_t errors(const char* kind) const { return result["errors"][kind].get<std::uint64_t>(); }
  std::uint64_t requests() const { return result["requests"].get<std::uint64_t>(); }
  std::string dump() const { return process.out + process.err; }
};

// `tracebench load` with a JSON result; every run is a few seconds at most.
LoadRun load(const std::string& target, const std::string& name, std::vector<std::string> extra) {
  const std::string json = ::testing::TempDir() + "/load-fault-" + name + ".json";
  std::remove(json.c_str());
  std::vector<std::string> argv = {kTracebench, "load", "--target", target, "--warmup", "0s", "--no-progress",
                                   "--json", json};
  if (std::find(extra.begin(), extra.end(), "--connections") == extra.end()) extra.insert(extra.end(), {"--connections", "4"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  LoadRun r;
  r.process = testing::run_process(argv, 30);
  std::ifstream in(json);
  if (in) r.result = nlohmann::json::parse(in);
  return r;
}

// Only these kinds of error were counted (by the load/v1 names).
void expect_only_kinds(const LoadRun& r, std::initializer_list<const char*> allowed) {
  for (const auto& [kind, count] : r.result["errors"].items()) {
    if (kind == "total") continue;
    bool ok = false;
    for (const char* a : allowed) ok = ok || kind == a;
    if (!ok) {
      EXPECT_EQ(count.get<std::uint64_t>(), 0u) << "unexpected errors of kind " << kind << "\n" << r.dump();
    }
  }
}

// Nothing lost: the server's answers form one sequence in which every nth is the fault, so
// over the window requests ≈ (n-1) × faults. The window's two edges cut the sequence at most
// a few requests per connection away from a multiple of n.
void expect_every_answer_counted(std::uint64_t requests, std::uint64_t faults, std::uint64_t n, std::uint64_t slack) {
  const auto expected = static_cast<double>((n - 1) * faults);
  EXPECT_NEAR(static_cast<double>(requests), expected, static_cast<double>(slack))
      << requests << " good answers counted against " << faults << " faults, every " << n << "th";
}

// The per-second series adds up to the total: nothing counted twice or dropped on the way.
void expect_series_adds_up(const LoadRun& r) {
  std::uint64_t sum = 0;
  for (const auto& s : r.result["per_second"]) sum += s["requests"].get<std::uint64_t>();
  EXPECT_EQ(sum, r.requests()) << r.result["per_second"].dump();
}

// Row 1. The run goes on to its end: the answers before the kill are kept, the connections
// cut are `reset`/`closed`/`read`, and every reconnect after it is a `connect` error.
TEST(LoadFaults, TargetKilledMidRun) {
  DemoServer server;
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    server.proc->kill_now();
  });
  const LoadRun r = load(server.addr, "killed", {"--path", "/health", "--duration", "3s"});
  killer.join();
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_TRUE(r.result["complete"].get<bool>());
  EXPECT_NEAR(r.result["measured_s"].get<double>(), 3.0, 0.01);
  EXPECT_GT(r.requests(), 100u) << r.dump();
  EXPECT_GT(r.errors("connect"), 0u) << r.dump();
  expect_only_kinds(r, {"connect", "reset", "closed", "read", "write"});
  // The answers are all in the first second(s), none after the kill.
  const auto& seconds = r.result["per_second"];
  ASSERT_EQ(seconds.size(), 3u);
  EXPECT_GT(seconds[0]["requests"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(seconds[2]["requests"].get<std::uint64_t>(), 0u);
  EXPECT_GT(seconds[2]["errors"].get<std::uint64_t>(), 0u);
  expect_series_adds_up(r);
  EXPECT_NE(r.process.out.find("connect"), std::string::npos) << r.process.out;  // the summary names the kind
}

// Row 2. Stopped for 1 s with a 300 ms timeout: the requests held up are `timeout` errors,
// the connections are reopened, and the target answers again once resumed.
TEST(LoadFaults, TargetStoppedLongerThanTheTimeoutThenResumed) {
  DemoServer server;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    server.proc->signal(SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    server.proc->signal(SIGCONT);
  });
  const LoadRun r = load(server.addr, "stopped", {"--path", "/health", "--duration", "3s", "--timeout", "300ms"});
  stopper.join();
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_TRUE(r.result["complete"].get<bool>());
  EXPECT_GE(r.errors("timeout"), 4u) << r.dump();  // at least the request in flight on each connection
  expect_only_kinds(r, {"timeout"});
  const auto& seconds = r.result["per_second"];
  ASSERT_EQ(seconds.size(), 3u);
  EXPECT_GT(seconds[0]["requests"].get<std::uint64_t>(), 0u);  // before the stop
  EXPECT_GT(seconds[2]["requests"].get<std::uint64_t>(), 0u);  // after SIGCONT
  expect_series_adds_up(r);
  // The latency of the requests that waited out the stop but were answered within the timeout.
  EXPECT_LE(r.result["latency_ns"]["max"].get<std::int64_t>(), 400'000'000);
}

// Row 3, a reset in the middle of an answer: a `reset` error, the connection reopened.
TEST(LoadFaults, ResetMidResponseOnEveryFifthRequest) {
  FaultServer server(testing::reset_every(5, testing::ResetAt::kMidResponse));
  const LoadRun r = load(server.address(), "reset-mid", {"--duration", "1s"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_GT(r.errors("reset"), 10u) << r.dump();
  expect_only_kinds(r, {"reset"});
  EXPECT_EQ(r.result["resent"].get<std::uint64_t>(), 0u);  // a started answer is never sent again
  expect_every_answer_counted(r.requests(), r.errors("reset"), 5, 20);
  EXPECT_GE(r.result["reconnects"].get<std::uint64_t>(), r.errors("reset"));
  expect_series_adds_up(r);
}

// Row 3, a reset before any byte of the answer on a connection that answered before: the
// request is sent again once on a new connection (`resent`, as for row 7); a reset of a new
// connection's first request is a `reset` error. Either way each reset is accounted for once.
TEST(LoadFaults, ResetBeforeTheAnswerOnEveryFifthRequest) {
  FaultServer server(testing::reset_every(5, testing::ResetAt::kBeforeAnswer));
  const LoadRun r = load(server.address(), "reset-before", {"--duration", "1s"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  const auto resent = r.result["resent"].get<std::uint64_t>();
  EXPECT_GT(resent, 10u) << r.dump();
  expect_only_kinds(r, {"reset"});
  expect_every_answer_counted(r.requests(), r.errors("reset") + resent, 5, 20);
  expect_series_adds_up(r);
}

// Row 4. A response that never ends holds its connection until --timeout; the requests on
// the other connections go on.
TEST(LoadFaults, ResponsesThatNeverEndTimeOut) {
  FaultServer server(testing::never_ending_every(5));
  const LoadRun r = load(server.address(), "never-ending", {"--duration", "1.5s", "--timeout", "200ms"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_GT(r.errors("timeout"), 4u) << r.dump();
  expect_only_kinds(r, {"timeout"});
  const auto unfinished = r.result["unfinished"].get<std::uint64_t>();
  expect_every_answer_counted(r.requests(), r.errors("timeout") + unfinished, 5, 20);
  // The run still ends on time: the window, then a drain of at most the timeout.
  EXPECT_LT(r.process.elapsed_s, 1.5 + 0.2 + 1.0);
  expect_series_adds_up(r);
}

// Row 5. The limit holds for a chunked body, whose size is known only as it arrives.
TEST(LoadFaults, ChunkedBodyOverMaxResponseIsTooLarge) {
  FaultServer server(testing::chunked_body_every(5, 256 * 1024));
  const LoadRun r = load(server.address(), "too-large", {"--duration", "1s", "--max-response", "16KiB"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_GT(r.errors("too_large"), 5u) << r.dump();
  expect_only_kinds(r, {"too_large"});
  expect_every_answer_counted(r.requests(), r.errors("too_large"), 5, 20);
  // Refused as the limit was passed, not after reading the 256 KiB.
  EXPECT_LT(r.result["bytes_read"].get<double>(),
            static_cast<double>(r.errors("too_large")) * 128 * 1024 + static_cast<double>(r.requests()) * 1024);
  expect_series_adds_up(r);
}

// Row 6. Every malformed status line and header is a `parse` error, none of them anything else.
TEST(LoadFaults, MalformedStatusLinesAndHeadersAreParseErrors) {
  FaultServer server(testing::malformed_every(3));
  const LoadRun r = load(server.address(), "malformed", {"--duration", "1s"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  // Every form came up several times.
  EXPECT_GT(r.errors("parse"), 3 * testing::malformed_responses().size()) << r.dump();
  expect_only_kinds(r, {"parse"});
  expect_every_answer_counted(r.requests(), r.errors("parse"), 3, 20);
  expect_series_adds_up(r);
}

// Row 7. A server may close a keep-alive connection after a response without saying so
// (RFC 9112 §9.6); a request sent on it before the close was seen is retried once on a new
// connection, as HTTP clients do for idempotent methods, so no answer is lost and nothing is
// an error: the connection is reopened and counted in `reconnects`.
TEST(LoadFaults, ServerClosingAfterEachResponseUnannounced) {
  FaultServer server(testing::close_after_each());
  const LoadRun r = load(server.address(), "silent-close", {"--duration", "1s"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_GT(r.requests(), 100u) << r.dump();
  EXPECT_EQ(r.result["errors"]["total"].get<std::uint64_t>(), 0u) << r.dump();
  EXPECT_GE(r.result["reconnects"].get<std::uint64_t>() + 8, r.requests()) << r.dump();
  EXPECT_GT(r.result["resent"].get<std::uint64_t>(), 0u) << r.dump();  // the close crossed some requests
  // Every answer the server wrote whole is in the result, but those before the window opened.
  EXPECT_LE(r.requests(), server.counters().good.load());
  expect_series_adds_up(r);
}

// Row 7 with a method that is not idempotent: never sent twice, so a POST the close crossed
// is an error (`closed`, or `reset` when it reached the closed socket first).
TEST(LoadFaults, APostCrossedByAnUnannouncedCloseIsNotSentAgain) {
  FaultServer server(testing::close_after_each());
  const LoadRun r = load(server.address(), "silent-close-post", {"--duration", "1s", "--method", "POST"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_GT(r.requests(), 10u) << r.dump();
  EXPECT_EQ(r.result["resent"].get<std::uint64_t>(), 0u) << r.dump();
  EXPECT_GT(r.errors("closed") + r.errors("reset"), 0u) << r.dump();
  expect_only_kinds(r, {"closed", "reset"});
}

// Row 8. A trickle within the timeout is a slow answer (its whole time in the latency); one
// that outlasts it is a `timeout`.
TEST(LoadFaults, SlowTrickleIsLatencyOrTimeout) {
  FaultServer server(testing::trickle_every(4, std::chrono::milliseconds(5)));
  const LoadRun r =
      load(server.address(), "trickle", {"--duration", "2s", "--timeout", "700ms", "--connections", "8"});
  ASSERT_FALSE(r.result.is_null()) << r.dump();
  EXPECT_EQ(r.process.exit_code, 0) << r.dump();
  EXPECT_GT(r.requests(), 8u) << r.dump();
  EXPECT_GT(r.errors("timeout"), 0u) << r.dump();
  expect_only_kinds(r, {"timeout"});
  // About 40 bytes at 5 ms each.
  EXPECT_GE(r.result["latency_ns"]["p50"].get<std::int64_t>(), 150'000'000) << r.dump();
  EXPECT_LT(r.result["latency_ns"]["max"].get<std::int64_t>(), 700'000'000) << r.dump();
  expect_series_adds_up(r);
}

}  // namespace
}  // namespace tracebench
