#pragma once
// The ring of runtime/trace's recorder, generation by generation, for the sizing tests:
// after each generation the ring is rebuilt from the newest back, adding an older one while
// the total so far is <= MaxBytes and the oldest kept is no older than MinAge (Go 1.26
// src/runtime/trace/recorder.go endGeneration). A snapshot first closes the generation
// being written (WriteTo's traceAdvance), so its newest generation is partial.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tracebench::sizing::testing {

struct SimulatedSnapshot {
  double window_s = 0;  // from the oldest kept generation's start to the snapshot
  double bytes = 0;     // every kept generation's bytes
  double rate_bytes_per_s() const { return window_s > 0 ? bytes / window_s : 0; }
};

// rate: trace bytes per second; fixed_fraction: the share of a full generation's bytes
// that every generation carries whatever its length (statuses, stack and string tables);
// phase_s: how far into a generation the snapshot is taken.
inline SimulatedSnapshot simulate_snapshot(double rate, double fixed_fraction, double phase_s, std::uint64_t max_bytes,
                                           double min_age_s) {
  struct Generation {
    double start_s, bytes;
  };
  const double gen_bytes = rate * 1.0;              // 1 s generations at this rate
  const double fixed = fixed_fraction * gen_bytes;  // statuses and tables, per generation
  const double variable_per_s = gen_bytes - fixed;
  std::vector<Generation> ring;
  auto end_generation = [&](Generation active, double now) {
    std::vector<Generation> next = {active};
    double size = active.bytes;
    for (auto it = ring.rbegin(); it != ring.rend(); ++it) {
      if (size > static_cast<double>(max_bytes) || now - next.back().start_s > min_age_s) break;
      size += it->bytes;
      next.push_back(*it);
    }
    std::reverse(next.begin(), next.end());
    ring = next;
  };
  const int full = static_cast<int>(min_age_s) + 40;  // long past filling
  for (int g = 0; g < full; ++g) end_generation({double(g), fixed + variable_per_s}, g + 1.0);
  const double now = full + phase_s;
  end_generation({double(full), fixed + variable_per_s * phase_s}, now);
  SimulatedSnapshot snap;
  snap.window_s = now - ring.front().start_s;
  for (const auto& g : ring) snap.bytes += g.bytes;
  return snap;
}

inline double snapshot_window(double rate, double fixed_fraction, double phase_s, std::uint64_t max_bytes,
                              double min_age_s) {
  return simulate_snapshot(rate, fixed_fraction, phase_s, max_bytes, min_age_s).window_s;
}

}  // namespace tracebench::sizing::testing
