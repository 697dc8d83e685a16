// target/ against the real demo-server on loopback: pprof trace capture and its errors,
// the flight-recorder agent, /proc readings of the server, and launching it pinned.

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "demo_server.h"
#include "loopback.h"
#include "subprocess.h"
#include "load/clock.h"
#include "target/agent_client.h"
#include "target/launched_target.h"
#include "target/pprof_capture.h"
#include "target/process_stats.h"
#include "trace/analyze.h"

namespace tracebench::target {
namespace {

using tracebench::testing::ChildProcess;
using namespace tracebench::target::testing;

constexpr std::int64_t kSecondNs = 1'000'000'000;

std::uint16_t port_of(const std::string& host_port) {
  return static_cast<std::uint16_t>(std::stoi(host_port.substr(host_port.rfind(':') + 1)));
}

// demo-server on 127.0.0.1 with both ports picked by the kernel.
struct DemoServer : tracebench::testing::DemoServerProcess {
  explicit DemoServer(std::vector<std::string> flags = {})
      : DemoServerProcess(DEMO_SERVER_BIN, std::move(flags)), port(port_of(addr)), debug_port(port_of(debug_addr)) {}
  std::uint16_t port = 0;
  std::uint16_t debug_port = 0;
};

std::string debug_url(const DemoServer& s, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(s.debug_port) + path;
}

// A Go execution trace file starts with the 16-byte header "go 1.NN trace\0\0\0".
void expect_go_trace(const std::string& path, std::uint64_t bytes) {
  const std::string data = read_file(path);
  EXPECT_EQ(data.size(), bytes);
  ASSERT_GE(data.size(), 16u);
  EXPECT_EQ(data.substr(0, 6), "go 1.2") << data.substr(0, 16);
  EXPECT_NE(data.substr(0, 16).find(" trace"), std::string::npos) << data.substr(0, 16);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- pprof capture ----

TEST(PprofCaptureDemo, StreamsAGoTraceToTheFile) {
  DemoServer server;
  EXPECT_EQ(probe_pprof("127.0.0.1", server.debug_port), "");
  const std::string out = temp_path("capture.trace");
  PprofCapture capture("127.0.0.1", server.debug_port, out);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(capture.start(1.0), "");
  EXPECT_LT(seconds_since(t0), 1.0);  // start() does not wait for the capture
  for (int i = 0; i < 20; ++i) http_get(server.port, "/churn");  // something to trace
  const CaptureResult r = capture.finish();
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.error, "");
  EXPECT_GT(r.bytes, 0u);
  const double span_s = static_cast<double>(r.finished_ns - r.started_ns) / 1e9;
  EXPECT_GE(span_s, 0.95);
  EXPECT_LT(span_s, 10.0);
  expect_go_trace(out, r.bytes);
}

TEST(PprofCaptureDemo, EndNowEndsTheCaptureAtOnceAndWhole) {
  DemoServer server;
  const std::string out = temp_path("ended.trace");
  PprofCapture capture("127.0.0.1", server.debug_port, out);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(capture.start(30.0), "");
  for (int i = 0; i < 50; ++i) http_get(server.port, "/churn");
  const std::int64_t ended_ns = load::monotonic_ns();
  capture.end_now();
  const CaptureResult r = capture.finish();
  // Asked for 30 s, over in well under 5: the half-close ended it, not its length.
  EXPECT_LT(seconds_since(t0), 5.0);
  ASSERT_TRUE(r.ok) << r.error;
  expect_go_trace(out, r.bytes);
  // Whole: Go's trace reader would find no cut batch, and the trace ran until end_now().
  const trace::TraceSummary s = trace::analyze_file(out);
  EXPECT_FALSE(s.truncated) << s.truncation;
  ASSERT_TRUE(s.mono_minus_trace_ns.has_value());
  EXPECT_GE(s.last_event_ns + *s.mono_minus_trace_ns, ended_ns);
  EXPECT_LE(s.first_event_ns + *s.mono_minus_trace_ns, ended_ns);
  // Calling it again, after the end, does nothing.
  capture.end_now();
  EXPECT_TRUE(capture.finish().ok);
}

TEST(PprofCaptureDemo, SecondCaptureAtOnceIsRefusedWithTheReason) {
  DemoServer server;
  PprofCapture first("127.0.0.1", server.debug_port, temp_path("first.trace"));
  ASSERT_EQ(first.start(1.5), "");
  // Make sure the first capture holds the tracer before asking for a second one.
  AgentClient agent("127.0.0.1", server.debug_port);
  for (int i = 0; i < 100 && !agent.status().tracing_active; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(agent.status().tracing_active);

  const std::string expected =
      "another execution trace is already running in the target (runtime/trace allows one trace.Start at a time): "
      "Could not enable tracing: execution tracer already enabled";
  PprofCapture second("127.0.0.1", server.debug_port, temp_path("second.trace"));
  EXPECT_EQ(second.start(1.0, 2 * kSecondNs), expected);
  const CaptureResult r2 = second.finish();
  EXPECT_FALSE(r2.ok);
  EXPECT_EQ(r2.http_status, 500);
  EXPECT_EQ(r2.error, expected);
  EXPECT_EQ(r2.bytes, 0u);

  const CaptureResult r1 = first.finish();
  EXPECT_TRUE(r1.ok) << r1.error;
  expect_go_trace(temp_path("first.trace"), r1.bytes);
}

TEST(PprofCaptureDemo, NoPprofSaysHowToAddIt) {
  DemoServer server({"--no-pprof"});
  PprofCapture capture("127.0.0.1", server.debug_port, temp_path("nopprof.trace"));
  const std::string expected = "no net/http/pprof at " + debug_url(server, "/debug/pprof/trace") +
                               ": import net/http/pprof on the target's debug mux, or pass --pprof HOST:PORT";
  EXPECT_EQ(capture.start(1.0), expected);
  const CaptureResult r = capture.finish();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.http_status, 404);
  EXPECT_EQ(r.error, expected);
  EXPECT_EQ(probe_pprof("127.0.0.1", server.debug_port),
            "no net/http/pprof at " + debug_url(server, "/debug/pprof/") +
                ": import net/http/pprof on the target's debug mux, or pass --pprof HOST:PORT");
}

TEST(PprofCaptureDemo, NothingListeningNamesTheAddress) {
  const std::uint16_t port = free_port();
  const std::string where = "127.0.0.1:" + std::to_string(port);
  PprofCapture capture("127.0.0.1", port, temp_path("refused.trace"));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(capture.start(1.0),
            "GET http://" + where + "/debug/pprof/trace: nothing listens on " + where + " (connection refused)");
  EXPECT_LT(seconds_since(t0), 2.0);
  const CaptureResult r = capture.finish();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(probe_pprof("127.0.0.1", port),
            "GET http://" + where + "/debug/pprof/: nothing listens on " + where + " (connection refused)");
}

TEST(PprofCaptureDemo, TargetKilledMidCaptureIsAnError) {
  DemoServer server;
  PprofCapture capture("127.0.0.1", server.debug_port, temp_path("killed.trace"));
  ASSERT_EQ(capture.start(5.0), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server.proc->kill_now();
  const auto t0 = std::chrono::steady_clock::now();
  const CaptureResult r = capture.finish(10 * kSecondNs);
  EXPECT_LT(seconds_since(t0), 3.0);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("GET " + debug_url(server, "/debug/pprof/trace") + ": the connection closed"),
            std::string::npos)
      << r.error;
}

// ---- flight-recorder agent ----

TEST(AgentClientDemo, StartSnapshotStopAndTheirErrors) {
  DemoServer server;
  AgentClient agent("127.0.0.1", server.debug_port);
  const std::optional<AgentStatus> probed = agent.probe();
  ASSERT_TRUE(probed.has_value());
  EXPECT_FALSE(probed->enabled);
  EXPECT_EQ(probed->go_version.rfind("go1.", 0), 0u) << probed->go_version;
  EXPECT_EQ(probed->started_at, "");

  const AgentStatus started = agent.start(1'500'000'000, 1 << 20);  // sent as min_age=1500ms&max_bytes=1048576
  EXPECT_TRUE(started.enabled);
  EXPECT_EQ(started.min_age_ns, 1'500'000'000);
  EXPECT_EQ(started.max_bytes, 1u << 20);
  EXPECT_TRUE(started.tracing_active);
  EXPECT_FALSE(started.started_at.empty());

  try {
    agent.start(1'500'000'000, 1 << 20);
    FAIL() << "second start did not throw";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 409);
    EXPECT_EQ(std::string(e.what()), "POST " + debug_url(server, "/debug/tracebench/flightrecorder/start") +
                                         "?min_age=1500ms&max_bytes=1048576: HTTP 409: flight recorder already running");
  }

  for (int i = 0; i < 20; ++i) http_get(server.port, "/health");
  const std::string snap = temp_path("snapshot.trace");
  const SnapshotResult s = agent.snapshot(snap);
  EXPECT_GT(s.bytes, 0u);
  EXPECT_GT(s.duration_ns, 0);
  expect_go_trace(snap, s.bytes);
  EXPECT_EQ(agent.status().snapshots_taken, 1u);

  const AgentStatus stopped = agent.stop();
  EXPECT_FALSE(stopped.enabled);
  EXPECT_EQ(stopped.min_age_ns, 1'500'000'000);  // the last run's configuration

  const std::string stop_url = "POST " + debug_url(server, "/debug/tracebench/flightrecorder/stop");
  try {
    agent.stop();
    FAIL() << "stop while stopped did not throw";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 409);
    EXPECT_EQ(std::string(e.what()), stop_url + ": HTTP 409: flight recorder not running");
  }
  const std::string refused_snap = temp_path("refused_snapshot.trace");
  try {
    agent.snapshot(refused_snap);
    FAIL() << "snapshot while stopped did not throw";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 409);
    EXPECT_EQ(std::string(e.what()), "GET " + debug_url(server, "/debug/tracebench/flightrecorder/snapshot") +
                                         ": HTTP 409: flight recorder not running");
  }
  EXPECT_FALSE(file_exists(refused_snap));

  // Defaults: zero leaves both parameters out, and the agent fills in Go's.
  const AgentStatus defaults = agent.start(0, 0);
  EXPECT_EQ(defaults.min_age_ns, 10'000'000'000);
  EXPECT_EQ(defaults.max_bytes, 10u << 20);
  agent.stop();
}

TEST(AgentClientDemo, ProbeIsEmptyWithoutTheAgent) {
  DemoServer server({"--no-agent"});
  AgentClient agent("127.0.0.1", server.debug_port);
  EXPECT_EQ(agent.probe(), std::nullopt);
  try {
    agent.status();
    FAIL() << "status did not throw";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_EQ(std::string(e.what()), "GET " + debug_url(server, "/debug/tracebench/flightrecorder/status") +
                                         ": HTTP 404: 404 page not found");
  }
}

TEST(AgentClientDemo, BearerToken) {
  DemoServer server({"--agent-token", "s3cret"});
  AgentClient without("127.0.0.1", server.debug_port);
  try {
    without.probe();  // 401 is not "no agent": probe throws
    FAIL() << "probe without the token did not throw";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_EQ(std::string(e.what()), "GET " + debug_url(server, "/debug/tracebench/flightrecorder/status") +
                                         ": HTTP 401: missing or invalid bearer token");
  }
  AgentClient wrong("127.0.0.1", server.debug_port, "guess");
  EXPECT_THROW(wrong.status(), AgentError);
  AgentClient with("127.0.0.1", server.debug_port, "s3cret");
  EXPECT_TRUE(with.start(kSecondNs, 0).enabled);
  const std::string snap = temp_path("token_snapshot.trace");
  expect_go_trace(snap, with.snapshot(snap).bytes);
  EXPECT_FALSE(with.stop().enabled);
}

TEST(AgentClientDemo, NothingListening) {
  const std::uint16_t port = free_port();
  AgentClient agent("127.0.0.1", port, {}, 2 * kSecondNs);
  const std::string where = "127.0.0.1:" + std::to_string(port);
  try {
    agent.probe();
    FAIL() << "probe did not throw";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_EQ(std::string(e.what()), "GET http://" + where +
                                         "/debug/tracebench/flightrecorder/status: nothing listens on " + where +
                                         " (connection refused)");
  }
}

// ---- /proc ----

TEST(ProcessStatsDemo, FindsTheServerByPortAndSeesItWork) {
  DemoServer server;
  const pid_t pid = server.proc->pid();
  EXPECT_EQ(find_listening_pid(server.port), pid);
  EXPECT_EQ(find_listening_pid(server.debug_port), pid);
  EXPECT_EQ(process_name(pid), "demo-server");

  const ProcessSample before = sample_process(pid);
  ASSERT_TRUE(before.alive);
  EXPECT_GT(before.rss_bytes, 1u << 20);
  EXPECT_GT(before.threads, 1);
  // Busy handlers in the server until its CPU time has grown by 0.2 s (10 ms ticks; the
  // handler is wall-clock timed, so on a busy machine it takes more requests). Bounded by 10 s.
  ProcessSample after = before;
  const auto t0 = std::chrono::steady_clock::now();
  while (after.cpu_s < before.cpu_s + 0.2 && seconds_since(t0) < 10) {
    EXPECT_NE(http_get(server.port, "/cpu?us=100000").find("200 OK"), std::string::npos);
    after = sample_process(pid);
  }
  EXPECT_GE(after.cpu_s - before.cpu_s, 0.2);
  EXPECT_GT(after.taken_ns, before.taken_ns);

  server.proc->kill_now();
  EXPECT_FALSE(sample_process(pid).alive);
  EXPECT_EQ(find_listening_pid(server.port), std::nullopt);
}

// ---- launching ----

int first_allowed_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  ::sched_getaffinity(0, sizeof set, &set);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) return c;
  return 0;
}

std::string cpus_allowed_list(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Cpus_allowed_list:", 0) == 0) return line.substr(line.find_first_not_of(" \t", 18));
  return {};
}

TEST(LaunchedTargetDemo, StartsTheServerPinnedAndStopsItGracefully) {
  const int cpu = first_allowed_cpu();
  const std::uint16_t port = free_port();
  const std::string log = temp_path("demo.log");
  const std::string cmd =
      std::string(DEMO_SERVER_BIN) + " --addr 127.0.0.1:" + std::to_string(port) + " --debug-addr 127.0.0.1:0";
  pid_t pid;
  {
    LaunchedTarget target(cmd, {cpu}, log);
    pid = target.pid();
    ASSERT_EQ(target.wait_until_listening("127.0.0.1", port, 20 * kSecondNs), "");
    EXPECT_EQ(process_name(pid), "demo-server");
    EXPECT_EQ(find_listening_pid(port), pid);
    EXPECT_EQ(cpus_allowed_list(pid), std::to_string(cpu));
    EXPECT_NE(http_get(port, "/health").find("ok"), std::string::npos);
    EXPECT_NE(read_file(log).find("listening on 127.0.0.1:" + std::to_string(port)), std::string::npos);

    // The port is taken: a second server fails to bind, and the first one's listener does not
    // count as the second one's.
    LaunchedTarget clash(cmd, {}, temp_path("clash.log"));
    const std::string why = clash.wait_until_listening("127.0.0.1", port, 10 * kSecondNs);
    EXPECT_NE(why.find("exited with code 2 before listening on 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << why;
    EXPECT_NE(why.find("--addr"), std::string::npos) << why;

    const auto t0 = std::chrono::steady_clock::now();
    target.stop();
    EXPECT_LT(seconds_since(t0), 2.9);  // SIGTERM: graceful shutdown, no SIGKILL needed
    EXPECT_EQ(target.exit_description(), "exited with code 0");
  }
  EXPECT_FALSE(sample_process(pid).alive);
}

}  // namespace
}  // namespace tracebench::target
