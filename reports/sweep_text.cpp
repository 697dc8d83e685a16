// The terminal form of a sweep (tracebench.sweep/v1).

#include "reports/sweep_text.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "reports/terminal_text.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"
#include "units/whole_number.h"

namespace tracebench::reports {

using result::SweepView;
using terminal::count_text;
using terminal::metric_label;
using units::binary_size_text;
using units::decimal_size_text;
using units::percent_text;
using units::rate_text;
using units::seconds_minutes_text;
using units::signed_rate_text;

namespace {

// These lines have always printed a missing figure as NaN ("nan", or "-" where the
// formatter says so): kept so.
double or_nan(const std::optional<double>& v) { return v.value_or(NAN); }

std::string delta_of(const result::SweepLevelView& level, const std::string& mode, const std::string& metric) {
  for (const auto& c : level.comparisons)
    if (c.mode == mode && c.metric == metric && c.delta_pct)
      return percent_text(*c.delta_pct) + (c.significant ? "" : "~");
  return "-";
}

// The metrics the terminal summary shows of the model; the report shows them all.
bool summarized(const std::string& metric) {
  return metric == "target_cpu_us_per_request" || metric == "throughput_rps" || metric == "latency_p99_ns";
}

void level_lines(std::ostringstream& out, const SweepView& sweep) {
  out << fmt::format("  {:<16} {:<12} {:>10} {:>12} {:>13} {:>14} {:>14}\n", "level", "status", "off req/s",
                     "trace rate", "trace cpu/req", "fr cpu/req", "trace thrpt");
  for (const auto& l : sweep.levels) {
    const double level = or_nan(l.level);
    const result::LevelModeView* off = l.mode("off");
    const std::string off_rps =
        off && off->throughput_rps ? fmt::format("{:.0f}", *off->throughput_rps) : std::string("-");
    const auto& rate = l.trace_bytes_per_s;
    out << fmt::format("  {:<16} {:<12} {:>10} {:>12} {:>13} {:>14} {:>14}\n",
                       l.axis == "rate_rps" ? fmt::format("{:g} req/s", level) : fmt::format("{:g} conns", level),
                       l.status_text.value_or(""), off_rps, rate && rate->median ? rate_text(*rate->median) : "-",
                       delta_of(l, "trace", "target_cpu_us_per_request"),
                       delta_of(l, "flightrecorder", "target_cpu_us_per_request"),
                       delta_of(l, "trace", "throughput_rps"));
    if (l.reason) out << "    " << *l.reason << "\n";
    for (const auto& r : l.invalid_reasons) out << "    marked invalid: " << r << "\n";
  }
  out << "  (~: not significant at this level)\n";
}

void prediction_lines(std::ostringstream& out, const result::PredictionView& p, bool open_loop) {
  out << fmt::format("\n  at {:g} req/s{}:\n", or_nan(p.production_rate_rps), p.extrapolated ? " (EXTRAPOLATED)" : "");
  if (!p.extrapolation.empty()) out << "  " << p.extrapolation << "\n";
  if (const auto& b = p.bytes_per_s) {
    out << fmt::format("  trace bytes/s {}", rate_text(or_nan(b->estimate)));
    if (b->pi_low)
      out << fmt::format(" (95% prediction interval {} .. {})", rate_text(std::max(0.0, *b->pi_low)),
                         rate_text(or_nan(b->pi_high)));
    out << "\n";
  } else {
    out << "  no prediction of bytes/s: there is no model\n";
  }
  for (const auto& f : p.flight_recorder)
    out << fmt::format("  window {:<6} MinAge {:<6} MaxBytes {:>9}  (memory live {}, RSS up to {})\n",
                       seconds_minutes_text(or_nan(f.window_s)), seconds_minutes_text(or_nan(f.min_age_s)),
                       f.max_bytes_text.value_or(""),
                       binary_size_text(units::uint64_saturated(f.expected_live_bytes.value_or(0))),
                       binary_size_text(units::uint64_saturated(f.expected_rss_high_bytes.value_or(0))));
  for (const auto& c : p.capture_windows)
    if (c.seconds.value_or(0) > 0)
      out << fmt::format("  capture for {}: ?seconds={:g}\n", decimal_size_text(or_nan(c.budget_bytes)), *c.seconds);
  for (const auto& o : p.overhead) {
    if (!summarized(o.metric) || (open_loop && o.metric == "throughput_rps")) continue;
    out << fmt::format("  {} {} change {}", o.mode, metric_label(o.metric), percent_text(or_nan(o.change_pct.estimate)));
    if (o.change_pct.pi_low)
      out << fmt::format(" (95% prediction interval {} .. {})", percent_text(*o.change_pct.pi_low),
                         percent_text(or_nan(o.change_pct.pi_high)));
    out << (o.extrapolated ? " extrapolated" : "") << "\n";
  }
  for (const auto& n : p.notes) out << "  note: " << n << "\n";
}

void model_lines(std::ostringstream& out, const result::SweepModelView& m, bool open_loop) {
  if (const auto& f = m.bytes_per_s) {
    out << fmt::format("\n  model: trace bytes/s = {} + {:.0f} B × req/s   (R² {:.3f}, {} levels, {:.0f} to {:.0f} "
                       "req/s)\n",
                       signed_rate_text(or_nan(f->intercept)), or_nan(f->slope), or_nan(f->r2), count_text(f->n),
                       or_nan(f->x_min), or_nan(f->x_max));
    out << fmt::format("         idle rate (intercept) {}, {:.0f} bytes of trace per request\n",
                       signed_rate_text(or_nan(f->intercept)), or_nan(f->slope));
  }
  for (const auto& o : m.overhead) {
    if (!summarized(o.metric) || !o.error.empty() || (open_loop && o.metric == "throughput_rps")) continue;
    out << fmt::format("  model: {} {} change = {:+.2f}% at no load, {:+.2f} points per 1000 req/s more   (R² {:.3f})\n",
                       o.mode, metric_label(o.metric), or_nan(o.fit.intercept), 1000 * or_nan(o.fit.slope),
                       or_nan(o.fit.r2));
  }
  for (const auto& n : m.notes) out << "  note: " << n << "\n";
  if (m.prediction) prediction_lines(out, *m.prediction, open_loop);
}

}  // namespace

std::string format_sweep(const SweepView& sweep) {
  std::ostringstream out;
  out << fmt::format("\nsweep over {} ({} levels)\n", sweep.config.axis, sweep.levels.size());
  level_lines(out, sweep);
  // An open-loop sweep fixes throughput at the rate: its "change" says nothing there.
  if (sweep.model) model_lines(out, *sweep.model, sweep.config.axis == "rate_rps");
  if (sweep.stop_reason) out << "\nstopped early: " << *sweep.stop_reason << "\n";
  return out.str();
}

}  // namespace tracebench::reports
