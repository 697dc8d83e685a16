#include "reports/run_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "reports/context_blocks.h"
#include "result/json_number.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::decimal_size_text;
using units::percent_text;
using units::seconds_text;

Section RunReportBuilder::verdict_section() {
  Section s{"verdict", "Verdict", {}};
  json verdict = json::object();
  const auto& invalid = run_.invalid_reasons;
  const bool complete = run_.complete.value_or(true);
  std::string status = "valid";
  if (!complete) {
    status = "partial";
    s.blocks.push_back(Callout{Tone::kBad, "PARTIAL",
                               fmt::format("the run stopped early ({}): {} of {} planned rounds ran; the figures "
                                           "below rest on the complete rounds only",
                                           run_.stop_reason.empty() ? "no reason recorded" : run_.stop_reason,
                                           run_.rounds.size(), run_.planned_rounds)});
  }
  if (!invalid.empty()) {
    status = "invalid";
    s.blocks.push_back(Callout{Tone::kBad, "INVALID",
                               "this measurement is invalid and its figures must not be trusted: " + join(invalid, "; ")});
  }
  if (status == "valid" && run_.design) {
    s.blocks.push_back(Callout{Tone::kGood, "Valid measurement",
                               fmt::format("{:.0f} clean blocks, each one round of every mode in random order; "
                                           "changes are measured inside blocks with 95% intervals, \"~\" = not "
                                           "significant after the correction for the run's many comparisons at alpha {}",
                                           run_.design->blocks_clean.value_or(0), run_.alpha.value_or(0.05))});
  } else if (status == "valid") {
    const double rounds = run_.config.rounds_per_mode.value_or(NAN);
    s.blocks.push_back(Callout{Tone::kGood, "Valid measurement",
                               fmt::format("{} rounds per mode in randomized balanced order; changes are "
                                           "Hodges-Lehmann shifts against off with 95% intervals, \"~\" = not "
                                           "significant after Holm's correction at alpha {}",
                                           std::isfinite(rounds) ? fmt::format("{:.0f}", rounds) : "?",
                                           run_.alpha.value_or(0.05))});
  }
  verdict["status"] = status;

  const result::OverheadBudgetView* overhead = recs_ && recs_->overhead ? &*recs_->overhead : nullptr;
  const std::optional<double> budget = overhead ? overhead->budget_pct : std::nullopt;
  const double budget_pct = budget.value_or(NAN);
  std::vector<Block> budget_notes;  // after the recommendation: they qualify the verdict
  std::vector<std::string> traced;
  for (const auto& m : modes_)
    if (m != "off") traced.push_back(m);

  if (traced.empty() || comparisons_.empty()) {
    s.blocks.push_back(Paragraph{"Overhead", "not measured: the result has no mode to compare against off"});
    missing("comparisons against off: the run had no trace or flightrecorder mode, or too few rounds");
  } else {
    static const char* const kHeadline[] = {"throughput_rps", "latency_p99_ns", "target_cpu_us_per_request"};
    Table t;
    t.header = {"mode", "throughput", "p99 latency", "target CPU per request"};
    t.align = "llll";
    if (budget) {
      t.header.push_back(fmt::format("{:g}% budget", budget_pct));
      t.align += "l";
    }
    for (const auto& mode : traced) {
      std::vector<Cell> row = {Cell(mode)};
      for (const char* metric : kHeadline) {
        const Change* c = find_change(comparisons_, mode, metric);
        row.push_back(c ? Cell(change_text(*c), change_tone(*c)) : Cell("not measured"));
      }
      if (budget) {
        std::string v = "-";
        std::optional<result::BudgetVerdict> mode_verdict;
        for (const auto& m : overhead->modes)
          if (m.mode == mode) {
            v = m.verdict_text.value_or("-");
            mode_verdict = m.verdict;
          }
        row.push_back(Cell(v, budget_tone(mode_verdict, Tone::kWarn)));
      }
      t.rows.push_back(std::move(row));
    }
    t.note = "change against off [95% CI]; \"~\" not significant. For throughput a drop is the cost, for the "
             "others a rise.";
    s.blocks.push_back(std::move(t));
    json modes_json = json::array();
    for (const auto& mode : traced) {
      auto [sentence, mj] = mode_sentence(mode);
      s.blocks.push_back(Paragraph{mode, sentence});
      modes_json.push_back(mj);
    }
    verdict["modes"] = modes_json;
    if (auto nf = noise_sentence(); !nf.empty()) s.blocks.push_back(Paragraph{"Resolution", nf});
    if (budget) {
      verdict["budget_pct"] = budget_pct;
      for (const auto& note : overhead->notes) budget_notes.push_back(Paragraph{"Budget", note});
    } else if (recs_) {
      budget_notes.push_back(Paragraph{"Budget", "none given, so no pass/fail verdict (tracebench run --budget 2%, "
                                                 "or tracebench check RESULT for a CI gate)"});
    }
  }

  verdict["recommendation"] = recommendation_blocks(s);
  s.blocks.insert(s.blocks.end(), budget_notes.begin(), budget_notes.end());
  const std::size_t warnings = run_.warnings.size() + derived_warnings().size();
  if (warnings > 0)
    s.blocks.push_back(Callout{Tone::kWarn, "Warnings",
                               fmt::format("{} warning{} about this run: see Context", warnings, warnings == 1 ? "" : "s")});
  data_["verdict"] = verdict;
  return s;
}

std::pair<std::string, json> RunReportBuilder::mode_sentence(const std::string& mode) const {
  std::vector<std::string> costs, gains, likely;
  json mj = {{"mode", mode}, {"changes", json::array()}};
  std::optional<double> worst;
  std::string worst_metric;
  for (const auto& c : comparisons_) {
    // The verdict is on what the mode costs; where that went is in the overhead table.
    if (c.mode != mode || c.breakdown) continue;
    const auto cost = c.cost();
    const auto cost_high = c.cost_high();
    mj["changes"].push_back({{"metric", c.metric},
                             {"delta_pct", c.delta ? json(*c.delta) : json(nullptr)},
                             {"ci_low_pct", c.low ? json(*c.low) : json(nullptr)},
                             {"ci_high_pct", c.high ? json(*c.high) : json(nullptr)},
                             {"p_adjusted", c.p_adj ? json(*c.p_adj) : json(nullptr)},
                             {"significant", c.significant},
                             {"cost_pct", cost ? json(*cost) : json(nullptr)},
                             {"cost_high_pct", cost_high ? json(*cost_high) : json(nullptr)}});
    const std::string figure = fmt::format("{} {} [{}, {}]", metric_label(c.metric), percent_text(c.delta.value_or(NAN)),
                                           percent_text(c.low.value_or(NAN)), percent_text(c.high.value_or(NAN)));
    if (c.significant && cost && *cost > 0) costs.push_back(figure);
    if (c.significant && cost && *cost < 0) gains.push_back(figure);
    if (!c.significant && c.cost_low() && *c.cost_low() > 0) likely.push_back(figure);
    if (cost_high && (!worst || *cost_high > *worst)) {
      worst = cost_high;
      worst_metric = c.metric;
    }
  }
  std::string s;
  if (!costs.empty()) {
    s = "costs " + join(costs, ", ") + " (significant after the correction for many comparisons)";
  } else if (!likely.empty()) {
    s = "no change significant after the correction for many comparisons, but the 95% intervals lie wholly on the costly side for " +
        join(likely, ", ") + ": a likely cost that this many rounds cannot confirm";
  } else {
    s = "no significant cost on any metric";
    if (worst && *worst > 0)
      s += fmt::format("; the 95% intervals still allow a cost of up to {} on {}", percent_text(*worst),
                       metric_label(worst_metric));
  }
  if (!gains.empty())
    s += "; measured better than off on " + join(gains, ", ") + " (drift or noise more likely than a gain)";
  mj["significant_costs"] = costs;
  mj["likely_costs"] = likely;
  mj["worst_cost_high_pct"] = worst ? json(*worst) : json(nullptr);
  mj["worst_cost_metric"] = worst ? json(worst_metric) : json(nullptr);
  mj["budget_verdict"] = nullptr;
  if (recs_ && recs_->overhead)
    for (const auto& m : recs_->overhead->modes)
      if (m.mode == mode && m.verdict_text) mj["budget_verdict"] = *m.verdict_text;
  return {s + ".", mj};
}

std::string RunReportBuilder::noise_sentence() const {
  std::optional<double> widest;
  std::string metric;
  for (const auto& c : noise_) {
    if (!c.low || !c.high) continue;
    const double w = std::max(std::fabs(*c.low), std::fabs(*c.high));
    if (!widest || w > *widest) {
      widest = w;
      metric = c.metric;
    }
  }
  if (!widest) return {};
  return fmt::format("off against off ({}) moved by up to ±{:.1f}% on {}: changes smaller than "
                     "this run's noise floor cannot be told apart here (more rounds, a quieter machine)",
                     run_.design ? "adjacent blocks" : "alternate rounds", *widest, metric_label(metric));
}


const result::FlightRecorderSizeView* RunReportBuilder::pick_flight_recorder() const {
  const auto& frs = recs_->flight_recorder;
  if (frs.empty()) return nullptr;
  std::vector<double> wanted;
  if (verification_)
    if (auto w = verification_->window_s) wanted.push_back(*w);
  wanted.push_back(10);
  for (double want : wanted)
    for (const auto& f : frs)
      if (std::fabs(f.window_s.value_or(-1) - want) < 1e-9) return &f;
  return &frs[0];
}

json RunReportBuilder::recommendation_blocks(Section& s) {
  json out = json::object();
  if (!recs_) {
    s.blocks.push_back(Callout{Tone::kWarn, "Recommendation",
                               "none in this result: it has no \"recommendations\" object (written by a "
                               "tracebench without sizing); tracebench size RESULT computes them"});
    missing("recommendations (flight-recorder size, capture window, overhead budget verdict): no "
            "\"recommendations\" object in the result");
    return nullptr;
  }
  if (const result::FlightRecorderSizeView* fr = pick_flight_recorder()) {
    const double window = fr->window_s.value_or(NAN);
    std::string line = fmt::format("flight recorder MinAge {}, MaxBytes {} for a {} window",
                                   seconds_text(fr->min_age_s.value_or(NAN)),
                                   fr->max_bytes_text.value_or(binary_size_text(fr->max_bytes.value_or(NAN))),
                                   seconds_text(window));
    if (recs_->rate)
      line += fmt::format(", sized for the highest measured rate {}",
                          bytes_rate_text(recs_->rate->upper_bytes_per_s.value_or(NAN)));
    out["flight_recorder"] = {{"window_s", window},
                              {"min_age_s", result::number_or_null(fr->min_age_s)},
                              {"max_bytes", result::number_or_null(fr->max_bytes)},
                              {"verified", nullptr}};
    if (verification_) {
      const std::string status = verification_->status_text.value_or("?");
      const bool verified = verification_->status == result::VerificationStatus::kVerified;
      out["flight_recorder"]["verified"] = verified;
      if (verified) {
        line = fmt::format("flight recorder MinAge {}, MaxBytes {} for a {} window; verified on the real runtime: "
                           "a snapshot held {}",
                           seconds_text(verification_->min_age_s.value_or(NAN)),
                           binary_size_text(verification_->final_max_bytes.value_or(NAN)),
                           seconds_text(verification_->window_s.value_or(NAN)),
                           seconds_text(verification_->achieved_window_s.value_or(NAN)));
        out["flight_recorder"]["max_bytes"] = verification_->final_max_bytes.value_or(NAN);
        out["flight_recorder"]["min_age_s"] = verification_->min_age_s.value_or(NAN);
        out["flight_recorder"]["window_s"] = verification_->window_s.value_or(NAN);
      } else {
        line += fmt::format("; verification {}: {}", status, verification_->reason.value_or("no reason given"));
      }
    } else {
      line += " (not verified: tracebench run --verify-window " + seconds_text(window) + " checks it on the target)";
    }
    s.blocks.push_back(Paragraph{"Recommendation", line});
  }
  // The capture window for the middle budget (50 MB by default).
  const auto& caps = recs_->capture_windows;
  if (!caps.empty()) {
    const result::CaptureWindowView& c = caps[caps.size() / 2];
    if (c.seconds.value_or(0) > 0) {
      s.blocks.push_back(Paragraph{
          "Capture", fmt::format("{} keeps a file under {} (about {} at the median rate)", c.query.value_or("?"),
                                 decimal_size_text(c.budget_bytes.value_or(NAN)),
                                 decimal_size_text(c.expected_bytes.value_or(NAN)))});
      out["capture"] = {{"budget_bytes", c.budget_bytes.value_or(NAN)},
                        {"seconds", c.seconds.value_or(NAN)},
                        {"query", c.query.value_or("")}};
    }
  }
  for (const auto& why : recs_->sizes_missing) s.blocks.push_back(Paragraph{"Recommendation", why});
  return out;
}

}  // namespace tracebench::reports::run_report
