#include "cli/run_summary.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "load/load_result.h"
#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::cli {
namespace {

using units::binary_size_text;
using units::compact_duration_text;

using experiment::Metric;

std::string value(Metric m, double v) {
  if (!std::isfinite(v)) return "-";
  switch (m) {
    case Metric::kThroughput: return fmt::format("{:.0f} req/s", v);
    case Metric::kTargetCpuPerRequest:
    case Metric::kUserCpuPerRequest:
    case Metric::kGcCpuPerRequest:
    case Metric::kScavengeCpuPerRequest: return fmt::format("{:.2f} µs/req", v);
    case Metric::kGcCyclesPer1kRequests: return fmt::format("{:.3f} /1k req", v);
    default: return compact_duration_text(static_cast<std::int64_t>(v));
  }
}

std::string pct(double v) { return std::isfinite(v) ? fmt::format("{:+.2f}%", v) : std::string("-"); }

std::string change_cell(const experiment::ComparisonRow& c) {
  if (!c.significant)
    return fmt::format("~ ({} [{}, {}], p={:.3f})", pct(c.change.delta_pct), pct(c.change.ci_low_pct),
                       pct(c.change.ci_high_pct), c.p_adjusted);
  return fmt::format("{} [{}, {}] p={:.3f}", pct(c.change.delta_pct), pct(c.change.ci_low_pct),
                     pct(c.change.ci_high_pct), c.p_adjusted);
}

}  // namespace

std::string format_plan(const experiment::RunResult& run) {
  const auto& c = run.config;
  const double phase_s = static_cast<double>(c.phase_ns()) / 1e9;
  const double settle_s = static_cast<double>(c.settle_ns) / 1e9;
  const double total_s = static_cast<double>(c.warmup_ns) / 1e9 + static_cast<double>(run.plan.size()) * (phase_s + settle_s + 0.4);
  std::string modes;
  for (const auto& [m, h] : run.latency_by_mode) modes += fmt::format("{}{}", modes.empty() ? "" : ", ", experiment::to_string(m));
  std::string out =
      c.precision
          ? fmt::format("plan: blocks of one round of each mode ({}) in random order (seed {}), each round {:.2f}s "
                        "measured after {:.2f}s settling, {:.1f}s warm-up first; at least {} blocks, then more until "
                        "the intervals are ±{}% or {:.0f}s have passed\n",
                        modes, c.seed, phase_s, settle_s, static_cast<double>(c.warmup_ns) / 1e9, c.rounds_per_mode,
                        c.precision->pct, static_cast<double>(c.precision->max_duration_ns) / 1e9)
          : fmt::format("plan: {} rounds ({} per mode: {}) of {:.2f}s measured after {:.2f}s settling, randomized "
                        "balanced order (seed {}), {:.1f}s warm-up first; about {:.0f}s in all\n",
                        run.plan.size(), c.rounds_per_mode, modes, phase_s, settle_s, c.seed,
                        static_cast<double>(c.warmup_ns) / 1e9, total_s);
  out += fmt::format("load: {} {} {}, {}, {} connections\n", c.load.target.display(), c.load.request.method,
                     c.load.request.path,
                     c.rate_share  ? fmt::format("open loop at {:.0f}% of the throughput the warm-up measures closed "
                                                 "loop",
                                                 *c.rate_share * 100)
                     : c.load.open_loop ? fmt::format("open loop at {:.0f} req/s", c.load.open_loop->rate_rps)
                                        : std::string("closed loop"),
                     c.load.connections);
  if (c.pprof) out += fmt::format("pprof: {}\n", c.pprof->display());
  if (c.agent) out += fmt::format("agent: {}\n", c.agent->display());
  out += run.target_pid ? fmt::format("target pid: {}\n", *run.target_pid) : std::string();
  for (const auto& s : run.skipped) out += fmt::format("skipping mode {}: {}\n", experiment::to_string(s.mode), s.reason);
  return out;
}

std::string format_design(const experiment::RunResult& run, const experiment::Analysis& a) {
  const auto& c = run.config;
  std::string out;
  if (run.capacity_rps && c.load.open_loop)
    out += fmt::format("load: open loop at {:.0f} req/s, {:.0f}% of the {:.0f} req/s the warm-up served closed loop\n",
                       c.load.open_loop->rate_rps, *c.rate_share * 100, *run.capacity_rps);
  out += fmt::format("design: {} clean block{} of {} rounds", a.clean_blocks, a.clean_blocks == 1 ? "" : "s",
                                run.modes.size());
  if (a.dropped_blocks > 0) out += fmt::format(" ({} dropped and run again)", a.dropped_blocks);
  out += fmt::format(", {:.0f}s in all; ", run.wall_s);
  const auto hw = experiment::widest_half_width_pct(a);
  const std::string reached = hw ? fmt::format("±{:.2f}%", *hw) : std::string("no interval yet");
  switch (run.stop_rule) {
    case experiment::StopRule::kPrecisionReached:
      out += fmt::format("precision reached: the widest interval is {} (goal ±{}%)", reached, c.precision->pct);
      break;
    case experiment::StopRule::kMaxDuration:
      out += fmt::format("stopped at --max-duration {:.0f}s before the goal: the widest interval is {} (goal ±{}%)",
                         static_cast<double>(c.precision->max_duration_ns) / 1e9, reached, c.precision->pct);
      if (const auto blind = experiment::widest_sign_blind_half_width_pct(a);
          hw && *hw <= c.precision->pct && blind && *blind > c.precision->pct)
        out += fmt::format("; the stop also waits for the sign-blind width (the interval with the blocks' signs "
                           "drawn at random), which was ±{:.2f}%: a real change reads as spread there",
                           *blind);
      else if (hw && a.clean_blocks > 0) {
        if (auto need = experiment::blocks_for_half_width(a.clean_blocks, *hw, c.precision->pct))
          out += fmt::format("; about {} clean blocks would reach it", *need);
        else
          out += "; more than a million clean blocks would reach it";
      }
      break;
    case experiment::StopRule::kBlocksDone:
      out += fmt::format("fixed length; the widest interval is {}", reached);
      break;
    case experiment::StopRule::kTooManyDisturbed:
      out += fmt::format("stopped: more than {} blocks were disturbed", c.max_dropped_blocks);
      break;
    case experiment::StopRule::kStopped:
      out += "stopped early";
      break;
  }
  out += " (throughput and CPU per request, each mode against off, 95%)\n";
  return out;
}

std::string format_cost_bounds(const experiment::Analysis& a) {
  std::string out;
  for (const auto& s : a.modes) {
    std::string line;
    for (const auto& c : a.comparisons) {
      // A cost is what the service pays; the breakdown says where it went, not another cost.
      if (c.mode != s.mode || experiment::in_breakdown(c.metric)) continue;
      const bool drop = experiment::higher_is_better(c.metric);
      const double bound = drop ? -c.bound_low_pct : c.bound_high_pct;
      if (!std::isfinite(bound)) continue;
      line += fmt::format("{}{} {} at most {:.2f}%", line.empty() ? "" : "; ", experiment::metric_name(c.metric),
                          drop ? "drops" : "rises", bound);
    }
    if (!line.empty()) out += fmt::format("  {:<16}{}\n", experiment::to_string(s.mode), line);
  }
  if (out.empty()) return out;
  return "\nthe largest cost the data allow (one-sided 95% bounds, inside blocks; negative: a gain at least that big)\n" +
         out;
}

// Errors during the rounds, by kind, as `load` counts them; "" when there were none.
std::string format_round_errors(const experiment::RunResult& run) {
  load::ErrorCounts total;
  std::uint64_t resent = 0;
  std::size_t rounds_with_errors = 0;
  for (const auto& r : run.rounds) {
    total.add(r.errors_by_kind);
    resent += r.resent;
    if (r.errors_by_kind.total()) ++rounds_with_errors;
  }
  if (total.total() == 0 && resent == 0) return {};
  std::string out = fmt::format("\nerrors: {} in {} of {} rounds", total.total(), rounds_with_errors, run.rounds.size());
  if (const std::string kinds = total.kinds_text(); !kinds.empty()) out += " (" + kinds + ")";
  if (resent) out += fmt::format("; {} requests resent after the server closed without saying so", resent);
  return out + " (docs/faults.md)\n";
}

std::string format_run_summary(const experiment::RunResult& run, const experiment::Analysis& a) {
  std::string out;
  auto it = std::back_inserter(out);
  if (!run.complete) fmt::format_to(it, "PARTIAL RESULT ({} of {} rounds): {}\n\n", run.rounds.size(), run.plan.size(), run.stop_reason);
  out += format_design(run, a);
  fmt::format_to(it, "{:<28}{:<16}{:>18}  {:<34}{}\n", "metric", "mode", "median", "95% CI", "vs off [95% CI], adjusted p");
  bool breakdown_heading = false;
  for (const Metric m : experiment::kAllMetrics) {
    if (experiment::in_breakdown(m) && !breakdown_heading &&
        std::any_of(a.modes.begin(), a.modes.end(), [m](const auto& s) {
          const experiment::MetricSummary* ms = s.metric(m);
          return ms && ms->median.n > 0;
        })) {
      fmt::format_to(it, "where the target's CPU went, from the agent (tested once a mode's CPU per request is found changed)\n");
      breakdown_heading = true;
    }
    bool first = true;
    for (const auto& s : a.modes) {
      const experiment::MetricSummary* found = s.metric(m);
      if (!found || found->median.n == 0) continue;
      const auto& ms = *found;
      std::string cmp;
      for (const auto& c : a.comparisons)
        if (c.mode == s.mode && c.metric == m) cmp = change_cell(c);
      fmt::format_to(it, "{:<28}{:<16}{:>18}  {:<34}{}\n", first ? std::string(experiment::metric_name(m)) : "",
                     experiment::to_string(s.mode), value(m, ms.median.estimate),
                     fmt::format("[{}, {}]", value(m, ms.median.low), value(m, ms.median.high)), cmp);
      first = false;
    }
  }
  out += format_round_errors(run);
  out += format_cost_bounds(a);
  // Resources beside the compared metrics: what the target held and what the generator cost.
  bool any_resource = false;
  for (const auto& s : a.modes) {
    if (!s.target_rss_bytes && !s.generator_cpu_us_per_request) continue;
    if (!any_resource) fmt::format_to(it, "\nresources (median [95% CI])\n");
    any_resource = true;
    fmt::format_to(it, "  {:<16}", experiment::to_string(s.mode));
    if (s.target_rss_bytes)
      fmt::format_to(it, "target RSS {} [{}, {}]", binary_size_text(static_cast<std::uint64_t>(s.target_rss_bytes->estimate)),
                     binary_size_text(static_cast<std::uint64_t>(std::max(0.0, s.target_rss_bytes->low))),
                     binary_size_text(static_cast<std::uint64_t>(std::max(0.0, s.target_rss_bytes->high))));
    if (s.target_rss_bytes && s.generator_cpu_us_per_request) fmt::format_to(it, "; ");
    if (s.generator_cpu_us_per_request)
      fmt::format_to(it, "generator {:.2f} µs/req [{:.2f}, {:.2f}]{}", s.generator_cpu_us_per_request->estimate,
                     s.generator_cpu_us_per_request->low, s.generator_cpu_us_per_request->high,
                     s.generator_core_share ? fmt::format(", {:.0f}% of a core", *s.generator_core_share * 100) : "");
    fmt::format_to(it, "\n");
  }
  bool any_trace = false;
  for (const auto& s : a.modes) {
    if (!s.trace_bytes) continue;
    if (!any_trace) fmt::format_to(it, "\ntrace data\n");
    any_trace = true;
    if (s.mode == experiment::Mode::kTrace) {
      fmt::format_to(it, "  {:<16}{} per capture, {}/s", experiment::to_string(s.mode),
                     binary_size_text(static_cast<std::uint64_t>(s.trace_bytes->estimate)),
                     s.trace_bytes_per_s ? binary_size_text(static_cast<std::uint64_t>(s.trace_bytes_per_s->estimate)) : "-");
      if (s.trace_bytes_per_s)
        fmt::format_to(it, " [{}/s, {}/s]", binary_size_text(static_cast<std::uint64_t>(std::max(0.0, s.trace_bytes_per_s->low))),
                       binary_size_text(static_cast<std::uint64_t>(std::max(0.0, s.trace_bytes_per_s->high))));
      if (s.trace_events_per_s) fmt::format_to(it, ", {:.0f} events/s", s.trace_events_per_s->estimate);
      fmt::format_to(it, "\n");
    } else {
      fmt::format_to(it, "  {:<16}snapshot {}, holds {:.2f}s of trace", experiment::to_string(s.mode),
                     binary_size_text(static_cast<std::uint64_t>(s.trace_bytes->estimate)),
                     s.fr_window_s ? s.fr_window_s->estimate : 0.0);
      if (s.trace_bytes_per_s)
        fmt::format_to(it, ", {}/s", binary_size_text(static_cast<std::uint64_t>(s.trace_bytes_per_s->estimate)));
      if (s.trace_events_per_s) fmt::format_to(it, ", {:.0f} events/s", s.trace_events_per_s->estimate);
      fmt::format_to(it, "\n");
    }
  }
  if (!a.noise_floor.empty()) {
    fmt::format_to(it, "\nnoise floor (A/A: off of each even block against off of the next)\n");
    for (const auto& c : a.noise_floor)
      fmt::format_to(it, "  {:<26}{}\n", experiment::metric_name(c.metric), change_cell(c));
  }
  const auto breakdown_rows = static_cast<std::size_t>(std::count_if(
      a.comparisons.begin(), a.comparisons.end(), [](const auto& c) { return experiment::in_breakdown(c.metric); }));
  fmt::format_to(it, "\n\"~\": no significant change at alpha {} after one multiple test over the run's {} comparisons{}.\n",
                 a.alpha, a.comparisons.size(),
                 breakdown_rows == 0 ? std::string()
                                     : fmt::format(" (Holm over the {} overhead ones; the {} of the breakdown gated on CPU "
                                                   "per request)",
                                                   a.comparisons.size() - breakdown_rows, breakdown_rows));
  // The interval is per comparison, the "~" is for the whole family: both can be right, and
  // when the table shows such a row, it says why.
  bool excludes_zero_yet_not_significant = false;
  for (const auto* rows : {&a.comparisons, &a.noise_floor})
    for (const auto& c : *rows)
      if (!c.significant && (c.change.ci_low_pct > 0 || c.change.ci_high_pct < 0))
        excludes_zero_yet_not_significant = true;
  if (excludes_zero_yet_not_significant)
    fmt::format_to(it,
                   "A 95% interval that excludes 0 beside \"~\" is no contradiction: the interval is for that one "
                   "comparison,\n\"~\" uses the p-value adjusted for all the comparisons made together "
                   "(docs/statistics.md).\n");
  return out;
}

}  // namespace tracebench::cli
