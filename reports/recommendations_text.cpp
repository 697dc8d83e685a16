// The terminal form of sizing's recommendations (and a window's verification).

#include "reports/recommendations_text.h"

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "reports/terminal_text.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"
#include "units/whole_number.h"

namespace tracebench::reports {

using result::RecommendationsView;
using result::VerificationView;
using terminal::count_text;
using terminal::metric_label;
using units::binary_size_text;
using units::decimal_size_text;
using units::rate_text;
using units::seconds_minutes_text;
using units::signed_size_text;

namespace {

std::string source_text(const std::string& source) {
  if (source == "trace") return "trace rounds";
  if (source == "flightrecorder") return "flight-recorder snapshots";
  return "given rate";
}

// These lines have always printed a missing figure as 0 (0 B, 0 s): kept so.
double or_zero(const std::optional<double>& v) { return v.value_or(0); }

std::string memory_text(const std::optional<double>& bytes) {
  return binary_size_text(units::uint64_saturated(or_zero(bytes)));
}

std::string pct(const std::optional<double>& v) { return v ? units::percent_text(*v) : "?"; }

void rate_lines(std::ostringstream& out, const result::SizingRateView& rate) {
  const std::string source = rate.source.value_or("");
  const std::string upper_basis = rate.upper_basis.value_or("");
  if (source == "given") {
    out << fmt::format("  trace rate {} (given); sized for {} ({})\n", rate_text(or_zero(rate.median_bytes_per_s)),
                       rate_text(or_zero(rate.upper_bytes_per_s)), upper_basis);
    return;
  }
  out << fmt::format("  trace rate {} median over {} {}, highest {}", rate_text(or_zero(rate.median_bytes_per_s)),
                     count_text(rate.rounds), source_text(source), rate_text(or_zero(rate.upper_bytes_per_s)));
  if (rate.events_per_s) out << fmt::format(", {:.0f}k events/s", *rate.events_per_s / 1e3);
  out << "\n";
  // Which rate the sizes rest on, and the other one when the run had both.
  out << fmt::format("  sized for {}: {}\n", rate_text(or_zero(rate.upper_bytes_per_s)), upper_basis);
}

void flight_recorder_lines(std::ostringstream& out, const std::vector<result::FlightRecorderSizeView>& frs,
                           const std::optional<VerificationView>& verification) {
  out << "\n  flight recorder: MaxBytes = highest rate × (window + 1 generation), rounded up; MinAge = 2 × window\n";
  out << fmt::format("  {:<8} {:<8} {:>10} {:>9} {:>17} {:>12} {:>14}\n", "window", "MinAge", "MaxBytes", "headroom",
                     "window at median", "memory live", "RSS up to");
  for (const auto& f : frs)
    out << fmt::format("  {:<8} {:<8} {:>10} {:>8.2f}× {:>17} {:>12} {:>14}\n", seconds_minutes_text(or_zero(f.window_s)),
                       seconds_minutes_text(or_zero(f.min_age_s)), f.max_bytes_text.value_or(""), or_zero(f.headroom),
                       seconds_minutes_text(or_zero(f.window_at_median_s)), memory_text(f.expected_live_bytes),
                       memory_text(f.expected_rss_high_bytes));
  // One ready-to-paste block: the verified window, else the only one, else 10 s, else the first.
  const double want = verification && verification->window_s ? *verification->window_s
                      : frs.size() == 1                       ? or_zero(frs[0].window_s)
                                                              : 10.0;
  const result::FlightRecorderSizeView* pick = &frs[0];
  for (const auto& f : frs)
    if (std::fabs(or_zero(f.window_s) - want) < 1e-9) pick = &f;
  out << "\n" << pick->go_runtime_trace << "\n" << pick->go_x_exp;
  out << fmt::format("\n  agent: POST /debug/tracebench/flightrecorder/{}\n", pick->agent_start);
}

void memory_lines(std::ostringstream& out, const result::MemoryView& mem) {
  out << "  memory: " << mem.formula << "\n";
  if (const auto& m = mem.measured)
    out << fmt::format("  measured in this run: RSS median {} with the recorder on vs {} off ({:+.1f} MiB; "
                       "a round's ring held at most {})\n",
                       memory_text(m->flightrecorder_rss_median_bytes), memory_text(m->off_rss_median_bytes),
                       or_zero(m->delta_bytes) / (1 << 20), seconds_minutes_text(or_zero(m->round_held_s)));
}

void capture_lines(std::ostringstream& out, const RecommendationsView& rec) {
  std::vector<std::string> tools;
  for (const auto& s : rec.parse_speeds) tools.push_back(s.tool.value_or(""));
  out << "\n  capture (/debug/pprof/trace?seconds=N) for a file budget\n";
  std::string header = fmt::format("  {:<9} {:>8} {:>22}", "budget", "seconds", "file (median .. most)");
  for (const auto& t : tools) header += fmt::format(" {:>16}", "open: " + t);
  out << header << "\n";
  bool any_extrapolated = false;
  for (const auto& c : rec.capture_windows) {
    if (or_zero(c.seconds) <= 0) {
      out << fmt::format("  {:<9} {:>8}   0.1 s already exceeds it at the highest rate\n",
                         decimal_size_text(or_zero(c.budget_bytes)), "-");
      continue;
    }
    std::string line = fmt::format("  {:<9} {:>8} {:>22}", decimal_size_text(or_zero(c.budget_bytes)),
                                   fmt::format("{:g}", *c.seconds),
                                   decimal_size_text(or_zero(c.expected_bytes)) + " .. " +
                                       decimal_size_text(or_zero(c.upper_bytes)));
    for (const auto& t : tools) {
      std::string cell = "-";
      for (const auto& o : c.open)
        if (o.tool == t) {
          cell = seconds_minutes_text(or_zero(o.expected_seconds)) + (o.extrapolated ? "*" : "");
          any_extrapolated = any_extrapolated || o.extrapolated;
        }
      line += fmt::format(" {:>16}", cell);
    }
    out << line << "\n";
  }
  for (const auto& s : rec.parse_speeds) {
    out << fmt::format("  {} parses {:.0f} MB/s", s.tool.value_or(""), or_zero(s.mb_per_s));
    if (s.file_bytes)
      out << fmt::format(" (measured on {}, {})", decimal_size_text(*s.file_bytes),
                         s.seconds ? seconds_minutes_text(*s.seconds) : std::string("?"));
    else if (s.basis)
      out << " (" << *s.basis << ")";
    out << "\n";
  }
  if (any_extrapolated) out << "  * extrapolated linearly from a file under half that size\n";
}

void overhead_lines(std::ostringstream& out, const result::OverheadBudgetView& ov) {
  if (ov.budget_pct)
    out << fmt::format("\n  overhead against a {:g}% budget (judged on the 95% CI of each change against off):\n",
                       *ov.budget_pct);
  else
    out << "\n  overhead (cost against off, 95% CI; pass --budget 2% for a verdict):\n";
  for (const auto& m : ov.modes) {
    std::string line = fmt::format("  {:<15} {:<13}", m.mode, m.verdict_text.value_or(""));
    for (const auto& x : m.metrics) {
      if (!x.judged) continue;
      line += fmt::format(" {} {} [{}, {}]", metric_label(x.metric), pct(x.cost_pct), pct(x.cost_low_pct),
                          pct(x.cost_high_pct));
    }
    out << line << "\n";
  }
  out << "  (cost: throughput drop, latency and CPU-per-request rise, in %)\n";
  for (const auto& n : ov.notes) out << "  note: " << n << "\n";
}

void verification_lines(std::ostringstream& out, const VerificationView& v) {
  out << fmt::format("\nverification of the {} window on the real runtime: {}\n", seconds_minutes_text(or_zero(v.window_s)),
                     v.status_text.value_or("?"));
  for (const auto& a : v.attempts) {
    out << fmt::format("  attempt {}: MinAge {} MaxBytes {}, snapshot after {} of load: holds {} ({}, {} "
                       "generations, {}){}\n",
                       count_text(a.attempt), seconds_minutes_text(or_zero(a.min_age_s)), memory_text(a.max_bytes),
                       seconds_minutes_text(or_zero(a.filled_s)),
                       a.achieved_window_s ? fmt::format("{:.2f} s", *a.achieved_window_s) : std::string("?"),
                       memory_text(a.snapshot_bytes), count_text(a.generations), a.bound_text.value_or("?"),
                       a.reached ? "" : "  SHORT");
    if (a.basis_exceeded && a.snapshot_bytes_per_s)
      out << fmt::format("    BASIS EXCEEDED: {} here, {:.1f}% above the {} the size rests on\n",
                         rate_text(*a.snapshot_bytes_per_s),
                         (*a.snapshot_bytes_per_s / or_zero(v.upper_bytes_per_s) - 1) * 100,
                         rate_text(or_zero(v.upper_bytes_per_s)));
    if (a.rss_growth_bytes)
      out << fmt::format("    target RSS grew {} (expected live {}, up to {}){}\n", signed_size_text(*a.rss_growth_bytes),
                         memory_text(a.expected_live_bytes), memory_text(a.expected_rss_high_bytes),
                         a.rss_exceeded ? "  RSS EXCEEDED" : "");
  }
  if (v.reason) out << "  " << *v.reason << "\n";
  if (!v.go_runtime_trace.empty()) out << "\n" << v.go_runtime_trace;
}

}  // namespace

std::string format_recommendations(const RecommendationsView& rec, const std::optional<VerificationView>& verification) {
  std::ostringstream out;
  out << "\nsizing\n";
  if (rec.rate) rate_lines(out, *rec.rate);
  if (!rec.flight_recorder.empty()) flight_recorder_lines(out, rec.flight_recorder, verification);
  if (rec.memory) memory_lines(out, *rec.memory);
  if (!rec.capture_windows.empty()) capture_lines(out, rec);
  if (rec.overhead && !rec.overhead->modes.empty()) overhead_lines(out, *rec.overhead);
  for (const auto& m : rec.missing) out << "  not computed: " << m << "\n";
  for (const auto& n : rec.notes) out << "  note: " << n << "\n";
  for (const auto& w : rec.warnings) out << "  warning: " << w << "\n";
  if (verification) verification_lines(out, *verification);
  return out.str();
}

}  // namespace tracebench::reports
