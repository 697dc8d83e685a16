#include "stats/graph_procedure.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

// Reference values: tests/unit/stats/graph_procedure_reference.py, which computes each
// adjusted p-value from the closed test of weighted Bonferroni tests the graph stands for
// (every intersection of hypotheses), not by the sequential shortcut graph_adjust runs.

namespace tracebench::stats {
namespace {

TestGraph holm_graph(std::size_t m) {
  TestGraph g{std::vector<double>(m, 1.0 / static_cast<double>(m)), std::vector<std::vector<double>>(m, std::vector<double>(m))};
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t k = 0; k < m; ++k)
      if (i != k) g.transitions[i][k] = 1.0 / static_cast<double>(m - 1);
  return g;
}

// As the reference script's gatekeeper(): overhead rows first (Holm among them), the CPU row
// passing half on to the breakdown rows, which start at 0 and pass to each other.
TestGraph gatekeeper(std::size_t overhead, std::size_t breakdown, std::size_t cpu) {
  const std::size_t m = overhead + breakdown;
  TestGraph g{std::vector<double>(m, 0.0), std::vector<std::vector<double>>(m, std::vector<double>(m))};
  for (std::size_t i = 0; i < overhead; ++i) {
    g.weights[i] = 1.0 / static_cast<double>(overhead);
    const double others = static_cast<double>(overhead - 1);
    for (std::size_t k = 0; k < overhead; ++k)
      if (k != i) g.transitions[i][k] = i == cpu ? 0.5 / others : 1.0 / others;
    if (i == cpu)
      for (std::size_t k = overhead; k < m; ++k) g.transitions[i][k] = 0.5 / static_cast<double>(breakdown);
  }
  for (std::size_t i = overhead; i < m; ++i)
    for (std::size_t k = overhead; k < m; ++k)
      if (k != i) g.transitions[i][k] = 1.0 / static_cast<double>(breakdown - 1);
  return g;
}

void expect_adjusted(const std::vector<double>& p, const TestGraph& g, const std::vector<double>& want) {
  const std::vector<double> got = graph_adjust(p, g);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << "hypothesis " << i;
}

TEST(GraphAdjust, TheCompleteGraphWithEqualWeightsIsHolm) {
  // [reference] "holm graph": the closed test and Holm's step-down agree.
  expect_adjusted({0.01, 0.04, 0.03, 0.005, 0.5, 0.2}, holm_graph(6), {0.05, 0.12, 0.12, 0.03, 0.5, 0.4});
}

TEST(GraphAdjust, MatchesTheClosedTestWhenTheGateOpens) {
  // [reference] "gatekeeper, the CPU row rejected".
  expect_adjusted({0.3, 0.02, 0.04, 0.5, 0.001, 0.004, 0.03, 0.6}, gatekeeper(5, 3, 4),
                  {0.73333333333333328, 0.088888888888888892, 0.13777777777777778, 0.73333333333333328,
                   0.0050000000000000001, 0.092999999999999999, 0.32999999999999996, 0.73333333333333328});
}

TEST(GraphAdjust, AHypothesisBehindAGateIsNeverBelowTheGate) {
  // [reference] "gatekeeper, the CPU row not rejected": breakdown p 0.0001, adjusted to the
  // CPU row's 0.6, because it is tested only once that row is rejected.
  expect_adjusted({0.3, 0.02, 0.04, 0.5, 0.2, 0.0001, 0.03, 0.6}, gatekeeper(5, 3, 4),
                  {0.73333333333333328, 0.099999999999999992, 0.16, 0.73333333333333328, 0.60000000000000009,
                   0.60000000000000009, 0.60000000000000009, 0.73333333333333328});
}

TEST(GraphAdjust, MatchesTheClosedTestWhenEverythingIsSmall) {
  // [reference] "gatekeeper, everything small".
  expect_adjusted({0.002, 0.004, 0.006, 0.008, 0.001, 0.003, 0.005, 0.007}, gatekeeper(5, 3, 4),
                  {0.0088888888888888889, 0.013777777777777778, 0.014666666666666666, 0.014666666666666666,
                   0.0050000000000000001, 0.014666666666666666, 0.014666666666666666, 0.014666666666666666});
}

TEST(GraphAdjust, AHypothesisNoWeightReachesIsNeverRejected) {
  TestGraph g{{0.5, 0.5, 0}, {{0, 1, 0}, {1, 0, 0}, {0, 0, 0}}};
  const auto got = graph_adjust({0.01, 0.02, 1e-9}, g);
  EXPECT_NEAR(got[0], 0.02, 1e-15);
  EXPECT_NEAR(got[1], 0.02, 1e-15);
  EXPECT_EQ(got[2], 1.0);
}

TEST(GraphAdjust, NanCountsAsOneAndEmptyIsEmpty) {
  EXPECT_TRUE(graph_adjust({}, TestGraph{}).empty());
  const auto got = graph_adjust({0.01, std::nan("")}, holm_graph(2));
  EXPECT_NEAR(got[0], 0.02, 1e-15);
  EXPECT_EQ(got[1], 1.0);
}

TEST(GraphAdjust, RejectsAMalformedGraphNamingTheEntry) {
  const auto message = [](const std::vector<double>& p, const TestGraph& g) {
    try {
      graph_adjust(p, g);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(message({0.1}, holm_graph(2)).find("2 weights"), std::string::npos);
  EXPECT_NE(message({0.1, 0.2}, TestGraph{{0.7, 0.7}, {{0, 1}, {1, 0}}}).find("weights add up to 1.4"), std::string::npos);
  EXPECT_NE(message({0.1, 0.2}, TestGraph{{0.5, -0.1}, {{0, 1}, {1, 0}}}).find("weight 1 is -0.1"), std::string::npos);
  EXPECT_NE(message({0.1, 0.2}, TestGraph{{0.5, 0.5}, {{0.5, 0.5}, {1, 0}}}).find("transition 0->0"), std::string::npos);
  EXPECT_NE(message({0.1, 0.2}, TestGraph{{0.5, 0.5}, {{0, 1.5}, {1, 0}}}).find("out of 0 add up to 1.5"), std::string::npos);
}

// The property the analysis relies on: under the complete null (an A/A run), the chance that
// the graph rejects anything at all is at most alpha, breakdown rows included. Independent
// uniform p-values are the worst case for Bonferroni-type tests of this kind.
TEST(GraphAdjust, RejectsAnythingInAtMostAlphaOfNullRuns) {
  const TestGraph g = gatekeeper(5, 6, 4);
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> u(0, 1);
  const int runs = 40000;
  int any = 0;
  for (int r = 0; r < runs; ++r) {
    std::vector<double> p(11);
    for (auto& x : p) x = u(rng);
    const auto adj = graph_adjust(p, g);
    for (double a : adj)
      if (a <= 0.05) {
        ++any;
        break;
      }
  }
  // Bonferroni over the 5 overhead rows gives 1 - 0.99^5 = 4.90% for independent p-values;
  // the breakdown adds nothing before the CPU row is rejected. 3 standard errors of slack.
  EXPECT_LT(static_cast<double>(any) / runs, 0.0490 + 3 * std::sqrt(0.049 * 0.951 / runs));
  EXPECT_GT(static_cast<double>(any) / runs, 0.0490 - 3 * std::sqrt(0.049 * 0.951 / runs));
}

}  // namespace
}  // namespace tracebench::stats
