#include "reports/sweep_document.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "reports/context_blocks.h"
#include "reports/sweep_report_builder.h"
#include "units/duration_text.h"
#include "units/whole_number.h"

namespace tracebench::reports::sweep_report {

using nlohmann::json;
using units::seconds_text;

SweepReportBuilder::SweepReportBuilder(const json& sweep) : s_(result::read_sweep(sweep)) {
  for (const auto& l : s_.levels) levels_.push_back(&l);
  std::stable_sort(levels_.begin(), levels_.end(), [](const result::SweepLevelView* a, const result::SweepLevelView* b) {
    return a->level.value_or(0) < b->level.value_or(0);
  });
  std::string axis = s_.config.axis;
  if (axis.empty() && !levels_.empty()) axis = levels_.front()->axis;
  open_loop_ = axis != "connections";
  if (s_.model) {
    model_ = &*s_.model;
    if (model_->bytes_per_s) bytes_fit_ = &*model_->bytes_per_s;
    if (model_->prediction) prediction_ = &*model_->prediction;
  }
  for (const auto& spec : sweep_plot_specs(s_)) plots_.push_back(spec);
  for (const auto* l : levels_)
    for (const auto& c : l->comparisons)
      if (!c.mode.empty() && std::find(traced_.begin(), traced_.end(), c.mode) == traced_.end())
        traced_.push_back(c.mode);
  std::sort(traced_.begin(), traced_.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& m) { return m == "trace" ? 0 : m == "flightrecorder" ? 1 : 2; };
    return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
  });
}

Document SweepReportBuilder::build() {
  Document d;
  d.title = fmt::format("tracebench sweep: trace data and overhead against load, {} {}",
                        s_.config.method.value_or("GET"), s_.config.path.value_or("?"));
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

std::vector<const result::SweepLevelView*> SweepReportBuilder::with_status(result::LevelStatus status) const {
  std::vector<const result::SweepLevelView*> out;
  for (const auto* l : levels_)
    if (l->status == status) out.push_back(l);
  return out;
}

std::vector<const result::SweepLevelView*> SweepReportBuilder::invalid_levels() const {
  std::vector<const result::SweepLevelView*> out;
  for (const auto* l : with_status(result::LevelStatus::kMeasured))
    if (l->marked_invalid) out.push_back(l);
  return out;
}

std::vector<std::string> SweepReportBuilder::headline_metrics() const {
  std::vector<std::string> out = {"target_cpu_us_per_request", "latency_p99_ns"};
  if (!open_loop_) out.insert(out.begin(), "throughput_rps");
  return out;
}

const result::LevelComparisonView* SweepReportBuilder::comparison(const result::SweepLevelView& level,
                                                                  const std::string& mode,
                                                                  const std::string& metric) const {
  for (const auto& c : level.comparisons)
    if (c.mode == mode && c.metric == metric) return &c;
  return nullptr;
}

const result::OverheadFitView* SweepReportBuilder::overhead_fit(const std::string& mode,
                                                                const std::string& metric) const {
  if (!model_) return nullptr;
  for (const auto& f : model_->overhead)
    if (f.mode == mode && f.metric == metric) return &f;
  return nullptr;
}

const result::OverheadPredictionView* SweepReportBuilder::overhead_prediction(const std::string& mode,
                                                                              const std::string& metric) const {
  if (!prediction_) return nullptr;
  for (const auto& o : prediction_->overhead)
    if (o.mode == mode && o.metric == metric) return &o;
  return nullptr;
}

std::optional<double> SweepReportBuilder::production_rate() const {
  return prediction_ ? prediction_->production_rate_rps : std::nullopt;
}

std::string SweepReportBuilder::subtitle() const {
  const auto& c = s_.config;
  std::vector<std::string> names;
  for (const auto* l : levels_) names.push_back(fmt::format("{:g}", l->level.value_or(NAN)));
  std::string load = open_loop_ ? fmt::format("open loop at {} req/s", join(names, ", "))
                                : fmt::format("closed loop at {} connections", join(names, ", "));
  if (open_loop_)
    if (c.connections) load += fmt::format(" (a pool of {:.0f} connections)", *c.connections);
  std::string s = fmt::format("target {}, {}", c.target.value_or("?"), load);
  if (c.rounds_per_mode)
    s += fmt::format("; each level {} rounds per mode of {} measured", units::int64_or(*c.rounds_per_mode, 0),
                     seconds_text(c.phase_s.value_or(NAN)));
  if (c.production_rate_rps) s += fmt::format("; production rate {:g} req/s", *c.production_rate_rps);
  if (const auto& started = s_.host_and_config.started_at; !started.empty()) s += "; started " + started;
  return s;
}

const result::FlightRecorderSizeView* SweepReportBuilder::pick_flight_recorder() const {
  const auto& frs = prediction_->flight_recorder;
  if (frs.empty()) return nullptr;
  for (const auto& f : frs)
    if (std::fabs(f.window_s.value_or(-1) - 10) < 1e-9) return &f;
  return &frs[0];
}

std::string SweepReportBuilder::capture_query(const result::CaptureWindowView& c) const {
  return fmt::format("GET /debug/pprof/trace?seconds={:g}", c.seconds.value_or(NAN));
}

}  // namespace tracebench::reports::sweep_report

namespace tracebench::reports {

Document build_sweep_document(const nlohmann::json& sweep) { return sweep_report::SweepReportBuilder(sweep).build(); }

}  // namespace tracebench::reports
