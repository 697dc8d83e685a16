#pragma once
// Byte sizes and byte rates as text, three significant digits and a unit. Binary units for
// memory, MaxBytes and trace rates (MaxBytes is set in powers of two in Go code); decimal
// units for file budgets (as users give them). A value that rounds to 1024 of a unit is
// written as 1 of the next ("1 MiB", never "1024 KiB"). Pure, thread-safe; a non-finite
// value prints as "-".

#include <concepts>
#include <string>

namespace tracebench::units {

// 912 B, 640 KiB, 1.25 MiB, 24 MiB; negative sizes keep their sign ("-3 MiB").
// An object rather than overloads, so it can be passed as a formatter (or_dash, table
// columns) and still take integer byte counts without a narrowing warning (exact below 2^53).
struct BinarySizeText {
  std::string operator()(double bytes) const;
  template <std::integral T>
  std::string operator()(T bytes) const {
    return (*this)(static_cast<double>(bytes));
  }
};
inline constexpr BinarySizeText binary_size_text{};
// 800 kB, 48.9 MB, 1.5 GB.
std::string decimal_size_text(double bytes);
// 1.5 MiB/s, as binary_size_text with "/s".
std::string bytes_rate_text(double bytes_per_s);

// Rounded to whole bytes first, for sizing's sentences: a negative rate (an idle rate fitted
// below zero) prints as "0 B/s" in rate_text; the signed forms keep the sign, except where
// the magnitude rounds to zero ("-120 KiB", "-120 KiB/s", "0 B").
std::string rate_text(double bytes_per_s);
std::string signed_size_text(double bytes);
std::string signed_rate_text(double bytes_per_s);

}  // namespace tracebench::units
