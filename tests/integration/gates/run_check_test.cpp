// The CI pipeline in miniature: `tracebench run` against the real demo server, then
// `tracebench check` on the result it wrote. The fixtures are hand-written; this keeps
// check honest about what run really writes. A short run on a shared machine can be
// marked invalid (too much generator lag), so exit 3 is accepted beside 0; what must not
// happen is check failing to read the result (1), or budgets no tracer can exceed failing (4).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "subprocess.h"

namespace tracebench {
namespace {

using testing::ChildProcess;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RunThenCheck, CheckReadsWhatRunWrites) {
  ChildProcess server({DEMO_SERVER_BIN, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"});
  const std::string addr = server.wait_for_line("listening on ");
  const std::string debug_addr = server.wait_for_line("debug listening on ");
  const auto out = std::filesystem::path(::testing::TempDir()) / "tracebench-run-check";
  std::filesystem::remove_all(out);

  auto run = run_process({kTracebench, "run", "--target", addr, "--pprof", debug_addr, "--out", out.string(),
                          "--no-progress", "--duration", "1800ms", "--rounds", "6", "--warmup", "500ms", "--settle",
                          "100ms", "--connections", "4", "--fr-min-age", "1s", "--fr-max-bytes", "4MiB", "--rate", "max"},
                         240);
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 3) << run.out << run.err;

  const std::string junit = (out / "check.xml").string();
  // Changes are relative to the off median, so a bound can pass -100% on a noisy run, but not
  // a million percent.
  auto r = run_process({kTracebench, "check", out.string(), "--max-throughput-drop", "1000000%", "--max-p99-increase",
                        "1000000%", "--max-cpu-increase", "1000000%", "--junit", junit},
                       30);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(has(r.out, "mode      flightrecorder vs off (6 + 6 complete rounds)")) << r.out;
  for (const char* row : {"throughput drop", "p99 latency increase", "target CPU per request increase"})
    EXPECT_TRUE(has(r.out, row)) << row << "\n" << r.out;
  if (r.exit_code == 0) {
    EXPECT_TRUE(has(r.out, "result: PASS, 3 of 3 budgets met")) << r.out;
  } else {
    EXPECT_TRUE(has(r.out, "INVALID MEASUREMENT")) << r.out;
  }
  std::ifstream in(junit);
  std::stringstream xml;
  xml << in.rdbuf();
  EXPECT_TRUE(has(xml.str(), R"(<testsuite name="tracebench check")")) << xml.str();

  // The same result judged on the full capture, with a budget no tracer can meet on p99
  // unless it costs nothing: never exit 1.
  r = run_process({kTracebench, "check", out.string(), "--mode", "trace", "--max-p99-increase", "0%"}, 30);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3 || r.exit_code == 4) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "mode      trace vs off")) << r.out;
}

}  // namespace
}  // namespace tracebench
