#include "reports/run_report_builder.h"

#include <fmt/core.h>


#include "reports/json_access.h"
#include "units/duration_text.h"
#include "units/number_text.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::duration_ns_text;
using units::or_dash;

Section RunReportBuilder::latency_section() {
  Section s{"latency", "Latency", {}};
  Table t;
  t.header = {"mode", "requests", "mean", "p50", "p90", "p99", "p99.9", "max"};
  t.align = "lrrrrrrr";
  for (const auto& mode : modes_) {
    const json* all = object(r_, {"modes", mode, "latency_all_rounds_ns"});
    if (!all) continue;
    auto d = [&](const char* k) { return or_dash(number(*all, {k}), duration_ns_text); };
    t.rows.push_back({Cell(mode), Cell(fmt::format("{:.0f}", number(*all, {"count"}).value_or(0))), Cell(d("mean")),
                      Cell(d("p50")), Cell(d("p90")), Cell(d("p99")), Cell(d("p999")), Cell(d("max"))});
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
