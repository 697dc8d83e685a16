// The terminal form of a sweep document (tracebench.sweep/v1).

#include "reports/sweep_text.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "reports/terminal_fields.h"
#include "sizing/result_rates.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports {

using nlohmann::json;
using terminal::field;
using terminal::metric_label;
using units::binary_size_text;
using units::decimal_size_text;
using units::percent_text;
using units::rate_text;
using units::seconds_minutes_text;
using units::signed_rate_text;
using units::signed_size_text;
using sizing::number_at;

namespace {

double num(const json& j, std::initializer_list<const char*> path, double fallback = NAN) {
  std::vector<std::string> p(path.begin(), path.end());
  return number_at(j, p).value_or(fallback);
}

std::string delta_of(const json& level, const std::string& mode, const std::string& metric) {
  for (const auto& c : field(level, "comparisons"))
    if (c.value("mode", "") == mode && c.value("metric", "") == metric && field(c, "delta_pct").is_number())
      return percent_text(field(c, "delta_pct").get<double>()) + (c.value("significant", false) ? "" : "~");
  return "-";
}

}  // namespace

std::string format_sweep(const json& sweep) {
  std::ostringstream out;
  const json& levels = field(sweep, "levels");
  out << fmt::format("\nsweep over {} ({} levels)\n", field(sweep, "config").value("axis", ""), levels.size());
  out << fmt::format("  {:<16} {:<12} {:>10} {:>12} {:>13} {:>14} {:>14}\n", "level", "status", "off req/s",
                     "trace rate", "trace cpu/req", "fr cpu/req", "trace thrpt");
  for (const auto& l : levels) {
    const std::string axis = l.value("axis", "");
    const double level = num(l, {"level"});
    const std::string status = l.value("status", "");
    const double rate = num(l, {"trace_bytes_per_s", "median"});
    const double off = num(l, {"modes", "off", "throughput_rps"});
    out << fmt::format("  {:<16} {:<12} {:>10} {:>12} {:>13} {:>14} {:>14}\n",
                       axis == "rate_rps" ? fmt::format("{:g} req/s", level) : fmt::format("{:g} conns", level), status,
                       std::isnan(off) ? "-" : fmt::format("{:.0f}", off),
                       std::isnan(rate) ? "-" : rate_text(rate),
                       l.contains("comparisons") ? delta_of(l, "trace", "target_cpu_us_per_request") : "-",
                       l.contains("comparisons") ? delta_of(l, "flightrecorder", "target_cpu_us_per_request") : "-",
                       l.contains("comparisons") ? delta_of(l, "trace", "throughput_rps") : "-");
    if (field(l, "reason").is_string()) out << "    " << field(l, "reason").get<std::string>() << "\n";
    if (l.contains("invalid_reasons"))
      for (const auto& r : field(l, "invalid_reasons")) out << "    marked invalid: " << r.get<std::string>() << "\n";
  }
  out << "  (~: not significant at this level)\n";
  const json& m = field(sweep, "model");
  if (m.is_object()) {
    if (field(m, "bytes_per_s").is_object()) {
      const json& f = field(m, "bytes_per_s");
      out << fmt::format("\n  model: trace bytes/s = {} + {:.0f} B × req/s   (R² {:.3f}, {} levels, {:.0f} to {:.0f} "
                         "req/s)\n",
                         signed_rate_text(num(f, {"intercept"})), num(f, {"slope"}), num(f, {"r2"}),
                         f.value("n", 0), num(f, {"x_min"}), num(f, {"x_max"}));
      out << fmt::format("         idle rate (intercept) {}, {:.0f} bytes of trace per request\n",
                         signed_rate_text(num(f, {"intercept"})), num(f, {"slope"}));
    }
    // An open-loop sweep fixes throughput at the rate: its "change" says nothing there.
    const bool open_loop = field(sweep, "config").value("axis", "") == "rate_rps";
    for (const auto& o : field(m, "overhead")) {
      const std::string metric = o.value("metric", "");
      if (metric != "target_cpu_us_per_request" && metric != "throughput_rps" && metric != "latency_p99_ns") continue;
      if (o.contains("error") || (open_loop && metric == "throughput_rps")) continue;
      out << fmt::format("  model: {} {} change = {:+.2f}% at no load, {:+.2f} points per 1000 req/s more   (R² {:.3f})\n",
                         o.value("mode", ""), metric_label(metric), num(o, {"intercept"}), 1000 * num(o, {"slope"}),
                         num(o, {"r2"}));
    }
    for (const auto& n : field(m, "notes")) out << "  note: " << n.get<std::string>() << "\n";
    const json& p = field(m, "prediction");
    if (p.is_object()) {
      out << fmt::format("\n  at {:g} req/s{}:\n", num(p, {"production_rate_rps"}),
                         p.value("extrapolated", false) ? " (EXTRAPOLATED)" : "");
      if (field(p, "extrapolation").is_string()) out << "  " << field(p, "extrapolation").get<std::string>() << "\n";
      if (!field(p, "bytes_per_s").is_object()) out << "  no prediction of bytes/s: there is no model\n";
      if (field(p, "bytes_per_s").is_object()) {
        const json& b = field(p, "bytes_per_s");
        out << fmt::format("  trace bytes/s {}", rate_text(num(b, {"estimate"})));
        if (field(b, "pi_low").is_number())
          out << fmt::format(" (95% prediction interval {} .. {})", rate_text(std::max(0.0, num(b, {"pi_low"}))),
                             rate_text(num(b, {"pi_high"})));
        out << "\n";
      }
      for (const auto& f : field(p, "flight_recorder"))
        out << fmt::format("  window {:<6} MinAge {:<6} MaxBytes {:>9}  (memory live {}, RSS up to {})\n",
                           seconds_minutes_text(num(f, {"window_s"})), seconds_minutes_text(num(f, {"min_age_s"})),
                           f.value("max_bytes_text", ""),
                           binary_size_text(static_cast<std::uint64_t>(num(f, {"expected_live_bytes"}, 0))),
                           binary_size_text(static_cast<std::uint64_t>(num(f, {"expected_rss_high_bytes"}, 0))));
      for (const auto& c : field(p, "capture_windows"))
        if (num(c, {"seconds"}, 0) > 0)
          out << fmt::format("  capture for {}: ?seconds={:g}\n", decimal_size_text(num(c, {"budget_bytes"})),
                             num(c, {"seconds"}));
      for (const auto& o : field(p, "overhead")) {
        const std::string metric = o.value("metric", "");
        if (metric != "target_cpu_us_per_request" && metric != "throughput_rps" && metric != "latency_p99_ns") continue;
        if (open_loop && metric == "throughput_rps") continue;
        out << fmt::format("  {} {} change {}", o.value("mode", ""), metric_label(metric), percent_text(num(o, {"estimate"})));
        if (field(o, "pi_low").is_number())
          out << fmt::format(" (95% prediction interval {} .. {})", percent_text(num(o, {"pi_low"})),
                             percent_text(num(o, {"pi_high"})));
        out << (o.value("extrapolated", false) ? " extrapolated" : "") << "\n";
      }
      for (const auto& n : field(p, "notes")) out << "  note: " << n.get<std::string>() << "\n";
    }
  }
  if (field(sweep, "stop_reason").is_string()) out << "\nstopped early: " << field(sweep, "stop_reason").get<std::string>() << "\n";
  return out.str();
}

}  // namespace tracebench::reports
