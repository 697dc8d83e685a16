#pragma once
// How fast a trace opens, measured on a real file: tracebench's own reader (the analysis
// `tracebench inspect` runs) and `go tool trace` (parsing and splitting the trace for its
// viewer). Sizing turns a speed into "time to open" a capture of a given size.
//
// Blocking; each call measures one file once. Thread-compatible (measure_go_tool_trace
// starts a child process in its own process group and stops it before returning).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace tracebench::sizing {

struct ParseSpeed {
  std::string tool;             // "tracebench" or "go tool trace"
  double mb_per_s = 0;          // file MB (1e6 bytes) per second
  std::uint64_t file_bytes = 0; // size of the file it was measured on (0 when not known)
  double seconds = 0;           // time taken on that file (0 when not known)
  std::string file;             // the file ("" when not known)
  std::string basis;            // what was timed, in words
};

nlohmann::json to_json(const ParseSpeed& s);

// Times tracebench's reader (trace::analyze_file with the options inspect uses). Throws
// the reader's IoError / FormatError for a file that cannot be read as a trace.
ParseSpeed measure_reader_speed(const std::string& path);

// The `go` command: $PATH first, then /usr/local/go/bin/go; "" when neither exists.
std::string find_go_binary();

// Runs `go tool trace -http=127.0.0.1:0 FILE` with no browser, and times from its
// "Preparing trace for viewer" line to "Trace viewer is listening" (the go command's own
// start-up and any build of cmd/trace are excluded), then stops it. nullopt with *why set
// when go fails, the file is refused, or timeout_s passes first.
std::optional<ParseSpeed> measure_go_tool_trace(const std::string& path, const std::string& go_binary,
                                                double timeout_s, std::string* why);

}  // namespace tracebench::sizing
