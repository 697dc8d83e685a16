// The terminal summaries of `size` / `run` (recommendations_text.h) and `sweep`
// (sweep_text.h), read through the typed views: a figure the views read as absent prints "?"
// or "-", and a document of the wrong shape prints what it can instead of throwing. Their
// full text is pinned by tests/unit/sizing and the integration tests.

#include <gtest/gtest.h>

#include <string>

#include "reports/recommendations_text.h"
#include "reports/sweep_text.h"
#include "result/recommendations.h"
#include "result/sweep_result.h"

namespace tracebench::reports {
namespace {

using nlohmann::json;
constexpr auto npos = std::string::npos;

TEST(TerminalText, AbsentFiguresOfTheRecommendationsPrintAQuestionMark) {
  const json recs = json::parse(R"({
    "overhead": {"budget_pct": 2, "modes": [{"mode": "trace", "verdict": "inconclusive",
                 "metrics": [{"metric": "latency_p99_ns", "judged": true, "cost_pct": 1.5, "cost_low_pct": "low"},
                             {"metric": "throughput_rps", "judged": false, "cost_pct": 9}]}]},
    "warnings": ["mind the memory", 5]})");
  const json run = json::parse(R"({"verification": {"status": 3, "attempts": [{"attempt": 2, "generations": 1.9}, 7]}})");
  const std::string text =
      format_recommendations(result::read_recommendations_object(recs), result::read_verification(run));
  EXPECT_NE(text.find("\n  trace           inconclusive  p99 +1.5% [?, ?]\n"), npos) << text;
  EXPECT_NE(text.find("  warning: mind the memory\n"), npos) << text;
  EXPECT_NE(text.find("window on the real runtime: ?\n"), npos) << text;
  EXPECT_NE(text.find("  attempt 2: "), npos) << text;
  EXPECT_NE(text.find("holds ? (0 B, 1 generations, ?)  SHORT\n"), npos) << text;
  EXPECT_NE(text.find("  attempt 0: "), npos) << "an attempt that is not an object reads as all absent\n" << text;
}

TEST(TerminalText, AnEmptyRecommendationsObjectIsTheHeadingAlone) {
  EXPECT_EQ(format_recommendations(result::read_recommendations_object(json::object())), "\nsizing\n");
}

TEST(TerminalText, AnIllShapedSweepPrintsWhatItCan) {
  const json sweep = json::parse(R"({
    "levels": [{"level": 100, "axis": "rate_rps", "status": 5, "comparisons": {"a": 1},
                "invalid_reasons": ["lost rounds", 2]}, 3],
    "model": {"overhead": [{"mode": "trace", "metric": "throughput_rps", "error": "too few"}],
              "prediction": {"production_rate_rps": 500, "bytes_per_s": "none"}}})");
  std::string text;
  ASSERT_NO_THROW(text = format_sweep(result::read_sweep(sweep)));
  EXPECT_NE(text.find("sweep over  (1 levels)\n"), npos) << text;
  EXPECT_NE(text.find("\n  100 req/s                              -            -             -              -"
                      "              -\n    marked invalid: lost rounds\n"),
            npos)
      << text;
  EXPECT_EQ(text.find("model: trace"), npos) << text;
  EXPECT_NE(text.find("  at 500 req/s:\n  no prediction of bytes/s: there is no model\n"), npos) << text;
}

}  // namespace
}  // namespace tracebench::reports
