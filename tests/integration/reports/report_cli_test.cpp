// `tracebench report` as a user runs it: formats, files, exit codes and the one-line errors
// for bad input (missing, truncated, foreign, unsupported), and gnuplot missing.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "subprocess.h"

namespace tracebench {
namespace {

namespace fs = std::filesystem;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;
const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;
const std::string kFull = kFixtures + "/run_full.json";

std::string fresh_dir(const std::string& name) {
  auto dir = fs::path(::testing::TempDir()) / ("tracebench-report-cli-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReportCli, TextToStdout) {
  auto r = run_process({kTracebench, "report", kFull});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("tracebench: what tracing costs GET /api\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nVerdict\n-------\n"), std::string::npos);
  EXPECT_NE(r.out.find("\nContext\n-------\n"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(ReportCli, JsonIsTheReportAsData) {
  auto r = run_process({kTracebench, "report", kFull, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "tracebench.report/v1");
  EXPECT_EQ(j["verdict"]["status"], "valid");
}

TEST(ReportCli, ReadsStdin) {
  auto r = run_process({"/bin/sh", "-c", "'" + kTracebench + "' report - --format md < '" + kFull + "'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# tracebench: what tracing costs GET /api\n", 0), 0u);
  EXPECT_EQ(r.out.find("![", 0), std::string::npos) << "Markdown on stdout has nowhere to put plots";
}

TEST(ReportCli, MarkdownToAFileDrawsPlotsBesideIt) {
  const std::string dir = fresh_dir("md");
  auto r = run_process({kTracebench, "report", kFull, "--format", "md", "--out", dir + "/r.md"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string md = read(dir + "/r.md");
  EXPECT_NE(md.find("![Latency by percentile](plots/latency_spectrum.png)"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir + "/plots/latency_spectrum.png"));
  EXPECT_TRUE(fs::exists(dir + "/plots/latency_spectrum.svg"));
}

TEST(ReportCli, HtmlIsOneFileWithPlotsInline) {
  const std::string dir = fresh_dir("html");
  auto r = run_process({kTracebench, "report", kFull, "--format", "html", "--out", dir + "/r.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read(dir + "/r.html");
  EXPECT_NE(html.find("<figure class=\"plot\" id=\"plot-latency_spectrum\">"), std::string::npos);
  EXPECT_NE(html.find("<svg role=\"img\""), std::string::npos);
  EXPECT_FALSE(fs::exists(dir + "/plots")) << "the HTML needs no files beside it";
}

TEST(ReportCli, OutDirWritesWhatRunWrites) {
  const std::string dir = fresh_dir("outdir");
  auto r = run_process({kTracebench, "report", kFull, "--out-dir", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("report: " + dir + "/report.html, " + dir + "/report.md, " + dir + "/plots/"), std::string::npos)
      << r.out;
  for (const char* f : {"report.html", "report.md", "plots/rounds_throughput.svg", "plots/flight_recorder.png"})
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
}

TEST(ReportCli, NoPlots) {
  const std::string dir = fresh_dir("noplots");
  auto r = run_process({kTracebench, "report", kFull, "--out-dir", dir, "--no-plots"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/report.html"));
  EXPECT_FALSE(fs::exists(dir + "/plots"));
}

TEST(ReportCli, GnuplotMissingStillRendersAndNamesThePackage) {
  const std::string dir = fresh_dir("nognuplot");
  auto r = run_process({"/usr/bin/env", "TRACEBENCH_GNUPLOT=/nonexistent/gnuplot", kTracebench, "report", kFull,
                        "--format", "html", "--out", dir + "/r.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("tracebench report: warning: plots not drawn: gnuplot was not found (install the Debian "
                       "package gnuplot-nox"),
            std::string::npos)
      << r.err;
  const std::string html = read(dir + "/r.html");
  EXPECT_NE(html.find("<section id=\"verdict\">"), std::string::npos);
  EXPECT_NE(html.find("Plot not drawn: gnuplot is not installed (the Debian package gnuplot-nox provides it)"),
            std::string::npos);
  // The text report never needs gnuplot.
  auto t = run_process({"/usr/bin/env", "TRACEBENCH_GNUPLOT=/nonexistent/gnuplot", kTracebench, "report", kFull});
  EXPECT_EQ(t.exit_code, 0);
  EXPECT_TRUE(t.err.empty()) << t.err;
}

struct BadInput {
  std::vector<std::string> args;
  std::string message;  // stderr must contain it
};

TEST(ReportCli, BadInputIsOneClearLineAndExitOne) {
  const std::vector<BadInput> cases = {
      {{}, "tracebench report: expected one result (result.json, sweep.json or their directory), got 0 (see "
           "tracebench report --help)"},
      {{kFixtures + "/missing.json"},
       "tracebench report: cannot read '" + kFixtures + "/missing.json': No such file or directory"},
      {{kFixtures + "/truncated.json"}, "truncated.json' is truncated: the JSON ends at byte 1500"},
      {{kFixtures + "/foreign.json"}, "foreign.json' is not a tracebench result: it has no \"schema\" key"},
      {{kFixtures + "/sweep_no_levels.json"}, "sweep_no_levels.json' is a sweep with no levels: nothing to report"},
      {{kFixtures + "/sweep_no_levels.json", "--out-dir", "/tmp/tracebench-never-written"},
       "sweep_no_levels.json' is a sweep with no levels: nothing to report"},
      {{kFixtures}, "is a directory with neither result.json nor sweep.json in it"},
      {{kFull, "--format", "pdf"}, "tracebench report: --format 'pdf': expected text, json, md or html"},
      {{kFull, "--out-dir", "/tmp/x", "--format", "md"}, "--format does not apply to --out-dir"},
      {{kFull, "--out-dir", "/tmp/x", "--out", "/tmp/y"}, "--out and --out-dir do not go together"},
      {{kFull, "--bogus"}, "unrecognised option '--bogus'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {kTracebench, "report"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 1) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

// A sweep result renders like a run result, in every format, from the file or its directory.
TEST(ReportCli, SweepInEveryFormat) {
  const std::string sweep = kFixtures + "/sweep_full.json";
  auto t = run_process({kTracebench, "report", sweep});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.out.rfind("tracebench sweep: trace data and overhead against load, GET /api\n", 0), 0u) << t.out;
  for (const char* heading : {"\nVerdict\n", "\nLevels\n", "\nTrace data against load\n", "\nOverhead against load\n",
                              "\nAt the production rate\n", "\nContext\n"})
    EXPECT_NE(t.out.find(heading), std::string::npos) << heading;

  auto j = run_process({kTracebench, "report", sweep, "--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["kind"], "sweep");
  EXPECT_EQ(doc["verdict"]["production"]["rate_rps"], 4000.0);

  const std::string dir = fresh_dir("sweep");
  auto h = run_process({kTracebench, "report", sweep, "--format", "html", "--out", dir + "/s.html"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const std::string html = read(dir + "/s.html");
  EXPECT_NE(html.find("<figure class=\"plot\" id=\"plot-sweep_trace_rate\">"), std::string::npos);
  EXPECT_NE(html.find("<figure class=\"plot\" id=\"plot-sweep_overhead\">"), std::string::npos);

  // The directory sweep writes: sweep.json in it is the result; --out-dir writes what sweep writes.
  const std::string sweep_dir = fresh_dir("sweep-dir");
  fs::copy_file(sweep, sweep_dir + "/sweep.json");
  const std::string again = fresh_dir("sweep-again");
  auto d = run_process({kTracebench, "report", sweep_dir, "--out-dir", again});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  for (const char* f : {"report.html", "report.md", "plots/sweep_trace_rate.png", "plots/sweep_overhead.svg"})
    EXPECT_TRUE(fs::exists(again + "/" + f)) << f;
  auto md = run_process({kTracebench, "report", sweep_dir, "--format", "md"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out.rfind("# tracebench sweep: trace data and overhead against load, GET /api\n", 0), 0u);
}

TEST(ReportCli, UnwritableOutputIsARunFailure) {
  auto r = run_process({kTracebench, "report", kFull, "--out", "/proc/tracebench/r.txt"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot write '/proc/tracebench/r.txt'"), std::string::npos) << r.err;
}

TEST(ReportCli, Help) {
  auto r = run_process({kTracebench, "report", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: tracebench report RESULT"), std::string::npos);
  EXPECT_NE(r.out.find("--out-dir"), std::string::npos);
  EXPECT_NE(r.out.find("a sweep's sweep.json (tracebench.sweep/v1)"), std::string::npos);
  EXPECT_NE(r.out.find("A sweep report:"), std::string::npos);
}

}  // namespace
}  // namespace tracebench
