#pragma once
// The one rule for judging a cost against a budget on a confidence interval, never on the
// point estimate alone: `tracebench check` (gates/budget_check.h) and the recommendations'
// overhead verdict (sizing/overhead_verdict.h) both decide with it.
//
// A change interval [low, high] is in percent of the baseline, positive = higher than the
// baseline. The cost is that change in the costly direction: the change itself where a rise
// costs (latency, CPU per request), its negation where a drop does (throughput). Against a
// budget B, in percent:
//
//   within        the cost's high bound <= B   the whole interval is within budget
//   over          the cost's low bound  >  B   even the most favourable bound is over
//   inconclusive  otherwise: the interval straddles B (more rounds narrow it)
//
// Pure functions, thread-safe.

#include <cstdint>

namespace tracebench::stats {

enum class CostDirection : std::uint8_t {
  kIncrease,  // a higher value is the cost (latency, CPU per request)
  kDrop,      // a lower value is the cost (throughput)
};

enum class BudgetVerdict : std::uint8_t { kWithin, kOver, kInconclusive };

// A cost interval in percent, low <= high.
struct CostInterval {
  double low_pct = 0;
  double high_pct = 0;
};

// The cost interval of a change interval; the bounds may come in either order.
CostInterval cost_interval(CostDirection direction, double change_low_pct, double change_high_pct);

// The verdict of a cost interval against budget_pct (see the table above).
BudgetVerdict judge_cost(const CostInterval& cost, double budget_pct);

}  // namespace tracebench::stats
