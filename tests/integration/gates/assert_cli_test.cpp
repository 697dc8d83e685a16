// `tracebench assert` end to end: `go test -trace` on the annotated workload (regions
// "encode" of 200µs and "hash" of 100µs, docs/workloads.md), then assertions that must
// hold and assertions that must fail, read off the real trace. Regions can only last
// longer than their documented durations (preemption lengthens them), so a ceiling below
// the duration fails on any machine and a generous one passes on a busy one.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "subprocess.h"

namespace tracebench {
namespace {

using testing::ProcessResult;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string fresh_dir(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("tracebench-assert-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessResult assert_trace(const std::string& trace, std::vector<std::string> args) {
  args.insert(args.begin(), {kTracebench, "assert", trace});
  return run_process(args, 60);
}

TEST(AssertEndToEnd, GoTestTraceOfTheAnnotatedBenchmark) {
  const std::string dir = fresh_dir("e2e");
  const std::string trace = dir + "/trace.out";
  auto go = run_process({TRACEBENCH_GO, "test", "-C", TRACEBENCH_WORKLOADS_DIR, "-run=^$", "-bench=.",
                         "-benchtime=200x", "-trace=" + trace, "./internal/annotated"},
                        240);
  ASSERT_EQ(go.exit_code, 0) << go.out << go.err;
  ASSERT_TRUE(std::filesystem::exists(trace));

  {
    SCOPED_TRACE("ceilings the workload meets, even on a busy machine");
    auto r = assert_trace(trace, {"--max-region", "encode:p50=50ms", "--max-region", "hash:p50=50ms",
                                  "--max-region", "encode=10s", "--max-region", "hash:p99=10s",
                                  "--max-goroutine-creates-per-s", "1M", "--max-bytes-per-s", "1GiB/s",
                                  "--max-events-per-s", "1G", "--strict-regions", "--junit", dir + "/pass.xml"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(has(r.out, "result: PASS, no violation in 7 assertions")) << r.out;
    for (const char* row : {"region encode p50", "region hash p50", "region encode max", "region hash p99",
                            "goroutine creates/s", "bytes/s", "events/s"})
      EXPECT_TRUE(has(r.out, row)) << row << "\n" << r.out;
    EXPECT_EQ(r.err, "");
    const std::string xml = read_file(dir + "/pass.xml");
    EXPECT_TRUE(has(xml, R"(tests="7" failures="0" errors="0" skipped="0")")) << xml;
  }
  {
    SCOPED_TRACE("ceilings below the documented durations and rates: every violation listed");
    auto r = assert_trace(trace, {"--max-region", "encode=150us", "--max-region", "hash:p50=90us", "--max-region",
                                  "encode:p50=50ms", "--max-goroutine-creates-per-s", "0", "--max-bytes-per-s",
                                  "1KiB", "--max-events-per-s", "10/s", "--junit", dir + "/fail.xml"});
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_TRUE(has(r.out, "\nviolations\n")) << r.out;
    EXPECT_TRUE(has(r.out, "  region encode max: ")) << r.out;
    EXPECT_TRUE(has(r.out, " > 150µs (")) << r.out;
    EXPECT_TRUE(has(r.out, "  region hash p50: ")) << r.out;
    EXPECT_TRUE(has(r.out, " > 90µs (")) << r.out;
    EXPECT_TRUE(has(r.out, "  bytes/s: ")) << r.out;
    EXPECT_TRUE(has(r.out, " > 1 KiB/s (")) << r.out;
    EXPECT_TRUE(has(r.out, "  events/s: ")) << r.out;
    // A benchmark run creates goroutines (the testing package's own, at least), so a
    // ceiling of 0 is exceeded on any machine.
    EXPECT_TRUE(has(r.out, "  goroutine creates/s: ")) << r.out;
    EXPECT_TRUE(has(r.out, " > 0/s (")) << r.out;
    EXPECT_TRUE(has(r.out, " goroutines created over ")) << r.out;
    EXPECT_FALSE(has(r.out, "  region encode p50: ")) << r.out;  // that one holds
    EXPECT_TRUE(has(r.out, "result: FAIL, 5 of 6 assertions violated")) << r.out;
    const std::string xml = read_file(dir + "/fail.xml");
    EXPECT_TRUE(has(xml, R"(tests="6" failures="5" errors="0" skipped="0")")) << xml;
    EXPECT_TRUE(has(xml, R"(<testcase name="goroutine creates/s &lt;= 0/s" classname="tracebench.assert")")) << xml;
    EXPECT_TRUE(has(xml, R"(<testcase name="region encode max &lt;= 150µs" classname="tracebench.assert")")) << xml;
  }
  {
    SCOPED_TRACE("a region that never occurs: a warning, or with --strict-regions bad input (exit 1)");
    auto r = assert_trace(trace, {"--max-region", "decode=1ms", "--max-region", "encode=10s"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err,
              "tracebench assert: warning: region 'decode' does not occur in the trace (regions in the trace: "
              "encode, hash); --strict-regions makes this an error\n");
    EXPECT_TRUE(has(r.out, "missing (warning)")) << r.out;

    // Even beside a violated ceiling: the limits name a region the trace lacks, which is
    // an error in the input, not a measurement over a ceiling.
    r = assert_trace(trace, {"--max-region", "decode=1ms", "--max-region", "encode=1us", "--strict-regions",
                             "--junit", dir + "/strict.xml"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.err, "tracebench assert: " + trace +
                         ": --strict-regions: region 'decode' does not occur in the trace (regions in the trace: "
                         "encode, hash)\n");
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(dir + "/strict.xml"));
  }
}

struct BadInput {
  std::vector<std::string> args;
  std::string err;
};

TEST(Assert, BadInputExitsOneWithAClearMessage) {
  const std::string hint = " (see tracebench assert --help)\n";
  // Flags are checked before the trace is read, so the path need not exist.
  const std::string trace = "/nonexistent/trace.out";
  const BadInput cases[] = {
      {{"--max-region", "encode"},
       "tracebench assert: --max-region: bad region limit 'encode': expected NAME=DURATION or NAME:STAT=DURATION "
       "(STAT max, p99 or p50), e.g. encode=250us or encode:p99=300us" + hint},
      {{"--max-region", "encode=250"},
       "tracebench assert: --max-region: region 'encode': bad duration '250': expected a number with a unit, e.g. "
       "500ms, 30s, 1m" + hint},
      {{"--max-region", "encode:p95=1ms"},
       "tracebench assert: --max-region: bad region limit 'encode:p95=1ms': statistic 'p95' is not offered; "
       "expected max, p99 or p50" + hint},
      {{"--max-bytes-per-s", "5XB"},
       "tracebench assert: --max-bytes-per-s: bad size '5XB': expected a number of bytes with an optional unit, "
       "e.g. 4096, 64KiB, 16MiB" + hint},
      {{"--max-events-per-s", "lots"},
       "tracebench assert: --max-events-per-s: bad number 'lots': expected a non-negative number, e.g. 500, 20k, "
       "1.5M" + hint},
      {{"--max-goroutine-creates-per-s", "5x"},
       "tracebench assert: --max-goroutine-creates-per-s: bad number '5x': expected a non-negative number, e.g. "
       "500, 20k, 1.5M" + hint},
      {{"--max-goroutines", "5"},
       "tracebench assert: unknown assertion '--max-goroutines': expected one of --max-region, "
       "--max-goroutine-creates-per-s, --max-bytes-per-s, --max-events-per-s" + hint},
      // Prefixes are not guessed: each would have been taken silently for a longer flag.
      {{"--max-bytes", "5MiB"},
       "tracebench assert: unknown assertion '--max-bytes': expected one of --max-region, "
       "--max-goroutine-creates-per-s, --max-bytes-per-s, --max-events-per-s" + hint},
      {{"--max-reg", "encode=1ms"},
       "tracebench assert: unknown assertion '--max-reg': expected one of --max-region, "
       "--max-goroutine-creates-per-s, --max-bytes-per-s, --max-events-per-s" + hint},
      {{"--max-events-per-s", "1", "--strict"}, "tracebench assert: unrecognised option '--strict'" + hint},
      {{"--strict-regions"},
       "tracebench assert: nothing to assert: expected at least one of --max-region, "
       "--max-goroutine-creates-per-s, --max-bytes-per-s, --max-events-per-s" + hint},
  };
  for (const auto& c : cases) {
    auto r = assert_trace(trace, c.args);
    EXPECT_EQ(r.exit_code, 1) << c.err;
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "");
  }
  auto r = run_process({kTracebench, "assert", "--max-events-per-s", "1"}, 30);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tracebench assert: expected one trace file, got 0" + hint);
}

TEST(Assert, UnreadableOrNonTraceFileExitsOne) {
  auto r = assert_trace("/nonexistent/trace.out", {"--max-events-per-s", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "/nonexistent/trace.out")) << r.err;
  EXPECT_TRUE(has(r.err, "No such file or directory")) << r.err;

  const std::string dir = fresh_dir("notatrace");
  std::ofstream(dir + "/notes.txt") << "this is not a trace\n";
  r = assert_trace(dir + "/notes.txt", {"--max-events-per-s", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "tracebench assert: " + dir + "/notes.txt: byte offset 0: expected a Go execution trace "
                         "header"))
      << r.err;
}

TEST(Assert, HelpListsAssertionsAndExitCodes) {
  auto r = run_process({kTracebench, "assert", "--help"}, 30);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--max-region", "NAME[:STAT]=DURATION", "--max-goroutine-creates-per-s", "--max-bytes-per-s",
                           "--max-events-per-s", "--strict-regions", "--junit", "exit: 0"})
    EXPECT_TRUE(has(r.out, flag)) << flag;
}

}  // namespace
}  // namespace tracebench
