#pragma once
// How fast a trace opens, as measured on a real file (experiment/trace_timing.h measures
// it): tracebench's own reader and `go tool trace`. Sizing turns a speed into "time to
// open" a capture of a given size. Pure; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tracebench::sizing {

enum class ParseTool {
  kTracebench,   // tracebench's own reader (full analysis, as inspect runs it)
  kGoToolTrace,  // go tool trace, up to its viewer listening
};
std::string_view to_string(ParseTool tool);  // "tracebench", "go tool trace": the JSON's "tool"

struct ParseSpeed {
  ParseTool tool = ParseTool::kTracebench;
  double mb_per_s = 0;          // file MB (1e6 bytes) per second
  std::uint64_t file_bytes = 0; // size of the file it was measured on (0 when not known)
  double seconds = 0;           // time taken on that file (0 when not known)
  std::string file;             // the file ("" when not known)
  std::string basis;            // what was timed, in words
};

nlohmann::json to_json(const ParseSpeed& s);

}  // namespace tracebench::sizing
