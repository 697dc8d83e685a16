#include "experiment/plan.h"

#include <algorithm>
#include <random>

namespace tracebench::experiment {

std::string_view to_string(Mode m) {
  switch (m) {
    case Mode::kOff: return "off";
    case Mode::kTrace: return "trace";
    case Mode::kFlightRecorder: return "flightrecorder";
    case Mode::kOffAgain: return "off2";
  }
  return "unknown";
}

std::optional<Mode> parse_mode(std::string_view text) {
  for (Mode m : {Mode::kOff, Mode::kTrace, Mode::kFlightRecorder, Mode::kOffAgain})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

BlockOrder::BlockOrder(std::vector<Mode> modes, std::uint64_t seed) : modes_(std::move(modes)), rng_(seed) {}

std::vector<Mode> BlockOrder::next() {
  // mt19937_64 and a hand-rolled Fisher-Yates keep the order identical across standard
  // libraries (std::shuffle's use of the engine is implementation-defined).
  std::vector<Mode> b = modes_;
  for (std::size_t i = b.size(); i > 1; --i) std::swap(b[i - 1], b[rng_() % i]);
  return b;
}

std::vector<Mode> make_plan(const std::vector<Mode>& modes, int blocks, std::uint64_t seed) {
  BlockOrder order(modes, seed);
  std::vector<Mode> plan;
  plan.reserve(modes.size() * static_cast<std::size_t>(std::max(blocks, 0)));
  for (int block = 0; block < blocks; ++block) {
    const auto b = order.next();
    plan.insert(plan.end(), b.begin(), b.end());
  }
  return plan;
}

}  // namespace tracebench::experiment
