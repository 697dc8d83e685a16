#pragma once
// How fast a real trace file opens, for sizing's "time to open": tracebench's own reader
// (the analysis `tracebench inspect` runs) and `go tool trace` (target/go_tool_trace.h).
// Blocking; each call measures one file once. Thread-compatible.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sizing/parse_speed.h"
#include "sizing/sizing.h"

namespace tracebench::experiment {

// Times tracebench's reader (trace::analyze_file with the options inspect uses). Throws
// the reader's IoError / FormatError for a file that cannot be read as a trace.
sizing::ParseSpeed measure_reader_speed(const std::string& path);

// target::time_go_tool_trace as a parse speed; nullopt with *why set when it was not timed.
std::optional<sizing::ParseSpeed> measure_go_tool_trace(const std::string& path, const std::string& go_binary,
                                                        double timeout_s, std::string* why);

// Paths of trace and snapshot files a run result still names (run with --keep-traces) that
// exist on disk, largest first.
std::vector<std::string> kept_trace_files(const nlohmann::json& result);

// When the result records no reader speed and options has none, times the reader on the
// largest kept file that reads (what could not be read goes into options.parse_speed_notes).
void time_reader_on_kept_trace(const nlohmann::json& result, sizing::SizingOptions& options);

// Times `go tool trace` on the largest kept file, as `tracebench size` does (tens of
// seconds on a large capture, hence only for runs that kept their files); why it was not
// timed goes into options.parse_speed_notes. Says what it times on stderr.
void time_go_tool_trace_on_kept_trace(const nlohmann::json& result, sizing::SizingOptions& options);

}  // namespace tracebench::experiment
