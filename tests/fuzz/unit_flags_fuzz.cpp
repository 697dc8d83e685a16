// libFuzzer target for the parsers of flag values: durations, sizes and counts/rates
// (cli/units.h), percentages (gates::parse_percent: check's budgets, run's --precision) and
// the --budget of size and sweep (sizing::parse_budget_pct). Every input goes to each.
// A parser accepts a value or throws its error type; on success its contract must hold:
//   durations: non-negative; below 2^53 ns, exact (go_duration_text reads back the same)
//   sizes: the count of bytes the number means (within rounding; a bare number or a k/M/G
//          suffix is compared with parse_count of the same text, which shares the units)
//   counts and percentages: finite and non-negative; a budget: within 0.01% to 100%.
//
// Built with clang by scripts/fuzz.sh; also compiled into the g++ unit test that replays
// tests/fuzz/corpus/unit_flags/.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/units.h"
#include "gates/budget_check.h"
#include "gates/errors.h"
#include "sizing/sizing.h"
#include "units/duration_text.h"

namespace {

namespace cli = tracebench::cli;

[[noreturn]] void fail(const std::string& text, const std::string& what) {
  std::fprintf(stderr, "unit_flags_fuzz: '%s': %s\n", text.c_str(), what.c_str());
  std::abort();
}

void duration(const std::string& text) {
  std::int64_t ns = 0;
  try {
    ns = cli::parse_duration_ns(text);
  } catch (const cli::BadValue&) {
    return;
  }
  if (ns < 0) fail(text, "a negative duration " + std::to_string(ns));
  if (ns >= (std::int64_t{1} << 53)) return;  // beyond a double's exact integers
  const std::string again = tracebench::units::go_duration_text(ns);
  if (cli::parse_duration_ns(again) != ns) fail(text, std::to_string(ns) + " ns written as '" + again + "' reads back differently");
}

void size(const std::string& text) {
  std::uint64_t bytes = 0;
  try {
    bytes = cli::parse_size_bytes(text);
  } catch (const cli::BadValue&) {
    return;
  }
  double count = 0;
  try {
    count = cli::parse_count(text);
  } catch (const cli::BadValue&) {
    return;  // a unit parse_count does not know (KiB, MB, ...)
  }
  if (std::fabs(static_cast<double>(bytes) - count) > 0.5 + count * 1e-15)
    fail(text, "reads as " + std::to_string(bytes) + " bytes, but the number is " + std::to_string(count));
}

void count(const std::string& text) {
  double v = 0;
  try {
    v = cli::parse_count(text);
  } catch (const cli::BadValue&) {
    return;
  }
  if (!std::isfinite(v) || v < 0) fail(text, "a count of " + std::to_string(v));
}

void percent(const std::string& text) {
  double v = 0;
  try {
    v = tracebench::gates::parse_percent(text);
  } catch (const tracebench::gates::GateInputError&) {
    return;
  }
  if (!std::isfinite(v) || v < 0) fail(text, "a percentage of " + std::to_string(v));
}

void budget(const std::string& text) {
  double pct = -1;
  if (!tracebench::sizing::parse_budget_pct("--budget", text, &pct).empty()) return;
  if (!(pct >= tracebench::sizing::kMinBudgetPct && pct <= tracebench::sizing::kMaxBudgetPct))
    fail(text, "a budget of " + std::to_string(pct) + "%");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size_bytes) {
  const std::string text(reinterpret_cast<const char*>(data), size_bytes);
  duration(text);
  size(text);
  count(text);
  percent(text);
  budget(text);
  return 0;
}
