#pragma once
// The ways a run drives the target's tracer, plus a second, identical baseline for A/A runs.

#include <optional>
#include <string_view>

namespace tracebench::experiment {

enum class Mode {
  kOff,             // tracing off: the baseline
  kTrace,           // a full runtime/trace capture via /debug/pprof/trace for the round
  kFlightRecorder,  // the flight recorder on via the agent, one snapshot at the round's end
  // Tracing off again, as a mode of its own: `--modes off,off` compares the baseline with
  // itself inside the same blocks, so a user measures how often the machine alone makes a
  // "significant" change (the false-positive rate) before trusting a verdict.
  kOffAgain,
};

// Modes that run with tracing off (no capture, no recorder).
inline bool tracing_off(Mode m) { return m == Mode::kOff || m == Mode::kOffAgain; }

std::string_view to_string(Mode m);  // "off", "trace", "flightrecorder", "off2"

std::optional<Mode> parse_mode(std::string_view text);

}  // namespace tracebench::experiment
