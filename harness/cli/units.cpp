#include "cli/units.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace tracebench::cli {
namespace {

// Reads a leading non-negative decimal number ("12", "1.5", ".5"); returns the
// number of characters consumed, or 0 if there is none.
std::size_t read_number(std::string_view s, double& out) {
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == 0) return 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + i, out);
  if (ec != std::errc() || ptr != s.data() + i) return 0;
  return i;
}

template <std::size_t N>
bool lookup(const std::pair<std::string_view, double> (&table)[N], std::string_view unit,
            double& factor) {
  for (const auto& [name, f] : table) {
    if (name == unit) {
      factor = f;
      return true;
    }
  }
  return false;
}

}  // namespace

std::int64_t parse_duration_ns(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1.0}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  const auto bad = [&] {
    return BadValue(fmt::format("bad duration '{}': expected a number with a unit, e.g. 500ms, 30s, 1m",
                                text));
  };
  if (text.empty()) throw bad();
  if (text == "0") return 0;  // zero needs no unit
  std::string_view rest = text;
  double total_ns = 0;
  while (!rest.empty()) {
    double value = 0;
    std::size_t n = read_number(rest, value);
    if (n == 0) throw bad();
    rest.remove_prefix(n);
    std::size_t u = 0;
    while (u < rest.size() && !((rest[u] >= '0' && rest[u] <= '9') || rest[u] == '.')) ++u;
    double factor = 0;
    if (u == 0 || !lookup(kUnits, rest.substr(0, u), factor)) throw bad();
    rest.remove_prefix(u);
    total_ns += value * factor;
  }
  if (total_ns > 9.2e18) throw BadValue(fmt::format("bad duration '{}': too large", text));
  return static_cast<std::int64_t>(std::llround(total_ns));
}

std::uint64_t parse_size_bytes(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1.0},        {"B", 1.0},     {"k", 1e3},   {"K", 1e3},
      {"KB", 1e3},      {"kB", 1e3},    {"KiB", 1024.0}, {"M", 1e6},
      {"MB", 1e6},      {"MiB", 1048576.0}, {"G", 1e9}, {"GB", 1e9},
      {"GiB", 1073741824.0}, {"T", 1e12}, {"TB", 1e12}, {"TiB", 1099511627776.0}};
  double value = 0;
  std::size_t n = read_number(text, value);
  double factor = 0;
  if (n == 0 || !lookup(kUnits, text.substr(n), factor))
    throw BadValue(
        fmt::format("bad size '{}': expected a number of bytes with an optional unit, e.g. 4096, 64KiB, 16MiB",
                    text));
  double bytes = value * factor;
  if (bytes > 1.8e19) throw BadValue(fmt::format("bad size '{}': too large", text));
  // Not llround: its long long overflows from 2^63 on, well inside the sizes accepted here.
  return static_cast<std::uint64_t>(std::round(bytes));
}

double parse_count(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1.0}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}};
  double value = 0;
  std::size_t n = read_number(text, value);
  double factor = 0;
  if (n == 0 || !lookup(kUnits, text.substr(n), factor) || !std::isfinite(value))
    throw BadValue(fmt::format("bad number '{}': expected a non-negative number, e.g. 500, 20k, 1.5M", text));
  // A number of 300 digits is finite, but not once multiplied by its suffix.
  const double count = value * factor;
  if (!std::isfinite(count)) throw BadValue(fmt::format("bad number '{}': too large", text));
  return count;
}

}  // namespace tracebench::cli
