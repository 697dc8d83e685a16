#pragma once
// The verdict of each traced mode against an overhead budget, judged on the confidence
// bounds of the run's comparisons (comparisons[] of a tracebench.run/v1 result), never on
// the point estimate alone:
//
//   cost of a metric = its change against off in the costly direction (a throughput drop,
//   a latency or CPU-per-request rise), in percent, with the 95% CI of the change.
//   within:        the CI's worst end is at or under the budget
//   over:          even the CI's best end is above the budget
//   inconclusive:  the CI straddles the budget (more rounds narrow it), or has no bounds
// (the rule is stats/budget_judgement.h's, which tracebench check uses too).
//
// A mode is over if any judged metric is over, else inconclusive if any is, else within.
// Judged metrics: throughput_rps, target_cpu_us_per_request, latency_p50_ns,
// latency_p99_ns (p99.9 is reported but too noisy in short rounds to judge on).
// Pure, thread-safe.

#include <optional>

#include <nlohmann/json.hpp>

#include "result/run_result.h"

namespace tracebench::sizing {

// The "overhead" object of a recommendations document. Without a budget the costs and
// their bounds are listed and every verdict is null. The JSON form reads the document with
// result::read_run_result (throws result::FormatError for one it refuses).
nlohmann::json overhead_verdict(const result::RunResultView& run, std::optional<double> budget_pct);
nlohmann::json overhead_verdict(const nlohmann::json& run_result, std::optional<double> budget_pct);

}  // namespace tracebench::sizing
