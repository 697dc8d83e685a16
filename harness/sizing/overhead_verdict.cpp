#include "sizing/overhead_verdict.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "result/verdicts.h"
#include "sizing/result_rates.h"
#include "stats/budget_judgement.h"

namespace tracebench::sizing {
namespace {

using nlohmann::json;

constexpr const char* kJudged[] = {"throughput_rps", "target_cpu_us_per_request", "latency_p50_ns",
                                   "latency_p99_ns"};

bool judged(const std::string& metric) {
  return std::find(std::begin(kJudged), std::end(kJudged), metric) != std::end(kJudged);
}

// How wide the off-vs-off change is for this metric: the machine's resolution.
std::optional<double> noise_floor_pct(const result::RunResultView& run, const std::string& metric) {
  for (const auto& row : run.noise_floor) {
    if (row.metric != metric) continue;
    if (row.ci_low_pct && row.ci_high_pct) return std::max(std::fabs(*row.ci_low_pct), std::fabs(*row.ci_high_pct));
  }
  return std::nullopt;
}

}  // namespace

json overhead_verdict(const result::RunResultView& run, std::optional<double> budget_pct) {
  json out = {{"budget_pct", budget_pct ? json(*budget_pct) : json(nullptr)},
              {"judged_metrics", json(std::vector<std::string>(std::begin(kJudged), std::end(kJudged)))},
              {"modes", json::array()},
              {"notes", json::array()}};
  const auto& comparisons = run.comparisons;
  if (comparisons.empty()) {
    out["notes"].push_back("the result has no comparisons against off (the run had one mode, or too few rounds)");
    return out;
  }
  std::vector<std::string> modes;
  for (const auto& row : comparisons) {
    const std::string& mode = row.mode;
    if (!mode.empty() && std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
  }
  std::vector<std::string> finer_than_noise;
  for (const auto& mode : modes) {
    json m = {{"mode", mode}, {"metrics", json::array()}};
    int over = 0, inconclusive = 0, within = 0;
    for (const auto& row : comparisons) {
      if (row.mode != mode) continue;
      const std::string& metric = row.metric;
      const stats::CostDirection direction =
          metric == "throughput_rps" ? stats::CostDirection::kDrop : stats::CostDirection::kIncrease;
      const auto delta = row.delta_pct, lo = row.ci_low_pct, hi = row.ci_high_pct;
      json mj = {{"metric", metric},
                 {"delta_pct", delta ? json(*delta) : json(nullptr)},
                 {"ci_low_pct", lo ? json(*lo) : json(nullptr)},
                 {"ci_high_pct", hi ? json(*hi) : json(nullptr)},
                 {"significant", row.significant},
                 {"judged", judged(metric)}};
      // The cost is the change in the costly direction; its CI flips for throughput.
      std::optional<double> cost;
      std::optional<stats::CostInterval> cost_ci;
      if (delta) cost = direction == stats::CostDirection::kDrop ? -*delta : *delta;
      if (lo && hi) cost_ci = stats::cost_interval(direction, *lo, *hi);
      mj["cost_pct"] = cost ? json(*cost) : json(nullptr);
      mj["cost_low_pct"] = cost_ci ? json(cost_ci->low_pct) : json(nullptr);
      mj["cost_high_pct"] = cost_ci ? json(cost_ci->high_pct) : json(nullptr);
      const auto noise = noise_floor_pct(run, metric);
      mj["noise_floor_pct"] = noise ? json(*noise) : json(nullptr);
      json verdict = nullptr;
      if (budget_pct && judged(metric)) {
        switch (cost_ci ? stats::judge_cost(*cost_ci, *budget_pct) : stats::BudgetVerdict::kInconclusive) {
          case stats::BudgetVerdict::kWithin:
            verdict = to_string(result::BudgetVerdict::kWithin);
            ++within;
            break;
          case stats::BudgetVerdict::kOver:
            verdict = to_string(result::BudgetVerdict::kOver);
            ++over;
            break;
          case stats::BudgetVerdict::kInconclusive:
            verdict = to_string(result::BudgetVerdict::kInconclusive);
            ++inconclusive;
            break;
        }
        if (noise && *noise > *budget_pct &&
            std::find(finer_than_noise.begin(), finer_than_noise.end(), metric) == finer_than_noise.end())
          finer_than_noise.push_back(metric);
      }
      mj["verdict"] = verdict;
      m["metrics"].push_back(mj);
    }
    json verdict = nullptr;
    if (budget_pct && over + inconclusive + within > 0)
      verdict = to_string(over           ? result::BudgetVerdict::kOver
                        : inconclusive ? result::BudgetVerdict::kInconclusive
                                       : result::BudgetVerdict::kWithin);
    m["verdict"] = verdict;
    out["modes"].push_back(m);
  }
  if (!finer_than_noise.empty()) {
    std::string list;
    for (const auto& metric : finer_than_noise) list += (list.empty() ? "" : ", ") + metric;
    out["notes"].push_back(fmt::format("the {}% budget is finer than this run's noise floor (off against off moves "
                                       "more than that) on {}: more rounds or a quieter machine narrow it",
                                       *budget_pct, list));
  }
  return out;
}

json overhead_verdict(const json& document, std::optional<double> budget_pct) {
  return overhead_verdict(result::read_run_result(document), budget_pct);
}

}  // namespace tracebench::sizing
