// `tracebench run` end to end against the real demo server: the three modes, the
// statistics finding a known injected cost, and every fault the issue lists.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "demo_run.h"
#include "free_port.h"

namespace tracebench {
namespace {

TEST(Run, ThreeModesReportTraceRateAndFlightRecorderWindow) {
  DemoServer server;
  const std::string out = fresh_dir("modes");
  auto r = run_process(run_args(server, out, {"--path", "/api?backend_us=0", "--duration", "3s", "--rounds", "6",
                                              "--warmup", "1s", "--settle", "200ms", "--connections", "8",
                                              "--fr-min-age", "1s", "--fr-max-bytes", "4MiB"}),
                       180);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_NE(r.out.find("plan: 18 rounds"), std::string::npos) << r.out;
  auto j = read_json(out + "/result.json");
  EXPECT_EQ(j["schema"], "tracebench.run/v1");
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_EQ(j["rounds"].size(), 18u);
  for (const char* mode : {"off", "trace", "flightrecorder"}) {
    const auto& m = j["modes"][mode];
    for (const char* k : {"median", "ci_low", "ci_high"}) {
      EXPECT_TRUE(m["throughput_rps"].contains(k)) << mode << k;
      EXPECT_TRUE(m["latency_ns"]["p99"].contains(k)) << mode << k;
      EXPECT_TRUE(m["target_cpu_us_per_request"].contains(k)) << mode << k;
      // Resources beside the compared metrics, same shape.
      EXPECT_TRUE(m["target_rss_bytes"].contains(k)) << mode << k;
      EXPECT_TRUE(m["generator_cpu_us_per_request"].contains(k)) << mode << k;
    }
    EXPECT_GT(m["target_rss_bytes"]["median"].get<double>(), 1e6) << mode;
    EXPECT_GT(m["generator_cpu_us_per_request"]["median"].get<double>(), 0) << mode;
    EXPECT_NEAR(m["throughput_rps"]["ci_coverage"].get<double>(), 1 - 2.0 / 64, 1e-9) << mode;  // 6 rounds
  }
  EXPECT_NE(r.out.find("resources (median [95% CI])"), std::string::npos) << r.out;
  EXPECT_GT(j["modes"]["trace"]["trace_bytes_per_s"]["median"].get<double>(), 0);
  EXPECT_GT(j["modes"]["trace"]["trace_events_per_s"]["median"].get<double>(), 0);
  EXPECT_GT(j["modes"]["flightrecorder"]["fr_window_s"]["median"].get<double>(), 0);
  // Every capture covered its round's window, by the trace's own clock, and ended with it
  // (end_now) instead of running on for the capture's spare 300 ms.
  for (const auto& round : j["rounds"]) {
    if (round["mode"] != "trace") continue;
    const auto& t = round["trace"];
    ASSERT_TRUE(t["window_lead_s"].is_number()) << t.dump();
    EXPECT_GE(t["window_lead_s"].get<double>(), 0.0) << t.dump();
    EXPECT_GE(t["window_trail_s"].get<double>(), 0.0) << t.dump();
    EXPECT_LT(t["window_trail_s"].get<double>(), 0.2) << t.dump();
  }
  ASSERT_FALSE(j["comparisons"].empty());
  for (const auto& c : j["comparisons"])
    for (const char* k : {"mode", "metric", "delta_pct", "ci_low_pct", "ci_high_pct", "p_value", "significant",
                          "ci_coverage"})
      EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_FALSE(j["noise_floor"].empty());
  EXPECT_EQ(j["context"]["target_go_version"].get<std::string>().rfind("go 1.", 0), 0u);
  EXPECT_TRUE(j["context"].contains("command_line"));
  std::ifstream bench(out + "/run.bench");
  std::string text((std::istreambuf_iterator<char>(bench)), {});
  EXPECT_NE(text.find("BenchmarkTarget/mode=trace "), std::string::npos);
  EXPECT_NE(text.find(" target-cpu-sec/op"), std::string::npos);
  // off first, whatever the round order: benchstat's base is the first mode it reads.
  EXPECT_EQ(text.find("BenchmarkTarget/"), text.find("BenchmarkTarget/mode=off ")) << text;
  EXPECT_LT(text.rfind("BenchmarkTarget/mode=off "), text.find("BenchmarkTarget/mode=trace ")) << text;
}

// The demo server under one P: with two, every CPU burst also wakes the idle P's thread,
// which on this machine adds about a quarter to the burst, so the injected cost would no
// longer be of known size. Under one P a 300 µs spin measures as 300-320 µs of CPU.
DemoServer one_p_server(std::vector<std::string> extra) {
  return DemoServer(std::move(extra), {"/usr/bin/env", "GOMAXPROCS=1"});
}

// `run --modes off,trace` at a fixed rate; the result document.
nlohmann::json run_off_vs_trace(const DemoServer& server, const std::string& name) {
  const std::string out = fresh_dir(name);
  auto r = run_process(run_args(server, out, {"--path", "/health", "--modes", "off,trace", "--rate", "400",
                                              "--connections", "16", "--duration", "6s", "--rounds", "8",
                                              "--warmup", "1s", "--settle", "200ms"}),
                       180);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  return read_json(out + "/result.json");
}

bool has_warning(const nlohmann::json& result, const std::string& text) {
  for (const auto& w : result["warnings"])
    if (w.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

double cpu_per_request(const nlohmann::json& j, const char* mode) {
  return j["modes"][mode]["target_cpu_us_per_request"]["median"].get<double>();
}

TEST(Run, FindsAnInjectedTracingCostOfKnownSize) {
  // 300 µs of CPU per request only while tracing is enabled: unmistakable against /health's
  // few µs. Tracing has a CPU cost of its own, so the same run against a server without the
  // injection is the control: the injected server's trace-minus-off rise exceeds the
  // control's by about 300 µs, and stands clear of the off-vs-off noise floor.
  nlohmann::json control, injected;
  {
    auto server = one_p_server({});
    control = run_off_vs_trace(server, "inject-control");
  }
  {
    auto server = one_p_server({"--inject-cpu", "300us"});
    injected = run_off_vs_trace(server, "inject");
  }
  const double control_rise = cpu_per_request(control, "trace") - cpu_per_request(control, "off");
  const double injected_rise = cpu_per_request(injected, "trace") - cpu_per_request(injected, "off");
  const std::string figures = fmt::format("tracing's own cost {} µs/req, with the injection {}; the machine: {} and {}",
                                          control_rise, injected_rise, control["host"].dump(), injected["host"].dump());
  if (control["host"]["busy"].get<bool>() || injected["host"]["busy"].get<bool>()) {
    // Beside other work, the Go runtime's reaction to losing its CPU mid-spin adds CPU of its
    // own (measured here: 2 busy loops on 2 CPUs made the 300 µs read as 330-390), so the size
    // is no longer known. What must hold then is that the run says so.
    for (const auto* j : {&control, &injected}) {
      if ((*j)["host"]["busy"].get<bool>()) {
        EXPECT_TRUE(has_warning(*j, "the machine was busy")) << (*j)["warnings"];
      }
    }
    GTEST_SKIP() << "the machine was busy with other work, so the injected cost's size is not known: " << figures;
  }
  EXPECT_NEAR(injected_rise - control_rise, 300.0, 100.0) << figures;
  // Changes in µs per request: a comparison's bounds are % of the off median.
  const double off_us = cpu_per_request(injected, "off");
  const auto in_us = [&](const nlohmann::json& c, const char* key) { return c[key].get<double>() / 100 * off_us; };
  const nlohmann::json* cpu_change = nullptr;
  for (const auto& c : injected["comparisons"])
    if (c["mode"] == "trace" && c["metric"] == "target_cpu_us_per_request") cpu_change = &c;
  ASSERT_NE(cpu_change, nullptr);
  EXPECT_TRUE((*cpu_change)["significant"].get<bool>()) << cpu_change->dump();
  EXPECT_GT((*cpu_change)["ci_low_pct"].get<double>(), 0) << cpu_change->dump();
  // The noise floor (the off round of one block against the next block's: 8 clean blocks
  // give 4 pairs) cannot be significant whatever happens: its smallest p is 0.125, and the
  // run warns so. What it does show is the run's resolution, and the injected cost must
  // stand clear of it: off-vs-off shifts by less than a third of the injection, and the whole
  // interval of the trace change lies above the whole interval of the off-vs-off change.
  EXPECT_TRUE(has_warning(injected, "the noise floor (off of one block against off of the next) rests on 4 pairs"))
      << injected["warnings"].dump();
  const nlohmann::json* noise = nullptr;
  for (const auto& c : injected["noise_floor"])
    if (c["metric"] == "target_cpu_us_per_request") noise = &c;
  ASSERT_NE(noise, nullptr);
  EXPECT_LT(std::abs(in_us(*noise, "delta_pct")), 100.0) << noise->dump() << " off median " << off_us << " µs";
  EXPECT_GT(in_us(*cpu_change, "ci_low_pct"), in_us(*noise, "ci_high_pct"))
      << "trace " << cpu_change->dump() << "\nnoise floor " << noise->dump() << "\noff median " << off_us << " µs";
  // Four pairs give 7 of 8 sign patterns between the extreme Walsh averages: the interval is
  // labelled with what it covers, and the run says so.
  EXPECT_EQ((*noise)["ci_coverage"].get<double>(), 0.875) << noise->dump();
  EXPECT_TRUE(has_warning(injected, "the noise floor (off vs off) with 4 pairs of rounds")) << injected["warnings"].dump();
}

// A process spinning on one CPU until killed, or for 60 s at most should the test die first.
class BusyLoop {
 public:
  BusyLoop() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::alarm(60);
      for (;;) {
      }
    }
  }
  ~BusyLoop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  BusyLoop(const BusyLoop&) = delete;
  BusyLoop& operator=(const BusyLoop&) = delete;

 private:
  pid_t pid_ = -1;
};

TEST(Run, AMachineBusyWithOtherWorkIsSaid) {
  DemoServer server;
  const std::string out = fresh_dir("busy-machine");
  BusyLoop busy;
  auto r = run_process(run_args(server, out, {"--path", "/health", "--modes", "off,trace", "--rate", "400",
                                              "--connections", "8", "--duration", "2.4s", "--rounds", "6",
                                              "--warmup", "200ms", "--settle", "100ms"}),
                       120);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  const auto j = read_json(out + "/result.json");
  // One spinning process on N CPUs is 100/N per cent of the machine whenever it runs.
  EXPECT_GT(j["host"]["other_cpu_pct"]["median"].get<double>(), 100.0 / j["host"]["cpus"].get<double>() / 2)
      << j["host"];
  EXPECT_TRUE(j["host"]["busy"].get<bool>()) << j["host"];
  EXPECT_TRUE(has_warning(j, "the machine was busy with other work: in the median round other processes used"))
      << j["warnings"];
  for (const auto& round : j["rounds"]) {
    EXPECT_TRUE(round["host_other_cpu_pct"].is_number()) << round;
    EXPECT_TRUE(round["host_steal_pct"].is_number()) << round;
  }
  EXPECT_NE(r.out.find("the machine was busy"), std::string::npos) << r.out;
  std::ifstream md(out + "/report.md");
  const std::string report((std::istreambuf_iterator<char>(md)), {});
  EXPECT_NE(report.find("other processes' CPU"), std::string::npos);
}

TEST(Run, TargetDownAtStartExitsTwoWithinSeconds) {
  auto r = run_process({kTracebench, "run", "--target", "127.0.0.1:1", "--duration", "6s", "--no-progress"}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  // The target is checked before its debug endpoints: the one thing wrong is said first.
  EXPECT_EQ(r.err, "tracebench run: cannot connect to 127.0.0.1:1: Connection refused\n") << r.err;
  EXPECT_LT(r.elapsed_s, 5.0);
}

TEST(Run, NoPprofIsAClearErrorNamingWhatWasTried) {
  DemoServer server({"--no-pprof"});
  auto r = run_process({kTracebench, "run", "--target", server.addr, "--duration", "6s", "--no-progress"}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no /debug/pprof/trace found"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(server.addr), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--pprof HOST:PORT"), std::string::npos) << r.err;
}

TEST(Run, NoAgentSkipsTheFlightRecorderWithAHint) {
  DemoServer server({"--no-agent"});
  const std::string out = fresh_dir("noagent");
  auto r = run_process(run_args(server, out, {"--path", "/health", "--duration", "1.8s", "--rounds", "6",
                                              "--warmup", "200ms", "--settle", "100ms", "--connections", "4"}),
                       120);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  // The one-line hint says what was tried at each address.
  EXPECT_NE(r.out.find("skipping mode flightrecorder: no flight-recorder agent found (tried no agent at http://" +
                       server.debug_addr + "/debug/tracebench/flightrecorder/status (HTTP 404); no agent at http://" +
                       server.addr + "/debug/tracebench/flightrecorder/status (HTTP 404)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("agent.Register"), std::string::npos) << r.out;
  auto j = read_json(out + "/result.json");
  EXPECT_EQ(j["skipped_modes"].size(), 1u);
  EXPECT_FALSE(j["modes"].contains("flightrecorder"));
  EXPECT_EQ(j["rounds"].size(), 12u);
}

TEST(Run, AnAgentThatWantsATokenIsFoundAndNamed) {
  DemoServer server({"--agent-token", "s3cret"});
  const std::string hint = "agent found at " + server.debug_addr + ", but it answered 401: pass --agent-token TOKEN";
  // Found by discovery: the mode is skipped with the way to fix it.
  const std::string out = fresh_dir("token");
  auto r = run_process(run_args(server, out, {"--path", "/health", "--modes", "off,flightrecorder", "--duration",
                                              "1.2s", "--rounds", "6", "--warmup", "200ms", "--settle", "100ms",
                                              "--connections", "4"}),
                       60);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_NE(r.out.find("skipping mode flightrecorder: " + hint + "\n"), std::string::npos) << r.out;
  // Given explicitly, it is an error, as is an --agent that serves no agent at all.
  r = run_process({kTracebench, "run", "--target", server.addr, "--agent", server.debug_addr, "--modes",
                   "off,flightrecorder", "--no-progress"},
                  30);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err, "tracebench run: --agent " + server.debug_addr + ": " + hint + "\n");
  r = run_process({kTracebench, "run", "--target", server.addr, "--agent", server.addr, "--modes",
                   "off,flightrecorder", "--no-progress"},
                  30);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err, "tracebench run: --agent " + server.addr + ": no agent at http://" + server.addr +
                       "/debug/tracebench/flightrecorder/status (HTTP 404)\n");
  // With the token the mode runs.
  const std::string with_token = fresh_dir("token-given");
  r = run_process(run_args(server, with_token, {"--path", "/health", "--modes", "off,flightrecorder", "--duration",
                                                "1.2s", "--rounds", "6", "--warmup", "200ms", "--settle", "100ms",
                                                "--connections", "4", "--agent-token", "s3cret", "--fr-min-age",
                                                "1s", "--fr-max-bytes", "4MiB"}),
                  60);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_EQ(read_json(with_token + "/result.json")["modes"]["flightrecorder"]["rounds"], 6) << r.out;
}

TEST(Run, ExecOfACompoundCommandMeasuresTheServerNotTheShell) {
  // /bin/sh stays the launched process here and the server is its child: the CPU measured
  // must be the server's (tens of µs per request), not the idle shell's (0).
  const std::string addr = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
  const std::string debug = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
  const std::string out = fresh_dir("exec");
  auto r = run_process({kTracebench, "run", "--exec", "cd / && " + kDemoServer + " --addr " + addr +
                                                          " --debug-addr " + debug,
                        "--target", addr, "--modes", "off", "--path", "/health", "--duration", "1.2s", "--rounds",
                        "6", "--warmup", "200ms", "--settle", "100ms", "--connections", "4", "--out", out,
                        "--no-progress", "--rate", "max"},
                       60);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  auto j = read_json(out + "/result.json");
  EXPECT_GT(cpu_per_request(j, "off"), 1.0) << r.out;
  EXPECT_EQ(r.out.find("hardly ran"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("no process of"), std::string::npos) << r.err;
}

TEST(Run, PinWithOneCpuSaysItDoesNothing) {
  const std::string addr = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
  const std::string out = fresh_dir("pin-one");
  auto r = run_process({"/usr/bin/taskset", "-c", "0", kTracebench, "run", "--exec",
                        kDemoServer + " --addr " + addr + " --debug-addr ''", "--pin", "--target", addr, "--modes",
                        "off", "--path", "/health", "--duration", "1.2s", "--rounds", "6", "--warmup", "200ms",
                        "--connections", "2", "--out", out, "--no-progress", "--rate", "max"},
                       60);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_NE(r.err.find("tracebench run: --pin does nothing: this process may use only CPU 0, so the target and "
                       "tracebench share it\n"),
            std::string::npos)
      << r.err;
}

// --verify-window looks the agent up although the flightrecorder mode does not run; the
// pid given is the one measured; --keep-traces keeps every capture.
TEST(Run, VerifyWindowTargetPidAndKeptTraces) {
  DemoServer server;
  const std::string out = fresh_dir("verify");
  const std::string pid = std::to_string(server.proc->pid());
  auto r = run_process(run_args(server, out, {"--path", "/health", "--modes", "off,trace", "--duration", "1.2s",
                                              "--rounds", "6", "--warmup", "200ms", "--settle", "100ms",
                                              "--connections", "4", "--verify-window", "1s", "--keep-traces",
                                              "--target-pid", pid}),
                       120);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  auto j = read_json(out + "/result.json");
  ASSERT_TRUE(j.contains("verification")) << r.out;
  EXPECT_NE(j["verification"]["status"], "skipped") << j["verification"].dump();
  // Not verified means exit 3, never 0.
  if (j["verification"]["status"] != "verified") {
    EXPECT_EQ(r.exit_code, 3) << j["verification"].dump();
  }
  EXPECT_EQ(j["config"]["target_pid"], server.proc->pid());
  EXPECT_GT(cpu_per_request(j, "off"), 1.0);
  int kept = 0;
  for (const auto& round : j["rounds"]) {
    if (round["mode"] != "trace") continue;
    ASSERT_TRUE(round["trace"]["file"].is_string()) << round.dump();
    EXPECT_TRUE(std::filesystem::exists(round["trace"]["file"].get<std::string>()));
    ++kept;
  }
  EXPECT_EQ(kept, 6);
  // The output and the report name the command that extracts profiles from a kept capture,
  // and it works on it.
  const auto at = r.out.find("profiles: tracebench inspect ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string named = r.out.substr(at + 29, r.out.find(' ', at + 29) - at - 29);
  EXPECT_TRUE(std::filesystem::exists(named)) << named;
  auto inspect = run_process({kTracebench, "inspect", named, "--pprof", "sync=" + out + "/sync.pb.gz"}, 60);
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_TRUE(std::filesystem::exists(out + "/sync.pb.gz"));
  std::ifstream md(out + "/report.md");
  const std::string report((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find("Profiles from the kept captures"), std::string::npos);
  // Kept captures let run time go tool trace, as size does (Go is on every machine the
  // tests run on: the workloads are built with it).
  bool go_timed = false;
  for (const auto& s : j["recommendations"]["parse_speeds"])
    if (s["tool"] == "go tool trace" && s["mb_per_s"].get<double>() > 0) go_timed = true;
  EXPECT_TRUE(go_timed) << j["recommendations"].dump();
}

// An IPv6 target keeps its brackets in result.json, so every command that reads the result
// back (report, check, size) takes it as written.
TEST(Run, AnIpv6TargetRoundTripsThroughTheResult) {
  ChildProcess server({kDemoServer, "--addr", "[::1]:0", "--debug-addr", "[::1]:0"});
  const std::string addr = server.wait_for_line("listening on ");
  const std::string debug = server.wait_for_line("debug listening on ");
  ASSERT_EQ(addr.rfind("[::1]:", 0), 0u) << addr;
  const std::string out = fresh_dir("ipv6");
  auto r = run_process({kTracebench, "run", "--target", addr, "--pprof", debug, "--path", "/health", "--modes",
                        "off,trace", "--duration", "1.2s", "--rounds", "6", "--warmup", "200ms", "--settle", "100ms",
                        "--connections", "4", "--out", out, "--no-progress", "--rate", "max"},
                       60);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  const auto j = read_json(out + "/result.json");
  EXPECT_EQ(j["config"]["target"], addr);
  EXPECT_EQ(j["config"]["pprof"], debug);
  r = run_process({kTracebench, "report", out + "/result.json"}, 30);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(addr), std::string::npos) << r.out;
  r = run_process({kTracebench, "check", out + "/result.json", "--max-throughput-drop", "1000000%"}, 30);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  r = run_process({kTracebench, "size", out + "/result.json"}, 30);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // A run of the target as result.json names it.
  r = run_process({kTracebench, "load", "--target", j["config"]["target"].get<std::string>(), "--path", "/health",
                   "--duration", "200ms", "--connections", "2", "--no-progress"},
                  30);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Run, HelpDescribesRunsOwnDurationAndWarmup) {
  auto r = run_process({kTracebench, "run", "--help"}, 10);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("measured time per mode"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--warmup arg (=5s)"), std::string::npos) << r.out;
  r = run_process({kTracebench, "load", "--help"}, 10);
  EXPECT_NE(r.out.find("--warmup arg (=1s)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("per mode"), std::string::npos) << r.out;
}

TEST(Run, AnotherTraceRunningIsSaidPlainly) {
  DemoServer server;
  // Someone else's 30 s capture holds runtime/trace.
  ChildProcess other({kTracebench, "load", "--target", server.debug_addr, "--path", "/debug/pprof/trace?seconds=30",
                      "--connections", "1", "--duration", "20s", "--timeout", "40s", "--no-progress"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::string out = fresh_dir("busy");
  auto r = run_process(run_args(server, out, {"--path", "/health", "--modes", "off,trace", "--duration", "1.2s",
                                              "--rounds", "6", "--warmup", "100ms", "--settle", "100ms"}),
                       60);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("another execution trace is already running"), std::string::npos) << r.err;
  // What was measured before the trace round is kept, marked incomplete.
  auto j = read_json(out + "/result.json");
  EXPECT_FALSE(j["complete"].get<bool>());
  other.kill_now();
}

TEST(Run, TargetDyingMidRunKeepsWhatWasMeasured) {
  DemoServer server;
  const std::string out = fresh_dir("dies");
  ChildProcess run(run_args(server, out, {"--path", "/health", "--duration", "12s", "--rounds", "6", "--warmup",
                                          "200ms", "--settle", "100ms", "--connections", "4"}),
                   true);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  server.proc->kill_now();
  const int code = run.wait_exit(60);
  EXPECT_EQ(code, 2) << run.output();
  EXPECT_NE(run.output().find("PARTIAL RESULT"), std::string::npos) << run.output();
  auto j = read_json(out + "/result.json");
  EXPECT_FALSE(j["complete"].get<bool>());
  EXPECT_FALSE(j["stop_reason"].get<std::string>().empty());
  EXPECT_GE(j["rounds"].size(), 2u);
}

TEST(Run, CtrlCWritesThePartialResult) {
  DemoServer server;
  const std::string out = fresh_dir("sigint");
  ChildProcess run(run_args(server, out, {"--path", "/health", "--duration", "12s", "--rounds", "6", "--warmup",
                                          "200ms", "--settle", "100ms", "--connections", "4", "--verify-window",
                                          "2s"}),
                   true);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  run.signal(SIGINT);
  const int code = run.wait_exit(60);
  EXPECT_EQ(code, 2) << run.output();
  auto j = read_json(out + "/result.json");
  EXPECT_FALSE(j["complete"].get<bool>());
  EXPECT_EQ(j["stop_reason"], "interrupted");
  EXPECT_GE(j["rounds"].size(), 1u);
  // The verification asked for is said to be skipped, and why.
  EXPECT_EQ(j["verification"]["status"], "skipped") << j.dump();
  EXPECT_NE(j["verification"]["reason"].get<std::string>().find("the run stopped early (interrupted)"),
            std::string::npos);
}

TEST(Run, BadFlagsAreOneLineAndExitOne) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--target", "localhost:1", "--modes", "off,tracing"}, "unknown mode 'tracing'"},
      {{"--target", "localhost:1", "--rounds", "3"}, "--rounds 3 is out of range"},
      {{"--target", "localhost:1", "--duration", "1s", "--rounds", "10"}, "rounds under 200ms"},
      {{"--target", "localhost:1", "--budget", "0%"}, "--budget 0% is out of range: expected 0.01% to 100%"},
      {{"--target", "localhost:1", "--dur", "6s"}, "unrecognised option '--dur'"},  // no prefix guessing
      {{"--target", "localhost:1", "--fr-max-bytes", "big"}, "--fr-max-bytes: bad size 'big'"},
      {{"--target", "localhost:1", "--pprof", "nowhere"}, "--pprof: bad target 'nowhere'"},
      {{"--target", "localhost:1", "--pin"}, "--pin needs --exec"},
      {{"--target", "localhost:1", "--keep-traces"}, "--keep-traces needs --out"},
      {{"--target", "localhost:1", "--settle", "50ms"}, "--settle 50ms is too short for the trace mode"},
      {{"--target", "localhost:1", "--seed", "2.5"}, "--seed 2.5 is out of range: expected a whole number from 0 to 2^53"},
      {{"--target", "localhost:1", "--seed", "one"}, "--seed: bad number 'one'"},
      {{"--target", "localhost:1", "--rate", "150%"}, "--rate 150% is out of range: expected a share from 1% to 100%"},
      {{"--target", "localhost:1", "--rate", "fast"},
       "--rate: bad value 'fast': expected requests per second (e.g. 20k), a share of the throughput the warm-up "
       "measures (e.g. 50%) or max"},
      {{"--target", "localhost:1", "--warmup", "0s"},
       "--rate 50% (the default) sets the rate from the throughput the warm-up measures, and --warmup 0s is too "
       "short to measure it"},
  };
  for (const auto& [args, expected] : cases) {
    std::vector<std::string> argv = {kTracebench, "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(argv, 10);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace tracebench

namespace tracebench {
namespace {

// With no --rate the rounds run open loop at half of what the warm-up served closed loop: the
// result says what was measured and what was chosen, and the target serves that rate.
TEST(Run, ByDefaultRunsOpenLoopAtHalfTheWarmUpsThroughput) {
  DemoServer server;
  const std::string out = fresh_dir("default-rate");
  auto r = run_process({kTracebench, "run", "--target", server.addr, "--pprof", server.debug_addr, "--out", out,
                        "--no-progress", "--path", "/api", "--modes", "off,trace", "--duration", "3s", "--rounds",
                        "6", "--warmup", "1s", "--settle", "200ms"},
                       120);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  const auto j = read_json(out + "/result.json");
  const auto& c = j["config"];
  EXPECT_EQ(c["schedule"], "open_loop") << c;
  EXPECT_EQ(c["rate_share"], 0.5) << c;
  ASSERT_TRUE(c["capacity_rps"].is_number()) << c;
  const double capacity = c["capacity_rps"].get<double>();
  EXPECT_GT(capacity, 100.0) << c;
  EXPECT_EQ(c["rate_rps"].get<double>(), std::round(capacity / 2)) << c;
  // Half of what the target served flat out is well within its reach in every mode.
  for (const char* mode : {"off", "trace"}) {
    const double served = j["modes"][mode]["throughput_rps"]["median"].get<double>();
    EXPECT_NEAR(served, c["rate_rps"].get<double>(), 0.05 * c["rate_rps"].get<double>()) << mode;
  }
  EXPECT_NE(r.out.find(fmt::format("load: open loop at {:.0f} req/s, 50% of the {:.0f} req/s the warm-up served "
                                   "closed loop\n",
                                   c["rate_rps"].get<double>(), capacity)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("open loop at 50% of the throughput the warm-up measures closed loop"), std::string::npos)
      << r.out;
}

// `--modes off,off` runs a second baseline, off2, inside every block; with adaptive length
// the run stops at the first look (after the least 6 blocks, then after each block) that finds
// every watched interval within the goal. A loose goal is usually met at 6 blocks, but a busy
// machine can need more, so the test reads the looks rather than expecting a count.
TEST(Run, AnAARunComparesTheBaselineWithItselfInsideBlocks) {
  DemoServer server;
  const std::string out = fresh_dir("aa");
  auto r = run_process(run_args(server, out, {"--path", "/api?backend_us=0", "--modes", "off,off", "--precision", "50%",
                                              "--rounds", "6", "--round", "300ms", "--max-duration", "60s",
                                              "--warmup", "1s", "--settle", "100ms", "--connections", "8"}),
                       120);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = read_json(out + "/result.json");
  const auto& design = j["design"];
  EXPECT_EQ(j["config"]["modes"], nlohmann::json::array({"off", "off2"}));
  EXPECT_EQ(design["stop_rule"], "precision reached");
  const int blocks = design["blocks_clean"].get<int>();
  EXPECT_GE(blocks, 6);
  EXPECT_NE(r.out.find(fmt::format("design: {} clean blocks of 2 rounds", blocks)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("precision reached: the widest interval is ±"), std::string::npos) << r.out;
  EXPECT_LE(design["widest_half_width_pct"].get<double>(), 50.0);
  const int dropped = design["blocks_dropped"].get<int>();
  EXPECT_EQ(j["rounds"].size(), 2u * static_cast<std::size_t>(blocks + dropped));
  // A look after every block that leaves at least 6 clean (a dropped block adds a look, not a
  // clean block); every look but the last missed the goal.
  const auto& checks = design["precision_checks"];
  ASSERT_GE(checks.size(), static_cast<std::size_t>(blocks - 5)) << design;
  ASSERT_LE(checks.size(), static_cast<std::size_t>(blocks - 5 + dropped)) << design;
  EXPECT_EQ(checks.back()["blocks_clean"], blocks) << design;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    EXPECT_GE(checks[i]["blocks_clean"].get<int>(), 6) << design;
    if (i > 0) {
      EXPECT_LE(checks[i]["blocks_clean"].get<int>() - checks[i - 1]["blocks_clean"].get<int>(), 1) << design;
    }
    // The stop needs the interval and its sign-blind reading both within the goal.
    const auto& hw = checks[i]["widest_half_width_pct"];
    const auto& blind = checks[i]["widest_sign_blind_half_width_pct"];
    if (i + 1 == checks.size()) {
      EXPECT_EQ(hw, design["widest_half_width_pct"]) << design;
      EXPECT_EQ(blind, design["widest_sign_blind_half_width_pct"]) << design;
      EXPECT_LE(blind.get<double>(), 50.0) << design;
    } else {
      EXPECT_TRUE(hw.is_null() || blind.is_null() || hw.get<double>() > 50.0 || blind.get<double>() > 50.0) << design;
    }
  }
  for (const auto& round : j["rounds"]) EXPECT_EQ(round["block"].get<int>(), round["index"].get<int>() / 2);
  // The overhead family: one row per metric. The demo server carries the agent, so the
  // breakdown family (where the CPU went) follows.
  std::size_t overhead = 0;
  for (const auto& c : j["comparisons"]) {
    EXPECT_EQ(c["mode"], "off2");
    EXPECT_EQ(c["design"], "blocked");
    if (c["family"] == "breakdown") continue;
    ++overhead;
    // A block whose two rounds tie (a latency percentile in the same histogram bucket) drops
    // out of the signed-rank test and its interval; CPU per request, on a ns clock, never ties.
    EXPECT_LE(c["n_blocks"].get<int>(), blocks) << c;
    EXPECT_GE(c["n_blocks"].get<int>(), 1) << c;
    EXPECT_EQ(c["n_base"], c["n_blocks"]) << c;
    if (c["metric"] == "target_cpu_us_per_request") {
      EXPECT_EQ(c["n_blocks"], blocks) << c;
    }
    EXPECT_LE(c["ci_low_pct"].get<double>(), c["bound_low_pct"].get<double>());
    EXPECT_LE(c["bound_low_pct"].get<double>(), c["delta_pct"].get<double>());
    EXPECT_LE(c["delta_pct"].get<double>(), c["bound_high_pct"].get<double>());
    EXPECT_LE(c["bound_high_pct"].get<double>(), c["ci_high_pct"].get<double>());
    EXPECT_TRUE(c["unpaired"].contains("p_value"));
  }
  EXPECT_EQ(overhead, 5u);
  // One multiple test over all of them, and the result says which.
  EXPECT_EQ(j["multiple_test"], "holm-overhead+gated-breakdown");
  for (const auto& round : j["rounds"]) EXPECT_GT(round["cpu_probe_ns"].get<double>(), 0);
  // check judges the A/A arm like any mode.
  auto check = run_process({kTracebench, "check", out + "/result.json", "--mode", "off2", "--max-cpu-increase", "60%"}, 30);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("one-sided 95% bounds"), std::string::npos) << check.out;
}

// A goal the time cannot reach: the run stops adding blocks before --max-duration and says
// how far it got and about how many blocks the goal needs.
TEST(Run, MaxDurationStopsAddingBlocksAndSaysWhatTheGoalNeeds) {
  DemoServer server;
  const std::string out = fresh_dir("max-duration");
  auto r = run_process(run_args(server, out, {"--path", "/api?backend_us=0", "--modes", "off,trace", "--precision",
                                              "0.05%", "--rounds", "6", "--round", "300ms", "--max-duration", "15s",
                                              "--warmup", "1s", "--settle", "100ms", "--connections", "8"}),
                       120);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = read_json(out + "/result.json");
  EXPECT_EQ(j["design"]["stop_rule"], "max duration");
  EXPECT_GE(j["design"]["blocks_clean"].get<int>(), 6);
  EXPECT_LE(j["design"]["wall_s"].get<double>(), 15.0);
  // Every look the stop rule took found the goal out of reach.
  ASSERT_FALSE(j["design"]["precision_checks"].empty()) << j["design"];
  for (const auto& look : j["design"]["precision_checks"]) {
    EXPECT_TRUE(look["widest_half_width_pct"].is_null() || look["widest_half_width_pct"].get<double>() > 0.05) << look;
  }
  EXPECT_NE(r.out.find("stopped at --max-duration 15s before the goal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("clean blocks would reach it"), std::string::npos) << r.out;
}

TEST(Run, AMaxDurationTooShortForTheLeastBlocksIsRefused) {
  auto r = run_process({kTracebench, "run", "--target", "127.0.0.1:9", "--max-duration", "10s"}, 30);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--max-duration 10s cannot hold the least 10 blocks of 3 rounds"), std::string::npos) << r.err;
  auto both = run_process({kTracebench, "run", "--target", "127.0.0.1:9", "--duration", "30s", "--precision", "1%"}, 30);
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("--duration fixes the run's length and --precision adapts it: give one of them"),
            std::string::npos)
      << both.err;
}

// The generator loses its schedule in one round (the process is stopped for 300 ms, longer
// than a settle period, so a measured window is hit): that round's block is dropped, kept in
// the result, and another block runs, so the run still has its 6 clean blocks and is valid.
TEST(Run, ADisturbedRoundDropsItsBlockWhichRunsAgain) {
  DemoServer server;
  const std::string out = fresh_dir("disturbed");
  ChildProcess run(run_args(server, out, {"--path", "/health", "--modes", "off,off", "--rate", "1000", "--duration",
                                          "3s", "--rounds", "6", "--warmup", "1s", "--settle", "100ms",
                                          "--connections", "16"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ::kill(run.pid(), SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(run.pid(), SIGCONT);
  const int code = run.wait_exit(120);
  const std::string stdout_text = run.output();
  ASSERT_EQ(code, 0) << stdout_text;
  auto j = read_json(out + "/result.json");
  EXPECT_GE(j["design"]["blocks_dropped"].get<int>(), 1) << stdout_text;
  EXPECT_EQ(j["design"]["blocks_clean"], 6);
  EXPECT_TRUE(j["invalid_reasons"].empty()) << j["invalid_reasons"];
  int dropped = 0, disturbed = 0;
  for (const auto& round : j["rounds"]) {
    dropped += round["dropped"].get<bool>();
    if (!round["disturbed"].is_null()) {
      ++disturbed;
      EXPECT_TRUE(round["dropped"].get<bool>());
      EXPECT_NE(round["disturbed"].get<std::string>().find("generator send lag p99 reached"), std::string::npos);
    }
  }
  EXPECT_GE(disturbed, 1);
  EXPECT_EQ(dropped, 2 * j["design"]["blocks_dropped"].get<int>());
  EXPECT_EQ(j["rounds"].size(), static_cast<std::size_t>(12 + dropped));
  EXPECT_EQ(j["modes"]["off"]["rounds"], 6);
  EXPECT_NE(stdout_text.find("dropped and run again"), std::string::npos) << stdout_text;
}

}  // namespace
}  // namespace tracebench
