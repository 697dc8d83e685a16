#include "cli/run_summary.h"

#include <fmt/core.h>

#include <cmath>

#include "cli/units.h"

namespace tracebench::cli {
namespace {

using experiment::Metric;

std::string value(Metric m, double v) {
  if (!std::isfinite(v)) return "-";
  switch (m) {
    case Metric::kThroughput: return fmt::format("{:.0f} req/s", v);
    case Metric::kTargetCpuPerRequest: return fmt::format("{:.2f} µs/req", v);
    default: return format_duration_ns(static_cast<std::int64_t>(v));
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
  std::string out = fmt::format(
      "plan: {} rounds ({} per mode: {}) of {:.2f}s measured after {:.2f}s settling, randomized balanced order "
      "(seed {}), {:.1f}s warm-up first; about {:.0f}s in all\n",
      run.plan.size(), c.rounds_per_mode, modes, phase_s, settle_s, c.seed, static_cast<double>(c.warmup_ns) / 1e9,
      total_s);
  out += fmt::format("load: {} {} {}, {}, {} connections\n", c.load.target.display(), c.load.request.method,
                     c.load.request.path,
                     c.load.open_loop ? fmt::format("open loop at {:.0f} req/s", c.load.open_loop->rate_rps)
                                      : std::string("closed loop"),
                     c.load.connections);
  if (c.pprof) out += fmt::format("pprof: {}\n", c.pprof->display());
  if (c.agent) out += fmt::format("agent: {}\n", c.agent->display());
  out += run.target_pid ? fmt::format("target pid: {}\n", *run.target_pid) : std::string();
  for (const auto& s : run.skipped) out += fmt::format("skipping mode {}: {}\n", experiment::to_string(s.mode), s.reason);
  return out;
}

std::string format_run_summary(const experiment::RunResult& run, const experiment::Analysis& a) {
  std::string out;
  auto it = std::back_inserter(out);
  if (!run.complete) fmt::format_to(it, "PARTIAL RESULT ({} of {} rounds): {}\n\n", run.rounds.size(), run.plan.size(), run.stop_reason);
  fmt::format_to(it, "{:<28}{:<16}{:>18}  {:<34}{}\n", "metric", "mode", "median", "95% CI", "vs off [95% CI], Holm p");
  for (std::size_t mi = 0; mi < std::size(experiment::kMetrics); ++mi) {
    const Metric m = experiment::kMetrics[mi];
    bool first = true;
    for (const auto& s : a.modes) {
      const auto& ms = s.metrics[mi];
      if (ms.median.n == 0) continue;
      std::string cmp;
      for (const auto& c : a.comparisons)
        if (c.mode == s.mode && c.metric == m) cmp = change_cell(c);
      fmt::format_to(it, "{:<28}{:<16}{:>18}  {:<34}{}\n", first ? std::string(experiment::metric_name(m)) : "",
                     experiment::to_string(s.mode), value(m, ms.median.estimate),
                     fmt::format("[{}, {}]", value(m, ms.median.low), value(m, ms.median.high)), cmp);
      first = false;
    }
  }
  bool any_trace = false;
  for (const auto& s : a.modes) {
    if (!s.trace_bytes) continue;
    if (!any_trace) fmt::format_to(it, "\ntrace data\n");
    any_trace = true;
    if (s.mode == experiment::Mode::kTrace) {
      fmt::format_to(it, "  {:<16}{} per capture, {}/s", experiment::to_string(s.mode),
                     format_size_bytes(static_cast<std::uint64_t>(s.trace_bytes->estimate)),
                     s.trace_bytes_per_s ? format_size_bytes(static_cast<std::uint64_t>(s.trace_bytes_per_s->estimate)) : "-");
      if (s.trace_bytes_per_s)
        fmt::format_to(it, " [{}/s, {}/s]", format_size_bytes(static_cast<std::uint64_t>(std::max(0.0, s.trace_bytes_per_s->low))),
                       format_size_bytes(static_cast<std::uint64_t>(std::max(0.0, s.trace_bytes_per_s->high))));
      if (s.trace_events_per_s) fmt::format_to(it, ", {:.0f} events/s", s.trace_events_per_s->estimate);
      fmt::format_to(it, "\n");
    } else {
      fmt::format_to(it, "  {:<16}snapshot {}, holds {:.2f}s of trace", experiment::to_string(s.mode),
                     format_size_bytes(static_cast<std::uint64_t>(s.trace_bytes->estimate)),
                     s.fr_window_s ? s.fr_window_s->estimate : 0.0);
      if (s.trace_bytes_per_s)
        fmt::format_to(it, ", {}/s", format_size_bytes(static_cast<std::uint64_t>(s.trace_bytes_per_s->estimate)));
      if (s.trace_events_per_s) fmt::format_to(it, ", {:.0f} events/s", s.trace_events_per_s->estimate);
      fmt::format_to(it, "\n");
    }
  }
  if (!a.noise_floor.empty()) {
    fmt::format_to(it, "\nnoise floor (off vs off, alternate rounds)\n");
    for (const auto& c : a.noise_floor)
      fmt::format_to(it, "  {:<26}{}\n", experiment::metric_name(c.metric), change_cell(c));
  }
  fmt::format_to(it, "\n\"~\": no significant change at alpha {} after Holm correction over {} comparisons.\n", a.alpha,
                 a.comparisons.size());
  return out;
}

}  // namespace tracebench::cli
