#pragma once
// Inside reports/: a plot before it is drawn, and the gnuplot helpers the run and sweep plots
// share. plots.cpp draws PlotJobs; run plots are made there, sweep plots in sweep_plots.cpp.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/plots.h"
#include "result/sweep_result.h"

namespace tracebench::reports::detail {

using Rows = std::vector<std::vector<double>>;

inline constexpr double kMiB = 1024.0 * 1024.0;

// Its data files and a gnuplot script in which DATA(name) stands for the quoted path of data
// file `name` (written by gnuplot-iostream, one row per line).
struct PlotJob {
  PlotSpec spec;
  std::map<std::string, Rows> data;
  std::string script;
};

std::string quote(const std::string& s);        // a gnuplot single-quoted string
std::string color_of(const std::string& mode);  // "#dd8452" for trace, ...
std::string fmt_num(double v);                  // shortest exact-enough form for a script

// The sweep's plots, in report order: sweep_trace_rate, sweep_overhead. A plot without data
// is left out; a malformed corner of the document costs its plot, never the report.
std::vector<PlotJob> sweep_plot_jobs(const result::SweepView& sweep);
std::vector<PlotJob> sweep_plot_jobs(const nlohmann::json& sweep);  // read with result::read_sweep

}  // namespace tracebench::reports::detail
