#pragma once
// The sweep report's builder, shared by its parts: one source file per section
// (sweep_<section>_section.cpp), this class holding what they share: the sweep's typed view
// (result::read_sweep), its levels by load, the traced modes, the model and its prediction,
// the plots drawn, and what the sections found missing. Internal to reports/:
// build_sweep_document (sweep_document.h) is the entry point.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/document.h"
#include "reports/plots.h"
#include "reports/sweep_figures.h"
#include "result/sweep_result.h"

namespace tracebench::reports::sweep_report {

class SweepReportBuilder {
 public:
  explicit SweepReportBuilder(const nlohmann::json& sweep);
  Document build();

 private:
  const result::SweepView s_;
  std::vector<const result::SweepLevelView*> levels_;  // ascending load
  std::vector<std::string> traced_;                    // modes compared against off, report order
  bool open_loop_ = true;
  const result::SweepModelView* model_ = nullptr;
  const result::FitView* bytes_fit_ = nullptr;
  const result::PredictionView* prediction_ = nullptr;
  std::vector<PlotSpec> plots_;
  std::vector<std::string> missing_;
  std::vector<std::string> warnings_;
  nlohmann::json data_ = nlohmann::json::object();

  // Notes a gap once for the closing "Not in this result" list and data["missing"].
  void missing(const std::string& what);
  // A PlotRef for the plot `name` when the sweep has the data for it.
  void add_plot(Section& s, const std::string& name);
  std::vector<const result::SweepLevelView*> with_status(result::LevelStatus status) const;
  // The measured levels whose run was marked invalid.
  std::vector<const result::SweepLevelView*> invalid_levels() const;
  // The metrics a verdict and the overhead plot speak of: an open-loop sweep holds throughput
  // at the rate asked, so its change says nothing there.
  std::vector<std::string> headline_metrics() const;
  const result::LevelComparisonView* comparison(const result::SweepLevelView& level, const std::string& mode,
                                               const std::string& metric) const;
  const result::OverheadFitView* overhead_fit(const std::string& mode, const std::string& metric) const;
  const result::OverheadPredictionView* overhead_prediction(const std::string& mode, const std::string& metric) const;
  std::optional<double> production_rate() const;
  std::string subtitle() const;
  // The predicted flight-recorder entry to headline: the 10 s window, else the first.
  const result::FlightRecorderSizeView* pick_flight_recorder() const;
  std::string capture_query(const result::CaptureWindowView& c) const;

  // sweep_verdict_section.cpp
  Section verdict_section();
  void trace_verdict(Section& s, nlohmann::json& verdict);
  void overhead_verdict(Section& s, nlohmann::json& verdict);
  void production_verdict(Section& s, nlohmann::json& verdict);

  Section levels_section();      // sweep_levels_section.cpp
  Section trace_rate_section();  // sweep_trace_rate_section.cpp
  Section overhead_section();    // sweep_overhead_section.cpp
  Section prediction_section();  // sweep_prediction_section.cpp

  // sweep_context_section.cpp
  // Each level's run warnings, once each, naming the levels that had them.
  std::vector<std::string> level_warnings() const;
  std::vector<std::string> derived_warnings() const;
  Section context_section();
};

}  // namespace tracebench::reports::sweep_report
