#include "sizing/quantity_text.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

namespace tracebench::sizing {
namespace {

// Three significant digits without a trailing ".0": 24, 1.25, 12.5.
std::string three_digits(double v) {
  std::string s = fmt::format("{:.3g}", v);
  if (s.find('e') != std::string::npos) s = fmt::format("{:.0f}", v);
  return s;
}

}  // namespace

std::string binary_size_text(std::uint64_t bytes) {
  static constexpr std::string_view kNames[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  std::size_t i = 0;
  while (v >= 1024.0 && i + 1 < std::size(kNames)) {
    v /= 1024.0;
    ++i;
  }
  return fmt::format("{} {}", i == 0 ? std::to_string(bytes) : three_digits(v), kNames[i]);
}

std::string decimal_size_text(double bytes) {
  static constexpr std::string_view kNames[] = {"B", "kB", "MB", "GB", "TB"};
  double v = bytes;
  std::size_t i = 0;
  while (std::fabs(v) >= 1000.0 && i + 1 < std::size(kNames)) {
    v /= 1000.0;
    ++i;
  }
  return fmt::format("{} {}", i == 0 ? fmt::format("{:.0f}", v) : three_digits(v), kNames[i]);
}

std::string rate_text(double bytes_per_s) {
  return binary_size_text(static_cast<std::uint64_t>(std::llround(std::max(0.0, bytes_per_s)))) + "/s";
}

std::string signed_size_text(double bytes) {
  const std::string magnitude = binary_size_text(static_cast<std::uint64_t>(std::llround(std::fabs(bytes))));
  return bytes < 0 && magnitude != "0 B" ? "-" + magnitude : magnitude;
}

std::string signed_rate_text(double bytes_per_s) { return signed_size_text(bytes_per_s) + "/s"; }

std::string seconds_text(double seconds) {
  if (seconds < 1.0) return fmt::format("{} ms", three_digits(seconds * 1e3));
  if (seconds >= 120.0) return fmt::format("{} min", three_digits(seconds / 60.0));
  return fmt::format("{} s", three_digits(seconds));
}

}  // namespace tracebench::sizing
