#include "reports/run_report_builder.h"

#include <fmt/core.h>

#include <cmath>

#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"
#include "units/whole_number.h"

namespace tracebench::reports::run_report {

using units::binary_size_text;
using units::bytes_rate_text;
using units::decimal_size_text;
using units::or_dash;
using units::percent_text;
using units::seconds_text;

Section RunReportBuilder::sizing_section() {
  Section s{"sizing", "Sizing", {}};
  if (!recs_) {
    s.blocks.push_back(Callout{Tone::kWarn, "Not in this result",
                               "no \"recommendations\" object: the flight-recorder size, capture windows and the "
                               "overhead budget verdict were not computed (tracebench size RESULT computes them "
                               "from this result)"});
    add_plot(s, "flight_recorder");
    verification_blocks(s);
    return s;
  }
  if (const auto& rate = recs_->rate) {
    std::string line = fmt::format("{} median over {} rounds of {}, highest {} ({})",
                                   bytes_rate_text(rate->median_bytes_per_s.value_or(NAN)),
                                   units::int64_or(rate->rounds.value_or(0), 0), rate->source.value_or("?"),
                                   bytes_rate_text(rate->upper_bytes_per_s.value_or(NAN)),
                                   rate->upper_basis.value_or("upper bound"));
    s.blocks.push_back(Paragraph{"Trace rate sized from", line});
  }
  const auto& frs = recs_->flight_recorder;
  if (!frs.empty()) {
    s.blocks.push_back(Heading{"Flight recorder"});
    Table t;
    t.header = {"window", "MinAge", "MaxBytes", "headroom", "window at median rate", "memory live", "RSS up to"};
    t.align = "rrrrrrr";
    for (const auto& f : frs)
      t.rows.push_back({Cell(seconds_text(f.window_s.value_or(NAN))), Cell(seconds_text(f.min_age_s.value_or(NAN))),
                        Cell(f.max_bytes_text.value_or(binary_size_text(f.max_bytes.value_or(NAN)))),
                        Cell(or_dash(f.headroom, [](double v) { return fmt::format("{:.2f}×", v); })),
                        Cell(or_dash(f.window_at_median_s, seconds_text)),
                        Cell(or_dash(f.expected_live_bytes, binary_size_text)),
                        Cell(or_dash(f.expected_rss_high_bytes, binary_size_text))});
    t.note = recs_->headroom_rule;
    s.blocks.push_back(std::move(t));
    add_plot(s, "flight_recorder");
    if (const result::FlightRecorderSizeView* pick = pick_flight_recorder()) {
      if (const auto& code = pick->go_runtime_trace; !code.empty())
        s.blocks.push_back(
            CodeBlock{"go", fmt::format("the {} window in code", seconds_text(pick->window_s.value_or(NAN))), code});
      if (const auto& q = pick->agent_start; !q.empty())
        s.blocks.push_back(Paragraph{"Agent", "POST /debug/tracebench/flightrecorder/" + q});
    }
  } else {
    add_plot(s, "flight_recorder");
  }
  if (const auto& mem = recs_->memory) {
    s.blocks.push_back(Heading{"Memory"});
    if (!mem->formula.empty()) s.blocks.push_back(Paragraph{"Rule", mem->formula});
    if (const auto& m = mem->measured) {
      const double delta = m->delta_bytes.value_or(NAN);
      s.blocks.push_back(Paragraph{
          "Measured in this run",
          fmt::format("target RSS median {} with the flight recorder on against {} off ({}); a round's ring held at "
                      "most {}",
                      binary_size_text(m->flightrecorder_rss_median_bytes.value_or(NAN)),
                      binary_size_text(m->off_rss_median_bytes.value_or(NAN)),
                      m->delta_bytes.value_or(0) >= 0 ? "+" + binary_size_text(delta) : "-" + binary_size_text(-delta),
                      seconds_text(m->round_held_s.value_or(NAN)))});
    }
    if (!mem->notes.empty()) s.blocks.push_back(BulletList{mem->notes});
  }
  capture_blocks(s);
  budget_blocks(s);
  verification_blocks(s);
  std::vector<std::string> lines;
  for (const auto& m : recs_->missing) {
    lines.push_back("not computed: " + m);
    missing("sizing: " + m);
  }
  for (const auto& n : recs_->notes) lines.push_back("note: " + n);
  if (!lines.empty()) {
    s.blocks.push_back(Heading{"Notes"});
    s.blocks.push_back(BulletList{lines});
  }
  return s;
}

void RunReportBuilder::capture_blocks(Section& s) {
  const auto& caps = recs_->capture_windows;
  if (caps.empty()) return;
  s.blocks.push_back(Heading{"Capture window for a file budget"});
  std::vector<std::string> tools;
  for (const auto& p : recs_->parse_speeds)
    if (p.tool && !p.tool->empty()) tools.push_back(*p.tool);
  Table t;
  t.header = {"file budget", "seconds", "query", "file (median .. highest rate)"};
  t.align = "rrll";
  for (const auto& tool : tools) {
    t.header.push_back("open with " + tool);
    t.align += "r";
  }
  for (const auto& c : caps) {
    const double seconds = c.seconds.value_or(0);
    std::vector<Cell> row = {Cell(decimal_size_text(c.budget_bytes.value_or(NAN)))};
    if (seconds <= 0) {
      row.insert(row.end(), {Cell("-"), Cell("0.1 s already exceeds it at the highest rate"), Cell("")});
    } else {
      row.push_back(Cell(fmt::format("{:g}", seconds)));
      row.push_back(Cell(c.query.value_or("")));
      row.push_back(Cell(decimal_size_text(c.expected_bytes.value_or(NAN)) + " .. " +
                         decimal_size_text(c.upper_bytes.value_or(NAN))));
    }
    for (const auto& tool : tools) {
      std::string cell = "-";
      for (const auto& o : c.open)
        if (o.tool == tool) cell = seconds_text(o.expected_seconds.value_or(NAN)) + (o.extrapolated ? "*" : "");
      row.push_back(Cell(cell));
    }
    t.rows.push_back(std::move(row));
  }
  if (!tools.empty()) t.note = "* extrapolated linearly from a smaller file";
  s.blocks.push_back(std::move(t));
  std::vector<std::string> speeds;
  for (const auto& p : recs_->parse_speeds)
    speeds.push_back(fmt::format("{} parses {:.0f} MB/s{}", p.tool.value_or("?"), p.mb_per_s.value_or(NAN),
                                 p.basis && !p.basis->empty() ? " (" + *p.basis + ")" : ""));
  if (!speeds.empty()) s.blocks.push_back(BulletList{speeds});
}

void RunReportBuilder::budget_blocks(Section& s) {
  const auto& overhead = recs_->overhead;
  if (!overhead || overhead->modes.empty()) return;
  const auto budget = overhead->budget_pct;
  s.blocks.push_back(Heading{budget ? fmt::format("Overhead against a {:g}% budget", *budget)
                                    : std::string("Overhead cost (no budget given)")});
  Table t;
  t.header = {"mode", "metric", "cost", "95% CI", "noise floor", "verdict"};
  t.align = "llrlrl";
  for (const auto& m : overhead->modes) {
    bool first = true;
    for (const auto& x : m.metrics) {
      if (!x.judged) continue;
      const std::string verdict = x.verdict_text.value_or(budget ? "-" : "");
      t.rows.push_back({Cell(first ? m.mode : ""), Cell(metric_label(x.metric)), Cell(or_dash(x.cost_pct, percent_text)),
                        Cell(fmt::format("[{}, {}]", or_dash(x.cost_low_pct, percent_text),
                                         or_dash(x.cost_high_pct, percent_text))),
                        Cell(or_dash(x.noise_floor_pct, [](double v) { return fmt::format("±{:.1f}%", v); })),
                        Cell(verdict, budget_tone(x.verdict, Tone::kPlain))});
      first = false;
    }
  }
  t.note = "cost: throughput drop, latency and CPU-per-request rise; a budget is met only when the whole 95% "
           "interval lies below it (tracebench check gates on the same bounds)";
  s.blocks.push_back(std::move(t));
}

void RunReportBuilder::verification_blocks(Section& s) {
  s.blocks.push_back(Heading{"Verification on the real runtime"});
  if (!verification_) {
    s.blocks.push_back(Paragraph{"", "No verification in this result: tracebench run --verify-window 10s runs the "
                                     "flight recorder with the recommended size under load and reads the window a "
                                     "real snapshot holds."});
    missing("verification of a recommended flight-recorder size (tracebench run --verify-window W)");
    return;
  }
  const result::VerificationView& v = *verification_;
  const auto st = v.status;
  const Tone tone = st == result::VerificationStatus::kVerified  ? Tone::kGood
                    : st == result::VerificationStatus::kSkipped ? Tone::kWarn
                                                                 : Tone::kBad;
  s.blocks.push_back(Callout{tone, fmt::format("{} window: {}", seconds_text(v.window_s.value_or(NAN)), v.status_text.value_or("?")),
                             v.reason.value_or("no reason recorded")});
  if (!v.attempts.empty()) {
    Table t;
    t.header = {"attempt", "MinAge", "MaxBytes", "load for", "window held", "snapshot", "generations", "ended by",
                "RSS growth"};
    t.align = "rrrrrrrll";
    for (const auto& a : v.attempts) {
      std::string held = or_dash(a.achieved_window_s, seconds_text);
      if (!a.error.empty()) held = "error: " + a.error;
      t.rows.push_back({Cell(fmt::format("{:.0f}", a.attempt.value_or(0))), Cell(or_dash(a.min_age_s, seconds_text)),
                        Cell(or_dash(a.max_bytes, binary_size_text)), Cell(or_dash(a.filled_s, seconds_text)),
                        Cell(held, a.reached ? Tone::kGood : Tone::kBad),
                        Cell(or_dash(a.snapshot_bytes, binary_size_text)),
                        Cell(or_dash(a.generations, [](double g) { return fmt::format("{:.0f}", g); })),
                        Cell(a.bound_text.value_or("-")), Cell(or_dash(a.rss_growth_bytes, binary_size_text))});
    }
    s.blocks.push_back(std::move(t));
  }
  if (!v.go_runtime_trace.empty()) s.blocks.push_back(CodeBlock{"go", "the verified size in code", v.go_runtime_trace});
}

}  // namespace tracebench::reports::run_report
