#pragma once
// The report's pictures, drawn by gnuplot (gnuplot-iostream drives it through a pipe) as SVG
// (inlined into the HTML) and PNG (linked from the Markdown). Only the result model (a run or
// a sweep result) is read, through its typed readers.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/document.h"
#include "result/run_result.h"
#include "result/sweep_result.h"

namespace tracebench::reports {

// What a plot shows, and whether the result has the data for it. The document builder places
// a PlotRef for every spec returned; the drawer draws the same list.
struct PlotSpec {
  std::string name;  // file stem, also the HTML anchor "plot-<name>"
  std::string title;
  std::string caption;
};

// The plots a run result has data for, in report order: latency_spectrum, rounds_throughput,
// rounds_cpu, trace_rate, trace_event_mix, flight_recorder. Never throws; a plot without data is left out,
// and a result result::read_run_result refuses has none.
std::vector<PlotSpec> run_plot_specs(const nlohmann::json& result);
std::vector<PlotSpec> run_plot_specs(const result::RunResultView& run);

// The plots a sweep result (tracebench.sweep/v1) has data for, in report order:
// sweep_trace_rate (trace bytes/s against load: the levels with their CIs, the fitted line,
// its extrapolated part dashed, the production point), sweep_overhead (each traced mode's cost
// against off by load: target CPU per request, and the throughput drop of a closed-loop
// sweep, or p99 latency when neither was measured; with fitted lines and the production
// point). Never throws.
std::vector<PlotSpec> sweep_plot_specs(const nlohmann::json& sweep);
std::vector<PlotSpec> sweep_plot_specs(const result::SweepView& sweep);

// run_plot_specs or sweep_plot_specs by the document's "schema"; empty for anything else.
std::vector<PlotSpec> plot_specs(const nlohmann::json& result);

struct PlotOptions {
  // The gnuplot program. "" means $TRACEBENCH_GNUPLOT when set, else "gnuplot" on PATH.
  std::string gnuplot;
  // How the Markdown links a PNG: prefix + name + ".png" (e.g. "plots/").
  std::string png_link_prefix = "plots/";
};

struct PlotOutcome {
  PlotSet plots;                      // images drawn; missing_reason set when none could be
  std::vector<std::string> warnings;  // one line per problem (gnuplot missing: which package)
};

// The gnuplot executable that `configured` (see PlotOptions::gnuplot) resolves to, or "" when
// there is none.
std::string find_gnuplot(const std::string& configured);

// Draws every plot of plot_specs(result) (a run or a sweep result) into dir (created when
// missing) as <name>.svg and <name>.png, one gnuplot process per plot. Never throws for
// gnuplot trouble: a plot that fails is reported in warnings (with gnuplot's first error
// line) and left out of the set. Throws std::runtime_error naming dir when it cannot be
// created.
PlotOutcome draw_plots(const nlohmann::json& result, const std::string& dir, const PlotOptions& options);

}  // namespace tracebench::reports
