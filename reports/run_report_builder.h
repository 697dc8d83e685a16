#pragma once
// The run report's builder, shared by its parts: one source file per section
// (run_<section>_section.cpp), this class holding what they share: the result's typed view
// (result::read_run_result), the comparisons, the modes in report order, the plots drawn, and
// what the sections found missing. Internal to reports/: build_run_document (run_document.h)
// is the entry point.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/document.h"
#include "reports/plots.h"
#include "reports/run_figures.h"
#include "result/run_result.h"

namespace tracebench::reports::run_report {

class RunReportBuilder {
 public:
  // Reads `document` with result::read_run_result (throws its FormatError).
  explicit RunReportBuilder(const nlohmann::json& document);
  Document build();

 private:
  const result::RunResultView run_;
  std::vector<Change> comparisons_, noise_;
  std::vector<std::string> modes_;
  std::vector<PlotSpec> plots_;
  const result::RecommendationsView* recs_ = nullptr;          // null when sizing did not run
  const result::VerificationView* verification_ = nullptr;  // null when no window was verified
  std::vector<std::string> missing_;
  std::vector<std::string> warnings_;
  nlohmann::json data_ = nlohmann::json::object();

  // Notes a gap once for the closing "Not in this result" list and data["missing"].
  void missing(const std::string& what);
  // A PlotRef for the plot `name` when the result has the data for it.
  void add_plot(Section& s, const std::string& name);
  std::string subtitle() const;

  // run_verdict_section.cpp
  Section verdict_section();
  std::pair<std::string, nlohmann::json> mode_sentence(const std::string& mode) const;
  std::string noise_sentence() const;
  const result::FlightRecorderSizeView* pick_flight_recorder() const;
  nlohmann::json recommendation_blocks(Section& s);

  // run_overhead_section.cpp
  Section overhead_section();
  Section noise_section();

  // run_latency_section.cpp
  Section latency_section();

  // run_trace_section.cpp
  Section trace_section();
  std::string parse_speed_text() const;

  // run_sizing_section.cpp
  Section sizing_section();
  void capture_blocks(Section& s);
  void budget_blocks(Section& s);
  void verification_blocks(Section& s);

  // run_rounds_section.cpp
  Section rounds_section();

  // run_context_section.cpp
  std::vector<std::string> derived_warnings() const;
  Section context_section();
};

}  // namespace tracebench::reports::run_report
