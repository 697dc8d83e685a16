#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "units/number_text.h"

namespace tracebench::reports::sweep_report {

using units::or_dash;
using units::percent_text;
using units::rps_text;

Section SweepReportBuilder::overhead_section() {
  Section s{"overhead", "Overhead against load", {}};
  Table t;
  t.header = {"level", "off throughput", "mode"};
  t.align = "lrl";
  for (const auto& m : metrics()) {
    t.header.push_back(m.label);
    t.align += "l";
  }
  Table med;
  med.header = {"level", "mode", "rounds"};
  med.align = "llr";
  for (const auto& m : metrics()) {
    med.header.push_back(m.label);
    med.align += "r";
  }
  for (const auto* l : with_status(result::LevelStatus::kMeasured)) {
    const result::LevelModeView* off = l->mode("off");
    bool first = true;
    for (const auto& mode : traced_) {
      bool any = false;
      std::vector<Cell> row = {Cell(first ? level_label(*l) : ""),
                               Cell(first ? or_dash(off ? off->throughput_rps : std::nullopt, rps_text) : ""),
                               Cell(mode)};
      for (const auto& m : metrics()) {
        const result::LevelComparisonView* c = comparison(*l, mode, m.metric);
        if (c) any = true;
        row.push_back(c ? Cell(change_text(*c, true), change_tone(*c)) : Cell("-"));
      }
      if (!any) continue;
      first = false;
      t.rows.push_back(std::move(row));
    }
    first = true;
    std::vector<std::string> names = {"off"};
    names.insert(names.end(), traced_.begin(), traced_.end());
    for (const auto& mv : l->modes)
      if (std::find(names.begin(), names.end(), mv.name) == names.end()) names.push_back(mv.name);
    for (const auto& mode : names) {
      const result::LevelModeView* mv = l->mode(mode);
      if (!mv) continue;
      std::vector<Cell> row = {Cell(first ? level_label(*l) : ""), Cell(mode), Cell(or_dash(mv->rounds, count_text))};
      for (const auto& m : metrics()) row.push_back(Cell(or_dash(mv->*m.median, m.format)));
      med.rows.push_back(std::move(row));
      first = false;
    }
  }
  if (t.rows.empty()) {
    s.blocks.push_back(Paragraph{"", "No measured level compared a traced mode against off."});
  } else {
    t.note = "each level's change against off [95% CI], Hodges-Lehmann shift in % of off's median; \"~\" not "
             "significant after the correction for many comparisons within the level" +
             std::string(open_loop_ ? "; in an open-loop sweep throughput is held at the rate asked" : "");
    s.blocks.push_back(std::move(t));
  }
  add_plot(s, "sweep_overhead");

  if (model_ && !model_->overhead.empty()) {
    s.blocks.push_back(Heading{"Fitted against load"});
    Table f;
    f.header = {"mode", "metric", "change at 0 req/s", "per 1000 req/s", "R²", "levels", "range"};
    f.align = "llrrrrl";
    for (const auto& mode : traced_)
      for (const auto& m : metrics()) {
        const result::OverheadFitView* of = overhead_fit(mode, m.metric);
        if (!of) continue;
        if (!of->error.empty()) {
          f.rows.push_back(
              {Cell(mode), Cell(m.label), Cell("not fitted: " + of->error), Cell(""), Cell(""), Cell(""), Cell("")});
          continue;
        }
        const result::FitView& fit = of->fit;
        const double n = fit.n.value_or(0);
        f.rows.push_back({Cell(mode), Cell(m.label), Cell(percent_text(fit.intercept.value_or(NAN))),
                          Cell(points_text(1000 * fit.slope.value_or(NAN))),
                          Cell(n == 2 ? std::string("1 (exact)") : fmt::format("{:.2f}", fit.r2.value_or(NAN))),
                          Cell(count_text(n)),
                          Cell(fmt::format("{} to {}", rps_text(fit.x_min.value_or(NAN)),
                                           rps_text(fit.x_max.value_or(NAN))))});
      }
    f.note = "change against off (%) = a + b × off throughput, least squares over the measured levels; \"per 1000 "
             "req/s\" is b in percentage points";
    s.blocks.push_back(std::move(f));
  }

  if (!med.rows.empty()) {
    s.blocks.push_back(Heading{"Medians at each level"});
    med.note = "each mode's median over its rounds at the level";
    s.blocks.push_back(std::move(med));
  }
  bool cpu = false;
  for (const auto* l : levels_)
    for (const auto& c : l->comparisons)
      if (c.metric == "target_cpu_us_per_request") cpu = true;
  if (!cpu && !traced_.empty())
    missing("target CPU per request against load: not measured (the target's process was not found on this "
            "machine; pass --target-pid or --exec)");
  return s;
}

}  // namespace tracebench::reports::sweep_report
