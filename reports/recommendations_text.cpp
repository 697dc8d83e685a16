// The terminal form of sizing's "recommendations" (and "verification") object.

#include "reports/recommendations_text.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

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
using units::rate_text;
using units::seconds_minutes_text;
using units::signed_rate_text;
using units::signed_size_text;

namespace {

std::string source_text(const std::string& source) {
  if (source == "trace") return "trace rounds";
  if (source == "flightrecorder") return "flight-recorder snapshots";
  return "given rate";
}

}  // namespace

namespace {

double d(const json& j, const char* key, double fallback = 0) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

std::string pct(const json& v) {
  if (!v.is_number()) return "?";
  return units::percent_text(v.get<double>());
}

void format_verification(std::ostringstream& out, const json& v) {
  if (!v.is_object() || v.empty()) return;
  const double wanted = d(v, "window_s");
  out << fmt::format("\nverification of the {} window on the real runtime: {}\n", seconds_minutes_text(wanted),
                     v.value("status", "?"));
  if (v.contains("attempts") && field(v, "attempts").is_array()) {
    for (const auto& a : field(v, "attempts")) {
      out << fmt::format("  attempt {}: MinAge {} MaxBytes {}, snapshot after {} of load: holds {} ({}, {} "
                         "generations, {}){}\n",
                         a.value("attempt", 0), seconds_minutes_text(d(a, "min_age_s")),
                         binary_size_text(static_cast<std::uint64_t>(d(a, "max_bytes"))), seconds_minutes_text(d(a, "filled_s")),
                         field(a, "achieved_window_s").is_number() ? fmt::format("{:.2f} s", d(a, "achieved_window_s"))
                                                            : std::string("?"),
                         binary_size_text(static_cast<std::uint64_t>(d(a, "snapshot_bytes"))),
                         a.value("generations", 0), a.value("bound_text", std::string("?")),
                         a.value("reached", false) ? "" : "  SHORT");
      if (a.value("basis_exceeded", false) && field(a, "snapshot_bytes_per_s").is_number())
        out << fmt::format("    BASIS EXCEEDED: {} here, {:.1f}% above the {} the size rests on\n",
                           rate_text(d(a, "snapshot_bytes_per_s")),
                           (d(a, "snapshot_bytes_per_s") / d(v, "upper_bytes_per_s") - 1) * 100,
                           rate_text(d(v, "upper_bytes_per_s")));
      if (a.contains("rss_growth_bytes") && field(a, "rss_growth_bytes").is_number())
        out << fmt::format("    target RSS grew {} (expected live {}, up to {}){}\n",
                           signed_size_text(d(a, "rss_growth_bytes")),
                           binary_size_text(static_cast<std::uint64_t>(d(a, "expected_live_bytes"))),
                           binary_size_text(static_cast<std::uint64_t>(d(a, "expected_rss_high_bytes"))),
                           a.value("rss_exceeded", false) ? "  RSS EXCEEDED" : "");
    }
  }
  if (v.contains("reason") && field(v, "reason").is_string()) out << "  " << field(v, "reason").get<std::string>() << "\n";
  if (v.contains("go_runtime_trace") && field(v, "go_runtime_trace").is_string())
    out << "\n" << field(v, "go_runtime_trace").get<std::string>();
}

}  // namespace

std::string format_recommendations(const json& rec, const json& verification) {
  std::ostringstream out;
  if (!rec.is_object()) return {};
  out << "\nsizing\n";
  const json& rate = field(rec, "rate");
  if (rate.is_object()) {
    const std::string source = rate.value("source", "");
    if (source == "given") {
      out << fmt::format("  trace rate {} (given); sized for {} ({})\n", rate_text(d(rate, "median_bytes_per_s")),
                         rate_text(d(rate, "upper_bytes_per_s")), rate.value("upper_basis", ""));
    } else {
      out << fmt::format("  trace rate {} median over {} {}, highest {}", rate_text(d(rate, "median_bytes_per_s")),
                         rate.value("rounds", 0), source_text(source), rate_text(d(rate, "upper_bytes_per_s")));
      if (field(rate, "events_per_s").is_number()) out << fmt::format(", {:.0f}k events/s", d(rate, "events_per_s") / 1e3);
      out << "\n";
      // Which rate the sizes rest on, and the other one when the run had both.
      out << fmt::format("  sized for {}: {}\n", rate_text(d(rate, "upper_bytes_per_s")), rate.value("upper_basis", ""));
    }
  }
  const json& frs = field(rec, "flight_recorder");
  if (frs.is_array() && !frs.empty()) {
    out << "\n  flight recorder: MaxBytes = highest rate × (window + 1 generation), rounded up; MinAge = 2 × window\n";
    out << fmt::format("  {:<8} {:<8} {:>10} {:>9} {:>17} {:>12} {:>14}\n", "window", "MinAge", "MaxBytes",
                       "headroom", "window at median", "memory live", "RSS up to");
    for (const auto& f : frs)
      out << fmt::format("  {:<8} {:<8} {:>10} {:>8.2f}× {:>17} {:>12} {:>14}\n", seconds_minutes_text(d(f, "window_s")),
                         seconds_minutes_text(d(f, "min_age_s")), f.value("max_bytes_text", ""), d(f, "headroom"),
                         seconds_minutes_text(d(f, "window_at_median_s")),
                         binary_size_text(static_cast<std::uint64_t>(d(f, "expected_live_bytes"))),
                         binary_size_text(static_cast<std::uint64_t>(d(f, "expected_rss_high_bytes"))));
    // One ready-to-paste block: the verified window, else 10 s, else the first.
    const double want = verification.is_object() && verification.contains("window_s") ? d(verification, "window_s")
                        : frs.size() == 1                                              ? d(frs[0], "window_s")
                                                                                       : 10.0;
    const json* pick = &frs[0];
    for (const auto& f : frs)
      if (std::fabs(d(f, "window_s") - want) < 1e-9) pick = &f;
    out << "\n" << pick->value("go_runtime_trace", "") << "\n" << pick->value("go_x_exp", "");
    out << fmt::format("\n  agent: POST /debug/tracebench/flightrecorder/{}\n", pick->value("agent_start", ""));
  }
  const json& mem = field(rec, "memory");
  if (mem.is_object()) {
    out << "  memory: " << mem.value("formula", "") << "\n";
    if (field(mem, "measured").is_object()) {
      const json& m = field(mem, "measured");
      out << fmt::format("  measured in this run: RSS median {} with the recorder on vs {} off ({:+.1f} MiB; "
                         "a round's ring held at most {})\n",
                         binary_size_text(static_cast<std::uint64_t>(d(m, "flightrecorder_rss_median_bytes"))),
                         binary_size_text(static_cast<std::uint64_t>(d(m, "off_rss_median_bytes"))),
                         d(m, "delta_bytes") / (1 << 20), seconds_minutes_text(d(m, "round_held_s")));
    }
  }
  const json& caps = field(rec, "capture_windows");
  if (caps.is_array() && !caps.empty()) {
    std::vector<std::string> tools;
    for (const auto& s : field(rec, "parse_speeds")) tools.push_back(s.value("tool", ""));
    out << "\n  capture (/debug/pprof/trace?seconds=N) for a file budget\n";
    std::string header = fmt::format("  {:<9} {:>8} {:>22}", "budget", "seconds", "file (median .. most)");
    for (const auto& t : tools) header += fmt::format(" {:>16}", "open: " + t);
    out << header << "\n";
    bool any_extrapolated = false;
    for (const auto& c : caps) {
      if (d(c, "seconds") <= 0) {
        out << fmt::format("  {:<9} {:>8}   0.1 s already exceeds it at the highest rate\n",
                           decimal_size_text(d(c, "budget_bytes")), "-");
        continue;
      }
      std::string line = fmt::format("  {:<9} {:>8} {:>22}", decimal_size_text(d(c, "budget_bytes")),
                                     fmt::format("{:g}", d(c, "seconds")),
                                     decimal_size_text(d(c, "expected_bytes")) + " .. " +
                                         decimal_size_text(d(c, "upper_bytes")));
      for (const auto& t : tools) {
        std::string cell = "-";
        for (const auto& o : field(c, "open"))
          if (o.value("tool", "") == t)
          {
            cell = seconds_minutes_text(d(o, "expected_seconds")) + (o.value("extrapolated", false) ? "*" : "");
            any_extrapolated = any_extrapolated || o.value("extrapolated", false);
          }
        line += fmt::format(" {:>16}", cell);
      }
      out << line << "\n";
    }
    for (const auto& s : field(rec, "parse_speeds")) {
      out << fmt::format("  {} parses {:.0f} MB/s", s.value("tool", ""), d(s, "mb_per_s"));
      if (field(s, "file_bytes").is_number())
        out << fmt::format(" (measured on {}, {})", decimal_size_text(d(s, "file_bytes")),
                           field(s, "seconds").is_number() ? seconds_minutes_text(d(s, "seconds")) : std::string("?"));
      else if (field(s, "basis").is_string())
        out << " (" << field(s, "basis").get<std::string>() << ")";
      out << "\n";
    }
    if (any_extrapolated) out << "  * extrapolated linearly from a file under half that size\n";
  }
  const json& ov = field(rec, "overhead");
  if (ov.is_object() && field(ov, "modes").is_array() && !field(ov, "modes").empty()) {
    if (field(ov, "budget_pct").is_number())
      out << fmt::format("\n  overhead against a {:g}% budget (judged on the 95% CI of each change against off):\n",
                         d(ov, "budget_pct"));
    else
      out << "\n  overhead (cost against off, 95% CI; pass --budget 2% for a verdict):\n";
    for (const auto& m : field(ov, "modes")) {
      std::string line = fmt::format("  {:<15} {:<13}", m.value("mode", ""),
                                     field(m, "verdict").is_string() ? field(m, "verdict").get<std::string>() : std::string());
      for (const auto& x : field(m, "metrics")) {
        if (!x.value("judged", false)) continue;
        line += fmt::format(" {} {} [{}, {}]", metric_label(x.value("metric", "")), pct(field(x, "cost_pct")),
                            pct(field(x, "cost_low_pct")), pct(field(x, "cost_high_pct")));
      }
      out << line << "\n";
    }
    out << "  (cost: throughput drop, latency and CPU-per-request rise, in %)\n";
    for (const auto& n : field(ov, "notes")) out << "  note: " << n.get<std::string>() << "\n";
  }
  if (rec.contains("missing"))
    for (const auto& m : field(rec, "missing")) out << "  not computed: " << m.get<std::string>() << "\n";
  if (rec.contains("notes"))
    for (const auto& n : field(rec, "notes")) out << "  note: " << n.get<std::string>() << "\n";
  for (const auto& w : field(rec, "warnings"))
    if (w.is_string()) out << "  warning: " << w.get<std::string>() << "\n";
  format_verification(out, verification);
  return out.str();
}

}  // namespace tracebench::reports
