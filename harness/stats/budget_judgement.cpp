#include "stats/budget_judgement.h"

#include <algorithm>

namespace tracebench::stats {

CostInterval cost_interval(CostDirection direction, double change_low_pct, double change_high_pct) {
  const double low = std::min(change_low_pct, change_high_pct);
  const double high = std::max(change_low_pct, change_high_pct);
  if (direction == CostDirection::kDrop) return {-high, -low};
  return {low, high};
}

BudgetVerdict judge_cost(const CostInterval& cost, double budget_pct) {
  if (cost.high_pct <= budget_pct) return BudgetVerdict::kWithin;
  if (cost.low_pct > budget_pct) return BudgetVerdict::kOver;
  return BudgetVerdict::kInconclusive;
}

}  // namespace tracebench::stats
