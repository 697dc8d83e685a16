#include "experiment/trace_timing.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "result/run_result.h"
#include "sizing/result_rates.h"
#include "target/go_tool_trace.h"
#include "trace/analyze.h"
#include "units/repeated_notes.h"

namespace tracebench::experiment {

using nlohmann::json;

sizing::ParseSpeed measure_reader_speed(const std::string& path) {
  const trace::TraceSummary summary = trace::analyze_file(path);
  sizing::ParseSpeed s;
  s.tool = sizing::ParseTool::kTracebench;
  s.file = path;
  s.file_bytes = summary.file_bytes;
  s.seconds = summary.parse_seconds;
  s.mb_per_s = summary.parse_mb_per_second();
  s.basis = "tracebench's reader, full analysis as tracebench inspect runs it";
  return s;
}

std::optional<sizing::ParseSpeed> measure_go_tool_trace(const std::string& path, const std::string& go_binary,
                                                        double timeout_s, std::string* why) {
  const auto t = target::time_go_tool_trace(path, go_binary, timeout_s, why);
  if (!t) return std::nullopt;
  sizing::ParseSpeed s;
  s.tool = sizing::ParseTool::kGoToolTrace;
  s.file = path;
  s.file_bytes = t->file_bytes;
  s.seconds = t->seconds;
  s.mb_per_s = s.seconds > 0 ? static_cast<double>(t->file_bytes) / 1e6 / s.seconds : 0.0;
  s.basis = t->startup_included
                ? "go tool trace: from start to \"listening\" (go start-up included)"
                : "go tool trace: parse and split for the viewer, from \"Preparing trace\" to \"listening\"";
  return s;
}

std::vector<std::string> kept_trace_files(const json& result) {
  result::RunResultView run;
  try {
    run = result::read_run_result(result);
  } catch (const result::FormatError&) {
    return {};  // a document that is not a run result keeps no captures to offer
  }
  std::vector<std::pair<std::uintmax_t, std::string>> found;
  for (const auto& r : run.rounds)
    for (const auto* facts : {&r.trace, &r.snapshot}) {
      if (!*facts || (*facts)->file.empty()) continue;
      std::error_code ec;
      const auto size = std::filesystem::file_size((*facts)->file, ec);
      if (!ec && size > 0) found.emplace_back(size, (*facts)->file);
    }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

void time_reader_on_kept_trace(const json& result, sizing::SizingOptions& options) {
  const bool known = std::any_of(options.parse_speeds.begin(), options.parse_speeds.end(),
                                 [](const sizing::ParseSpeed& s) { return s.tool == sizing::ParseTool::kTracebench; });
  if (known || sizing::result_parse_mb_per_s(result)) return;
  std::vector<units::NoteAt> failures;
  for (const auto& file : kept_trace_files(result)) {
    try {
      options.parse_speeds.push_back(measure_reader_speed(file));
      return;
    } catch (const std::exception& e) {
      failures.push_back({fmt::format("'{}'", file), e.what()});
    }
  }
  // Every round of an old target fails alike: one note per reason, not one per file.
  for (auto& note : units::once_per_note(failures, "files"))
    options.parse_speed_notes.push_back("could not time the reader: " + note);
}

void time_go_tool_trace_on_kept_trace(const json& result, sizing::SizingOptions& options) {
  const std::vector<std::string> files = kept_trace_files(result);
  if (files.empty()) return;
  const std::string go = target::find_go_binary();
  if (go.empty()) {
    options.go_tool_not_timed = "go tool trace not timed: no go command in $PATH or /usr/local/go/bin";
    return;
  }
  fmt::print(stderr, "timing go tool trace on {} ...\n", files.front());
  std::string why;
  if (auto speed = measure_go_tool_trace(files.front(), go, 180.0, &why))
    options.parse_speeds.push_back(*speed);
  else
    options.go_tool_not_timed = "go tool trace not timed: " + why;
}

}  // namespace tracebench::experiment
