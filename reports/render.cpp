#include "reports/render.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "reports/run_document.h"
#include "reports/sweep_document.h"
#include "reports/writers.h"

namespace tracebench::reports {
namespace {

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
  out << content;
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text" || name == "txt") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "md" || name == "markdown") return Format::kMarkdown;
  if (name == "html") return Format::kHtml;
  return std::nullopt;
}

Document build_document(const nlohmann::json& result, const std::string& source) {
  if (classify_result(result, source) == ResultKind::kSweep) return build_sweep_document(result);
  return build_run_document(result);
}

std::string render(const nlohmann::json& result, Format format, const PlotSet& plots, const std::string& source) {
  const Document doc = build_document(result, source);
  switch (format) {
    case Format::kText: return write_text(doc, plots);
    case Format::kJson: return write_json(doc);
    case Format::kMarkdown: return write_markdown(doc, plots);
    case Format::kHtml: return write_html(doc, plots);
  }
  return {};
}

std::vector<std::string> write_run_reports(const nlohmann::json& result, const std::string& out_dir) {
  return write_run_reports(result, out_dir, PlotOptions{});
}

std::vector<std::string> write_run_reports(const nlohmann::json& result, const std::string& out_dir,
                                           const PlotOptions& options) {
  const Document doc = build_document(result);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create '{}': {}", out_dir, ec.message()));
  PlotOptions po = options;
  po.png_link_prefix = "plots/";
  PlotOutcome plots = draw_plots(result, (std::filesystem::path(out_dir) / "plots").string(), po);
  write_file(std::filesystem::path(out_dir) / "report.md", write_markdown(doc, plots.plots));
  write_file(std::filesystem::path(out_dir) / "report.html", write_html(doc, plots.plots));
  return plots.warnings;
}

}  // namespace tracebench::reports
