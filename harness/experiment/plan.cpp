#include "experiment/plan.h"

#include <algorithm>
#include <random>

namespace tracebench::experiment {

std::string_view to_string(Mode m) {
  switch (m) {
    case Mode::kOff: return "off";
    case Mode::kTrace: return "trace";
    case Mode::kFlightRecorder: return "flightrecorder";
  }
  return "unknown";
}

std::optional<Mode> parse_mode(std::string_view text) {
  for (Mode m : {Mode::kOff, Mode::kTrace, Mode::kFlightRecorder})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

std::vector<Mode> make_plan(const std::vector<Mode>& modes, int rounds_per_mode, std::uint64_t seed) {
  // mt19937_64 and a hand-rolled Fisher-Yates keep the order identical across standard
  // libraries (std::shuffle's use of the engine is implementation-defined).
  std::mt19937_64 rng(seed);
  std::vector<Mode> plan;
  plan.reserve(modes.size() * static_cast<std::size_t>(rounds_per_mode));
  for (int block = 0; block < rounds_per_mode; ++block) {
    std::vector<Mode> b = modes;
    for (std::size_t i = b.size(); i > 1; --i) std::swap(b[i - 1], b[rng() % i]);
    plan.insert(plan.end(), b.begin(), b.end());
  }
  return plan;
}

}  // namespace tracebench::experiment
