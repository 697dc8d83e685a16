// tracebench size, run --verify-window and sweep end to end: the real binary against the
// real demo server, and every bad input the issue lists.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../demo_run.h"
#include "free_port.h"

namespace tracebench {
namespace {

// A directory of its own for each sizing test, created empty.
std::string sizing_dir(const std::string& name) {
  const std::string dir = fresh_dir("sizing-" + name);
  std::filesystem::create_directories(dir);
  return dir;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Short rounds: a run of 18 rounds takes about 15 s.
std::vector<std::string> short_run(const DemoServer& s, const std::string& out, std::vector<std::string> extra) {
  std::vector<std::string> flags = {"--path",   "/api",  "--duration", "1.8s",  "--rounds",      "6",
                                    "--warmup", "500ms", "--settle",   "100ms", "--connections", "8"};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return run_args(s, out, std::move(flags));
}

// The recorder keeps whole generations: the newer ones within MaxBytes, and the oldest,
// which crossed it. So a 3 s attempt's window is at most what MaxBytes holds at the newer
// generations' rate (or 3 s, when MaxBytes was never reached) plus the oldest generation,
// itself about one second. The rate must be the newer generations' own: the whole snapshot's
// average includes the oldest one, and a busier oldest generation makes it too high (one run
// overshot a bound on the average by 18 ms). Returns the bound.
double expect_window_within_what_max_bytes_holds(const nlohmann::json& attempt, const nlohmann::json& v) {
  const double achieved = attempt["achieved_window_s"];
  const double max_bytes = attempt["max_bytes"];
  const double oldest_s = attempt["oldest_generation_s"].get<double>();
  const double newer_bytes = attempt["newer_generations_bytes"].get<double>();
  EXPECT_GT(oldest_s, 0.5) << v.dump(2);
  EXPECT_LT(oldest_s, 1.5) << v.dump(2);
  if (attempt["bound"] == "max_bytes") {
    // Our byte count has each generation's 1-byte end marker, which the runtime does not count.
    EXPECT_LE(newer_bytes, max_bytes + static_cast<double>(attempt["generations"].get<int>())) << v.dump(2);
  }
  const double newer_rate = newer_bytes / (achieved - oldest_s);
  const double bound = std::max(3.0, max_bytes / newer_rate) + oldest_s + 0.05;  // + the gaps between generations
  EXPECT_LE(achieved, bound) << "MaxBytes " << max_bytes << " at " << newer_rate << " B/s, oldest generation "
                             << oldest_s << " s\n"
                             << v.dump(2);
  return bound;
}

TEST(VerifyWindow, AchievesTheWantedWindowWithinOneGeneration) {
  DemoServer server;
  const std::string out = sizing_dir("verify");
  auto r = run_process(short_run(server, out, {"--verify-window", "3s"}), 110);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_NE(r.out.find("verification of the 3 s window on the real runtime: verified"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MaxBytes: "), std::string::npos) << r.out;
  const auto j = read_json(out + "/result.json");
  ASSERT_TRUE(j["recommendations"]["rate"].is_object()) << j["recommendations"].dump(2);
  EXPECT_EQ(j["recommendations"]["flight_recorder"].size(), 5u);
  const auto& v = j["verification"];
  ASSERT_EQ(v["status"], "verified") << v.dump(2);
  ASSERT_FALSE(v["attempts"].empty());
  ASSERT_LE(v["attempts"].size(), 3u);
  const auto& last = v["attempts"].back();
  const double achieved = last["achieved_window_s"];
  const double max_bytes = last["max_bytes"];
  const double verify_rate = last["snapshot_bytes_per_s"];
  ASSERT_GT(verify_rate, 0) << v.dump(2);
  EXPECT_GE(achieved, 3.0 - 0.05) << v.dump(2);  // "verified" means reached
  const double bound = expect_window_within_what_max_bytes_holds(last, v);
  std::printf("verify 3s: achieved %.3f s, MaxBytes %.0f, rate %.0f B/s (basis upper %.0f), bound %.3f s, %zu "
              "attempts\n",
              achieved, max_bytes, verify_rate, v["upper_bytes_per_s"].get<double>(), bound, v["attempts"].size());
  EXPECT_GE(last["generations"].get<int>(), 3) << v.dump(2);
  EXPECT_DOUBLE_EQ(last["min_age_s"].get<double>(), 6.0);
  EXPECT_EQ(v["verified_max_bytes"], last["max_bytes"]);
  // A rate above the basis is said, and the final size restated from it (never below the
  // size verified); otherwise the final size is the one verified.
  const bool exceeded = verify_rate > v["upper_bytes_per_s"].get<double>();
  EXPECT_EQ(last["basis_exceeded"].get<bool>(), exceeded) << v.dump(2);
  if (exceeded) {
    EXPECT_TRUE(v["basis_exceeded"].get<bool>());
    EXPECT_GE(v["final_max_bytes"].get<double>(), max_bytes);
    EXPECT_NE(v["reason"].get<std::string>().find("BASIS EXCEEDED"), std::string::npos) << v["reason"];
  } else {
    EXPECT_EQ(v["final_max_bytes"], last["max_bytes"]);
    EXPECT_EQ(v["reason"].get<std::string>().find("BASIS EXCEEDED"), std::string::npos) << v["reason"];
  }
  EXPECT_GE(v["final_max_bytes"].get<double>(), v["initial_max_bytes"].get<double>());
  EXPECT_TRUE(v["reason"].get<std::string>().rfind("recommend MinAge 6 s, MaxBytes ", 0) == 0) << v["reason"];
  // The RSS growth, when measured, is compared with the RSS to expect.
  if (last.contains("rss_growth_bytes")) {
    const bool rss_over = last["rss_growth_bytes"].get<double>() > last["expected_rss_high_bytes"].get<double>();
    EXPECT_EQ(last["rss_exceeded"].get<bool>(), rss_over) << v.dump(2);
    EXPECT_EQ(v["reason"].get<std::string>().find("RSS EXCEEDED") != std::string::npos, rss_over) << v["reason"];
    std::printf("verify 3s: RSS grew %.0f B, expected up to %.0f B\n", last["rss_growth_bytes"].get<double>(),
                last["expected_rss_high_bytes"].get<double>());
  }
}

// Sized from the pprof captures alone (no flightrecorder rounds), MaxBytes is small enough
// for the ring to fill within the attempt, so the snapshot shows what MaxBytes holds: the
// window must be reached, and be no longer than MaxBytes holds at the newer generations'
// rate plus the one generation that crosses it. The recorder writes more per second than the captures
// measured, which the verification must call out (or correct, when it fell short).
TEST(VerifyWindow, SizedFromCapturesHoldsWhatMaxBytesHoldsPlusOneGeneration) {
  DemoServer server;
  const std::string out = sizing_dir("verify-captures");
  auto r = run_process(short_run(server, out, {"--modes", "off,trace", "--verify-window", "3s"}), 110);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  const auto j = read_json(out + "/result.json");
  EXPECT_EQ(j["recommendations"]["rate"]["source"], "trace");
  const auto& v = j["verification"];
  ASSERT_EQ(v["status"], "verified") << v.dump(2);
  for (const auto& a : v["attempts"]) {
    const double bound = expect_window_within_what_max_bytes_holds(a, v);
    const double rate = a["snapshot_bytes_per_s"];
    std::printf("verify 3s from captures: attempt %d: achieved %.3f s, MaxBytes %.0f, rate %.0f B/s (basis upper "
                "%.0f), bound %.3f s, %s\n",
                a["attempt"].get<int>(), a["achieved_window_s"].get<double>(), a["max_bytes"].get<double>(), rate,
                v["upper_bytes_per_s"].get<double>(), bound, a["bound"].get<std::string>().c_str());
    EXPECT_EQ(a["basis_exceeded"].get<bool>(), rate > v["upper_bytes_per_s"].get<double>());
  }
  EXPECT_GE(v["attempts"].back()["achieved_window_s"].get<double>(), 3.0 - 0.05) << v.dump(2);
}

TEST(Size, FromARealResultTimesBothReadersOnAKeptTrace) {
  DemoServer server;
  const std::string out = sizing_dir("size");
  auto r = run_process(short_run(server, out, {"--modes", "off,trace", "--keep-traces"}), 90);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  auto s = run_process({kTracebench, "size", out + "/result.json", "--window", "10s", "--file-budget", "20MB",
                        "--budget", "2%", "--json", out + "/size.json"},
                       150);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("MinAge:   20 * time.Second,"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("fr.SetPeriod(20 * time.Second)"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("/debug/pprof/trace?seconds=N"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("overhead against a 2% budget"), std::string::npos) << s.out;
  const auto j = read_json(out + "/size.json");
  ASSERT_EQ(j["flight_recorder"].size(), 1u);
  EXPECT_GT(j["flight_recorder"][0]["max_bytes"].get<double>(), j["rate"]["upper_bytes_per_s"].get<double>() * 11);
  ASSERT_EQ(j["capture_windows"].size(), 1u);
  EXPECT_GT(j["capture_windows"][0]["seconds"].get<double>(), 0);
  bool reader = false;
  for (const auto& p : j["parse_speeds"]) reader = reader || (p["tool"] == "tracebench" && p["mb_per_s"] > 0);
  EXPECT_TRUE(reader) << j["parse_speeds"].dump(2);
  // go tool trace is timed when Go is installed; otherwise the reason is given.
  bool go = false;
  for (const auto& p : j["parse_speeds"]) go = go || p["tool"] == "go tool trace";
  if (std::filesystem::exists("/usr/local/go/bin/go")) {
    EXPECT_TRUE(go) << j.dump(2);
  }
  for (const auto& c : j["capture_windows"])
    for (const auto& o : c["open"]) EXPECT_GT(o["expected_seconds"].get<double>(), 0);
  EXPECT_FALSE(j["overhead"]["modes"].empty());
}

TEST(Size, FromAGivenRate) {
  auto s = run_process({kTracebench, "size", "--bytes-per-sec", "2MiB/s", "--window", "10s"}, 30);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  // 2 MiB/s × 1.25 assumed spread × 11 s = 27.5 MiB → 28 MiB.
  EXPECT_NE(s.out.find("MaxBytes: 28 << 20, // 28 MiB"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("(given)"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("the time to open a capture is unknown"), std::string::npos) << s.out;
}

TEST(Size, JsonToStdoutIsOnlyJson) {
  auto s = run_process({kTracebench, "size", "--bytes-per-sec", "2MiB/s", "--window", "10s", "--json", "-"}, 30);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(s.out)) << s.out;
  EXPECT_EQ(j["flight_recorder"][0]["max_bytes"].get<std::uint64_t>(), 28u << 20);
}

TEST(Size, SaysWhyGoToolTraceWasNotTimed) {
  const std::string dir = sizing_dir("gotool");
  // A result that recorded its reader speed but kept no trace file.
  nlohmann::json r = {{"schema", "tracebench.run/v1"},
                      {"modes", {{"trace", {{"trace_bytes_per_s", {{"median", 2e6}}}, {"parse_mb_per_s", 400.0}}}}},
                      {"rounds", nlohmann::json::array()}};
  for (double v : {1.9e6, 2e6, 2.2e6})
    r["rounds"].push_back({{"mode", "trace"}, {"complete", true}, {"trace", {{"bytes_per_s", v}}}});
  write_file(dir + "/result.json", r.dump());
  auto s = run_process({kTracebench, "size", dir + "/result.json", "--window", "10s"}, 30);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("note: go tool trace not timed: "), std::string::npos) << s.out;
  const bool have_go = std::filesystem::exists("/usr/local/go/bin/go") || std::system("command -v go >/dev/null") == 0;
  EXPECT_NE(s.out.find(have_go ? "no trace file kept: run with --keep-traces" : "go not found"), std::string::npos)
      << s.out;
  s = run_process({kTracebench, "size", dir + "/result.json", "--window", "10s", "--no-go-tool"}, 30);
  EXPECT_NE(s.out.find("note: go tool trace not timed (--no-go-tool)"), std::string::npos) << s.out;
  s = run_process({kTracebench, "size", "--bytes-per-sec", "2MiB", "--window", "10s", "--go", "/nonexistent/go"}, 30);
  EXPECT_NE(s.out.find("go tool trace not timed: no trace file (pass --trace FILE)"), std::string::npos) << s.out;
}

TEST(Size, AbsurdMemoryIsWarned) {
  auto s = run_process({kTracebench, "size", "--bytes-per-sec", "10GB", "--window", "1h"}, 30);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("warning: the 60 min window needs MaxBytes 48 TiB (RSS up to 96 TiB): over 64 GiB"),
            std::string::npos)
      << s.out;
}

TEST(Size, BadInputIsAClearError) {
  const std::string dir = sizing_dir("bad");
  write_file(dir + "/not.json", "hello");
  write_file(dir + "/v2.json", R"({"schema": "tracebench.run/v2"})");
  write_file(dir + "/other.json", R"({"rounds": []})");
  write_file(dir + "/sweep.json", R"({"schema": "tracebench.sweep/v1"})");
  write_file(dir + "/notrace.json", R"({"schema": "tracebench.run/v1", "modes": {"off": {}}, "rounds": []})");
  // A round rate of 1e300 used to hang size (friendly_size_up doubled a 64-bit base forever).
  write_file(dir + "/huge_round.json",
             R"({"schema": "tracebench.run/v1", "modes": {"trace": {}}, "rounds": [
                 {"mode": "trace", "complete": true, "trace": {"bytes_per_s": 2e6}},
                 {"mode": "trace", "complete": true, "trace": {"bytes_per_s": 1e300}}]})");
  write_file(dir + "/huge_median.json",
             R"({"schema": "tracebench.run/v1", "modes": {"trace": {"trace_bytes_per_s": {"median": 1e18}}},
                 "rounds": []})");
  std::filesystem::create_directories(dir + "/adir");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "give a run result"},
      {{dir + "/missing.json"}, "cannot read '" + dir + "/missing.json'"},
      {{dir + "/not.json"}, "is not JSON"},
      {{dir + "/v2.json"}, "schema \"tracebench.run/v2\" is another version of the run result; this tracebench reads "
                           "tracebench.run/v1"},
      {{dir + "/other.json"}, "no \"schema\" field: not a tracebench result"},
      {{dir + "/sweep.json"}, "is a sweep result"},
      {{dir + "/notrace.json"}, "has no measured trace rate"},
      {{"--bytes-per-sec", "3MiB", "--window", "0s"}, "--window 0s is out of range: expected 1s to 1h"},
      {{"--bytes-per-sec", "3MiB", "--window", "-5s"}, "--window: "},
      {{"--bytes-per-sec", "3MiB", "--window", "48h"}, "--window 48h is out of range"},
      {{"--bytes-per-sec", "3MiB", "--file-budget", "0"}, "--file-budget 0 is out of range: expected 64KiB to 100GB"},
      {{"--bytes-per-sec", "3MiB", "--file-budget", "5TB"}, "--file-budget 5TB is out of range"},
      {{"--bytes-per-sec", "3MiB", "--budget", "0%"}, "--budget 0% is out of range"},
      {{"--bytes-per-sec", "3MiB", "--budget", "250%"}, "--budget 250% is out of range"},
      {{"--bytes-per-sec", "3MiB", "--budget", "lots"}, "--budget: bad budget 'lots'"},
      {{"--bytes-per-sec", "0"}, "--bytes-per-sec 0 is out of range: expected 1B/s to 10GB/s"},
      {{"--bytes-per-sec", "0.4"}, "tracebench size: --bytes-per-sec 0.4 is out of range: expected 1B/s to 10GB/s\n"},
      {{"--bytes-per-sec", "11GB"}, "--bytes-per-sec 11GB is out of range: expected 1B/s to 10GB/s"},
      {{"--bytes-per-sec", "3MiB", "--budget", "1e-300%"},
       "tracebench size: --budget 1e-300% is out of range: expected 0.01% to 100%\n"},
      {{"--bytes-per-sec", "3MiB", "--budget", "100.5%"}, "--budget 100.5% is out of range: expected 0.01% to 100%"},
      {{dir + "/huge_round.json"},
       "tracebench size: '" + dir + "/huge_round.json': rounds[1].trace.bytes_per_s = 1e+300 is out of range: "
       "expected a trace rate from 0 to 10 GB/s (bytes per second)\n"},
      {{dir + "/huge_median.json"},
       "'" + dir + "/huge_median.json': modes.trace.trace_bytes_per_s.median = 1e+18 is out of range"},
      {{dir + "/adir"},
       "tracebench size: '" + dir + "/adir' is a directory: expected a run result file (e.g. '" + dir +
           "/adir/result.json')\n"},
      {{dir + "/v2.json", "--bytes-per-sec", "3MiB"}, "not both"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {kTracebench, "size"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_process(argv, 10);  // a hang (the 1e300 result) fails here, not at ctest's timeout
    EXPECT_EQ(r.exit_code, 1) << c.message << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "want: " << c.message << "\ngot: " << r.err;
  }
}

TEST(Sweep, FitsBytesPerSecondAgainstLoadAndPredictsBeyondIt) {
  DemoServer server;
  const std::string out = sizing_dir("sweep");
  auto r = run_process({kTracebench, "sweep", "--target", server.addr, "--pprof", server.debug_addr, "--path", "/api",
                        "--rates", "400,800,1600", "--connections", "16", "--modes", "off,trace", "--duration", "1.2s",
                        "--rounds", "6", "--warmup", "300ms", "--settle", "100ms", "--production-rate", "3200",
                        "--out", out, "--no-progress"},
                       150);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_NE(r.out.find("model: trace bytes/s = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("at 3200 req/s (EXTRAPOLATED)"), std::string::npos) << r.out;
  const auto j = read_json(out + "/sweep.json");
  EXPECT_EQ(j["schema"], "tracebench.sweep/v1");
  ASSERT_EQ(j["levels"].size(), 3u);
  for (const auto& l : j["levels"]) {
    EXPECT_EQ(l["status"], "measured") << l.dump(2);
    EXPECT_TRUE(std::filesystem::exists(out + "/" + l["result"].get<std::string>()));
    EXPECT_GT(l["trace_bytes_per_s"]["median"].get<double>(), 0);
  }
  const auto& m = j["model"]["bytes_per_s"];
  ASSERT_TRUE(m.is_object()) << j["model"].dump(2);
  EXPECT_EQ(m["n"], 3);
  EXPECT_GT(m["bytes_per_request"].get<double>(), 0);  // more load, more trace
  EXPECT_GE(m["r2"].get<double>(), 0);
  EXPECT_LE(m["r2"].get<double>(), 1);
  const auto& p = j["model"]["prediction"];
  EXPECT_TRUE(p["extrapolated"].get<bool>());
  EXPECT_GT(p["bytes_per_s"]["estimate"].get<double>(), j["levels"][2]["trace_bytes_per_s"]["median"].get<double>() * 0.5);
  EXPECT_EQ(p["flight_recorder"].size(), 5u);
}

TEST(Sweep, ARateTheTargetCannotReachIsReportedAndNotFitted) {
  DemoServer server;
  const std::string out = sizing_dir("unreached");
  auto r = run_process({kTracebench, "sweep", "--target", server.addr, "--pprof", server.debug_addr, "--path", "/api",
                        "--rates", "300,600,60000", "--connections", "16", "--modes", "off,trace", "--duration",
                        "1.2s", "--rounds", "6", "--warmup", "300ms", "--settle", "100ms", "--out", out,
                        "--no-progress"},
                       150);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("not reached: "), std::string::npos) << r.out;
  const auto j = read_json(out + "/sweep.json");
  ASSERT_EQ(j["levels"].size(), 3u);
  EXPECT_EQ(j["levels"][2]["status"], "not_reached");
  EXPECT_FALSE(j["levels"][2]["reached"].get<bool>());
  EXPECT_EQ(j["model"]["levels_fitted"], nlohmann::json::array({0, 1}));
}

// --exec, as run does it: the pid watched is the server's, not the /bin/sh that started a
// compound command, and --pin splits the CPUs this process may use, not the machine's.
std::vector<std::string> exec_sweep(const std::string& command, const std::string& addr, const std::string& out,
                                    std::vector<std::string> extra) {
  std::vector<std::string> a = {kTracebench, "sweep", "--exec", command, "--target", addr, "--modes", "off",
                                "--path", "/health", "--rates", "200,400", "--connections", "4", "--duration", "1.2s",
                                "--rounds", "6", "--warmup", "200ms", "--settle", "100ms", "--out", out,
                                "--no-progress"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

TEST(Sweep, ExecOfACompoundCommandMeasuresTheServerNotTheShell) {
  const std::string addr = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
  const std::string out = sizing_dir("sweep-exec");
  auto r = run_process(exec_sweep("cd / && " + kDemoServer + " --addr " + addr + " --debug-addr ''", addr, out, {}),
                       120);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_EQ(r.err.find("no process of"), std::string::npos) << r.err;
  const auto level = read_json(out + "/level-1/result.json");
  ASSERT_TRUE(level["config"]["target_pid"].is_number()) << level["config"].dump(2);
  EXPECT_GT(level["modes"]["off"]["target_cpu_us_per_request"]["median"].get<double>(), 1.0) << r.out;
  EXPECT_EQ(r.out.find("hardly ran"), std::string::npos) << r.out;
}

TEST(Sweep, PinCountsTheCpusThisProcessMayUse) {
  const std::string addr = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
  const std::string out = sizing_dir("sweep-pin");
  std::vector<std::string> argv = {"/usr/bin/taskset", "-c", "0"};
  for (auto& a : exec_sweep(kDemoServer + " --addr " + addr + " --debug-addr ''", addr, out, {"--pin"}))
    argv.push_back(a);
  auto r = run_process(argv, 120);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_NE(r.err.find("tracebench sweep: --pin does nothing: this process may use only CPU 0, so the target and "
                       "tracebench share it\n"),
            std::string::npos)
      << r.err;
}

TEST(Sweep, BadLevelsAreClearErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--target", "127.0.0.1:1"}, "a sweep needs levels"},
      {{"--target", "127.0.0.1:1", "--rates", "1000"}, "a sweep needs at least two levels"},
      {{"--target", "127.0.0.1:1", "--rates", "1000,0"}, "--rates: bad"},
      {{"--target", "127.0.0.1:1", "--rates", "1000,-5"}, "--rates: bad"},
      {{"--target", "127.0.0.1:1", "--rates", "1000,1000"}, "listed twice"},
      {{"--target", "127.0.0.1:1", "--connections", "8,0.5"}, "--connections: bad level '0.5'"},
      {{"--target", "127.0.0.1:1", "--rate", "100"}, "--rate: a sweep takes its rates as levels"},
      {{"--target", "127.0.0.1:1", "--rates", "1,2", "--production-rate", "0"},
       "--production-rate 0 is out of range: expected a rate above 0 and at most 1G req/s"},
      {{"--target", "127.0.0.1:1", "--rates", "1,2", "--production-rate", "2G"},
       "--production-rate 2G is out of range: expected a rate above 0 and at most 1G req/s"},
      {{"--target", "127.0.0.1:1", "--rates", "1,2", "--production-rate", "1e30"},
       "--production-rate: bad rate '1e30': expected a rate above 0 and at most 1G req/s, e.g. 6000, 20k, 1.5M"},
      // The same budget range and words as tracebench size.
      {{"--target", "127.0.0.1:1", "--rates", "1,2", "--budget", "1e-300%"},
       "tracebench sweep: --budget 1e-300% is out of range: expected 0.01% to 100%\n"},
      {{"--target", "127.0.0.1:1", "--rates", "1,2", "--budget", "lots"},
       "tracebench sweep: --budget: bad budget 'lots': expected a percentage, e.g. 2%\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {kTracebench, "sweep"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_process(argv, 30);
    EXPECT_EQ(r.exit_code, 1) << c.message << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "want: " << c.message << "\ngot: " << r.err;
  }
}

}  // namespace
}  // namespace tracebench
