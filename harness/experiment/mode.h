#pragma once
// The three ways a run drives the target's tracer.

#include <optional>
#include <string_view>

namespace tracebench::experiment {

enum class Mode {
  kOff,             // tracing off: the baseline
  kTrace,           // a full runtime/trace capture via /debug/pprof/trace for the round
  kFlightRecorder,  // the flight recorder on via the agent, one snapshot at the round's end
};

std::string_view to_string(Mode m);
std::optional<Mode> parse_mode(std::string_view text);

}  // namespace tracebench::experiment
