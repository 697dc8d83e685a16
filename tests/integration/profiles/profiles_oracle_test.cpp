// `tracebench inspect --pprof` and the time breakdown on real traces of the demo server:
// each profile against `go tool trace -pprof=KIND` on the same file (total delay and delay
// per leaf function within 1% or 1 µs, compared by tests/tools/tracecheck/cmd/pprofdiff),
// the breakdown against an independent computation over golang.org/x/exp/trace
// (cmd/breakdown), the filters by their properties, and bad input.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "demo_server.h"
#include "subprocess.h"
#include "target/pprof_capture.h"

namespace tracebench {
namespace {

using testing::ChildProcess;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;
const std::vector<std::string> kEndpoints = {"/mutex", "/block", "/churn", "/api"};
const std::vector<std::string> kKinds = {"sync", "net", "syscall", "sched"};

std::string dir() {
  static const std::string d = [] {
    auto p = std::filesystem::path(::testing::TempDir()) / "tracebench-profiles";
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return d;
}

std::string trace_of(const std::string& endpoint) { return dir() + "/" + endpoint.substr(1) + ".trace"; }

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// One demo server; for each endpoint a 1 s capture taken while tracebench loads it. ctest
// runs each test in a process of its own: the captures are taken once and shared.
class Profiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    bool all_there = true;
    for (const auto& ep : kEndpoints) all_there = all_there && std::filesystem::exists(trace_of(ep) + ".done");
    if (all_there) return;
    testing::DemoServerProcess server(DEMO_SERVER_BIN);
    const auto colon = server.debug_addr.rfind(':');
    const std::string host = server.debug_addr.substr(0, colon);
    const auto port = static_cast<std::uint16_t>(std::stoi(server.debug_addr.substr(colon + 1)));
    for (const auto& ep : kEndpoints) {
      ChildProcess load({kTracebench, "load", "--target", server.addr, "--path", ep, "--duration", "3s",
                         "--connections", "16"});
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      target::PprofCapture capture(host, port, trace_of(ep));
      ASSERT_EQ(capture.start(1.0), "") << ep;
      const auto r = capture.finish();
      ASSERT_TRUE(r.ok) << ep << ": " << r.error;
      load.wait_exit(20);
      write_file(trace_of(ep) + ".done", "");
    }
  }
};

nlohmann::json inspect_json(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {kTracebench, "inspect", "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run_process(argv, 120);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

// Every kind of tracebench's profile against go tool trace's on one trace file.
void expect_profiles_agree(const std::string& trace) {
  std::vector<std::string> argv = {kTracebench, "inspect", trace, "--counts-only"};
  for (const auto& k : kKinds) argv.push_back("--pprof=" + k + "=" + trace + "." + k + ".tb.pb.gz");
  auto ours = run_process(argv, 120);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  for (const auto& k : kKinds) {
    auto go = run_process({GO_BIN, "tool", "trace", "-pprof=" + k, trace}, 180);
    ASSERT_EQ(go.exit_code, 0) << go.err;
    write_file(trace + "." + k + ".go.pb", go.out);
    auto diff = run_process({PPROFDIFF_BIN, trace + "." + k + ".go.pb", trace + "." + k + ".tb.pb.gz"});
    EXPECT_EQ(diff.exit_code, 0) << trace << " " << k << ":\n" << diff.out << diff.err;
  }
}

TEST_F(Profiles, EveryKindAgreesWithGoToolTraceOnTotalAndPerLeafFunction) {
  for (const auto& ep : kEndpoints) expect_profiles_agree(trace_of(ep));
  // The contention the /mutex endpoint exists to show is in its sync profile.
  auto diff = run_process({PPROFDIFF_BIN, trace_of("/mutex") + ".sync.go.pb", trace_of("/mutex") + ".sync.tb.pb.gz"});
  EXPECT_NE(diff.out.find("sync.(*Mutex).Lock"), std::string::npos) << diff.out;
}

// tracebench's time breakdown of one trace against cmd/breakdown's.
void expect_breakdown_agrees(const std::string& trace) {
  const auto ours = inspect_json({trace})["time_breakdown"];
  auto ref = run_process({BREAKDOWN_BIN, trace}, 120);
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const auto want = nlohmann::json::parse(ref.out);
  const auto& all = ours["all"];
  const double total = all["total_ns"].get<double>();
  ASSERT_GT(total, 0) << trace;
  // Go's reader moves a timestamp that would go backwards 1 ns forward; beyond that the
  // two must agree: 0.01% of all goroutine time, or 1 µs.
  const double tolerance = 1e-4 * total + 1000;
  EXPECT_NEAR(all["running_ns"].get<double>(), want["running_ns"].get<double>(), tolerance) << trace;
  EXPECT_NEAR(all["runnable_ns"].get<double>(), want["runnable_ns"].get<double>(), tolerance) << trace;
  EXPECT_NEAR(all["syscall_ns"].get<double>(), want["syscall_ns"].get<double>(), tolerance) << trace;
  for (const auto& [cause, ns] : all["waiting_ns"].items())
    EXPECT_NEAR(ns.get<double>(), want["waiting_ns"].value(cause, 0.0), tolerance) << trace << " " << cause;
  const auto& s = ours["sched_latency"];
  const auto& ws = want["sched_latency"];
  EXPECT_EQ(s["count"], ws["count"]) << trace;
  EXPECT_NEAR(s["max_ns"].get<double>(), ws["max_ns"].get<double>(), 1000) << trace;
  // The histogram's quantiles are within 1/64 of a recorded value (duration_histogram.h).
  for (const char* q : {"p50_ns", "p99_ns"})
    EXPECT_NEAR(s[q].get<double>(), ws[q].get<double>(), ws[q].get<double>() / 64 + 64) << trace << " " << q;
}

TEST_F(Profiles, BreakdownAgreesWithGosTraceReader) {
  for (const auto& ep : kEndpoints) expect_breakdown_agrees(trace_of(ep));
}

// Beyond the server: every shape workloads/cmd/trace-gen writes (coroutine switches,
// syscalls, GC, churn, regions, a flight-recorder snapshot, ...), 300 ms each.
TEST_F(Profiles, EveryTraceGenShapeAgreesWithGo) {
  auto list = run_process({TRACE_GEN_BIN, "-list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::istringstream lines(list.out);
  int shapes = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::string shape = line.substr(0, line.find(' '));
    if (shape.empty()) continue;
    const std::string trace = dir() + "/shape-" + shape + ".trace";
    auto gen = run_process({TRACE_GEN_BIN, "-shape", shape, "-duration", "300ms", "-o", trace}, 60);
    ASSERT_EQ(gen.exit_code, 0) << shape << ": " << gen.err;
    SCOPED_TRACE(shape);
    expect_profiles_agree(trace);
    expect_breakdown_agrees(trace);
    ++shapes;
  }
  EXPECT_GE(shapes, 10);
}

// All goroutine time in an inspect --json document's breakdown.
double breakdown_total(const nlohmann::json& j) {
  return j["time_breakdown"]["all"]["total_ns"].get<double>();
}

TEST_F(Profiles, WindowsSplitTheTimeWithoutLosingAny) {
  const std::string t = trace_of("/mutex");
  const double whole = breakdown_total(inspect_json({t}));
  const double first = breakdown_total(inspect_json({t, "--window", ":400ms"}));
  const double rest = breakdown_total(inspect_json({t, "--window", "400ms:"}));
  EXPECT_GT(first, 0);
  EXPECT_GT(rest, 0);
  EXPECT_NEAR(first + rest, whole, 1e-9 * whole + 1);
}

TEST_F(Profiles, StartFunctionFilterKeepsThatFunctionsRowOnly) {
  const std::string t = trace_of("/mutex");
  const auto whole = inspect_json({t});
  std::string fn;
  double fn_total = 0;
  for (const auto& f : whole["time_breakdown"]["by_function"]) {
    if (f["start_function"].get<std::string>().ends_with("(*Server).mutex.func1")) {
      fn = f["start_function"];
      fn_total = f["times"]["total_ns"].get<double>();
    }
  }
  ASSERT_FALSE(fn.empty()) << whole["time_breakdown"].dump(1);
  const auto filtered = inspect_json({t, "--goroutine-function", fn});
  EXPECT_EQ(filtered["time_breakdown"]["all"]["total_ns"].get<double>(), fn_total);
  ASSERT_EQ(filtered["time_breakdown"]["by_function"].size(), 1u);
  EXPECT_EQ(filtered["time_breakdown"]["by_function"][0]["start_function"], fn);
}

TEST_F(Profiles, RegionFilterCountsOnlyTimeInsideThatRegion) {
  const std::string t = trace_of("/api");
  const double whole = breakdown_total(inspect_json({t}));
  const double fanout = breakdown_total(inspect_json({t, "--region", "api.fanout"}));
  const double none = breakdown_total(inspect_json({t, "--region", "no.such.region"}));
  EXPECT_GT(fanout, 0);
  EXPECT_LT(fanout, whole);
  EXPECT_EQ(none, 0);
}

TEST_F(Profiles, AKindWithNoSamplesWritesAValidEmptyProfileAndSaysSo) {
  const std::string out = dir() + "/empty.pb.gz";
  auto r = run_process({kTracebench, "inspect", trace_of("/mutex"), "--counts-only", "--region", "no.such.region",
                        "--pprof", "sync=" + out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no samples: a valid empty profile"), std::string::npos) << r.out;
  auto top = run_process({GO_BIN, "tool", "pprof", "-raw", out}, 60);
  EXPECT_EQ(top.exit_code, 0) << top.err;
}

TEST_F(Profiles, ATraceCutShortGivesTheFramesItHasAndSaysSo) {
  // The stack table closes each generation, so the generation cut here has none.
  const std::string cut = dir() + "/cut.trace";
  {
    std::ifstream in(trace_of("/mutex"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write_file(cut, bytes.substr(0, bytes.size() * 3 / 4));
  }
  auto r = run_process({kTracebench, "inspect", cut, "--pprof", "sched=" + dir() + "/cut.sched.pb.gz"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("TRUNCATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("intervals without a stack: begun by events that carry none, or in a generation cut before "
                       "its stack table"),
            std::string::npos)
      << r.out;
  auto top = run_process({GO_BIN, "tool", "pprof", "-raw", dir() + "/cut.sched.pb.gz"}, 60);
  EXPECT_EQ(top.exit_code, 0) << top.err;
}

TEST_F(Profiles, NoBreakdownAndCountsOnlySkipTheStatesPass) {
  for (const char* flag : {"--no-breakdown", "--counts-only"}) {
    const auto j = inspect_json({trace_of("/mutex"), flag});
    EXPECT_FALSE(j.contains("time_breakdown")) << flag;
  }
  EXPECT_TRUE(inspect_json({trace_of("/mutex")}).contains("time_breakdown"));
}

TEST_F(Profiles, BadKindOrUnwritableFileIsAOneLineErrorNamingIt) {
  auto kind = run_process({kTracebench, "inspect", trace_of("/mutex"), "--pprof", "mutex=x.pb.gz"});
  EXPECT_EQ(kind.exit_code, 1);
  EXPECT_EQ(kind.err,
            "tracebench inspect: --pprof unknown profile kind 'mutex': expected sync, net, syscall or sched (see "
            "tracebench inspect --help)\n");
  auto file = run_process({kTracebench, "inspect", trace_of("/mutex"), "--pprof", "sync=/no/such/dir/x.pb.gz"});
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_EQ(file.err, "tracebench inspect: --pprof cannot write '/no/such/dir/x.pb.gz': No such file or directory\n");
}

}  // namespace
}  // namespace tracebench
