#include "units/size_text.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "units/number_text.h"

namespace tracebench::units {
namespace {

constexpr std::string_view kBinaryUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
constexpr std::string_view kDecimalUnits[] = {"B", "kB", "MB", "GB", "TB"};

// Bytes below small_limit print whole; above, the unit steps up once the value would round
// to a whole base in three digits, so 1023.7 KiB reads "1 MiB", never "1024 KiB".
template <std::size_t N>
std::string scaled(double v, double base, double small_limit, const std::string_view (&units)[N]) {
  if (!std::isfinite(v)) return "-";
  if (std::fabs(v) < small_limit) return fmt::format("{:.0f} {}", v, units[0]);
  double x = v;
  std::size_t i = 0;
  while (i + 1 < N && std::fabs(x) >= base * 0.9995) {
    x /= base;
    ++i;
  }
  return fmt::format("{} {}", three_digits(x), units[i]);
}

std::uint64_t whole_bytes(double bytes) { return static_cast<std::uint64_t>(std::llround(bytes)); }

}  // namespace

std::string BinarySizeText::operator()(double bytes) const { return scaled(bytes, 1024.0, 1023.5, kBinaryUnits); }

std::string decimal_size_text(double bytes) { return scaled(bytes, 1000.0, 999.5, kDecimalUnits); }

std::string bytes_rate_text(double bytes_per_s) {
  if (!std::isfinite(bytes_per_s)) return "-";
  return binary_size_text(bytes_per_s) + "/s";
}

std::string rate_text(double bytes_per_s) {
  if (!std::isfinite(bytes_per_s)) return "-";
  return binary_size_text(whole_bytes(std::max(0.0, bytes_per_s))) + "/s";
}

std::string signed_size_text(double bytes) {
  if (!std::isfinite(bytes)) return "-";
  const std::string magnitude = binary_size_text(whole_bytes(std::fabs(bytes)));
  return bytes < 0 && magnitude != "0 B" ? "-" + magnitude : magnitude;
}

std::string signed_rate_text(double bytes_per_s) { return signed_size_text(bytes_per_s) + "/s"; }

}  // namespace tracebench::units
