#include "reports/run_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "units/number_text.h"

namespace tracebench::reports::run_report {

using units::p_value_text;
using units::percent_text;

namespace {

std::string design_sentence(const result::DesignView& d, bool speed_adjusted) {
  const auto clean = d.blocks_clean.value_or(0);
  const auto dropped = d.blocks_dropped.value_or(0);
  const std::string& rule = d.stop_rule;
  const auto hw = d.widest_half_width_pct;
  const auto goal = d.precision_pct;
  std::string out = fmt::format("{:.0f} clean blocks (one round of each mode, in random order)", clean);
  if (dropped > 0) out += fmt::format(", {:.0f} dropped and run again", dropped);
  out += fmt::format("; {:.0f} s in all; stopped: {}", d.wall_s.value_or(0), rule.empty() ? "-" : rule);
  if (hw) out += fmt::format("; widest 95% interval ±{:.2f}%", *hw);
  if (goal) out += fmt::format(" (goal ±{}%)", *goal);
  if (speed_adjusted) out += "; changes adjusted for the machine's speed (the rounds' CPU probe)";
  return out + ".";
}

}  // namespace

Section RunReportBuilder::overhead_section() {
  Section s{"overhead", "Overhead against off", {}};
  // A blocked run's result says how it was run and bounds every cost; an older one has neither.
  const auto& design = run_.design;
  const bool bounded = std::any_of(comparisons_.begin(), comparisons_.end(),
                                   [](const Change& c) { return c.cost_bound().has_value(); });
  const bool speed_adjusted = std::any_of(run_.comparisons.begin(), run_.comparisons.end(),
                                          [](const result::ComparisonView& c) { return c.speed_adjusted; });
  if (design) s.blocks.push_back(Paragraph{"Design", design_sentence(*design, speed_adjusted)});
  Table t;
  t.header = {"metric", "mode", "median", "95% CI", "n", "change vs off", "p (adjusted)", "p (raw)"};
  t.align = "llrlrlrr";
  if (bounded) {
    t.header.push_back("cost at most");
    t.align += "r";
  }
  const auto breakdown_rows = static_cast<std::size_t>(
      std::count_if(comparisons_.begin(), comparisons_.end(), [](const Change& c) { return c.breakdown; }));
  for (const auto& m : metrics()) {
    bool first = true;
    for (const auto& mode : modes_) {
      const result::ModeView* mv = run_.mode(mode);
      const auto iv = mv ? interval_from(mv->*m.interval) : std::nullopt;
      if (!iv) continue;
      std::vector<Cell> row = {Cell(first ? m.label : ""), Cell(mode), Cell(m.format(iv->median)),
                               Cell(interval_text(*iv, m.format)), Cell(fmt::format("{}", iv->n))};
      first = false;
      if (const Change* c = find_change(comparisons_, mode, m.metric)) {
        row.push_back(Cell(change_text(*c), change_tone(*c)));
        row.push_back(Cell(p_value_text(c->p_adj.value_or(NAN))));
        row.push_back(Cell(p_value_text(c->p_raw.value_or(NAN))));
        if (bounded) row.push_back(Cell(c->cost_bound() ? percent_text(*c->cost_bound()) : std::string("-")));
      } else {
        row.insert(row.end(), {Cell(""), Cell(""), Cell("")});
        if (bounded) row.push_back(Cell(""));
      }
      t.rows.push_back(std::move(row));
    }
    if (first && std::string(m.metric) == "target_cpu_us_per_request")
      missing("target CPU per request: not measured (the target's process was not found on this machine; "
              "pass --target-pid or --exec, or mount the agent on its debug mux: docs/agent.md)");
  }
  t.note = bounded
               ? fmt::format("median of the rounds with its 95% CI; change = inside blocks, Hodges-Lehmann of the "
                             "blocks' log ratios with its 95% CI and signed-rank p; \"~\" = not significant after "
                             "the correction for {} comparisons at alpha {}; cost at most = one-sided 95% bound "
                             "on the rise (drop, for throughput) (docs/statistics.md)",
                             comparisons_.size() - breakdown_rows, run_.alpha.value_or(0.05))
               : fmt::format("median of the rounds with its 95% CI; change = Hodges-Lehmann shift in % of off's "
                             "median with its 95% CI; \"~\" = not significant after the correction for {} "
                             "comparisons at alpha {} (docs/statistics.md)",
                             comparisons_.size() - breakdown_rows, run_.alpha.value_or(0.05));
  if (breakdown_rows > 0)
    t.note += fmt::format("; the rows from runtime user CPU on say where the CPU went (the agent's runtime/metrics; "
                          "the runtime counts a P's time while the OS may have paused its thread, so they can exceed "
                          "target CPU) and {}",
                          run_.multiple_test == result::kGatedBreakdown
                              ? fmt::format("are in the same correction ({} rows), a mode's tested only once its CPU "
                                            "per request is found changed",
                                            breakdown_rows)
                              : fmt::format("are corrected over their own family of {} comparisons", breakdown_rows));
  if (t.rows.empty())
    s.blocks.push_back(Paragraph{"", "No mode has statistics in this result."});
  else
    s.blocks.push_back(std::move(t));
  add_plot(s, "rounds_throughput");
  add_plot(s, "rounds_cpu");
  return s;
}

Section RunReportBuilder::noise_section() {
  Section s{"noise-floor", "Noise floor", {}};
  if (noise_.empty()) {
    s.blocks.push_back(Paragraph{"", "Not in this result (it needs at least two off rounds a side)."});
    missing("noise floor (off against off)");
    return s;
  }
  Table t;
  t.header = {"metric", "off vs off [95% CI]", "p (Holm)", "n"};
  t.align = "llrr";
  for (const auto& c : noise_)
    t.rows.push_back({Cell(metric_label(c.metric)), Cell(change_text(c)), Cell(p_value_text(c.p_adj.value_or(NAN))),
                      Cell(fmt::format("{}+{}", c.n_base, c.n_mode))});
  t.note = run_.design
               ? "off of each even block against off of the block after it, compared like a mode (an A/A inside "
                 "the design): the change this run would \"see\" with no change at all; its interval is the run's "
                 "resolution"
               : "the off rounds split in two (alternate rounds) and compared like a mode: the change this run "
                 "would \"see\" with no change at all; its interval is the run's resolution";
  s.blocks.push_back(std::move(t));
  return s;
}

}  // namespace tracebench::reports::run_report
