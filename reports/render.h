#pragma once
// The report renderers: they read only the result model (result.json) and write text,
// Markdown, HTML (self-contained, plots inline) and plots. (Contract; see docs/reports.md.)

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracebench::reports {

// Writes report.html, report.md and the plots (plots/*.svg, *.png) for a run or sweep
// result into out_dir. Returns warnings (e.g. gnuplot missing: which package provides it);
// throws std::runtime_error naming the file on I/O failure.
std::vector<std::string> write_run_reports(const nlohmann::json& result, const std::string& out_dir);

}  // namespace tracebench::reports
