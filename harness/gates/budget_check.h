#pragma once
// `tracebench check`: overhead budgets judged on a run result (schema tracebench.run/v1,
// docs/run.md), on the confidence bounds of each comparison, never on the point estimate.
//
// A budget caps the cost of one mode against `off` on one metric, in % of the off median.
// With [low, high] the 95% CI of the change (positive = higher than off):
//
//   cost = increase (latency, CPU per request), budget B:
//     pass          high <= +B     the whole interval is within budget
//     fail          low  >  +B     even the most favourable bound is over budget
//   cost = drop (throughput), budget B:
//     pass          low  >= -B
//     fail          high <  -B
//   otherwise the interval straddles the budget: inconclusive (more rounds narrow it).
//
// A budget whose comparison is missing or has no interval (target CPU not measured, too
// few rounds) is not measured, with the reason: the result lacks the data the budget
// needs, which no --inconclusive policy turns into a pass or a fail (the command exits 1).
//
// The measurement is invalid when the run stopped early, when the result lists
// invalid_reasons, when the judged mode or off has fewer than kMinRounds complete rounds,
// or when a complete round's generator send lag p99 is above kMaxSendLagP99Ns: check
// finds the last two itself, so a result `run` did not mark is still caught.
//
// Errors: GateInputError when the input cannot be judged at all (not a run result, the
// chosen mode or `off` absent, a malformed percentage). A readable result whose
// measurement is invalid is not an error: CheckReport::invalid_reasons says why.
//
// Thread safety: pure functions over values.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "load/send_lag_limit.h"
#include "stats/budget_judgement.h"

namespace tracebench::gates {

inline constexpr std::uint64_t kMinRounds = 6;  // fewer cannot give a 95% CI on a median
using load::kMaxSendLagP99Ns;  // the send lag p99 past which a round is blurred (load/send_lag_limit.h)

enum class Verdict : std::uint8_t {
  kPass,
  kFail,
  kInconclusive,
  kNotMeasured,  // the result has no comparison, or one without an interval
};
// "pass", "fail", "inconclusive", "not measured"
std::string_view verdict_name(Verdict v);

// kIncrease: a higher value is the cost (latency, CPU per request); kDrop: a lower one
// (throughput).
using Cost = stats::CostDirection;

// One budget `check` knows: its flag (without dashes), the comparison metric it reads
// (comparisons[].metric) and words for output.
struct BudgetKind {
  std::string_view flag;    // "max-throughput-drop"
  std::string_view metric;  // "throughput_rps"
  Cost cost;
  std::string_view label;   // "throughput drop"
};

// Every budget, in display order: throughput drop, p50/p99/p99.9 increase, CPU increase.
std::span<const BudgetKind> budget_kinds();
// By flag name without the leading dashes; nullptr when unknown.
const BudgetKind* find_budget_kind(std::string_view flag);

struct Budget {
  const BudgetKind* kind = nullptr;  // points into budget_kinds()
  double limit_pct = 0;              // >= 0
};

// "2%", "2", "0.5%" -> 2, 2, 0.5. Throws GateInputError naming the text for anything
// else (empty, negative, not finite, trailing characters, "2 %").
double parse_percent(std::string_view text);

// The verdict for a change interval [ci_low_pct, ci_high_pct] against a budget (see the
// table above; the rule is stats/budget_judgement.h's). The bounds may come in either order.
Verdict judge(Cost cost, double limit_pct, double ci_low_pct, double ci_high_pct);

struct Judgement {
  Budget budget;
  std::optional<double> delta_pct;    // Hodges-Lehmann change vs off, as in the result
  std::optional<double> ci_low_pct;   // its 95% CI
  std::optional<double> ci_high_pct;
  Verdict verdict = Verdict::kNotMeasured;
  std::string reason;  // one line: the bound that decided, or why there is none
};

struct CheckOptions {
  std::vector<Budget> budgets;      // judged in this order
  std::optional<std::string> mode;  // default: flightrecorder if present, else trace
};

struct CheckReport {
  std::string mode;                 // the mode judged
  std::uint64_t rounds_mode = 0;    // complete rounds of that mode
  std::uint64_t rounds_off = 0;
  std::vector<std::string> invalid_reasons;  // non-empty: the measurement is invalid
  std::vector<std::string> warnings;         // the result's own warnings
  std::vector<Judgement> judgements;         // one per budget, in options order
};

// Judges every budget of options on result (a parsed result.json). Throws GateInputError
// when result is not a tracebench.run/v1 document, when the mode asked for (or, by
// default, both trace and flightrecorder) is absent, when `off` is absent, or when an
// option names no budget kind.
CheckReport check_result(const nlohmann::json& result, const CheckOptions& options);

// How an inconclusive budget counts (--inconclusive).
enum class InconclusivePolicy : std::uint8_t { kPass, kFail, kInconclusive };
// "pass", "fail", "inconclusive"; throws GateInputError otherwise.
InconclusivePolicy parse_inconclusive_policy(std::string_view text);

// A judgement's verdict once the policy is applied: only inconclusive changes; pass, fail
// and not measured are kept.
Verdict effective_verdict(Verdict v, InconclusivePolicy policy);

enum class Outcome : std::uint8_t { kPass, kFail, kInconclusive, kInvalid, kNotMeasured };
// Not measured when any budget is (the input lacks what was asked for, whatever else holds);
// else invalid when the measurement is; else fail when any effective verdict fails; else
// inconclusive when any is; else pass.
Outcome overall(const CheckReport& report, InconclusivePolicy policy);

// One line for a budget that is not measured, naming its flag and why:
// "--max-cpu-increase cannot be judged: target_cpu_us_per_request was not measured: ...".
std::string not_measured_message(const Judgement& j);

// "+1.5%" style text for a change in percent.
std::string format_pct(double pct);

}  // namespace tracebench::gates
