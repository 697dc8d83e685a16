#include "reports/sweep_document.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "reports/context_blocks.h"
#include "reports/json_access.h"
#include "reports/sweep_report_builder.h"
#include "units/duration_text.h"

namespace tracebench::reports::sweep_report {

using nlohmann::json;
using units::seconds_text;

SweepReportBuilder::SweepReportBuilder(const json& sweep) : s_(sweep) {
  for (const auto& l : array(s_, {"levels"}))
    if (l.is_object()) levels_.push_back(&l);
  std::stable_sort(levels_.begin(), levels_.end(), [](const json* a, const json* b) {
    return number(*a, {"level"}).value_or(0) < number(*b, {"level"}).value_or(0);
  });
  std::string axis = text(s_, {"config", "axis"});
  if (axis.empty() && !levels_.empty()) axis = text(*levels_.front(), {"axis"});
  open_loop_ = axis != "connections";
  model_ = object(s_, {"model"});
  bytes_fit_ = model_ ? object(*model_, {"bytes_per_s"}) : nullptr;
  prediction_ = model_ ? object(*model_, {"prediction"}) : nullptr;
  for (const auto& spec : sweep_plot_specs(s_)) plots_.push_back(spec);
  for (const auto& l : levels_)
    for (const auto& c : array(*l, {"comparisons"}))
      if (auto m = text(c, {"mode"}); !m.empty() && std::find(traced_.begin(), traced_.end(), m) == traced_.end())
        traced_.push_back(m);
  std::sort(traced_.begin(), traced_.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& m) { return m == "trace" ? 0 : m == "flightrecorder" ? 1 : 2; };
    return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
  });
}

Document SweepReportBuilder::build() {
  Document d;
  d.title = fmt::format("tracebench sweep: trace data and overhead against load, {} {}",
                        text(s_, {"config", "method"}, "GET"), text(s_, {"config", "path"}, "?"));
  d.subtitle = subtitle();
  d.sections.push_back(verdict_section());
  d.sections.push_back(levels_section());
  d.sections.push_back(trace_rate_section());
  d.sections.push_back(overhead_section());
  d.sections.push_back(prediction_section());
  d.sections.push_back(context_section());
  data_["kind"] = "sweep";
  data_["missing"] = missing_;
  data_["warnings"] = warnings_;
  d.data = data_;
  return d;
}

void SweepReportBuilder::missing(const std::string& what) {
  if (std::find(missing_.begin(), missing_.end(), what) == missing_.end()) missing_.push_back(what);
}

void SweepReportBuilder::add_plot(Section& s, const std::string& name) {
  for (const auto& p : plots_)
    if (p.name == name) s.blocks.push_back(PlotRef{p.name, p.title, p.caption});
}

std::vector<const json*> SweepReportBuilder::with_status(result::LevelStatus status) const {
  std::vector<const json*> out;
  for (const json* l : levels_)
    if (result::level_status(*l) == status) out.push_back(l);
  return out;
}

std::vector<const json*> SweepReportBuilder::invalid_levels() const {
  std::vector<const json*> out;
  for (const json* l : with_status(result::LevelStatus::kMeasured))
    if (!array(*l, {"invalid_reasons"}).empty()) out.push_back(l);
  return out;
}

std::vector<std::string> SweepReportBuilder::headline_metrics() const {
  std::vector<std::string> out = {"target_cpu_us_per_request", "latency_p99_ns"};
  if (!open_loop_) out.insert(out.begin(), "throughput_rps");
  return out;
}

const json* SweepReportBuilder::comparison(const json& level, const std::string& mode, const std::string& metric) const {
  for (const auto& c : array(level, {"comparisons"}))
    if (text(c, {"mode"}) == mode && text(c, {"metric"}) == metric) return &c;
  return nullptr;
}

const json* SweepReportBuilder::overhead_fit(const std::string& mode, const std::string& metric) const {
  if (!model_) return nullptr;
  for (const auto& f : array(*model_, {"overhead"}))
    if (text(f, {"mode"}) == mode && text(f, {"metric"}) == metric) return &f;
  return nullptr;
}

const json* SweepReportBuilder::overhead_prediction(const std::string& mode, const std::string& metric) const {
  if (!prediction_) return nullptr;
  for (const auto& o : array(*prediction_, {"overhead"}))
    if (text(o, {"mode"}) == mode && text(o, {"metric"}) == metric) return &o;
  return nullptr;
}

std::optional<double> SweepReportBuilder::production_rate() const {
  return prediction_ ? number(*prediction_, {"production_rate_rps"}) : std::nullopt;
}

std::string SweepReportBuilder::subtitle() const {
  std::vector<std::string> names;
  for (const json* l : levels_) names.push_back(fmt::format("{:g}", number(*l, {"level"}).value_or(NAN)));
  std::string load = open_loop_ ? fmt::format("open loop at {} req/s", join(names, ", "))
                                : fmt::format("closed loop at {} connections", join(names, ", "));
  if (open_loop_)
    if (auto c = number(s_, {"config", "connections"})) load += fmt::format(" (a pool of {:.0f} connections)", *c);
  std::string s = fmt::format("target {}, {}", text(s_, {"config", "target"}, "?"), load);
  if (auto rounds = number(s_, {"config", "rounds_per_mode"}))
    s += fmt::format("; each level {} rounds per mode of {} measured", static_cast<long>(*rounds),
                     seconds_text(number(s_, {"config", "phase_s"}).value_or(NAN)));
  if (auto r = number(s_, {"config", "production_rate_rps"})) s += fmt::format("; production rate {:g} req/s", *r);
  if (auto started = text(s_, {"context", "started_at"}); !started.empty()) s += "; started " + started;
  return s;
}

const json* SweepReportBuilder::pick_flight_recorder() const {
  const auto& frs = array(*prediction_, {"flight_recorder"});
  if (frs.empty()) return nullptr;
  for (const auto& f : frs)
    if (std::fabs(number(f, {"window_s"}).value_or(-1) - 10) < 1e-9) return &f;
  return &frs[0];
}

std::string SweepReportBuilder::capture_query(const json& c) const {
  return fmt::format("GET /debug/pprof/trace?seconds={:g}", number(c, {"seconds"}).value_or(NAN));
}

}  // namespace tracebench::reports::sweep_report

namespace tracebench::reports {

Document build_sweep_document(const nlohmann::json& sweep) { return sweep_report::SweepReportBuilder(sweep).build(); }

}  // namespace tracebench::reports
