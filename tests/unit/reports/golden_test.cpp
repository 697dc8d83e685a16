// Golden tests of the text and Markdown reports: every line of the output against
// tests/golden/reports/<fixture>.<txt|md>, numbers as {{N}} wildcards. To remake a golden file
// after a deliberate change: TRACEBENCH_UPDATE_GOLDEN=1 ./reports_test --gtest_filter='Golden*'
// and read the diff before committing it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "golden_match.h"
#include "reports/plots.h"
#include "reports/render.h"

namespace tracebench::reports {
namespace {

const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;
const std::string kGolden = TRACEBENCH_REPORT_GOLDEN;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Plots as the Markdown links them after `run` drew them, without running gnuplot.
PlotSet linked_plots(const nlohmann::json& result) {
  PlotSet set;
  for (const auto& spec : plot_specs(result)) set.images[spec.name] = PlotImage{"", "plots/" + spec.name + ".png"};
  return set;
}

void check(const std::string& fixture, Format format, const std::string& ext) {
  const nlohmann::json result = load_result(kFixtures + "/" + fixture + ".json");
  const std::string actual =
      render(result, format, format == Format::kMarkdown ? linked_plots(result) : PlotSet{}, fixture);
  const std::string golden_path = kGolden + "/" + fixture + "." + ext;
  if (const char* update = std::getenv("TRACEBENCH_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(golden_path, std::ios::binary) << testing::make_golden(actual);
    GTEST_SKIP() << "rewrote " << golden_path;
  }
  const std::string golden = read(golden_path);
  ASSERT_FALSE(golden.empty()) << "no golden file " << golden_path;
  const std::string diff = testing::match_golden(golden, actual);
  if (!diff.empty()) {
    const std::string out = ::testing::TempDir() + "/" + fixture + "." + ext;
    std::ofstream(out, std::ios::binary) << actual;
    FAIL() << golden_path << ": " << diff << "\n(the whole output is in " << out << ")";
  }
}

TEST(GoldenText, FullRun) { check("run_full", Format::kText, "txt"); }
TEST(GoldenText, BareRun) { check("run_bare", Format::kText, "txt"); }
TEST(GoldenText, PartialRun) { check("run_partial", Format::kText, "txt"); }
TEST(GoldenMarkdown, FullRun) { check("run_full", Format::kMarkdown, "md"); }
TEST(GoldenMarkdown, BareRun) { check("run_bare", Format::kMarkdown, "md"); }
TEST(GoldenMarkdown, PartialRun) { check("run_partial", Format::kMarkdown, "md"); }
TEST(GoldenText, FullSweep) { check("sweep_full", Format::kText, "txt"); }
TEST(GoldenText, ClosedLoopSweep) { check("sweep_closed", Format::kText, "txt"); }
TEST(GoldenText, PartialSweep) { check("sweep_partial", Format::kText, "txt"); }
TEST(GoldenMarkdown, FullSweep) { check("sweep_full", Format::kMarkdown, "md"); }
TEST(GoldenMarkdown, ClosedLoopSweep) { check("sweep_closed", Format::kMarkdown, "md"); }
TEST(GoldenMarkdown, PartialSweep) { check("sweep_partial", Format::kMarkdown, "md"); }

TEST(GoldenMatch, NumbersAreWildcardsAndEverythingElseIsLiteral) {
  EXPECT_EQ(testing::match_golden("p99 {{N}} ms [{{N}}%, {{N}}%]\n", "p99 8.66 ms [-18.0%, +48.9%]\n"), "");
  EXPECT_NE(testing::match_golden("p99 {{N}} ms\n", "p99 8.66 µs\n"), "");
  EXPECT_NE(testing::match_golden("a\nb\n", "a\n"), "");
  EXPECT_NE(testing::match_golden("a\n", "a\nb\n"), "");
  EXPECT_EQ(testing::match_golden("x {{*}} y\n", "x anything (at all) y\n"), "");
  EXPECT_EQ(testing::make_golden("p99 8.66 ms at 127.0.0.1:39253, 3s, -4.5%, 95% CI, 6 rounds, 276k, 1500\n"),
            "p99 {{N}} ms at {{N}}.0.1:{{N}}, 3s, {{N}}%, 95% CI, 6 rounds, {{N}}k, {{N}}\n");
  const std::string diff = testing::match_golden("one\ntwo {{N}}\n", "one\ntwo x\n");
  EXPECT_NE(diff.find("line 2 differs"), std::string::npos) << diff;
}

}  // namespace
}  // namespace tracebench::reports
