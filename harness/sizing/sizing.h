#pragma once
// Recommendations from measured trace rates: flight-recorder MaxBytes/MinAge for wanted
// windows, capture windows for file budgets, and an overhead verdict. (Contract; see
// docs/sizing.md; the verification of a size on the real runtime is experiment/verify_window.h.)

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sizing/parse_speed.h"

namespace tracebench::sizing {

struct SizingOptions {
  std::vector<std::int64_t> windows_ns = {1'000'000'000, 5'000'000'000, 10'000'000'000, 30'000'000'000,
                                          60'000'000'000};
  std::vector<std::uint64_t> file_budgets_bytes = {10'000'000, 50'000'000, 200'000'000};
  std::optional<double> budget_pct;  // overhead budget for the verdict, e.g. 2.0
  // Parse speeds measured by the caller (tracebench size measures them on a trace file);
  // used before the result's own modes.trace.parse_mb_per_s. When neither is known the
  // time to open is reported as not measured, never guessed.
  std::vector<ParseSpeed> parse_speeds;
  // A reason no speed was measured, shown when none is known (e.g. "go is not installed").
  std::vector<std::string> parse_speed_notes;
  // Why go tool trace was not timed, when the caller tried and could not (or was told not
  // to): said after parse_speed_notes. Without it, and without a go tool trace speed, the
  // recommendations say how to time it.
  std::optional<std::string> go_tool_not_timed;
};

// Limits on what options make sense: windows 1 s to 1 h (the recorder keeps whole ~1 s
// generations), file budgets 64 KiB to 100 GB, an overhead budget from 0.01% (finer than
// any run resolves) to 100% (a throughput drop cannot be larger).
inline constexpr std::int64_t kMinWindowNs = 1'000'000'000;
inline constexpr std::int64_t kMaxWindowNs = 3'600'000'000'000;
inline constexpr std::uint64_t kMinFileBudgetBytes = 64u << 10;
inline constexpr std::uint64_t kMaxFileBudgetBytes = 100'000'000'000;
inline constexpr double kMinBudgetPct = 0.01;
inline constexpr double kMaxBudgetPct = 100.0;
// "" when usable; else one line naming the value and the range expected.
std::string validate(const SizingOptions& options);

// The --budget flag of size and sweep (one parser, so both say the same): "2%", "0.5%" or
// "2" (percent). Returns "" and sets *pct, or one line starting with `flag`:
//   "--budget: bad budget 'lots': expected a percentage, e.g. 2%"
//   "--budget 0% is out of range: expected 0.01% to 100%"
std::string parse_budget_pct(const std::string& flag, const std::string& text, double* pct);

// The "recommendations" object for a run result (schema tracebench.run/v1), computed only
// from what the result holds (modes.trace.trace_bytes_per_s, rounds[], comparisons[], ...).
// Never throws for a result without trace data: the object then says what is missing.
nlohmann::json recommend(const nlohmann::json& run_result, const SizingOptions& options);

// The same object for a rate given by hand (tracebench size --bytes-per-sec): no spread was
// measured, so the upper rate is bytes_per_s × kAssumedSpread (said in the object); no
// overhead verdict. bytes_per_s > 0.
nlohmann::json recommend_for_rate(double bytes_per_s, const SizingOptions& options);


}  // namespace tracebench::sizing
