#pragma once
// `go tool trace` on a real file, timed: how long the viewer takes to parse and split a
// trace, which sizing turns into "time to open" a capture of a given size.
//
// Blocking. Thread-compatible (time_go_tool_trace starts a child process in its own
// process group and stops it before returning).

#include <cstdint>
#include <optional>
#include <string>

namespace tracebench::target {

// The `go` command: $PATH first, then /usr/local/go/bin/go; "" when neither exists.
std::string find_go_binary();

struct GoToolTraceTiming {
  std::uint64_t file_bytes = 0;   // the file's size
  double seconds = 0;             // "Preparing trace for viewer" to "Trace viewer is listening"
  bool startup_included = false;  // no "Preparing" line was seen: timed from the go command's start
};

// Runs `go tool trace -http=127.0.0.1:0 FILE` with no browser, and times from its
// "Preparing trace for viewer" line to "Trace viewer is listening" (the go command's own
// start-up and any build of cmd/trace are excluded), then stops it. nullopt with *why set
// when go fails, the file is refused, or timeout_s passes first.
std::optional<GoToolTraceTiming> time_go_tool_trace(const std::string& path, const std::string& go_binary,
                                                     double timeout_s, std::string* why);

}  // namespace tracebench::target
