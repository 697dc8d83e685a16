#include "reports/run_document.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "reports/run_report_builder.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/whole_number.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::rps_text;
using units::seconds_text;

RunReportBuilder::RunReportBuilder(const json& document)
    : run_(result::read_run_result(document)) {
  comparisons_ = changes(run_.comparisons);
  noise_ = changes(run_.noise_floor);
  modes_ = mode_order(run_);
  for (const auto& spec : run_plot_specs(run_)) plots_.push_back(spec);
  if (run_.recommendations) recs_ = &*run_.recommendations;
  if (run_.verification) verification_ = &*run_.verification;
}

Document RunReportBuilder::build() {
  Document d;
  const auto& c = run_.config;
  d.title = fmt::format("tracebench: what tracing costs {} {}", c.method.empty() ? "GET" : c.method,
                        c.path.empty() ? "?" : c.path);
  d.subtitle = subtitle();
  // In report order; the context comes last and lists what every section found missing.
  d.sections.push_back(verdict_section());
  d.sections.push_back(overhead_section());
  d.sections.push_back(latency_section());
  d.sections.push_back(trace_section());
  d.sections.push_back(sizing_section());
  d.sections.push_back(noise_section());
  d.sections.push_back(rounds_section());
  d.sections.push_back(context_section());
  data_["kind"] = "run";
  data_["missing"] = missing_;
  data_["warnings"] = warnings_;
  d.data = data_;
  return d;
}

void RunReportBuilder::missing(const std::string& what) {
  if (std::find(missing_.begin(), missing_.end(), what) == missing_.end()) missing_.push_back(what);
}

void RunReportBuilder::add_plot(Section& s, const std::string& name) {
  for (const auto& p : plots_)
    if (p.name == name) s.blocks.push_back(PlotRef{p.name, p.title, p.caption});
}

std::string RunReportBuilder::subtitle() const {
  const auto& c = run_.config;
  std::string load = c.open_loop ? fmt::format("open loop at {}", rps_text(c.rate_rps.value_or(NAN)))
                                 : fmt::format("closed loop, {} connections", units::int64_or(c.connections.value_or(0), 0));
  if (c.open_loop && c.rate_share && c.capacity_rps)
    load += fmt::format(" ({:.0f}% of the {} the warm-up served closed loop)", *c.rate_share * 100,
                        rps_text(*c.capacity_rps));
  std::string s = fmt::format("target {}, {}", c.target.empty() ? "?" : c.target, load);
  if (c.rounds_per_mode)
    s += fmt::format("; {} rounds per mode of {} measured", units::int64_or(*c.rounds_per_mode, 0),
                     seconds_text(c.phase_s.value_or(NAN)));
  if (!run_.context.started_at.empty()) s += "; started " + run_.context.started_at;
  return s;
}

}  // namespace tracebench::reports::run_report

namespace tracebench::reports {

Document build_run_document(const nlohmann::json& result) { return run_report::RunReportBuilder(result).build(); }

}  // namespace tracebench::reports
