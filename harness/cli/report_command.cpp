// `tracebench report RESULT`: re-renders a result (a run's result.json or a sweep's
// sweep.json) as text, JSON, Markdown or HTML with plots, without running anything.

#include <fmt/core.h>
#include <stdlib.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_parsing.h"
#include "cli/usage_error.h"
#include "reports/render.h"

namespace tracebench::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr std::string_view kReportUsage =
    "usage: tracebench report RESULT [--format text|json|md|html] [--out FILE]\n"
    "       tracebench report RESULT --out-dir DIR\n"
    "\n"
    "Renders a result again, from the result alone, without running anything. RESULT is\n"
    "a run's result.json (tracebench.run/v1), a sweep's sweep.json (tracebench.sweep/v1),\n"
    "the --out directory of run or sweep (its result.json, else its sweep.json), or - for\n"
    "stdin.\n"
    "\n"
    "A run report: the verdict (overhead, significance, recommendation), the evidence\n"
    "(statistics, latency, trace data, sizing, noise floor, rounds) and the context (host,\n"
    "tool, command line, warnings, and what the result does not hold).\n"
    "A sweep report: the verdict (trace bytes per request and the idle rate, each mode's\n"
    "overhead at each level and its trend, the prediction at the production rate), the\n"
    "levels, trace bytes/s and overhead against load with the fitted model and the\n"
    "production point, the prediction's sizes, and the context.\n"
    "\n"
    "  text   for a terminal (the default)\n"
    "  json   the same report as data (schema tracebench.report/v1)\n"
    "  md     Markdown; with --out, the plots go to plots/ beside FILE as PNG and SVG\n"
    "  html   one self-contained page (plots inline as SVG, no script, no network)\n"
    "\n"
    "--out-dir DIR writes what tracebench run and sweep write: DIR/report.html,\n"
    "DIR/report.md and DIR/plots/. Plots need gnuplot (Debian package gnuplot-nox); without\n"
    "it the reports render without pictures and say so.\n"
    "\n"
    "options:\n";

struct ReportOptions {
  std::string result_path;
  reports::Format format = reports::Format::kText;
  std::string out;
  std::string out_dir;
  bool plots = true;
  bool help = false;
};

ReportOptions parse(const std::vector<std::string>& args, po::options_description& visible) {
  ReportOptions o;
  std::string format = "text";
  bool no_plots = false;
  visible.add_options()("help,h", "print this help")(
      "format,f", po::value(&format)->default_value("text"), "text, json, md or html")(
      "out,o", po::value(&o.out), "write the report to FILE instead of stdout")(
      "out-dir", po::value(&o.out_dir), "write report.html, report.md and plots/ into DIR")(
      "no-plots", po::bool_switch(&no_plots), "draw no plots (gnuplot is not run)");
  po::options_description hidden;
  std::vector<std::string> positional;
  hidden.add_options()("result", po::value(&positional));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("result", -1);
  const po::variables_map vm = parse_flags(args, all, pos);
  if (vm.count("help")) {
    o.help = true;
    return o;
  }
  if (positional.size() != 1)
    throw UsageError(fmt::format("expected one result (result.json, sweep.json or their directory), got {}", positional.size()));
  o.result_path = positional.front();
  auto f = reports::parse_format(format);
  if (!f) throw UsageError(fmt::format("--format '{}': expected text, json, md or html", format));
  o.format = *f;
  if (!o.out_dir.empty()) {
    if (!o.out.empty()) throw UsageError("--out and --out-dir do not go together: --out-dir writes every format");
    if (!vm["format"].defaulted())
      throw UsageError("--format does not apply to --out-dir, which writes report.html and report.md");
  }
  o.plots = !no_plots;
  return o;
}

nlohmann::json read_result_or_stdin(const std::string& path) {
  if (path != "-") return reports::load_result(path);
  std::ostringstream s;
  s << std::cin.rdbuf();
  return reports::parse_result(s.str(), "stdin");
}

// A temporary directory removed on scope exit: plots drawn only to be inlined.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (fs::temp_directory_path() / "tracebench-report-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a temporary directory for the plots");
    path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

void warn(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) fmt::print(stderr, "tracebench report: warning: {}\n", w);
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
  po::options_description visible("");
  ReportOptions o;
  try {
    o = parse(args, visible);
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench report: {} (see tracebench report --help)\n", e.what());
    return kExitUsage;
  }
  if (o.help) {
    std::ostringstream s;
    s << visible;
    fmt::print("{}{}", kReportUsage, s.str());
    return kExitOk;
  }

  const std::string source = o.result_path == "-" ? "stdin" : "'" + o.result_path + "'";
  nlohmann::json result;
  try {
    result = read_result_or_stdin(o.result_path);
    reports::build_document(result, source);  // checks the schema: a clear error before any file is written
  } catch (const reports::ResultError& e) {
    fmt::print(stderr, "tracebench report: {}\n", e.what());
    return kExitUsage;
  }

  try {
    if (!o.out_dir.empty()) {
      std::vector<std::string> warnings;
      if (o.plots) {
        warnings = reports::write_run_reports(result, o.out_dir);
      } else {
        // Same files without pictures: render directly rather than pretend gnuplot is missing.
        fs::create_directories(o.out_dir);
        for (auto [format, name] : {std::pair{reports::Format::kMarkdown, "report.md"},
                                    std::pair{reports::Format::kHtml, "report.html"}}) {
          std::ofstream out(fs::path(o.out_dir) / name, std::ios::binary | std::ios::trunc);
          out << reports::render(result, format);
          if (!out) throw std::runtime_error(fmt::format("cannot write '{}/{}': {}", o.out_dir, name, std::strerror(errno)));
        }
      }
      warn(warnings);
      fmt::print("report: {}/report.html, {}/report.md{}\n", o.out_dir, o.out_dir,
                 o.plots && fs::exists(fs::path(o.out_dir) / "plots") ? fmt::format(", {}/plots/", o.out_dir) : "");
      return kExitOk;
    }

    reports::PlotSet plots;
    std::vector<std::string> warnings;
    std::unique_ptr<ScratchDir> scratch;
    const bool wants_plots = o.plots && (o.format == reports::Format::kHtml ||
                                         (o.format == reports::Format::kMarkdown && !o.out.empty()));
    if (wants_plots) {
      reports::PlotOptions po;
      std::string dir;
      if (o.format == reports::Format::kHtml) {
        scratch = std::make_unique<ScratchDir>();
        dir = scratch->path();
      } else {
        dir = (fs::path(o.out).parent_path() / "plots").string();
      }
      auto outcome = reports::draw_plots(result, dir, po);
      plots = std::move(outcome.plots);
      warnings = std::move(outcome.warnings);
    }
    const std::string text = reports::render(result, o.format, plots, source);
    if (o.out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    } else {
      std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
      out << text;
      out.flush();
      if (!out) {
        fmt::print(stderr, "tracebench report: cannot write '{}': {}\n", o.out, std::strerror(errno));
        return kExitRunFailed;
      }
    }
    warn(warnings);
    return kExitOk;
  } catch (const reports::ResultError& e) {
    fmt::print(stderr, "tracebench report: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tracebench report: {}\n", e.what());
    return kExitRunFailed;
  }
}

}  // namespace tracebench::cli
