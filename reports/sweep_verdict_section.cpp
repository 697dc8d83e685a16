#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "reports/context_blocks.h"
#include "result/json_number.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::sweep_report {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::decimal_size_text;
using units::percent_text;
using units::rps_text;
using units::seconds_text;

Section SweepReportBuilder::verdict_section() {
  Section s{"verdict", "Verdict", {}};
  json verdict = json::object();
  const bool complete = s_.complete;
  const auto measured = with_status(result::LevelStatus::kMeasured);
  const auto not_reached = with_status(result::LevelStatus::kNotReached);
  const auto failed = with_status(result::LevelStatus::kFailed);
  const auto not_run = with_status(result::LevelStatus::kNotRun);
  const auto invalid = invalid_levels();
  verdict["status"] = complete ? "complete" : "partial";
  verdict["levels"] = {{"asked", levels_.size()},      {"measured", measured.size()},
                       {"not_reached", not_reached.size()}, {"failed", failed.size()},
                       {"not_run", not_run.size()},     {"marked_invalid", invalid.size()},
                       {"fitted", model_ ? model_->levels_fitted : 0}};

  if (!complete)
    s.blocks.push_back(Callout{Tone::kBad, "PARTIAL",
                               fmt::format("the sweep stopped early ({}): {} of {} levels were measured; the model "
                                           "rests on those only",
                                           s_.stop_reason.value_or("no reason recorded"), measured.size(),
                                           levels_.size())});
  if (!not_reached.empty()) {
    std::vector<std::string> lines;
    for (const auto* l : not_reached) {
      std::string reason = l->reason.value_or("no reason recorded");
      if (reason.rfind("not reached: ", 0) == 0) reason.erase(0, 13);  // the callout's label says it
      lines.push_back(fmt::format("{}: {}", level_label(*l), reason));
    }
    s.blocks.push_back(Callout{Tone::kWarn, "Not reached", join(lines, "; ")});
  }
  if (!failed.empty()) {
    std::vector<std::string> lines;
    for (const auto* l : failed)
      lines.push_back(fmt::format("{}: {}", level_label(*l), l->reason.value_or("failed")));
    s.blocks.push_back(Callout{Tone::kBad, "Failed", join(lines, "; ")});
  }
  if (!invalid.empty()) {
    std::vector<std::string> names;
    for (const auto* l : invalid) names.push_back(level_label(*l));
    s.blocks.push_back(Callout{
        Tone::kWarn, "Marked invalid",
        invalid.size() == 1
            ? fmt::format("{}: its trace rate and CPU per request are fitted, its latency changes are blurred; see "
                          "Levels",
                          names.front())
            : fmt::format("{}: their trace rates and CPU per request are fitted, their latency changes are "
                          "blurred; see Levels",
                          join(names, ", "))});
  }
  if (complete && not_reached.empty() && failed.empty() && invalid.empty() && bytes_fit_)
    s.blocks.push_back(Callout{
        Tone::kGood, "Complete sweep",
        fmt::format("{} levels, each a full run with the modes in interleaved rounds; the model is a least-squares "
                    "line over the {} measured levels",
                    levels_.size(), measured.size())});

  trace_verdict(s, verdict);
  overhead_verdict(s, verdict);
  production_verdict(s, verdict);

  const std::size_t warnings = s_.warnings.size() + level_warnings().size() + derived_warnings().size();
  if (warnings > 0)
    s.blocks.push_back(Callout{Tone::kWarn, "Warnings",
                               fmt::format("{} warning{} about this sweep: see Context", warnings, warnings == 1 ? "" : "s")});
  data_["verdict"] = verdict;
  return s;
}

void SweepReportBuilder::trace_verdict(Section& s, json& verdict) {
  if (!bytes_fit_) {
    const std::vector<std::string> why = model_ ? model_->bytes_per_s_missing : std::vector<std::string>{};
    const std::string reason =
        why.empty() ? (model_ ? "the sweep has no bytes/s model" : "the sweep has no model (\"model\" is null)")
                    : join(why, "; ");
    s.blocks.push_back(Callout{Tone::kBad, "No model",
                               reason + ": a line needs at least two measured levels with a trace rate (three or "
                                        "more for R² and prediction intervals)"});
    missing("a model of trace bytes/s against load: " + reason);
    verdict["bytes_model"] = nullptr;
    return;
  }
  const auto a = bytes_fit_->intercept, b = bytes_fit_->slope;
  const auto x0 = bytes_fit_->x_min, x1 = bytes_fit_->x_max;
  const auto r2 = bytes_fit_->r2;
  const auto n = bytes_fit_->n.value_or(0);
  std::string line = fmt::format("{} of trace per request on top of an idle {}", binary_size_text(b.value_or(NAN)),
                                 bytes_rate_text(a.value_or(NAN)));
  if (a && b && x0 && x1)
    line += fmt::format(": {} at {} to {} at {}", bytes_rate_text(*a + *b * *x0), rps_text(*x0),
                        bytes_rate_text(*a + *b * *x1), rps_text(*x1));
  line += n == 2 ? " (two levels: the line fits them exactly, so R² = 1 says nothing)"
                 : fmt::format(" (R² {:.3f} over {:.0f} levels)", r2.value_or(NAN), n);
  if (a && *a < 0) line += "; the intercept is negative, so the line holds over the measured range only";
  if (const auto& ev = model_->events_per_s)
    if (const auto eb = ev->slope) line += fmt::format("; {:.0f} events per request", *eb);
  s.blocks.push_back(Paragraph{"Trace data", line});
  verdict["bytes_model"] = {{"idle_bytes_per_s", result::number_or_null(a)}, {"bytes_per_request", result::number_or_null(b)}, {"r2", result::number_or_null(r2)},
                            {"n", n},                     {"x_min", result::number_or_null(x0)},              {"x_max", result::number_or_null(x1)}};
}

void SweepReportBuilder::overhead_verdict(Section& s, json& verdict) {
  json rows = json::array();
  const auto rate = production_rate();
  Table t;
  t.header = {"mode", "metric", "change at each level, lowest load first", "trend per 1000 req/s"};
  t.align = "llll";
  if (rate) {
    t.header.push_back(fmt::format("at {:g} req/s", *rate));
    t.align += "l";
  }
  const auto measured = with_status(result::LevelStatus::kMeasured);
  for (const auto& mode : traced_) {
    bool first = true;
    for (const auto& metric : headline_metrics()) {
      std::vector<std::string> changes;
      json changes_json = json::array();
      Tone tone = Tone::kPlain;
      for (const auto* l : measured) {
        const result::LevelComparisonView* c = comparison(*l, mode, metric);
        if (!c) continue;
        changes.push_back(change_text(*c, false));
        if (change_tone(*c) == Tone::kBad) tone = Tone::kBad;
        changes_json.push_back({{"level", l->level.value_or(NAN)},
                                {"delta_pct", result::number_or_null(c->delta_pct)},
                                {"ci_low_pct", result::number_or_null(c->ci_low_pct)},
                                {"ci_high_pct", result::number_or_null(c->ci_high_pct)},
                                {"significant", c->significant}});
      }
      if (changes.empty()) continue;
      std::vector<Cell> row = {Cell(first ? mode : ""), Cell(metric_label(metric)), Cell(join(changes, ", "), tone)};
      first = false;
      json row_json = {{"mode", mode}, {"metric", metric}, {"changes", changes_json}, {"slope_pct_per_1000_rps", nullptr},
                       {"r2", nullptr}, {"at_production", nullptr}};
      const result::OverheadFitView* of = overhead_fit(mode, metric);
      if (of && of->fit.slope) {
        const result::FitView& fit = of->fit;
        const double per_1000 = 1000 * *fit.slope;
        const auto fit_n = fit.n.value_or(0);
        row.push_back(Cell(fit_n == 2 ? points_text(per_1000) + " (2 levels)"
                                      : fmt::format("{} (R² {:.2f})", points_text(per_1000), fit.r2.value_or(NAN))));
        row_json["slope_pct_per_1000_rps"] = per_1000;
        row_json["r2"] = result::number_or_null(fit.r2);
      } else {
        row.push_back(Cell("-"));
      }
      if (rate) {
        const result::OverheadPredictionView* p = overhead_prediction(mode, metric);
        if (p && p->change_pct.estimate) {
          const double estimate = *p->change_pct.estimate;
          std::string cell = percent_text(estimate);
          const auto lo = p->change_pct.pi_low, hi = p->change_pct.pi_high;
          if (lo && hi) cell += fmt::format(" [{}, {}]", percent_text(*lo), percent_text(*hi));
          const bool extrapolated = p->extrapolated;
          if (extrapolated) cell += " extrapolated";
          row.push_back(Cell(cell, extrapolated ? Tone::kWarn : Tone::kPlain));
          row_json["at_production"] = {{"estimate_pct", estimate}, {"pi_low_pct", result::number_or_null(lo)},
                                       {"pi_high_pct", result::number_or_null(hi)}, {"extrapolated", extrapolated}};
        } else {
          row.push_back(Cell("-"));
        }
      }
      t.rows.push_back(std::move(row));
      rows.push_back(row_json);
    }
  }
  verdict["overhead"] = rows;
  if (t.rows.empty()) {
    s.blocks.push_back(Paragraph{"Overhead", "not measured: no measured level compared a traced mode against off"});
    missing("overhead against load: no measured level compared the trace or flightrecorder mode against off");
    return;
  }
  t.note = std::string("change against off at each measured level (\"~\" not significant after the correction for many comparisons "
                       "within its level); trend: the fitted slope in percentage points per 1000 req/s of off "
                       "throughput") +
           (rate ? "; at the production rate: the model's estimate [95% prediction interval]" : "") +
           (open_loop_ ? "; throughput is left out: an open-loop sweep holds it at the rate asked" : "");
  s.blocks.push_back(std::move(t));
}

void SweepReportBuilder::production_verdict(Section& s, json& verdict) {
  const auto rate = production_rate();
  if (!rate) {
    s.blocks.push_back(Paragraph{"Production rate",
                                 "none given, so nothing is predicted (tracebench sweep --production-rate R gives "
                                 "trace bytes/s, flight-recorder sizes and overhead at a load not run here); each "
                                 "level's own result.json holds the sizing for that level"});
    missing("a production rate to predict at (tracebench sweep --production-rate R)");
    verdict["production"] = nullptr;
    return;
  }
  json p = {{"rate_rps", *rate}, {"extrapolated", prediction_->extrapolated},
            {"bytes_per_s", nullptr}, {"flight_recorder", nullptr}, {"capture", nullptr}};
  if (const auto& why = prediction_->extrapolation; !why.empty())
    s.blocks.push_back(Callout{Tone::kWarn, "Extrapolated", why});
  const auto& b = prediction_->bytes_per_s;
  if (b && b->estimate) {
    const double est = *b->estimate;
    const auto lo = b->pi_low, hi = b->pi_high;
    std::string line = fmt::format("trace data {} predicted", bytes_rate_text(est));
    line += lo && hi ? fmt::format(" (95% prediction interval {} to {})", bytes_rate_text(std::max(0.0, *lo)),
                                   bytes_rate_text(*hi))
                     : " (no prediction interval: it needs three or more levels)";
    s.blocks.push_back(Paragraph{fmt::format("At {:g} req/s", *rate), line});
    p["bytes_per_s"] = {{"estimate", est}, {"pi_low", result::number_or_null(lo)}, {"pi_high", result::number_or_null(hi)}};
  } else {
    s.blocks.push_back(Paragraph{fmt::format("At {:g} req/s", *rate), "no trace bytes/s predicted: there is no model"});
  }
  if (const result::FlightRecorderSizeView* fr = pick_flight_recorder()) {
    s.blocks.push_back(Paragraph{
        "Recommendation",
        fmt::format("flight recorder MinAge {}, MaxBytes {} for a {} window at that load (sized for the predicted "
                    "rate and the largest spread of a level; not verified: tracebench run --verify-window {} at "
                    "that load checks it)",
                    seconds_text(fr->min_age_s.value_or(NAN)),
                    fr->max_bytes_text.value_or(binary_size_text(fr->max_bytes.value_or(NAN))),
                    seconds_text(fr->window_s.value_or(NAN)), seconds_text(fr->window_s.value_or(NAN)))});
    p["flight_recorder"] = {{"window_s", result::number_or_null(fr->window_s)},
                            {"min_age_s", result::number_or_null(fr->min_age_s)},
                            {"max_bytes", result::number_or_null(fr->max_bytes)}};
  }
  const auto& caps = prediction_->capture_windows;
  if (!caps.empty()) {
    const result::CaptureWindowView& c = caps[caps.size() / 2];
    if (c.seconds.value_or(0) > 0) {
      s.blocks.push_back(Paragraph{
          "Capture", fmt::format("{} keeps a file under {} (about {} at the predicted rate)", capture_query(c),
                                 decimal_size_text(c.budget_bytes.value_or(NAN)),
                                 decimal_size_text(c.expected_bytes.value_or(NAN)))});
      p["capture"] = {{"budget_bytes", result::number_or_null(c.budget_bytes)},
                      {"seconds", result::number_or_null(c.seconds)}};
    }
  }
  verdict["production"] = p;
}

}  // namespace tracebench::reports::sweep_report
