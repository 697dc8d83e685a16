#pragma once
// The report renderers: they read only the result model (a run's result.json or a sweep's
// sweep.json) and write text, Markdown, HTML (self-contained, plots inline) and plots.
// (Contract; see docs/reports.md.)
//
// Layers, each usable alone: result_file.h (load and classify a result, ResultError),
// run_document.h and sweep_document.h (a run or sweep result as a Document), writers.h (a
// Document as text, Markdown, HTML, JSON), plots.h (gnuplot). This header puts them together.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/document.h"
#include "reports/plots.h"
#include "reports/result_file.h"

namespace tracebench::reports {

enum class Format { kText, kJson, kMarkdown, kHtml };

// "text", "json", "md" (or "markdown"), "html"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

// The Document for a run or a sweep result (by its "schema"). Throws ResultError (naming
// `source`) for anything else, or a result of the wrong shape (classify_result).
Document build_document(const nlohmann::json& result, const std::string& source = "the result");

// The whole report in one format. `plots` supplies drawn plots (HTML inlines their SVG,
// Markdown links their PNG); without them plots are left out, or replaced by
// plots.missing_reason when that is set. Throws ResultError as build_document does.
std::string render(const nlohmann::json& result, Format format, const PlotSet& plots = {},
                   const std::string& source = "the result");

// Writes report.html, report.md and the plots (plots/*.svg, *.png) into out_dir: what
// `tracebench run` writes beside result.json and `tracebench sweep` beside sweep.json (the
// result's schema says which report). Returns warnings (e.g. gnuplot missing: which package
// provides it); throws std::runtime_error naming the file on I/O failure, and ResultError for
// a result that is not a tracebench result.
std::vector<std::string> write_run_reports(const nlohmann::json& result, const std::string& out_dir);

// The same with explicit plot options (tests point gnuplot elsewhere).
std::vector<std::string> write_run_reports(const nlohmann::json& result, const std::string& out_dir,
                                           const PlotOptions& options);

}  // namespace tracebench::reports
