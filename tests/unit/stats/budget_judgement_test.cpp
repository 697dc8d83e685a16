// The budget rule shared by tracebench check and the overhead verdict: the cost interval
// of a change interval, and the verdict of a cost interval against a budget.

#include "stats/budget_judgement.h"

#include <gtest/gtest.h>

namespace tracebench::stats {
namespace {

TEST(CostInterval, IsTheChangeForARiseAndItsNegationForADrop) {
  const CostInterval rise = cost_interval(CostDirection::kIncrease, 1.0, 3.0);
  EXPECT_DOUBLE_EQ(rise.low_pct, 1.0);
  EXPECT_DOUBLE_EQ(rise.high_pct, 3.0);
  const CostInterval drop = cost_interval(CostDirection::kDrop, -3.0, 1.0);
  EXPECT_DOUBLE_EQ(drop.low_pct, -1.0);
  EXPECT_DOUBLE_EQ(drop.high_pct, 3.0);
}

TEST(CostInterval, TakesTheBoundsInEitherOrder) {
  const CostInterval c = cost_interval(CostDirection::kIncrease, 3.0, 1.0);
  EXPECT_DOUBLE_EQ(c.low_pct, 1.0);
  EXPECT_DOUBLE_EQ(c.high_pct, 3.0);
}

TEST(JudgeCost, WithinOverOrStraddling) {
  EXPECT_EQ(judge_cost({0.5, 2.0}, 2.0), BudgetVerdict::kWithin);  // the high bound at the budget
  EXPECT_EQ(judge_cost({-1.0, 1.0}, 2.0), BudgetVerdict::kWithin);
  EXPECT_EQ(judge_cost({2.5, 4.0}, 2.0), BudgetVerdict::kOver);
  EXPECT_EQ(judge_cost({2.0, 4.0}, 2.0), BudgetVerdict::kInconclusive);  // the low bound at the budget
  EXPECT_EQ(judge_cost({1.0, 3.0}, 2.0), BudgetVerdict::kInconclusive);
}

TEST(JudgeCost, AThroughputDropAgainstItsBudget) {
  // Throughput -3% .. -1%: a cost of 1% .. 3%, over a 0.5% budget, within a 3% one.
  const CostInterval c = cost_interval(CostDirection::kDrop, -3.0, -1.0);
  EXPECT_EQ(judge_cost(c, 0.5), BudgetVerdict::kOver);
  EXPECT_EQ(judge_cost(c, 3.0), BudgetVerdict::kWithin);
  EXPECT_EQ(judge_cost(c, 2.0), BudgetVerdict::kInconclusive);
}

}  // namespace
}  // namespace tracebench::stats
