#include "reports/run_report_builder.h"

#include <fmt/core.h>


#include "units/duration_text.h"
#include "units/number_text.h"

namespace tracebench::reports::run_report {

using units::duration_ns_text;
using units::or_dash;

Section RunReportBuilder::latency_section() {
  Section s{"latency", "Latency", {}};
  Table t;
  t.header = {"mode", "requests", "mean", "p50", "p90", "p99", "p99.9", "max"};
  t.align = "lrrrrrrr";
  for (const auto& mode : modes_) {
    const result::ModeView* mv = run_.mode(mode);
    if (!mv || !mv->latency_all_rounds_ns) continue;
    const result::LatencySummaryView& all = *mv->latency_all_rounds_ns;
    auto d = [](const std::optional<double>& v) { return or_dash(v, duration_ns_text); };
    t.rows.push_back({Cell(mode), Cell(fmt::format("{:.0f}", all.count.value_or(0))), Cell(d(all.mean)),
                      Cell(d(all.p50)), Cell(d(all.p90)), Cell(d(all.p99)), Cell(d(all.p999)), Cell(d(all.max))});
  }
  if (t.rows.empty()) {
    s.blocks.push_back(Paragraph{"", "The result has no merged latency percentiles (latency_all_rounds_ns)."});
    missing("merged latency percentiles and spectrum (modes.<mode>.latency_all_rounds_ns, latency_spectrum)");
  } else {
    t.note = "every round's requests merged, for the shape of the distribution only; the comparisons use "
             "per-round figures";
    s.blocks.push_back(std::move(t));
  }
  add_plot(s, "latency_spectrum");
  return s;
}

}  // namespace tracebench::reports::run_report
