#pragma once
// The figures a sweep report shows, as its sections share them: the compared metrics with
// their labels and units, a level's name, an interval, a change against off, from the typed
// sweep view (result/sweep_result.h); never throw.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reports/document.h"
#include "result/sweep_result.h"

namespace tracebench::reports::sweep_report {

using Formatter = std::function<std::string(double)>;

struct MetricInfo {
  const char* metric;  // levels[].comparisons[].metric and levels[].modes.<mode>.<key>
  const char* label;
  Formatter format;
  std::optional<double> result::LevelModeView::*median;  // the mode's median at a level
};

// The compared metrics in report order: throughput, p50, p99, p99.9, target CPU per request.
const std::vector<MetricInfo>& metrics();
// "p99 latency" for "latency_p99_ns"; an unknown metric reads as itself.
std::string metric_label(const std::string& metric);
// In the costly direction: a throughput drop, a rise of the others.
bool higher_is_better(const std::string& metric);

// "200 req/s" or "8 connections", by the level's axis.
std::string level_label(const result::SweepLevelView& level);
std::string count_text(double v);  // "12"
// "median [low, high]" of the interval in f's unit; the median alone without both bounds,
// "-" without a median.
std::string interval_cell(const result::Interval& i, const Formatter& f);

// "~ +4.0% [-1.2%, +9.3%]" as the run report writes a change; in a list of levels the "~"
// follows the figure ("+4.0%~"), as tracebench sweep prints it, so a line never breaks between them.
std::string change_text(const result::LevelComparisonView& c, bool with_ci);
// A significant cost reads bad, a significant gain good, the rest plain.
Tone change_tone(const result::LevelComparisonView& c);
// "+1.25 pts", "-" when not finite.
std::string points_text(double pct_points);

}  // namespace tracebench::reports::sweep_report
