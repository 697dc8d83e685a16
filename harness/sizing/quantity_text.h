#pragma once
// Text for the quantities sizing prints: byte sizes and trace rates in binary units
// (MaxBytes is set in powers of two in Go code, and tracebench run prints MiB/s), file
// budgets in decimal MB (as users give them), and durations. Pure, thread-safe.

#include <cstdint>
#include <string>

namespace tracebench::sizing {

// 24 MiB, 1.25 MiB, 640 KiB, 512 B (at most 3 significant digits).
std::string binary_size_text(std::uint64_t bytes);
// 50 MB, 1.5 GB, 800 kB (decimal, at most 3 significant digits).
std::string decimal_size_text(double bytes);
// 2.31 MiB/s (binary, as binary_size_text); negative rates print as 0 B/s.
std::string rate_text(double bytes_per_s);
// As binary_size_text and rate_text, keeping the sign: "-120 KiB", "-120 KiB/s" (an idle
// rate fitted below zero, an RSS that shrank).
std::string signed_size_text(double bytes);
std::string signed_rate_text(double bytes_per_s);
// 10 s, 1.5 s, 250 ms, 2 min.
std::string seconds_text(double seconds);

}  // namespace tracebench::sizing
