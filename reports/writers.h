#pragma once
// One writer per output format. Each takes a Document and returns the whole output; none
// touches the file system or throws.

#include <string>

#include "reports/document.h"

namespace tracebench::reports {

// The lambdas for std::visit over a Document's blocks, one per alternative.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// For a terminal: paragraphs wrapped at 100 columns, aligned tables, no plots (a plot drawn
// to a file is named by its PNG path).
std::string write_text(const Document& doc, const PlotSet& plots = {});

// GitHub-flavoured Markdown: pipe tables, fenced code, a plot as an image link to its PNG
// (plots.images[name].png_path) or, when none was drawn, the reason in italics.
std::string write_markdown(const Document& doc, const PlotSet& plots = {});

// One self-contained HTML page: inline CSS, plots as inline SVG, no script, no network; it
// prints, and reads in a narrow window (tables scroll sideways, plots scale).
std::string write_html(const Document& doc, const PlotSet& plots = {});

// {"schema": "tracebench.report/v1", "title", "subtitle", "verdict", "missing", "warnings",
// "sections": [{"id", "title", "blocks": [{"type": "table", ...}, ...]}]}, indented.
std::string write_json(const Document& doc);

// The number of code points in UTF-8 text: the width a terminal gives it (µ, ×, ± are one).
std::size_t display_width(const std::string& utf8);

}  // namespace tracebench::reports
