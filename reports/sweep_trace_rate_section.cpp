#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include <cmath>

#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::sweep_report {

using units::binary_size_text;
using units::bytes_rate_text;
using units::count_rate_text;
using units::rps_text;

Section SweepReportBuilder::trace_rate_section() {
  Section s{"trace-rate", "Trace data against load", {}};
  if (bytes_fit_) {
    const result::FitView& fit = *bytes_fit_;
    Table t;
    t.header = {"", ""};
    t.align = "ll";
    auto se = [](const std::optional<double>& v, const Formatter& f) { return v ? " ± " + f(*v) : std::string(); };
    const double n = fit.n.value_or(0);
    t.rows.push_back({Cell("model"), Cell("trace bytes/s = idle + bytes per request × throughput")});
    t.rows.push_back({Cell("idle rate (intercept)"),
                      Cell(bytes_rate_text(fit.intercept.value_or(NAN)) + se(fit.intercept_se, bytes_rate_text))});
    t.rows.push_back({Cell("bytes per request (slope)"),
                      Cell(binary_size_text(fit.slope.value_or(NAN)) + se(fit.slope_se, binary_size_text))});
    t.rows.push_back({Cell("R²"), Cell(n == 2 ? std::string("1 (two levels: exact, says nothing)")
                                              : fmt::format("{:.3f}", fit.r2.value_or(NAN)))});
    t.rows.push_back({Cell("levels fitted"), Cell(fmt::format("{:.0f}, from {} to {}", n, rps_text(fit.x_min.value_or(NAN)),
                                                              rps_text(fit.x_max.value_or(NAN))))});
    if (fit.residual_se) t.rows.push_back({Cell("residual standard error"), Cell(bytes_rate_text(*fit.residual_se))});
    if (fit.spread_factor)
      t.rows.push_back({Cell("largest spread of a level"),
                        Cell(fmt::format("{:.2f}× (highest round over median; the sizes use it)", *fit.spread_factor))});
    if (const auto& ev = model_->events_per_s) {
      t.rows.push_back({Cell("events per request"), Cell(fmt::format("{:.0f}", ev->slope.value_or(NAN)))});
      t.rows.push_back({Cell("idle events/s"), Cell(count_rate_text(ev->intercept.value_or(NAN)))});
    }
    t.note = "least squares over the measured levels: x is the throughput the trace rate was measured at "
             "(the median of the rounds the level's rate came from: trace or flight recorder), y the level's "
             "median trace bytes/s; ± one standard error";
    s.blocks.push_back(std::move(t));
  } else {
    s.blocks.push_back(Paragraph{"", "No model of trace bytes/s in this sweep (see the verdict); the levels' "
                                     "measured rates are plotted as they are."});
  }
  add_plot(s, "sweep_trace_rate");
  const std::vector<std::string> notes = model_ ? model_->notes : std::vector<std::string>{};
  if (!notes.empty()) {
    s.blocks.push_back(Heading{"Model notes"});
    s.blocks.push_back(BulletList{notes});
  }
  return s;
}

}  // namespace tracebench::reports::sweep_report
