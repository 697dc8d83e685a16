#include "gates/budget_check.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "gates/errors.h"
#include "result/run_result.h"
#include "units/whole_number.h"

namespace tracebench::gates {
namespace {

using nlohmann::json;

constexpr BudgetKind kKinds[] = {
    {"max-throughput-drop", "throughput_rps", Cost::kDrop, "throughput drop"},
    {"max-p50-increase", "latency_p50_ns", Cost::kIncrease, "p50 latency increase"},
    {"max-p99-increase", "latency_p99_ns", Cost::kIncrease, "p99 latency increase"},
    {"max-p999-increase", "latency_p999_ns", Cost::kIncrease, "p99.9 latency increase"},
    {"max-cpu-increase", "target_cpu_us_per_request", Cost::kIncrease, "target CPU per request increase"},
    {"max-gc-cpu-increase", "gc_cpu_us_per_request", Cost::kIncrease, "GC CPU per request increase"},
    {"max-sched-p99-increase", "sched_latency_p99_ns", Cost::kIncrease, "p99 scheduler latency increase"},
};

std::string mode_list(const result::RunResultView& run) {
  std::string out;
  for (const auto& m : run.modes) out += (out.empty() ? "" : ", ") + m.name;
  return out.empty() ? "none" : out;
}

std::string skip_reason(const result::RunResultView& run, std::string_view mode) {
  for (const auto& s : run.skipped_modes)
    if (s.mode == mode) return s.reason;
  return {};
}

std::string choose_mode(const result::RunResultView& run, const std::optional<std::string>& wanted) {
  if (wanted) {
    if (*wanted == "off")
      throw GateInputError("--mode off: off is the baseline every mode is compared against; expected trace or "
                           "flightrecorder");
    if (*wanted != "trace" && *wanted != "flightrecorder" && *wanted != "off2")
      throw GateInputError(fmt::format("--mode '{}': expected trace, flightrecorder or off2 (an A/A run)", *wanted));
    if (!run.mode(*wanted)) {
      const std::string why = skip_reason(run, *wanted);
      throw GateInputError(fmt::format("the result has no {} mode{} (modes in the result: {})", *wanted,
                                       why.empty() ? "" : fmt::format(": it was skipped: {}", why), mode_list(run)));
    }
    return *wanted;
  }
  if (run.mode("flightrecorder")) return "flightrecorder";
  if (run.mode("trace")) return "trace";
  throw GateInputError(fmt::format(
      "the result has neither a flightrecorder nor a trace mode to judge (modes in the result: {})", mode_list(run)));
}

// A round without a "complete" flag does not count here: only what run marked complete is judged.
bool marked_complete(const result::RoundView& r) { return r.complete.value_or(false); }

std::uint64_t complete_rounds(const result::RunResultView& run, const std::string& mode) {
  if (auto n = run.mode(mode)->rounds; n && *n >= 0) return units::uint64_saturated(*n);
  std::uint64_t n = 0;
  for (const auto& r : run.rounds)
    if (r.mode == mode && marked_complete(r)) ++n;
  return n;
}

void add_once(std::vector<std::string>& lines, std::string line) {
  if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(std::move(line));
}

std::string missing_reason(const result::RunResultView& run, const std::string& mode, const BudgetKind& kind) {
  if (kind.metric == "target_cpu_us_per_request") {
    const bool measured = run.mode(mode)->target_cpu_measured && run.mode("off")->target_cpu_measured;
    if (!measured)
      return fmt::format("{} was not measured: the target must run on this machine (tracebench run finds it by "
                         "its port, or give --target-pid), or carry the agent (--target-cpu agent, docs/agent.md)",
                         kind.metric);
  }
  if (kind.metric == "gc_cpu_us_per_request" || kind.metric == "sched_latency_p99_ns") {
    const auto* m = run.mode(mode);
    const auto* off = run.mode("off");
    const auto& iv = kind.metric == "gc_cpu_us_per_request" ? &result::ModeView::gc_cpu_us_per_request
                                                             : &result::ModeView::sched_latency_p99_ns;
    if (!(m->*iv).median || !(off->*iv).median)
      return fmt::format("{} was not measured: it comes from the agent's runtime metrics (mount the agent on the "
                         "target's debug mux, docs/agent.md)",
                         kind.metric);
  }
  return fmt::format("the result has no {} vs off comparison of {}", mode, kind.metric);
}

// The first kept round whose send lag p99 is over the limit `run` drops blocks by
// (load::disturbed_send_lag_limit_ns of the median complete round), in the words `run`
// uses, or "" when there is none.
std::string send_lag_reason(const result::RunResultView& run) {
  std::vector<double> lags;
  for (const auto& r : run.rounds)
    if (marked_complete(r) && r.send_lag_p99_ns) lags.push_back(*r.send_lag_p99_ns);
  if (lags.empty()) return {};
  std::sort(lags.begin(), lags.end());
  const std::size_t n = lags.size();
  const double typical = n % 2 == 1 ? lags[n / 2] : (lags[n / 2 - 1] + lags[n / 2]) / 2;
  const auto limit = static_cast<double>(load::disturbed_send_lag_limit_ns(static_cast<std::int64_t>(typical)));
  for (const auto& r : run.rounds) {
    // A dropped block's disturbed round was replaced by another block; it does not count.
    if (!marked_complete(r) || r.dropped) continue;
    if (!r.send_lag_p99_ns || *r.send_lag_p99_ns <= limit) continue;
    return fmt::format(
        "generator send lag p99 reached {:.2f} ms in round {} against the run's typical {:.2f} ms: the generator "
        "could not keep its schedule",
        *r.send_lag_p99_ns / 1e6,
        r.index && units::int64_or(*r.index, -1) >= 0 ? fmt::format("{}", units::int64_or(*r.index, -1) + 1) : std::string("?"), typical / 1e6);
  }
  return {};
}

// `interval` names what [low, high] is: the 95% CI of an older result, or the one-sided
// 95% bounds a blocked run writes.
std::string decide_reason(const BudgetKind& kind, double limit, double low, double high, Verdict v,
                          std::string_view what) {
  const std::string interval = fmt::format("{} [{}, {}]", what, format_pct(low), format_pct(high));
  const double edge = kind.cost == Cost::kDrop ? -limit : limit;
  switch (v) {
    case Verdict::kPass:
      return kind.cost == Cost::kDrop
                 ? fmt::format("{}: the low bound is at or above {}, within budget", interval, format_pct(edge))
                 : fmt::format("{}: the high bound is at or below {}, within budget", interval, format_pct(edge));
    case Verdict::kFail:
      return kind.cost == Cost::kDrop
                 ? fmt::format("{}: even the high bound is below {}, over budget", interval, format_pct(edge))
                 : fmt::format("{}: even the low bound is above {}, over budget", interval, format_pct(edge));
    case Verdict::kInconclusive:
    case Verdict::kNotMeasured:
      break;
  }
  return fmt::format("{} straddles {}: these rounds cannot tell; more rounds narrow the interval", interval,
                     format_pct(edge));
}

// For an inconclusive budget: about how many clean blocks would settle it, if the estimate
// holds and the interval narrows as 1/sqrt(blocks).
std::string blocks_hint(const BudgetKind& kind, double limit, double delta, double low, double high, double n_blocks) {
  const double edge = kind.cost == Cost::kDrop ? -limit : limit;
  const double distance = std::abs(edge - delta);
  const double half_width = (high - low) / 2;
  if (n_blocks < 1 || !(half_width > 0)) return {};
  if (distance < half_width * 0.05)
    return fmt::format("; the estimate {} sits on the budget, so no number of blocks is sure to settle it",
                       format_pct(delta));
  const double ratio = half_width / distance;
  const double total = std::ceil(n_blocks * ratio * ratio);
  return fmt::format("; roughly {:.0f} more clean blocks ({:.0f} in all, `tracebench run --rounds {:.0f}` or a "
                     "finer --precision) would settle it if the estimate {} holds",
                     total - n_blocks, total, total, format_pct(delta));
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kInconclusive: return "inconclusive";
    case Verdict::kNotMeasured: return "not measured";
  }
  return "?";
}

std::span<const BudgetKind> budget_kinds() { return kKinds; }

const BudgetKind* find_budget_kind(std::string_view flag) {
  for (const auto& k : kKinds)
    if (k.flag == flag) return &k;
  return nullptr;
}

double parse_percent(std::string_view text) {
  std::string_view number = text;
  if (!number.empty() && number.back() == '%') number.remove_suffix(1);
  double value = 0;
  const bool digits_only = !number.empty() && std::all_of(number.begin(), number.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (!digits_only || ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(value))
    throw GateInputError(fmt::format("bad percentage '{}': expected a non-negative number with an optional %, "
                                     "e.g. 2% or 0.5",
                                     text));
  return value;
}

Verdict judge(Cost cost, double limit_pct, double ci_low_pct, double ci_high_pct) {
  switch (stats::judge_cost(stats::cost_interval(cost, ci_low_pct, ci_high_pct), limit_pct)) {
    case stats::BudgetVerdict::kWithin: return Verdict::kPass;
    case stats::BudgetVerdict::kOver: return Verdict::kFail;
    case stats::BudgetVerdict::kInconclusive: return Verdict::kInconclusive;
  }
  return Verdict::kInconclusive;
}

CheckReport check_result(const json& document, const CheckOptions& options) {
  result::RunResultView run;
  try {
    run = result::read_run_result(document);
  } catch (const result::FormatError& e) {
    throw GateInputError(e.what());
  }
  if (!run.complete) throw GateInputError("the result has no 'complete' flag (true or false)");
  if (!run.has_modes) throw GateInputError("the result has no 'modes' object");

  CheckReport report;
  report.mode = choose_mode(run, options.mode);
  if (!run.mode("off"))
    throw GateInputError(fmt::format("the result has no off mode to compare {} against (modes in the result: {})",
                                     report.mode, mode_list(run)));
  report.rounds_mode = complete_rounds(run, report.mode);
  report.rounds_off = complete_rounds(run, "off");
  report.warnings = run.warnings;

  if (!*run.complete) {
    const std::string& why = run.stop_reason;
    report.invalid_reasons.push_back(
        fmt::format("the run stopped early{}; the result is incomplete", why.empty() ? "" : ": " + why));
  }
  for (const auto& line : run.invalid_reasons) add_once(report.invalid_reasons, line);
  // The same words tracebench run uses, so a result it already marked is not told twice.
  for (const auto& [mode, n] : {std::pair{std::string("off"), report.rounds_off}, {report.mode, report.rounds_mode}})
    if (n < kMinRounds)
      add_once(report.invalid_reasons,
               fmt::format("mode {} has {} complete rounds; at least {} are needed for a 95% CI", mode, n, kMinRounds));
  // One lag line is enough, as in run; a result run already marked keeps its own.
  if (const std::string lag = send_lag_reason(run); !lag.empty() && !run.invalid_for_send_lag)
    report.invalid_reasons.push_back(lag);

  for (const Budget& b : options.budgets) {
    if (b.kind == nullptr) throw GateInputError("a budget names no metric");
    Judgement j;
    j.budget = b;
    const result::ComparisonView* c = run.comparison(report.mode, b.kind->metric);
    if (c == nullptr) {
      j.verdict = Verdict::kNotMeasured;
      j.reason = missing_reason(run, report.mode, *b.kind);
      report.judgements.push_back(std::move(j));
      continue;
    }
    j.delta_pct = c->delta_pct;
    j.ci_low_pct = c->ci_low_pct;
    j.ci_high_pct = c->ci_high_pct;
    if (!j.ci_low_pct || !j.ci_high_pct) {
      j.verdict = Verdict::kNotMeasured;
      j.reason = fmt::format("the {} vs off comparison of {} has no confidence interval ({}+{} rounds)",
                             report.mode, b.kind->metric, c->n_base.value_or(0), c->n_mode.value_or(0));
      report.judgements.push_back(std::move(j));
      continue;
    }
    // A blocked run states one-sided 95% bounds: the cost is at most the one and at least
    // the other, each with 95% confidence, which is what a budget asks. Older results have
    // only the two-sided interval.
    const auto& bound_low = c->bound_low_pct;
    const auto& bound_high = c->bound_high_pct;
    const bool one_sided = bound_low && bound_high;
    const double low = one_sided ? std::min(*bound_low, *bound_high) : std::min(*j.ci_low_pct, *j.ci_high_pct);
    const double high = one_sided ? std::max(*bound_low, *bound_high) : std::max(*j.ci_low_pct, *j.ci_high_pct);
    j.verdict = judge(b.kind->cost, b.limit_pct, low, high);
    j.reason = decide_reason(*b.kind, b.limit_pct, low, high, j.verdict,
                             one_sided ? "one-sided 95% bounds" : "95% CI");
    if (j.verdict == Verdict::kInconclusive && one_sided && j.delta_pct)
      j.reason += blocks_hint(*b.kind, b.limit_pct, *j.delta_pct, low, high, c->n_blocks.value_or(0));
    report.judgements.push_back(std::move(j));
  }
  return report;
}

InconclusivePolicy parse_inconclusive_policy(std::string_view text) {
  if (text == "pass") return InconclusivePolicy::kPass;
  if (text == "fail") return InconclusivePolicy::kFail;
  if (text == "inconclusive") return InconclusivePolicy::kInconclusive;
  throw GateInputError(fmt::format("'{}': expected pass, fail or inconclusive", text));
}

Verdict effective_verdict(Verdict v, InconclusivePolicy policy) {
  if (v != Verdict::kInconclusive) return v;  // a missing measurement is never a pass
  switch (policy) {
    case InconclusivePolicy::kPass: return Verdict::kPass;
    case InconclusivePolicy::kFail: return Verdict::kFail;
    case InconclusivePolicy::kInconclusive: break;
  }
  return Verdict::kInconclusive;
}

Outcome overall(const CheckReport& report, InconclusivePolicy policy) {
  // Bad input first, as for a result without the chosen mode: the gate as asked cannot be
  // evaluated on this result, whatever its other verdicts say.
  for (const auto& j : report.judgements)
    if (j.verdict == Verdict::kNotMeasured) return Outcome::kNotMeasured;
  if (!report.invalid_reasons.empty()) return Outcome::kInvalid;
  bool inconclusive = false;
  for (const auto& j : report.judgements) {
    const Verdict v = effective_verdict(j.verdict, policy);
    if (v == Verdict::kFail) return Outcome::kFail;
    inconclusive = inconclusive || v == Verdict::kInconclusive;
  }
  return inconclusive ? Outcome::kInconclusive : Outcome::kPass;
}

std::string not_measured_message(const Judgement& j) {
  return fmt::format("--{} cannot be judged: {}", j.budget.kind->flag, j.reason);
}

std::string format_pct(double pct) {
  // A bound of -1e-13 (float noise around no change, as real results hold) is 0%, not -0.00%.
  if (std::abs(pct) < 0.005) return "0%";
  return fmt::format("{:+.2f}%", pct);
}

}  // namespace tracebench::gates
