#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::sweep_report {

using units::binary_size_text;
using units::bytes_rate_text;
using units::decimal_size_text;
using units::or_dash;
using units::percent_text;
using units::seconds_text;

Section SweepReportBuilder::prediction_section() {
  Section s{"prediction", "At the production rate", {}};
  if (!prediction_) {
    s.blocks.push_back(Paragraph{"", "No production rate was given (tracebench sweep --production-rate R), so "
                                     "nothing is predicted."});
    return s;
  }
  const double rate = production_rate().value_or(NAN);
  if (const auto& why = prediction_->extrapolation; !why.empty())
    s.blocks.push_back(Callout{Tone::kWarn, "Extrapolated", why});
  else
    s.blocks.push_back(Paragraph{"", fmt::format("{:g} req/s lies within the measured range: the model interpolates "
                                                 "there.",
                                                 rate)});
  if (const auto& b = prediction_->bytes_per_s) {
    Table t;
    t.header = {"", ""};
    t.align = "ll";
    t.rows.push_back({Cell("trace bytes/s"), Cell(bytes_rate_text(b->estimate.value_or(NAN)))});
    const auto lo = b->pi_low, hi = b->pi_high;
    t.rows.push_back({Cell("95% prediction interval"),
                      Cell(lo && hi ? fmt::format("{} to {}", bytes_rate_text(std::max(0.0, *lo)), bytes_rate_text(*hi))
                                    : std::string("- (needs three or more levels)"))});
    s.blocks.push_back(std::move(t));
  } else {
    s.blocks.push_back(Paragraph{"", "No trace bytes/s prediction: the sweep has no bytes/s model."});
  }
  const auto& frs = prediction_->flight_recorder;
  if (!frs.empty()) {
    s.blocks.push_back(Heading{"Flight recorder"});
    Table t;
    t.header = {"window", "MinAge", "MaxBytes", "memory live", "RSS up to"};
    t.align = "rrrrr";
    for (const auto& f : frs)
      t.rows.push_back({Cell(seconds_text(f.window_s.value_or(NAN))), Cell(seconds_text(f.min_age_s.value_or(NAN))),
                        Cell(f.max_bytes_text.value_or(binary_size_text(f.max_bytes.value_or(NAN)))),
                        Cell(or_dash(f.expected_live_bytes, binary_size_text)),
                        Cell(or_dash(f.expected_rss_high_bytes, binary_size_text))});
    t.note = "MaxBytes = predicted rate × the largest level spread × (window + one 1 s generation), rounded up to a "
             "friendly size; MinAge = 2 × window (docs/sizing.md)";
    s.blocks.push_back(std::move(t));
    if (const result::FlightRecorderSizeView* pick = pick_flight_recorder())
      if (const auto& code = pick->go_runtime_trace; !code.empty())
        s.blocks.push_back(
            CodeBlock{"go", fmt::format("the {} window in code", seconds_text(pick->window_s.value_or(NAN))), code});
  }
  const auto& caps = prediction_->capture_windows;
  if (!caps.empty()) {
    s.blocks.push_back(Heading{"Capture window for a file budget"});
    Table t;
    t.header = {"file budget", "seconds", "query", "file (predicted .. highest rate)"};
    t.align = "rrll";
    for (const auto& c : caps) {
      const double seconds = c.seconds.value_or(0);
      if (seconds <= 0) {
        t.rows.push_back({Cell(decimal_size_text(c.budget_bytes.value_or(NAN))), Cell("-"),
                          Cell("0.1 s already exceeds it at the highest rate"), Cell("")});
        continue;
      }
      t.rows.push_back({Cell(decimal_size_text(c.budget_bytes.value_or(NAN))), Cell(fmt::format("{:g}", seconds)),
                        Cell(capture_query(c)),
                        Cell(decimal_size_text(c.expected_bytes.value_or(NAN)) + " .. " +
                             decimal_size_text(c.upper_bytes.value_or(NAN)))});
    }
    s.blocks.push_back(std::move(t));
  }
  const auto& over = prediction_->overhead;
  if (!over.empty()) {
    s.blocks.push_back(Heading{"Overhead"});
    Table t;
    t.header = {"mode", "metric", "change against off", "95% prediction interval", ""};
    t.align = "llrll";
    for (const auto& mode : traced_)
      for (const auto& m : metrics()) {
        if (open_loop_ && std::string(m.metric) == "throughput_rps") continue;
        const result::OverheadPredictionView* o = overhead_prediction(mode, m.metric);
        if (!o) continue;
        const auto lo = o->change_pct.pi_low, hi = o->change_pct.pi_high;
        const bool extrapolated = o->extrapolated;
        t.rows.push_back({Cell(mode), Cell(m.label), Cell(percent_text(o->change_pct.estimate.value_or(NAN))),
                          Cell(lo && hi ? fmt::format("[{}, {}]", percent_text(*lo), percent_text(*hi)) : "-"),
                          Cell(extrapolated ? "extrapolated" : "", extrapolated ? Tone::kWarn : Tone::kPlain)});
      }
    t.note = "the fitted overhead lines at the production rate; a prediction interval from a few levels is wide";
    if (!t.rows.empty()) s.blocks.push_back(std::move(t));
  }
  if (!prediction_->notes.empty()) s.blocks.push_back(BulletList{prediction_->notes});
  return s;
}

}  // namespace tracebench::reports::sweep_report
